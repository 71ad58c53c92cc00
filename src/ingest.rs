//! Files -> parsed letters, in parallel, in a deterministic order, with every file accounted
//! for. Shared by the commands that read letters (`parse` now, `index` next).

use crate::letter::{self, Letter, Outcome, Tables};
use crate::source::{self, walk, worker, Extractor, Format, Source, SourceError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What identifies a file's content: its size and modification time (cheap, from the
/// folder) and a hash of its bytes ([`content_hash`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub size: u64,
    /// Nanoseconds since 1970 (0 when the file system does not say).
    pub mtime: u64,
    /// [`content_hash`] of the bytes.
    pub hash: String,
}

/// Size and modification time of a file.
pub fn stat(path: &Path) -> std::io::Result<(u64, u64)> {
    let m = std::fs::metadata(path)?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok((m.len(), mtime))
}

/// A file's content hash: XXH3-128 of its bytes, 32 lower-case hex digits. It detects change
/// and names cached texts and remembered failures; no adversary is involved (whoever could
/// forge a collision could change the letters folder itself), so a fast non-cryptographic
/// hash does (BENCHMARKS.md compares it with the SHA-256 used before).
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The length of a [`content_hash`].
pub const CONTENT_HASH_LEN: usize = 32;

/// Files larger than this are not letters (real ones are under 1 MB); they are skipped
/// without being read.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What became of one file.
#[derive(Debug)]
pub enum Loaded {
    Letter { path: PathBuf, format: Format, facts: Facts, letter: Box<Letter> },
    Skipped { path: PathBuf, reason: String },
    Failed { path: PathBuf, reason: String },
}

impl Loaded {
    pub fn path(&self) -> &Path {
        match self {
            Loaded::Letter { path, .. } | Loaded::Skipped { path, .. } | Loaded::Failed { path, .. } => path,
        }
    }
}

/// Where extracted PDF text is kept, by content hash, so an unchanged PDF is never extracted
/// twice (a rebuild re-parses the cached text); and where failures are remembered, so a file
/// that failed (damaged, too slow, too large) is not read again until it changes.
#[derive(Debug, Clone)]
pub struct TextCache {
    pub dir: PathBuf,
}

/// A file's failure, as remembered: why, by which imr, and over which limit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    pub reason: String,
    pub imr: String,
    /// The time limit it went over (seconds), if that was the reason.
    #[serde(default)]
    pub over_time_s: Option<u64>,
    /// The memory limit it went over (MB), if that was the reason.
    #[serde(default)]
    pub over_memory_mb: Option<u64>,
}

impl Failure {
    fn of(e: &SourceError) -> Failure {
        Failure {
            reason: e.to_string(),
            imr: env!("CARGO_PKG_VERSION").to_string(),
            over_time_s: match e {
                SourceError::TooSlow(s) => Some(*s),
                _ => None,
            },
            over_memory_mb: match e {
                SourceError::TooMuchMemory(mb) => Some(*mb),
                _ => None,
            },
        }
    }

    /// Whether reading the file again could end otherwise: another imr, or a higher limit
    /// than the one it went over.
    fn worth_retrying(&self, limits: Option<worker::Limits>) -> bool {
        self.imr != env!("CARGO_PKG_VERSION")
            || match (limits, self.over_time_s, self.over_memory_mb) {
                (None, Some(_), _) | (None, _, Some(_)) => true, // read without limits now
                (Some(l), Some(s), _) => l.time.as_secs() > s,
                (Some(l), _, Some(mb)) => l.memory_mb > mb,
                _ => false,
            }
    }
}

impl TextCache {
    fn file(&self, hash: &str, ext: &str) -> PathBuf {
        self.dir.join(&hash[..2]).join(format!("{hash}.{ext}"))
    }

    fn get(&self, hash: &str) -> Option<String> {
        std::fs::read_to_string(self.file(hash, "txt")).ok()
    }

    /// Best effort: a cache that cannot be written only costs time later.
    fn write(&self, file: PathBuf, contents: &str) {
        if let Some(parent) = file.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, contents).is_ok() {
            let _ = std::fs::rename(&tmp, &file);
        }
    }

    fn put(&self, hash: &str, text: &str) {
        self.write(self.file(hash, "txt"), text);
    }

    /// The remembered failure of the content with this hash, if any.
    pub fn failure(&self, hash: &str) -> Option<Failure> {
        let json = std::fs::read_to_string(self.file(hash, "failed")).ok()?;
        serde_json::from_str(&json).ok()
    }

    fn remember_failure(&self, hash: &str, failure: &Failure) {
        if let Ok(json) = serde_json::to_string(failure) {
            self.write(self.file(hash, "failed"), &json);
        }
    }

    fn forget_failure(&self, hash: &str) {
        let _ = std::fs::remove_file(self.file(hash, "failed"));
    }

    /// Deletes cached texts whose hash `keep` does not hold. Returns how many were deleted.
    /// Remembered failures stay: they are small, and the same bytes fail the same way.
    pub fn prune(&self, keep: &std::collections::HashSet<String>) -> usize {
        let mut removed = 0;
        let Ok(shards) = std::fs::read_dir(&self.dir) else { return 0 };
        for shard in shards.flatten() {
            let Ok(files) = std::fs::read_dir(shard.path()) else { continue };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                let Some(hash) = name.strip_suffix(".txt") else { continue };
                if !keep.contains(hash) && std::fs::remove_file(f.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }
}

/// How files are read: PDFs in this process or in workers within limits, with or without a
/// cache of texts and failures.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub extractor: &'a Extractor,
    pub cache: Option<&'a TextCache>,
    /// Read files whose failure is remembered all the same.
    pub retry_failed: bool,
}

impl<'a> Reading<'a> {
    /// No cache, PDFs read by `extractor`.
    pub fn plain(extractor: &'a Extractor) -> Reading<'a> {
        Reading { extractor, cache: None, retry_failed: false }
    }
}

/// Reads and parses one walked entry. Never panics past here: see `source::isolate`.
pub fn load(entry: walk::Entry, tables: &Tables, how: Reading) -> Loaded {
    let path = match entry {
        walk::Entry::Skip(path, reason) => return Loaded::Skipped { path, reason },
        walk::Entry::Error(path, reason) => return Loaded::Failed { path, reason },
        walk::Entry::File(path) => path,
    };
    let (size, mtime) = match stat(&path) {
        Ok(s) => s,
        Err(e) => return Loaded::Failed { path, reason: format!("cannot read: {e}") },
    };
    if size > MAX_FILE_BYTES {
        let reason =
            format!("too large to be a letter ({:.0} MB; the limit is {} MB)", size as f64 / 1e6, MAX_FILE_BYTES >> 20);
        return Loaded::Skipped { path, reason };
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return Loaded::Failed { path, reason: format!("cannot read: {e}") },
    };
    let facts = Facts { size: bytes.len() as u64, mtime, hash: content_hash(&bytes) };
    let cache = how.cache;
    let cached = cache.and_then(|c| c.get(&facts.hash));
    let was_cached = cached.is_some();
    let remembered = if was_cached { None } else { cache.and_then(|c| c.failure(&facts.hash)) };
    if let Some(failure) = &remembered {
        if !how.retry_failed && !failure.worth_retrying(how.extractor.limits()) {
            let reason = format!(
                "{} (in an earlier run; not read again until the file changes, or with --retry-failed)",
                failure.reason
            );
            return Loaded::Failed { path, reason };
        }
    }
    let read = match cached {
        Some(text) => Ok(Source::Text { text, from: Format::Pdf }),
        None => how.extractor.read_bytes(&bytes),
    };
    drop(bytes);
    match read {
        Err(e) => {
            if let (Some(c), true) = (cache, e.is_the_files()) {
                c.remember_failure(&facts.hash, &Failure::of(&e));
            }
            Loaded::Failed { path, reason: e.to_string() }
        }
        Ok(Source::Skip(reason)) => Loaded::Skipped { path, reason },
        Ok(Source::Text { text, from }) => {
            if let (Some(c), Format::Pdf, false) = (cache, from, was_cached) {
                c.put(&facts.hash, &text);
            }
            if let (Some(c), Some(_)) = (cache, &remembered) {
                c.forget_failure(&facts.hash);
            }
            match source::isolate(|| letter::parse_with(&text, tables)) {
                Ok(letter) => Loaded::Letter { path, format: from, facts, letter: Box::new(letter) },
                Err(e) => Loaded::Failed { path, reason: format!("parser {e}") },
            }
        }
    }
}

/// Counts for the end-of-run summary. `seen == parsed + skipped + failed` always.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub seen: u64,
    pub parsed: u64,
    pub skipped: u64,
    pub failed: u64,
    pub bytes: u64,
    pub items: u64,
    pub upheld: u64,
    pub overturned: u64,
    pub no_outcome: u64,
    pub unknown_layout: u64,
    pub with_warnings: u64,
}

impl Tally {
    pub fn add(&mut self, loaded: &Loaded) {
        self.seen += 1;
        match loaded {
            Loaded::Skipped { .. } => self.skipped += 1,
            Loaded::Failed { .. } => self.failed += 1,
            Loaded::Letter { facts, letter, .. } => {
                self.parsed += 1;
                self.bytes += facts.size;
                self.items += letter.items.len() as u64;
                for d in &letter.items {
                    match d.outcome {
                        Some(Outcome::Upheld) => self.upheld += 1,
                        Some(Outcome::Overturned) => self.overturned += 1,
                        None => self.no_outcome += 1,
                    }
                }
                self.unknown_layout += u64::from(letter.layout == letter::Layout::Unknown);
                self.with_warnings += u64::from(!letter.warnings.is_empty());
            }
        }
    }
}

/// How many files are read in parallel before their results are handed on in order.
const BATCH: usize = 256;

/// Walks `roots`, loads every file on `threads` workers (0 = one per core), and hands each
/// result to `sink` in walk order. Stops early only if `sink` fails (e.g. a closed pipe).
pub fn run<E: Send>(
    roots: &[PathBuf],
    threads: usize,
    tables: &Tables,
    extractor: &Extractor,
    mut sink: impl FnMut(Loaded) -> Result<(), E>,
) -> anyhow::Result<Result<Tally, E>> {
    run_entries(walk::walk(roots), threads, tables, Reading::plain(extractor), |_| Ok(()), |loaded, _| sink(loaded))
}

/// [`run`] over given walk entries, read as `how` says, and a `prepare` step
/// that runs on the workers right after each file is loaded (the index builds its documents
/// there), so that `sink`, which runs on the calling thread in walk order, has little to do.
/// A file whose `prepare` fails (or panics) is handed on as failed, with the reason, and gets
/// no prepared value; every other file gets one.
/// While `sink` takes one batch, the workers already read the next: memory holds at most
/// two batches of files.
pub fn run_entries<P: Send, E: Send>(
    entries: impl Iterator<Item = walk::Entry> + Send,
    threads: usize,
    tables: &Tables,
    how: Reading,
    prepare: impl Fn(&Loaded) -> Result<P, String> + Sync,
    mut sink: impl FnMut(Loaded, Option<P>) -> Result<(), E>,
) -> anyhow::Result<Result<Tally, E>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<(Loaded, Option<P>)>>(1);
    let prepare = &prepare;
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut entries = entries.peekable();
            while entries.peek().is_some() {
                let batch: Vec<walk::Entry> = entries.by_ref().take(BATCH).collect();
                let loaded: Vec<(Loaded, Option<P>)> = pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|e| {
                            let l = load(e, tables, how);
                            let prepared = source::isolate(|| prepare(&l)).unwrap_or_else(|e| match e {
                                source::SourceError::Panic(_) => Err(
                                    "imr failed while indexing it (an error in imr, not in the file: please report it)"
                                        .to_string(),
                                ),
                                other => Err(other.to_string()),
                            });
                            match prepared {
                                Ok(p) => (l, Some(p)),
                                Err(reason) => (Loaded::Failed { path: l.path().to_path_buf(), reason }, None),
                            }
                        })
                        .collect()
                });
                if send.send(loaded).is_err() {
                    break; // the sink stopped
                }
            }
        });
        let mut tally = Tally::default();
        let mut outcome = Ok(());
        'batches: for batch in receive.iter() {
            for (l, p) in batch {
                tally.add(&l);
                if let Err(e) = sink(l, p) {
                    outcome = Err(e);
                    break 'batches;
                }
            }
        }
        drop(receive);
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
        Ok(outcome.map(|()| tally))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanished_or_is_huge_is_accounted_for() {
        let dir = tempfile::tempdir().unwrap();
        let gone = load(
            walk::Entry::File(dir.path().join("gone.txt")),
            &Tables::builtin(),
            Reading::plain(&Extractor::InProcess),
        );
        assert!(matches!(gone, Loaded::Failed { ref reason, .. } if reason.starts_with("cannot read")), "{gone:?}");
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
        let got = load(walk::Entry::File(big), &Tables::builtin(), Reading::plain(&Extractor::InProcess));
        assert!(matches!(got, Loaded::Skipped { ref reason, .. } if reason.starts_with("too large")), "{got:?}");
    }

    #[test]
    fn a_file_whose_preparation_fails_or_panics_is_failed_and_the_run_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.txt", "b.txt", "c.txt"] {
            std::fs::write(dir.path().join(name), format!("letter {name}")).unwrap();
        }
        let mut seen = Vec::new();
        let tally = run_entries(
            walk::walk(&[dir.path().to_path_buf()]),
            2,
            &Tables::builtin(),
            Reading::plain(&Extractor::InProcess),
            |l| match l.path().file_name().and_then(|n| n.to_str()) {
                Some("a.txt") => Err("no documents".to_string()),
                Some("b.txt") => panic!("boom"),
                _ => Ok(7),
            },
            |l, p| -> Result<(), ()> {
                let name = l.path().file_name().unwrap().to_string_lossy().to_string();
                let reason = if let Loaded::Failed { reason, .. } = &l { reason.clone() } else { String::new() };
                seen.push((name, p, reason));
                Ok(())
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!((tally.seen, tally.parsed, tally.failed), (3, 1, 2));
        assert_eq!(seen[0], ("a.txt".to_string(), None, "no documents".to_string()));
        assert_eq!(seen[1].1, None);
        assert!(seen[1].2.starts_with("imr failed while indexing it (an error in imr"), "{:?}", seen[1]);
        assert_eq!(seen[2], ("c.txt".to_string(), Some(7), String::new()));
    }

    #[test]
    fn pdf_text_is_cached_by_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TextCache { dir: dir.path().join("cache") };
        let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/letters/c-2016/CM16-0995187.pdf");
        let how = Reading { extractor: &Extractor::InProcess, cache: Some(&cache), retry_failed: false };
        let first = load(walk::Entry::File(pdf.clone()), &Tables::builtin(), how);
        let Loaded::Letter { facts, letter, .. } = first else { panic!("{first:?}") };
        let cached = cache.file(&facts.hash, "txt");
        assert!(cached.is_file());
        // A cached text is used instead of the PDF: prove it by changing the cached text.
        let text = std::fs::read_to_string(&cached).unwrap();
        std::fs::write(&cached, text.replace("Case Number:", "Case Number: CM99-0000001 X")).unwrap();
        let second = load(walk::Entry::File(pdf), &Tables::builtin(), how);
        let Loaded::Letter { letter: again, .. } = second else { panic!() };
        assert_ne!(letter.case_number, again.case_number);
        assert_eq!(again.case_number.as_deref(), Some("CM99-0000001"));
        let keep = std::collections::HashSet::new();
        assert_eq!(cache.prune(&keep), 1);
        assert!(!cached.exists());
    }

    #[test]
    fn a_failure_is_remembered_by_content_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TextCache { dir: dir.path().join("cache") };
        let bad = dir.path().join("bad.pdf");
        std::fs::write(&bad, b"%PDF-1.5\n1 0 obj << /Type /Catalog").unwrap();
        let how = Reading { extractor: &Extractor::InProcess, cache: Some(&cache), retry_failed: false };
        let reason = |l: Loaded| match l {
            Loaded::Failed { reason, .. } => reason,
            other => panic!("{other:?}"),
        };
        let first = reason(load(walk::Entry::File(bad.clone()), &Tables::builtin(), how));
        assert!(first.starts_with("damaged PDF") && !first.contains("earlier run"), "{first}");
        let second = reason(load(walk::Entry::File(bad.clone()), &Tables::builtin(), how));
        assert!(
            second.starts_with(&first) && second.contains("(in an earlier run; not read again until the file changes"),
            "{second}"
        );
        let retry = Reading { retry_failed: true, ..how };
        assert_eq!(reason(load(walk::Entry::File(bad.clone()), &Tables::builtin(), retry)), first);
        // Other bytes are another file: read again, and a good text forgets nothing it should not.
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/letters/c-2016/CM16-0923587.txt"), &bad)
            .unwrap();
        assert!(matches!(load(walk::Entry::File(bad), &Tables::builtin(), how), Loaded::Letter { .. }));
        // A cache prune keeps remembered failures.
        cache.prune(&std::collections::HashSet::new());
        let hash = content_hash(b"%PDF-1.5\n1 0 obj << /Type /Catalog");
        assert!(cache.failure(&hash).is_some());
    }

    #[test]
    fn a_failure_over_a_limit_is_tried_again_under_a_higher_one() {
        let limits = |secs, mb| Some(worker::Limits { time: std::time::Duration::from_secs(secs), memory_mb: mb });
        let slow = Failure::of(&SourceError::TooSlow(30));
        assert!(!slow.worth_retrying(limits(30, 256)));
        assert!(slow.worth_retrying(limits(60, 256)));
        let big = Failure::of(&SourceError::TooMuchMemory(256));
        assert!(!big.worth_retrying(limits(60, 256)));
        assert!(big.worth_retrying(limits(30, 512)));
        let damaged = Failure::of(&SourceError::Pdf("damaged PDF: its header is broken".into()));
        assert!(!damaged.worth_retrying(limits(600, 4096)));
        assert!(Failure { imr: "0.0.1".into(), ..damaged }.worth_retrying(limits(30, 256)));
    }
}
