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
