//! The indexing engine: letters -> the index, incrementally. Files whose path, size and
//! modification time match the index are not read; new and changed files are read and parsed
//! on rayon's threads; letters whose files are gone from the folders named are removed.
//! Commits come in batches, each stamped with the versions, so an interrupted run loses at
//! most one batch and the next run completes it. A rebuild builds beside the old index and
//! swaps it in. `imr index` (`cmd/index.rs`) only reads its command line into a [`Config`] and
//! shows what the engine reports.

use crate::catalog::{self, FileStamp};
use crate::document;
use crate::ingest::{self, Loaded, Reading, TextCache};
use crate::letter::Tables;
use crate::schema::{Fields, NO_ITEM_OUTCOME};
use crate::source::walk::{self, Entry};
use crate::source::Extractor;
use crate::store::{self, Stamp, Store};
use anyhow::{bail, Context};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tantivy::collector::Count;
use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Term};

/// The share of `--memory` given to tantivy's indexing threads (their in-memory segments);
/// the rest covers the letters being read and parsed (two batches), merges and the list of
/// indexed files an incremental run compares against.
const WRITER_SHARE: f64 = 0.5;
/// The share of `--memory` given to the processes that read PDFs (one per thread), and the
/// most each gets when --file-memory is not given.
const READER_SHARE: f64 = 0.3;
const READER_MAX_MB: u64 = 256;
/// Commit at least this often while letters keep coming.
const COMMIT_INTERVAL: Duration = Duration::from_secs(60);

/// What to index, where, and within what.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files or folders of letters.
    pub paths: Vec<PathBuf>,
    /// The index folder.
    pub index: PathBuf,
    /// Build a new index beside the old one and swap it in when complete.
    pub rebuild: bool,
    /// Commit after this many new or changed letters (at least 1).
    pub commit_every: u64,
    /// Threads that read and parse (0: one per core).
    pub threads: usize,
    /// The memory budget in MB, the PDF readers included.
    pub memory_mb: u64,
    /// Read again the files whose failure is remembered.
    pub retry_failed: bool,
}

impl Config {
    /// How much memory each PDF reader may take when the user did not say: its share of the
    /// budget (one reader a thread), at most 256 MB.
    pub fn reader_memory_mb(&self) -> u64 {
        let threads = match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        ((self.memory_mb as f64 * READER_SHARE / threads as f64) as u64).clamp(16, READER_MAX_MB)
    }
}

/// What the engine tells its caller as it goes.
#[derive(Debug)]
pub enum Notice<'a> {
    /// A file that is not a letter, and why.
    Skipped(&'a Path, &'a str),
    /// A file that could not be read or indexed, and why (the index keeps what it had of it).
    Failed(&'a Path, &'a str),
    /// Letters so far: new, changed, unchanged, decisions indexed.
    Progress { added: u64, updated: u64, unchanged: u64, decisions: u64 },
    /// The last commit is being written.
    Committing,
    /// The rebuilt index replaced the old one at this path.
    Replaced(&'a Path),
}

/// What a run did.
#[derive(Debug)]
pub struct Summary {
    /// The files read (not those left unread because unchanged).
    pub tally: ingest::Tally,
    /// Files not read because their path, size and modification time matched the index.
    pub unchanged_files: u64,
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    /// Letters unchanged, read or not.
    pub unchanged: u64,
    /// Letters and decisions the index holds after the run.
    pub letters: usize,
    pub decisions: u64,
}

/// Indexes `config.paths` into `config.index`, reading PDFs with `extractor`.
pub fn run(
    config: &Config,
    tables: &Tables,
    extractor: &Extractor,
    notify: &mut dyn FnMut(Notice),
) -> anyhow::Result<Summary> {
    let target = &config.index;
    let cache = TextCache { dir: cache_dir(target) };
    let how = Reading { extractor, cache: Some(&cache), retry_failed: config.retry_failed };
    if !config.rebuild {
        return index_into(target, config, tables, how, notify);
    }
    // Build beside the old index, holding its writer lock so nobody else changes it meanwhile.
    let fresh = sibling(target, "rebuild");
    if target.exists() && !is_index_folder(target)? {
        bail!("{} holds files that are not an imr index; refusing to replace it", target.display());
    }
    let old_lock = store::hold(target)?;
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).with_context(|| format!("cannot remove the unfinished {}", fresh.display()))?;
    }
    let summary = index_into(&fresh, config, tables, how, notify)?;
    drop(old_lock);
    let old = sibling(target, "old");
    if target.exists() {
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        std::fs::rename(target, &old).with_context(|| format!("cannot move {} aside", target.display()))?;
    }
    std::fs::rename(&fresh, target).with_context(|| format!("cannot move the new index to {}", target.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove the old index {}", old.display()))?;
    }
    notify(Notice::Replaced(target));
    Ok(summary)
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

fn index_into(
    path: &Path,
    config: &Config,
    tables: &Tables,
    how: Reading,
    notify: &mut dyn FnMut(Notice),
) -> anyhow::Result<Summary> {
    let store = Store::open_or_create(path)?;
    let mut writer = store.writer((config.memory_mb as f64 * 1e6 * WRITER_SHARE) as usize)?;
    let fields = store.fields;
    let before = {
        let reader = store.reader()?;
        catalog::letters(&reader.searcher()).context("cannot read the index")?
    };

    let roots: Vec<PathBuf> =
        config.paths.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut changes = Changes::default();
    let unchanged_files = AtomicU64::new(0);
    // Files whose size and modification time match the index are not read at all.
    let entries = walk::walk(&config.paths).filter_map(|entry| match entry {
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
        config.threads,
        tables,
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
                    changes.decisions += docs.len() as u64;
                    add_letter(&writer, &fields, &key, docs).with_context(|| {
                        format!("cannot index {} into {} (is its disk full?)", file.display(), path.display())
                    })?;
                    changes.uncommitted += 1;
                }
                Loaded::Skipped { path: file, reason } => {
                    // No longer a letter (emptied, replaced by an image...): its old decisions go.
                    let key = identity(&file);
                    if before.contains_key(&key) {
                        writer.delete_term(Term::from_field_text(fields.path, &key));
                        changes.removed += 1;
                    }
                    notify(Notice::Skipped(&file, &reason));
                }
                // A file that cannot be read now keeps what the index had of it.
                Loaded::Failed { path: file, reason } => notify(Notice::Failed(&file, &reason)),
            }
            if changes.uncommitted >= config.commit_every
                || (changes.uncommitted > 0 && last_commit.elapsed() >= COMMIT_INTERVAL)
            {
                commit(&mut writer, &stamp)?;
                changes.uncommitted = 0;
                changes.commits += 1;
                last_commit = Instant::now();
            }
            notify(Notice::Progress {
                added: changes.added,
                updated: changes.updated,
                unchanged: changes.unchanged + unchanged_files.load(Ordering::Relaxed),
                decisions: changes.decisions,
            });
            Ok(())
        },
    )?;
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
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
    notify(Notice::Committing);
    if let Err(e) = commit(&mut writer, &stamp) {
        return Err(
            e.context("indexing stopped; the index keeps its last commit (run the same command again to finish)")
        );
    }
    writer.wait_merging_threads().context("cannot finish merging the index")?;

    let reader = store.reader()?;
    let searcher = reader.searcher();
    if let Some(cache) = how.cache.filter(|c| c.dir.exists()) {
        let after = catalog::letters(&searcher)?;
        let keep: HashSet<String> = after.into_values().map(|s: FileStamp| s.hash).collect();
        cache.prune(&keep);
    }
    let unchanged_files = unchanged_files.into_inner();
    let (letters, decisions) = contents(&fields, &searcher)?;
    Ok(Summary {
        tally,
        unchanged_files,
        added: changes.added,
        updated: changes.updated,
        removed: changes.removed,
        unchanged: changes.unchanged + unchanged_files,
        letters,
        decisions,
    })
}

/// Replaces the letter at `path` with `docs`, in one batch: tantivy keeps a batch's documents
/// in one segment, in order and side by side, which the case summary's join relies on
/// (`join.rs`); the old documents go in the same batch.
pub fn add_letter(
    writer: &IndexWriter,
    fields: &Fields,
    path: &str,
    docs: Vec<tantivy::TantivyDocument>,
) -> tantivy::Result<()> {
    let mut batch = Vec::with_capacity(docs.len() + 1);
    batch.push(UserOperation::Delete(Term::from_field_text(fields.path, path)));
    batch.extend(docs.into_iter().map(UserOperation::Add));
    writer.run(batch)?;
    Ok(())
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
