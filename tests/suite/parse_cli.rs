//! `imr parse` as a user runs it: bad files, exit codes, stdout/stderr separation.

use super::env::{imr, json_lines, repo, stderr, summary};
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/bad")
}

#[test]
fn a_folder_of_bad_files_is_fully_accounted_for() {
    let out = imr(&repo(), &["parse", fixtures().to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "a failed file makes exit 2\n{err}");
    let expect_line = |file: &str, reason: &str| {
        let p = fixtures().join(file);
        let line = format!("imr: {}: {reason}", p.display());
        assert!(err.lines().any(|l| l.starts_with(&line)), "no line starting {line:?} in\n{err}");
        assert_eq!(err.matches(&format!("{}:", p.display())).count(), 1, "{file} reported more than once\n{err}");
    };
    expect_line("broken.pdf", "damaged PDF: ");
    expect_line("truncated.pdf", "damaged PDF: ");
    expect_line("password.pdf", "PDF is password-protected");
    expect_line("jpeg-named.pdf", "skipped: not a letter: JPEG image data");
    expect_line("jpeg-named.txt", "skipped: not a letter: JPEG image data");
    expect_line("empty.txt", "skipped: empty file");

    let letters = json_lines(&out);
    let by_name = |name: &str| {
        letters
            .iter()
            .find(|l| l["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not in output"))
    };
    let latin1 = by_name("latin1-letter.txt");
    assert_eq!(latin1["format"], "windows-1252");
    let utf16 = by_name("utf16-letter.txt");
    assert_eq!(utf16["format"], "utf-16le");
    for l in [latin1, utf16] {
        assert_eq!(l["layout"], "C");
        assert!(!l["items"].as_array().unwrap().is_empty());
        let all = l.to_string();
        assert!(!all.contains('\u{fffd}'), "replacement characters in {all}");
    }
    assert!(
        latin1.to_string().contains('\u{e9}') || latin1.to_string().contains('\u{201c}'),
        "é or a curly quote decoded"
    );
    assert_eq!(letters.len(), 2);
    assert!(summary(&out).contains("8 files seen: 2 parsed, 3 skipped, 3 failed"), "{}", summary(&out));
}

#[test]
fn a_clean_folder_exits_zero_and_prints_only_json_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("latin1-letter.txt"), dir.path().join("a.txt")).unwrap();
    std::fs::write(dir.path().join("notes.docx"), "x").unwrap();
    let out = imr(dir.path(), &["parse", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&out).len(), 1);
    assert!(stderr(&out).contains("notes.docx: skipped: not a .pdf or .txt file"));
    assert!(summary(&out).contains("2 files seen: 1 parsed, 1 skipped, 0 failed"), "{}", summary(&out));
}

#[test]
fn a_missing_path_fails_and_the_rest_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("utf16-letter.txt"), dir.path().join("u.txt")).unwrap();
    let out = imr(dir.path(), &["parse", "nope", "u.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("imr: nope: No such file or directory"), "{}", stderr(&out));
    assert_eq!(json_lines(&out).len(), 1);
}

#[test]
fn a_named_file_is_read_whatever_its_extension_and_text_is_on_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("latin1-letter.txt"), dir.path().join("letter.text")).unwrap();
    let out = imr(dir.path(), &["parse", "--text", "letter.text"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let l = &json_lines(&out)[0];
    assert!(l["text"].as_str().unwrap().contains("Case Number"));
    let plain = imr(dir.path(), &["parse", "letter.text"]);
    assert!(json_lines(&plain)[0].get("text").is_none(), "text only on request for known layouts");
}

#[test]
fn usage_errors_exit_2() {
    let out = imr(Path::new("."), &["parse"]);
    assert_eq!(out.status.code(), Some(2));
    let out = imr(Path::new("."), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_users_tables_come_first_and_a_bad_row_is_named() {
    let tables = tempfile::tempdir().unwrap();
    std::fs::write(tables.path().join("citations.tsv"), "odg\tlow back\tLumbar Spine (ours)\n").unwrap();
    let letter = repo().join("data/letters/c-2016/CM16-0923587.txt");
    let run = |dir: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_imr"))
            .args(["parse", letter.to_str().unwrap()])
            .env("IMR_TABLES", dir)
            .output()
            .unwrap()
    };
    let out = run(tables.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let keys: Vec<String> = json_lines(&out)[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["citations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["key"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(keys.contains(&"ODG Lumbar Spine (ours)".to_string()), "{keys:?}");
    assert!(!keys.contains(&"ODG Low Back".to_string()), "{keys:?}");
    std::fs::write(tables.path().join("citations.tsv"), "# mine\nodg\tlow back\n").unwrap();
    let bad = run(tables.path());
    assert_eq!(bad.status.code(), Some(2));
    let err = stderr(&bad);
    assert!(err.contains("citations.tsv line 2: expected 3 tab-separated columns"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
