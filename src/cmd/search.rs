//! `imr search`: a query -> ranked decisions on stdout; how the query was read on stderr
//! (JSON) or above the results (terminal).

use crate::cli::SearchArgs;
use crate::print::{self, Style};
use crate::search::{self, SearchError};
use crate::store::{self, Store};
use std::io::{self, Write};

pub fn run(args: &SearchArgs) -> anyhow::Result<u8> {
    let raw = args.query.join(" ");
    let tables = crate::tables::UserTables::load()?;
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let req = search::Request {
        query: raw.clone(),
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        anywhere: args.anywhere,
        exact: args.exact,
        vocabulary: tables.vocabulary(),
        elsewhere: true, // the header says how many more mention the words elsewhere
        ..Default::default()
    };
    let results = match search::search(&store, &searcher, &req) {
        Ok(r) => r,
        Err(SearchError::Query { query, reason }) => {
            eprintln!("imr: bad query {query:?}: {reason}");
            return Ok(2);
        }
        Err(e) => return Err(e.into()),
    };
    let header = print::search_header(&raw, &results);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        eprintln!("imr: {header}");
        for s in &results.suggestions {
            eprintln!("imr: {}", print::did_you_mean(s));
        }
        print::hits_json(&mut out, &results)?;
    } else {
        writeln!(out, "{header}")?;
        for s in &results.suggestions {
            writeln!(out, "{}", print::did_you_mean(s))?;
        }
        writeln!(out)?;
        let style = Style::detect();
        if args.case {
            print::hits_by_case(&mut out, &results, style)?;
        } else {
            print::hits_table(&mut out, &results, style)?;
        }
    }
    out.flush()?;
    if results.hits.is_empty() {
        if !args.json {
            eprintln!("imr: no decisions match");
        }
        return Ok(1);
    }
    Ok(0)
}
