//! What the index holds, letter by letter: path, size, modification time and content hash,
//! read from fast fields (no stored documents are loaded).

use crate::schema;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use tantivy::Searcher;

/// The identity of an indexed letter's file when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    pub mtime: u64,
    pub hash: String,
}

/// Every letter in the searcher's commit, by path.
pub fn letters(searcher: &Searcher) -> tantivy::Result<HashMap<String, FileStamp>> {
    let mut out = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (Some(paths), Some(hashes)) = (ff.str(schema::PATH)?, ff.str(schema::CONTENT_HASH)?) else { continue };
        let item_no = ff.u64(schema::ITEM_NO)?;
        let size = ff.u64(schema::FILE_SIZE)?;
        let mtime = ff.u64(schema::FILE_MTIME)?;
        let alive = segment.alive_bitset();
        let (mut path, mut hash) = (String::new(), String::new());
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) || item_no.first(doc).unwrap_or(u64::MAX) > 1 {
                continue;
            }
            let (Some(p), Some(h)) = (paths.term_ords(doc).next(), hashes.term_ords(doc).next()) else { continue };
            path.clear();
            hash.clear();
            if paths.ord_to_str(p, &mut path)? && hashes.ord_to_str(h, &mut hash)? {
                let stamp = FileStamp {
                    size: size.first(doc).unwrap_or(0),
                    mtime: mtime.first(doc).unwrap_or(0),
                    hash: hash.clone(),
                };
                out.insert(path.clone(), stamp);
            }
        }
    }
    Ok(out)
}

/// Indexed letters whose files lie under one of `roots` but were not `seen` in a walk of them:
/// their files are gone. Letters under other folders are not touched.
pub fn gone<'a>(indexed: &'a HashMap<String, FileStamp>, seen: &HashSet<String>, roots: &[PathBuf]) -> Vec<&'a str> {
    let mut out: Vec<&str> = indexed
        .keys()
        .filter(|k| !seen.contains(*k) && roots.iter().any(|r| Path::new(k.as_str()).starts_with(r)))
        .map(String::as_str)
        .collect();
    out.sort_unstable();
    out
}
