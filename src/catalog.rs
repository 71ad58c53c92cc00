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
        // The dictionaries are read front to back once: looking terms up one document at a
        // time decompresses a block per document.
        let (path_of, hash_of) = (terms(&paths)?, terms(&hashes)?);
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) || item_no.first(doc).unwrap_or(u64::MAX) > 1 {
                continue;
            }
            let (Some(p), Some(h)) = (paths.term_ords(doc).next(), hashes.term_ords(doc).next()) else { continue };
            let (Some(path), Some(hash)) = (path_of.get(p as usize), hash_of.get(h as usize)) else { continue };
            let stamp = FileStamp {
                size: size.first(doc).unwrap_or(0),
                mtime: mtime.first(doc).unwrap_or(0),
                hash: hash.clone(),
            };
            out.insert(path.clone(), stamp);
        }
    }
    Ok(out)
}

/// Every term of a string column, by ordinal.
pub(crate) fn terms(column: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let dictionary = column.dictionary();
    let mut out = Vec::with_capacity(dictionary.num_terms());
    let mut stream = dictionary.stream()?;
    while stream.advance() {
        out.push(String::from_utf8_lossy(stream.key()).into_owned());
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
