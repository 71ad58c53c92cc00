//! `imr verify`: is the index sound (checksums, versions), and does it match the folders?

use crate::catalog;
use crate::cli::VerifyArgs;
use crate::ingest::{self, TextCache};
use crate::source::{self, walk, Source};
use crate::store::{self, Store};
use std::collections::HashSet;
use std::path::Path;

/// How many paths of each kind are listed.
const LIST: usize = 10;

pub fn run(args: &VerifyArgs) -> anyhow::Result<u8> {
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = match Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("imr: {e:#}");
            return Ok(2);
        }
    };
    let damaged = match store.index.validate_checksum() {
        Ok(files) => files,
        Err(e) => {
            eprintln!(
                "imr: the index at {} cannot be checked: {e}; rebuild it with `imr index --rebuild FOLDER...`",
                path.display()
            );
            return Ok(2);
        }
    };
    if !damaged.is_empty() {
        let mut names: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
        names.sort();
        eprintln!("imr: the index at {} is damaged ({} files fail their checksum: {}); rebuild it with `imr index --rebuild FOLDER...`", path.display(), names.len(), names.join(", "));
        return Ok(2);
    }
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let indexed = catalog::letters(&searcher)?;
    let (letters, decisions) = crate::indexer::contents(&store.fields, &searcher)?;
    println!("index: {} (versions and checksums ok; {letters} letters, {decisions} decisions)", path.display());
    if args.paths.is_empty() {
        return Ok(0);
    }

    let roots: Vec<std::path::PathBuf> =
        args.paths.iter().map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())).collect();
    let cache = TextCache { dir: crate::indexer::cache_dir(&path) };
    let (mut new, mut changed, mut gone, mut failed, mut walk_errors) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    let mut files = 0u64;
    for entry in walk::walk(&args.paths) {
        match entry {
            walk::Entry::File(p) => {
                files += 1;
                let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone()).display().to_string();
                let stale = |s: &catalog::FileStamp| {
                    ingest::stat(&p).map_or(true, |(size, mtime)| size != s.size || mtime != s.mtime)
                };
                match indexed.get(&key) {
                    Some(stamp) if stale(stamp) => changed.push(key.clone()),
                    Some(_) => {}
                    None => match unindexed(&p, &cache) {
                        Unindexed::Failed(reason) => failed.push(format!("{key}: {reason}")),
                        Unindexed::Letter => new.push(key.clone()),
                        Unindexed::NotALetter => {}
                    },
                }
                seen.insert(key);
            }
            walk::Entry::Skip(..) => {}
            walk::Entry::Error(p, reason) => walk_errors.push(format!("{}: {reason}", p.display())),
        }
    }
    gone.extend(catalog::gone(&indexed, &seen, &roots).into_iter().map(str::to_string));
    for list in [&mut new, &mut changed, &mut gone, &mut failed] {
        list.sort();
    }
    println!(
        "folders: {files} letter files; {} not in the index, {} changed since indexed, {} indexed but gone, {} failed when indexed",
        new.len(),
        changed.len(),
        gone.len(),
        failed.len()
    );
    for (what, list) in [("not in the index", &new), ("changed", &changed), ("gone", &gone), ("failed", &failed)] {
        for p in list.iter().take(LIST) {
            println!("  {what}: {p}");
        }
        if list.len() > LIST {
            println!("  ... and {} more {what}", list.len() - LIST);
        }
    }
    for e in &walk_errors {
        eprintln!("imr: {e}");
    }
    if new.is_empty() && changed.is_empty() && gone.is_empty() {
        if failed.is_empty() {
            println!("the index is up to date");
        } else {
            println!(
                "the index is up to date; the {} that failed are not read again until they change (`imr index --retry-failed` reads them)",
                if failed.len() == 1 { "file".to_string() } else { format!("{} files", failed.len()) }
            );
        }
        Ok(if walk_errors.is_empty() { 0 } else { 2 })
    } else {
        let folders: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        println!("the index is out of date: run `imr index {}`", folders.join(" "));
        Ok(1)
    }
}

/// What a file the index lacks is.
enum Unindexed {
    /// `imr index` failed on this content in an earlier run, for this reason.
    Failed(String),
    /// A letter `imr index` would index (PDFs count without being extracted).
    Letter,
    /// Empty, binary or too large.
    NotALetter,
}

/// Reads the file once to say what it is.
fn unindexed(p: &Path, cache: &TextCache) -> Unindexed {
    let Ok((size, _)) = ingest::stat(p) else { return Unindexed::NotALetter };
    if size == 0 || size > ingest::MAX_FILE_BYTES {
        return Unindexed::NotALetter;
    }
    let Ok(bytes) = std::fs::read(p) else { return Unindexed::Letter };
    if let Some(failure) = cache.failure(&ingest::content_hash(&bytes)) {
        return Unindexed::Failed(failure.reason);
    }
    if bytes.windows(5).take(1024).any(|w| w == b"%PDF-")
        || matches!(source::from_bytes(&bytes), Ok(Source::Text { .. }))
    {
        Unindexed::Letter
    } else {
        Unindexed::NotALetter
    }
}
