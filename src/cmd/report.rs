//! `imr report citations|outcomes`: counts from the index's fast fields, printed as a table,
//! CSV, JSON Lines or a self-contained HTML page.

use crate::cli::{CitationBy, Format, OutcomeBy, ReportCommand, ReportOptions};
use crate::print;
use crate::report::{self, Dimension, Request};
use crate::search::SearchError;
use crate::store::{self, Store};
use anyhow::Context;
use std::io::{self, Write};

pub fn run(cmd: &ReportCommand) -> anyhow::Result<u8> {
    let (rows, by, options) = match cmd {
        ReportCommand::Citations(a) => {
            let by = a.by.map(|b| match b {
                CitationBy::Outcome => Dimension::Outcome,
                CitationBy::Year => Dimension::Year,
                CitationBy::Specialty => Dimension::Specialty,
                CitationBy::CitedBy => Dimension::CitationBy,
            });
            (Dimension::Citation, by, &a.options)
        }
        ReportCommand::Outcomes(a) => {
            let rows = match a.by {
                OutcomeBy::ProcedureCategory => Dimension::Category,
                OutcomeBy::ProcedureSubcategory => Dimension::Subcategory,
                OutcomeBy::Specialty => Dimension::Specialty,
                OutcomeBy::Year => Dimension::Year,
                OutcomeBy::BodyRegion => Dimension::BodyRegion,
                OutcomeBy::Diagnosis => Dimension::Condition,
                OutcomeBy::Citation => Dimension::Citation,
                OutcomeBy::Layout => Dimension::Layout,
            };
            (rows, None, &a.options)
        }
    };
    produce(rows, by, options)
}

fn produce(rows: Dimension, by: Option<Dimension>, o: &ReportOptions) -> anyhow::Result<u8> {
    let path = o.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let query = o.query.join(" ");
    let tables = crate::tables::UserTables::load()?;
    let vocabulary = tables.vocabulary();
    let req = Request {
        query: (!query.trim().is_empty()).then_some(query.as_str()),
        filters: &[],
        rows,
        by,
        top: o.top.map(|t| usize::try_from(t).unwrap_or(usize::MAX)),
        min: o.min,
        words: crate::search::words(o.exact, vocabulary.as_deref()),
    };
    let report = match report::run(&store, &searcher, &req) {
        Ok(r) => r,
        Err(SearchError::Query { query, reason }) => {
            eprintln!("imr: bad query {query:?}: {reason}");
            return Ok(2);
        }
        Err(e) => return Err(e.into()),
    };
    let mut out: Box<dyn Write> = match &o.output {
        Some(file) => Box::new(io::BufWriter::new(
            std::fs::File::create(file).with_context(|| format!("cannot write {}", file.display()))?,
        )),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    match o.format {
        Format::Table => print::report_table(&mut out, &report)?,
        Format::Csv => print::report_csv(&mut out, &report)?,
        Format::Json => print::report_json(&mut out, &report)?,
        Format::Html => out.write_all(print::html::report_file(&report).as_bytes())?,
    }
    out.flush()?;
    if let Some(file) = &o.output {
        eprintln!("imr: wrote {} ({} rows)", file.display(), report.rows.len());
    }
    Ok(if report.decisions == 0 { 1 } else { 0 })
}
