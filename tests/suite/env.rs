//! Test helpers: run the built binary, find the repository's and `../shared`'s files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `../shared`, or `None` (with a message saying the test is skipped) when the
/// checkout has no `../shared` beside it, as a fresh clone elsewhere does not.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo().join("..").join("shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not found (tests that need ../shared skip without it)", p.display());
        None
    }
}

/// Runs `imr` with `args` in `cwd`.
pub fn imr(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imr")).args(args).current_dir(cwd).output().expect("run imr")
}

/// Stdout as JSON Lines.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("utf-8 stdout")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The summary line `imr: N files seen: ...` from stderr.
pub fn summary(out: &Output) -> String {
    stderr(out)
        .lines()
        .rev()
        .find(|l| l.contains(" files seen: "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no summary in {}", stderr(out)))
}

/// A temporary index folder and a way to run `imr` against it (through `IMR_INDEX`).
pub struct TestIndex {
    pub dir: tempfile::TempDir,
}

impl TestIndex {
    pub fn new() -> TestIndex {
        TestIndex { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Runs `imr` from the repository root with `IMR_INDEX` set to this index.
    pub fn imr(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_imr"))
            .args(args)
            .current_dir(repo())
            .env("IMR_INDEX", self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run imr")
    }

    /// A fresh index of the sample corpus.
    pub fn sample() -> TestIndex {
        let t = TestIndex::new();
        let out = t.imr(&["index", "data/letters"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        t
    }

    /// The rows of `imr report ARGS --format json`, which must succeed.
    pub fn report_rows(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let out = self.imr(&all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        json_lines(&out)
    }

    /// `(case_number, item_no)` of every hit of a JSON search.
    pub fn hits(&self, query: &str) -> Vec<(String, u64)> {
        self.hits_with(&[query])
    }

    /// [`TestIndex::hits`] with more arguments for `imr search` (`--exact`), the query last.
    pub fn hits_with(&self, args: &[&str]) -> Vec<(String, u64)> {
        let mut all = vec!["search", "--json", "-n", "1000"];
        all.extend_from_slice(args);
        let out = self.imr(&all);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {}", stderr(&out));
        json_lines(&out)
            .iter()
            .filter(|h| h.get("did_you_mean").is_none())
            .map(|h| (h["case_number"].as_str().unwrap_or("").to_string(), h["item_no"].as_u64().unwrap()))
            .collect()
    }
}
