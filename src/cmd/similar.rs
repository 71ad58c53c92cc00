//! `imr similar CASE[/ITEM]`: the decisions most like one disputed item, and their outcomes.

use crate::cli::SimilarArgs;
use crate::print::{self, Style};
use crate::search::SearchError;
use crate::similar;
use crate::store::{self, Store};
use std::io::{self, Write};

pub fn run(args: &SimilarArgs) -> anyhow::Result<u8> {
    let (case, item) = match similar::parse_id(&args.id) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("imr: {e}");
            return Ok(2);
        }
    };
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let found = match similar::similar(&store, &searcher, &case, item, limit) {
        Ok(f) => f,
        Err(e @ SearchError::Limit(_)) => {
            eprintln!("imr: {e}");
            return Ok(2);
        }
        Err(e) => return Err(e.into()),
    };
    let Some(found) = found else {
        eprintln!("imr: no decision {case} item {item} in the index at {}", path.display());
        return Ok(1);
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        eprintln!("imr: {}", found.summary());
        print::similar_json(&mut out, &found)?;
    } else {
        print::similar_table(&mut out, &found, Style::detect())?;
    }
    out.flush()?;
    Ok(if found.decisions.is_empty() { 1 } else { 0 })
}
