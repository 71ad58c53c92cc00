//! `imr search`: a query -> ranked decisions on stdout; how the query was read on stderr
//! (JSON) or above the results (terminal).

use crate::cli::SearchArgs;
use crate::print::{self, Style};
use crate::search::{self, Scope, SearchError};
use crate::store::{self, Store};
use std::io::{self, Write};

pub fn run(args: &SearchArgs) -> anyhow::Result<u8> {
    let raw = args.query.join(" ");
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let results = match search::search(&store, &searcher, &raw, limit, args.anywhere) {
        Ok(r) => r,
        Err(SearchError::Query { query, reason }) => {
            eprintln!("imr: bad query {query:?}: {reason}");
            return Ok(2);
        }
        Err(e) => return Err(e.into()),
    };
    let scope = match results.scope {
        Scope::Item if results.elsewhere > 0 => format!(
            " in the disputed item itself ({} more mention the words elsewhere: add --anywhere)",
            results.elsewhere
        ),
        Scope::Item => " in the disputed item itself".to_string(),
        Scope::Decision if results.elsewhere > 0 => {
            format!(" ({} more mention the words only in a case summary: add --anywhere)", results.elsewhere)
        }
        Scope::Decision | Scope::Anywhere => String::new(),
    };
    let header = format!(
        "{} decision{} match {:?}{scope} (read as: {}{}){}",
        results.total,
        if results.total == 1 { "" } else { "s" },
        raw,
        results.reading.describe(),
        if results.reading.notes.is_empty() {
            String::new()
        } else {
            format!("; {}", results.reading.notes.join("; "))
        },
        if results.total > results.hits.len() { format!("; showing {}", results.hits.len()) } else { String::new() },
    );
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        eprintln!("imr: {header}");
        print::hits_json(&mut out, &results)?;
    } else {
        writeln!(out, "{header}\n")?;
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
