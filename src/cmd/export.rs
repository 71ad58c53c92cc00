//! `imr export`: the index's decisions (or a query's) as Parquet, JSON Lines or CSV files.

use crate::cli::ExportArgs;
use crate::export::{self, Sink};
use crate::search::{self, SearchError};
use crate::store::{self, Store};
use crate::tables::UserTables;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::time::Instant;

/// Letters read and turned into rows in parallel before their rows are written, in order.
const CHUNK: usize = 512;

pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let user = UserTables::load()?;
    let tables = user.tables();
    let query = args.query.join(" ");
    let selected = if query.trim().is_empty() {
        export::select(&searcher, &tantivy::query::AllQuery)?
    } else {
        let vocabulary = user.vocabulary();
        let words = search::words(args.exact, vocabulary.as_deref());
        let plan = match search::plan(&store, &searcher, &query, words, false, &[]) {
            Ok(p) => p,
            Err(SearchError::Query { query, reason }) => {
                eprintln!("imr: bad query {query:?}: {reason}");
                return Ok(2);
            }
            Err(e) => return Err(e.into()),
        };
        export::select(&searcher, &*plan.query)?
    };
    let mut sink = Sink::create(&args.out, args.format, usize::try_from(args.rows_per_file).unwrap_or(usize::MAX))?;
    let progress = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(selected.decisions), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} decisions, {elapsed} (about {eta} left)")
                .expect("valid template"),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let fields = store.fields;
    let mut failed = 0u64;
    let mut letters = 0u64;
    // Rows are built in parallel a chunk at a time, while a thread of its own writes the
    // chunk before (encoding Parquet is the other half of the work); order is kept.
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<export::Row>>(2);
    let writer = std::thread::spawn(move || -> anyhow::Result<export::Written> {
        for rows in receive {
            sink.push(rows)?;
        }
        sink.finish()
    });
    for chunk in selected.letters.chunks(CHUNK) {
        let built: Vec<Result<Vec<export::Row>, (String, SearchError)>> = chunk
            .par_iter()
            .map_init(export::analyzer, |analyzer, s| {
                let (letter, facts, items) = export::read(&searcher, &fields, s).map_err(|e| (s.path.clone(), e))?;
                Ok(export::rows(&letter, &facts, &items, tables.citations, analyzer))
            })
            .collect();
        let mut rows = Vec::with_capacity(built.len() * 3);
        for r in built {
            match r {
                Ok(mut these) => {
                    letters += 1;
                    rows.append(&mut these);
                }
                Err((path, e)) => {
                    failed += 1;
                    progress.suspend(|| eprintln!("imr: {path}: not exported: {e}"));
                }
            }
        }
        progress.inc(rows.len() as u64);
        if send.send(rows).is_err() {
            break; // the writer stopped: its error is reported below
        }
    }
    drop(send);
    let written = writer.join().map_err(|_| anyhow::anyhow!("the export's writer stopped unexpectedly"))??;
    progress.finish_and_clear();
    eprintln!(
        "imr: exported {} decisions of {letters} letters to {}: {} files in {} year folders, {:.1} MB of {}, in {:.1} s",
        written.rows,
        args.out.display(),
        written.files,
        written.partitions,
        written.bytes as f64 / 1e6,
        args.format.name(),
        started.elapsed().as_secs_f64()
    );
    match selected.without_items {
        0 => {}
        1 => eprintln!("imr: 1 letter whose items could not be read has no decision, so no row (reports do not count it either)"),
        n => eprintln!("imr: {n} letters whose items could not be read have no decision, so no row (reports do not count them either)"),
    }
    if failed > 0 {
        eprintln!("imr: {failed} letters could not be read back from the index (see above); rebuild it with `imr index --rebuild`");
        return Ok(2);
    }
    Ok(if written.rows == 0 { 1 } else { 0 })
}
