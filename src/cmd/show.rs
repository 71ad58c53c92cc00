//! `imr show CASE_NUMBER`: one letter back from the index, in full.

use crate::cli::ShowArgs;
use crate::print::{self, Style};
use crate::search;
use crate::store::{self, Store};
use crate::tables::UserTables;
use std::io::{self, Write};

pub fn run(args: &ShowArgs) -> anyhow::Result<u8> {
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let tables = UserTables::load()?;
    let letters = search::letters_cited(&store, &searcher, &args.case_number, tables.tables().citations)?;
    if letters.is_empty() {
        eprintln!("imr: no letter {:?} in the index at {}", args.case_number, path.display());
        return Ok(1);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for (n, l) in letters.iter().enumerate() {
        if args.json {
            serde_json::to_writer(&mut out, l)?;
            writeln!(out)?;
        } else {
            if n > 0 {
                writeln!(out, "\n{}\n", "=".repeat(96))?;
            }
            print::letter(&mut out, l, Style::detect())?;
        }
    }
    out.flush()?;
    Ok(0)
}
