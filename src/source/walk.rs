//! Which files a run looks at: the paths given, and the `.pdf` / `.txt` files below folders.
//!
//! Files named on the command line are always read. Below a folder, hidden entries (names
//! starting with `.`) are not walked; every other file is reported, as a letter candidate or
//! as a skip with its reason, so that files seen = parsed + skipped + failed. Entries come
//! sorted by name, so runs are deterministic.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// A file to read.
    File(PathBuf),
    /// A file (or link) not to read, with the reason.
    Skip(PathBuf, String),
    /// A path that could not be walked (missing, unreadable folder): counts as failed.
    Error(PathBuf, String),
}

/// Extensions read below folders (compared without case).
pub const LETTER_EXTENSIONS: [&str; 2] = ["pdf", "txt"];

pub fn is_letter_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| LETTER_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Walks `roots` lazily, in order; folders are walked depth-first, sorted by file name.
pub fn walk(roots: &[PathBuf]) -> impl Iterator<Item = Entry> + Send + '_ {
    roots.iter().flat_map(|root| -> Box<dyn Iterator<Item = Entry> + Send> {
        match std::fs::metadata(root) {
            Err(e) => Box::new(std::iter::once(Entry::Error(root.clone(), e.to_string()))),
            Ok(m) if !m.is_dir() => Box::new(std::iter::once(Entry::File(root.clone()))),
            Ok(_) => Box::new(walk_dir(root)),
        }
    })
}

fn walk_dir(root: &Path) -> impl Iterator<Item = Entry> + Send + use<> {
    let root = root.to_path_buf();
    WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(move |r| match r {
            Ok(e) if e.file_type().is_dir() => None,
            Ok(e) if e.file_type().is_file() && is_letter_name(e.path()) => Some(Entry::File(e.into_path())),
            Ok(e) if e.file_type().is_file() => Some(Entry::Skip(e.into_path(), "not a .pdf or .txt file".to_string())),
            Ok(e) => Some(Entry::Skip(e.into_path(), "not a regular file".to_string())),
            Err(e) => {
                let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                if e.loop_ancestor().is_some() {
                    Some(Entry::Skip(path, "symbolic link loop, not followed".to_string()))
                } else {
                    let reason = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
                    Some(Entry::Error(path, reason))
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skips_hidden_and_reports_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("b")).unwrap();
        std::fs::create_dir_all(p.join(".git")).unwrap();
        for f in ["b/2.PDF", "a.txt", "notes.docx", ".git/x.txt", "b/1.txt"] {
            std::fs::write(p.join(f), "x").unwrap();
        }
        let got: Vec<Entry> = walk(&[p.to_path_buf(), p.join("missing")]).collect();
        assert_eq!(
            got,
            vec![
                Entry::File(p.join("a.txt")),
                Entry::File(p.join("b/1.txt")),
                Entry::File(p.join("b/2.PDF")),
                Entry::Skip(p.join("notes.docx"), "not a .pdf or .txt file".to_string()),
                Entry::Error(p.join("missing"), "No such file or directory (os error 2)".to_string()),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("d")).unwrap();
        std::fs::write(p.join("d/a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(p, p.join("d/loop")).unwrap();
        let got: Vec<Entry> = walk(&[p.to_path_buf()]).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(&got[1], Entry::Skip(_, r) if r.contains("loop")), "{got:?}");
    }
}
