//! `imr index`: letters -> the index. Reading and parsing run on rayon's threads; tantivy's
//! own threads build the segments; one commit at the end carries the version stamp.

use crate::cli::IndexArgs;
use crate::document;
use crate::ingest::{self, Loaded, Tally};
use crate::schema::{Fields, NO_ITEM_OUTCOME};
use crate::store::{self, Stamp, Store};
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};
use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, TantivyError, Term};

/// tantivy's indexing memory, shared by its threads.
const WRITER_BUDGET: usize = 256 * 1024 * 1024;

pub fn run(args: &IndexArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open_or_create(&path, args.rebuild)?;
    let mut writer: IndexWriter = match store.index.writer(WRITER_BUDGET) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
            bail!("another `imr index` is writing to {}; wait for it to finish", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write to the index at {}", path.display())),
    };

    let progress = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"));
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };

    let fields = store.fields;
    let (mut decisions, mut files) = (0u64, 0u64);
    let user = crate::tables::UserTables::load()?;
    let result = ingest::run(&args.paths, args.threads.unwrap_or(0), &user.tables(), |loaded| -> anyhow::Result<()> {
        match loaded {
            Loaded::Letter { path, format, letter, .. } => {
                let key = identity(&path);
                writer.delete_term(Term::from_field_text(fields.path, &key));
                for doc in document::documents(&fields, &letter, &key, format.as_str()) {
                    writer.add_document(doc).with_context(|| format!("cannot index {}", path.display()))?;
                    decisions += 1;
                }
            }
            Loaded::Skipped { path, reason } => {
                progress.suspend(|| eprintln!("imr: {}: skipped: {reason}", path.display()))
            }
            Loaded::Failed { path, reason } => progress.suspend(|| eprintln!("imr: {}: {reason}", path.display())),
        }
        files += 1;
        progress.set_message(format!("{files} files read, {decisions} decisions indexed"));
        Ok(())
    })?;
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            progress.finish_and_clear();
            let _ = writer.rollback();
            return Err(e.context("indexing stopped; the index is as it was before this run"));
        }
    };
    progress.set_message("committing");
    let stamp = serde_json::to_string(&Stamp::current())?;
    let mut prepared = writer.prepare_commit().context("cannot commit the index")?;
    prepared.set_payload(&stamp);
    prepared.commit().context("cannot commit the index")?;
    writer.wait_merging_threads().context("cannot finish merging the index")?;
    progress.finish_and_clear();

    let secs = started.elapsed().as_secs_f64();
    eprintln!("imr: {}", summary(&tally, secs));
    let (letters, docs) = contents(&store, &fields)?;
    eprintln!("imr: the index at {} holds {letters} letters, {docs} decisions", path.display());
    Ok(if tally.failed == 0 { 0 } else { 2 })
}

/// A letter's identity in the index: its absolute path, so indexing the same file again
/// replaces it however the folder was named on the command line.
fn identity(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

fn summary(t: &Tally, secs: f64) -> String {
    let mb = t.bytes as f64 / 1e6;
    format!(
        "{} files seen: {} indexed, {} skipped, {} failed; {} letters, {} decisions ({} upheld, {} overturned, {} without outcome); {mb:.1} MB in {secs:.2} s ({:.1} MB/s)",
        t.seen,
        t.parsed,
        t.skipped,
        t.failed,
        t.parsed,
        t.items,
        t.upheld,
        t.overturned,
        t.no_outcome,
        if secs > 0.0 { mb / secs } else { 0.0 }
    )
}

/// Letters (documents for item 0 or 1) and decisions (documents of real items) in the last
/// commit.
fn contents(store: &Store, f: &Fields) -> anyhow::Result<(usize, u64)> {
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let first = |n: u64| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_u64(f.item_no, n), IndexRecordOption::Basic))
    };
    let letters =
        searcher.search(&BooleanQuery::new(vec![(Occur::Should, first(0)), (Occur::Should, first(1))]), &Count)?;
    let no_items = TermQuery::new(Term::from_field_text(f.outcome, NO_ITEM_OUTCOME), IndexRecordOption::Basic);
    let empty = searcher.search(&no_items, &Count)? as u64;
    Ok((letters, searcher.num_docs() - empty))
}
