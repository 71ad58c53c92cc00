//! `imr index`: letters -> the index, incrementally. Files whose path, size and modification
//! time match the index are not read; new and changed files are read and parsed on rayon's
//! threads; letters whose files are gone from the folders named are removed. Commits come in
//! batches, each stamped with the versions, so an interrupted run loses at most one batch and
//! the next run completes it. `--rebuild` builds beside the old index and swaps it in.

use crate::catalog::{self, FileStamp};
use crate::cli::IndexArgs;
use crate::document;
use crate::ingest::{self, Loaded, Reading, TextCache};
use crate::schema::{Fields, NO_ITEM_OUTCOME};
use crate::source::walk::{self, Entry};
use crate::store::{self, Stamp, Store};
use crate::tables::UserTables;
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexWriter, TantivyError, Term};

/// The share of `--memory` given to tantivy's indexing threads (their in-memory segments);
/// the rest covers the letters being read and parsed (two batches), merges and the list of
/// indexed files an incremental run compares against.
const WRITER_SHARE: f64 = 0.5;
/// The share of `--memory` given to the processes that read PDFs (one per thread), and the
/// most each gets when --file-memory is not given.
const READER_SHARE: f64 = 0.3;
const READER_MAX_MB: u64 = 256;
/// tantivy's least memory per indexing thread.
const WRITER_MIN_PER_THREAD: usize = 15 << 20;
/// Commit at least this often while letters keep coming.
const COMMIT_INTERVAL: Duration = Duration::from_secs(60);

pub fn run(args: &IndexArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let target = args.index.clone().unwrap_or_else(store::default_location);
    let user = UserTables::load()?;
    let cache = TextCache { dir: cache_dir(&target) };
    let per_reader = (args.memory as f64 * READER_SHARE / super::threads(args.threads) as f64) as u64;
    let extractor = super::extractor(&args.limits, per_reader.clamp(16, READER_MAX_MB))?;
    let how = Reading { extractor: &extractor, cache: Some(&cache), retry_failed: args.retry_failed };
    if !args.rebuild {
        return index_into(&target, args, &user, how, started);
    }
    // Build beside the old index, holding its writer lock so nobody else changes it meanwhile.
    let fresh = sibling(&target, "rebuild");
    if target.exists() && !is_index_folder(&target)? {
        bail!("{} holds files that are not an imr index; refusing to replace it", target.display());
    }
    let old_lock = match Index::open_in_dir(&target) {
        Ok(index) => Some(lock(&index, &target, 64)?), // held only as a lock: the least memory
        Err(_) => None,
    };
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).with_context(|| format!("cannot remove the unfinished {}", fresh.display()))?;
    }
    let code = index_into(&fresh, args, &user, how, started)?;
    drop(old_lock);
    let old = sibling(&target, "old");
    if target.exists() {
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        std::fs::rename(&target, &old).with_context(|| format!("cannot move {} aside", target.display()))?;
    }
    std::fs::rename(&fresh, &target).with_context(|| format!("cannot move the new index to {}", target.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove the old index {}", old.display()))?;
    }
    eprintln!("imr: the rebuilt index replaced the old one at {}", target.display());
    Ok(code)
}

/// `<index>.<what>`, beside the index folder.
fn sibling(index: &Path, what: &str) -> PathBuf {
    let mut name = index.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "index".into());
    name.push(format!(".{what}"));
    index.with_file_name(name)
}

/// Where the extracted text of PDFs is cached: beside the index, so a rebuild keeps it.
pub fn cache_dir(index: &Path) -> PathBuf {
    sibling(index, "text-cache")
}

/// True when `dir` holds only an index's own files (so replacing it loses nothing else).
fn is_index_folder(dir: &Path) -> anyhow::Result<bool> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().to_string();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy-")
            || [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del"].iter().any(|ext| name.ends_with(ext));
        if !ours {
            return Ok(false);
        }
    }
    Ok(true)
}

/// tantivy's indexing threads and their memory for a budget of `memory_mb` megabytes.
fn writer_setup(memory_mb: u64) -> (usize, usize) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let budget = (memory_mb as f64 * 1e6 * WRITER_SHARE) as usize;
    // Fewer threads rather than less than tantivy's minimum each.
    let threads = threads.min(budget / WRITER_MIN_PER_THREAD).max(1);
    (threads, budget.max(WRITER_MIN_PER_THREAD * threads))
}

fn lock(index: &Index, path: &Path, memory_mb: u64) -> anyhow::Result<IndexWriter> {
    let (threads, budget) = writer_setup(memory_mb);
    match index.writer_with_num_threads(threads, budget) {
        Ok(w) => Ok(w),
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
            bail!("another `imr index` is writing to {}; wait for it to finish", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("cannot write to the index at {}", path.display())),
    }
}

/// What one run did to the index.
#[derive(Debug, Default)]
struct Changes {
    added: u64,
    updated: u64,
    removed: u64,
    unchanged: u64,
    decisions: u64,
    uncommitted: u64,
    commits: u64,
}

fn index_into(path: &Path, args: &IndexArgs, user: &UserTables, how: Reading, started: Instant) -> anyhow::Result<u8> {
    let store = Store::open_or_create(path)?;
    let mut writer = lock(&store.index, path, args.memory)?;
    let fields = store.fields;
    let before = {
        let reader = store.reader()?;
        catalog::letters(&reader.searcher()).context("cannot read the index")?
    };

    let progress = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"));
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };

    let roots: Vec<PathBuf> =
        args.paths.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut changes = Changes::default();
    let unchanged_files = AtomicU64::new(0);
    // Files whose size and modification time match the index are not read at all.
    let entries = walk::walk(&args.paths).filter_map(|entry| match entry {
        Entry::File(p) => {
            let key = identity(&p);
            let same = before
                .get(&key)
                .is_some_and(|s| ingest::stat(&p).is_ok_and(|(size, mtime)| s.size == size && s.mtime == mtime));
            if before.contains_key(&key) {
                seen.insert(key); // only letters the index had can be gone
            }
            if same {
                unchanged_files.fetch_add(1, Ordering::Relaxed);
                None
            } else {
                Some(Entry::File(p))
            }
        }
        other => Some(other),
    });
    let mut last_commit = Instant::now();
    let stamp = serde_json::to_string(&Stamp::current())?;
    let result = ingest::run_entries(
        entries,
        args.threads.unwrap_or(0),
        &user.tables(),
        how,
        // Documents are built on the workers: the letter's identity and its documents.
        |loaded| match loaded {
            Loaded::Letter { path: file, format, facts, letter } => {
                let key = identity(file);
                let docs = document::documents_of_file(&fields, letter, &key, format.as_str(), Some(facts));
                Ok(Some((key, docs)))
            }
            _ => Ok(None),
        },
        |loaded, prepared| -> anyhow::Result<()> {
            match loaded {
                Loaded::Letter { path: file, facts, .. } => {
                    let (key, docs) = prepared.flatten().expect("documents are built for every letter");
                    match before.get(&key) {
                        None => changes.added += 1,
                        Some(s) if s.hash == facts.hash => changes.unchanged += 1, // touched, same content
                        Some(_) => changes.updated += 1,
                    }
                    writer.delete_term(Term::from_field_text(fields.path, &key));
                    for doc in docs {
                        writer.add_document(doc).with_context(|| {
                            format!("cannot index {} into {} (is its disk full?)", file.display(), path.display())
                        })?;
                        changes.decisions += 1;
                    }
                    changes.uncommitted += 1;
                }
                Loaded::Skipped { path: file, reason } => {
                    // No longer a letter (emptied, replaced by an image...): its old decisions go.
                    let key = identity(&file);
                    if before.contains_key(&key) {
                        writer.delete_term(Term::from_field_text(fields.path, &key));
                        changes.removed += 1;
                    }
                    progress.suspend(|| eprintln!("imr: {}: skipped: {reason}", file.display()))
                }
                // A file that cannot be read now keeps what the index had of it.
                Loaded::Failed { path: file, reason } => {
                    progress.suspend(|| eprintln!("imr: {}: {reason}", file.display()))
                }
            }
            if changes.uncommitted >= args.commit_every
                || (changes.uncommitted > 0 && last_commit.elapsed() >= COMMIT_INTERVAL)
            {
                commit(&mut writer, &stamp)?;
                changes.uncommitted = 0;
                changes.commits += 1;
                last_commit = Instant::now();
            }
            progress.set_message(format!(
                "{} new, {} changed, {} unchanged, {} decisions indexed",
                changes.added,
                changes.updated,
                changes.unchanged + unchanged_files.load(Ordering::Relaxed),
                changes.decisions
            ));
            Ok(())
        },
    )?;
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            progress.finish_and_clear();
            let _ = writer.rollback();
            return Err(
                e.context("indexing stopped; the index keeps its last commit (run the same command again to finish)")
            );
        }
    };
    // Letters whose files are gone from the folders walked.
    for key in catalog::gone(&before, &seen, &roots) {
        writer.delete_term(Term::from_field_text(fields.path, key));
        changes.removed += 1;
    }
    progress.set_message("committing");
    if let Err(e) = commit(&mut writer, &stamp) {
        progress.finish_and_clear();
        return Err(
            e.context("indexing stopped; the index keeps its last commit (run the same command again to finish)")
        );
    }
    writer.wait_merging_threads().context("cannot finish merging the index")?;
    progress.finish_and_clear();

    let reader = store.reader()?;
    let searcher = reader.searcher();
    if let Some(cache) = how.cache.filter(|c| c.dir.exists()) {
        let after = catalog::letters(&searcher)?;
        let keep: HashSet<String> = after.into_values().map(|s: FileStamp| s.hash).collect();
        cache.prune(&keep);
    }
    let unchanged_files = unchanged_files.into_inner();
    changes.unchanged += unchanged_files;

    let secs = started.elapsed().as_secs_f64();
    let seen_files = tally.seen + unchanged_files;
    let mb = tally.bytes as f64 / 1e6;
    eprintln!(
        "imr: {seen_files} files seen: {} indexed, {} skipped, {} failed; {} read ({:.1} MB) in {secs:.2} s ({:.1} MB/s); {} letters, {} decisions ({} upheld, {} overturned, {} without outcome) read",
        tally.parsed + unchanged_files,
        tally.skipped,
        tally.failed,
        tally.seen,
        mb,
        if secs > 0.0 { mb / secs } else { 0.0 },
        tally.parsed,
        tally.items,
        tally.upheld,
        tally.overturned,
        tally.no_outcome,
    );
    eprintln!(
        "imr: {} added, {} updated, {} removed, {} unchanged",
        changes.added, changes.updated, changes.removed, changes.unchanged
    );
    let (letters, decisions) = contents(&fields, &searcher)?;
    eprintln!("imr: the index at {} holds {letters} letters, {decisions} decisions", path.display());
    Ok(if tally.failed == 0 { 0 } else { 2 })
}

fn commit(writer: &mut IndexWriter, stamp: &str) -> anyhow::Result<()> {
    let why = "cannot commit the index (is its disk full?)";
    let mut prepared = writer.prepare_commit().context(why)?;
    prepared.set_payload(stamp);
    prepared.commit().context(why)?;
    Ok(())
}

/// A letter's identity in the index: its absolute path, so indexing the same file again
/// replaces it however the folder was named on the command line.
fn identity(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

/// Letters (documents for item 0 or 1) and decisions (documents of real items) in a commit.
pub fn contents(f: &Fields, searcher: &tantivy::Searcher) -> anyhow::Result<(usize, u64)> {
    let first = |n: u64| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_u64(f.item_no, n), IndexRecordOption::Basic))
    };
    let letters =
        searcher.search(&BooleanQuery::new(vec![(Occur::Should, first(0)), (Occur::Should, first(1))]), &Count)?;
    let no_items = TermQuery::new(Term::from_field_text(f.outcome, NO_ITEM_OUTCOME), IndexRecordOption::Basic);
    let empty = searcher.search(&no_items, &Count)? as u64;
    Ok((letters, searcher.num_docs() - empty))
}
