//! Files -> parsed letters, in parallel, in a deterministic order, with every file accounted
//! for. Shared by the commands that read letters (`parse` now, `index` next).

use crate::letter::{self, Letter, Outcome, Tables};
use crate::source::{self, walk, Format, Source};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What became of one file.
#[derive(Debug)]
pub enum Loaded {
    Letter { path: PathBuf, format: Format, bytes: u64, letter: Box<Letter> },
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

/// Reads and parses one walked entry. Never panics past here: see `source::isolate`.
pub fn load(entry: walk::Entry, tables: &Tables) -> Loaded {
    match entry {
        walk::Entry::Skip(path, reason) => Loaded::Skipped { path, reason },
        walk::Entry::Error(path, reason) => Loaded::Failed { path, reason },
        walk::Entry::File(path) => {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            match source::read(&path) {
                Err(e) => Loaded::Failed { path, reason: e.to_string() },
                Ok(Source::Skip(reason)) => Loaded::Skipped { path, reason },
                Ok(Source::Text { text, from }) => match source::isolate(|| letter::parse_with(&text, tables)) {
                    Ok(letter) => Loaded::Letter { path, format: from, bytes, letter: Box::new(letter) },
                    Err(e) => Loaded::Failed { path, reason: format!("parser {e}") },
                },
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
            Loaded::Letter { bytes, letter, .. } => {
                self.parsed += 1;
                self.bytes += bytes;
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
pub fn run<E>(
    roots: &[PathBuf],
    threads: usize,
    tables: &Tables,
    mut sink: impl FnMut(Loaded) -> Result<(), E>,
) -> anyhow::Result<Result<Tally, E>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let mut tally = Tally::default();
    let mut entries = walk::walk(roots).peekable();
    while entries.peek().is_some() {
        let batch: Vec<walk::Entry> = entries.by_ref().take(BATCH).collect();
        let loaded: Vec<Loaded> = pool.install(|| batch.into_par_iter().map(|e| load(e, tables)).collect());
        for l in loaded {
            tally.add(&l);
            if let Err(e) = sink(l) {
                return Ok(Err(e));
            }
        }
    }
    Ok(Ok(tally))
}
