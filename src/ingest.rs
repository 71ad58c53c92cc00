//! Files -> parsed letters, in parallel, in a deterministic order, with every file accounted
//! for. Shared by the commands that read letters (`parse` now, `index` next).

use crate::letter::{self, Letter, Outcome, Tables};
use crate::source::{self, walk, Format, Source};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What identifies a file's content: its size and modification time (cheap, from the
/// folder) and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub size: u64,
    /// Nanoseconds since 1970 (0 when the file system does not say).
    pub mtime: u64,
    /// SHA-256 of the bytes, lower-case hex.
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

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

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
/// twice (a rebuild re-parses the cached text).
#[derive(Debug, Clone)]
pub struct TextCache {
    pub dir: PathBuf,
}

impl TextCache {
    fn file(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2]).join(format!("{hash}.txt"))
    }

    fn get(&self, hash: &str) -> Option<String> {
        std::fs::read_to_string(self.file(hash)).ok()
    }

    /// Best effort: a cache that cannot be written only costs time later.
    fn put(&self, hash: &str, text: &str) {
        let file = self.file(hash);
        if let Some(parent) = file.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &file);
        }
    }

    /// Deletes cached texts whose hash `keep` does not hold. Returns how many were deleted.
    pub fn prune(&self, keep: &std::collections::HashSet<String>) -> usize {
        let mut removed = 0;
        let Ok(shards) = std::fs::read_dir(&self.dir) else { return 0 };
        for shard in shards.flatten() {
            let Ok(files) = std::fs::read_dir(shard.path()) else { continue };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                let hash = name.trim_end_matches(".txt");
                if !keep.contains(hash) && std::fs::remove_file(f.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        removed
    }
}

/// Reads and parses one walked entry. Never panics past here: see `source::isolate`.
pub fn load(entry: walk::Entry, tables: &Tables, cache: Option<&TextCache>) -> Loaded {
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
    let facts = Facts { size: bytes.len() as u64, mtime, hash: sha256_hex(&bytes) };
    let cached = cache.and_then(|c| c.get(&facts.hash));
    let was_cached = cached.is_some();
    let read = match cached {
        Some(text) => Ok(Source::Text { text, from: Format::Pdf }),
        None => source::isolate(|| source::from_bytes(&bytes)).and_then(|r| r),
    };
    match read {
        Err(e) => Loaded::Failed { path, reason: e.to_string() },
        Ok(Source::Skip(reason)) => Loaded::Skipped { path, reason },
        Ok(Source::Text { text, from }) => {
            if let (Some(c), Format::Pdf, false) = (cache, from, was_cached) {
                c.put(&facts.hash, &text);
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
    mut sink: impl FnMut(Loaded) -> Result<(), E>,
) -> anyhow::Result<Result<Tally, E>> {
    run_entries(walk::walk(roots), threads, tables, None, |_| Ok(()), |loaded, _| sink(loaded))
}

/// [`run`] over given walk entries, with an optional PDF text cache, and a `prepare` step
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
    cache: Option<&TextCache>,
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
                            let l = load(e, tables, cache);
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
        let gone = load(walk::Entry::File(dir.path().join("gone.txt")), &Tables::builtin(), None);
        assert!(matches!(gone, Loaded::Failed { ref reason, .. } if reason.starts_with("cannot read")), "{gone:?}");
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big).unwrap().set_len(MAX_FILE_BYTES + 1).unwrap();
        let got = load(walk::Entry::File(big), &Tables::builtin(), None);
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
            None,
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
        let first = load(walk::Entry::File(pdf.clone()), &Tables::builtin(), Some(&cache));
        let Loaded::Letter { facts, letter, .. } = first else { panic!("{first:?}") };
        let cached = cache.file(&facts.hash);
        assert!(cached.is_file());
        // A cached text is used instead of the PDF: prove it by changing the cached text.
        let text = std::fs::read_to_string(&cached).unwrap();
        std::fs::write(&cached, text.replace("Case Number:", "Case Number: CM99-0000001 X")).unwrap();
        let second = load(walk::Entry::File(pdf), &Tables::builtin(), Some(&cache));
        let Loaded::Letter { letter: again, .. } = second else { panic!() };
        assert_ne!(letter.case_number, again.case_number);
        assert_eq!(again.case_number.as_deref(), Some("CM99-0000001"));
        let keep = std::collections::HashSet::new();
        assert_eq!(cache.prune(&keep), 1);
        assert!(!cached.exists());
    }
}
