//! The project's own sample corpus, `data/letters`, against its ground truth,
//! `data/expected.jsonl` (written with the letters, not by the parser). Checked exactly.

use super::env::{imr, json_lines, repo, stderr, summary};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
        .sum()
}

#[test]
fn sample_letters_parse_exactly_as_expected() {
    let root = repo().join("data/letters");
    let out = imr(&repo(), &["parse", "data/letters"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let got: BTreeMap<String, Value> = json_lines(&out)
        .into_iter()
        .map(|l| (l["path"].as_str().unwrap().trim_start_matches("data/letters/").to_string(), l))
        .collect();
    let expected: Vec<Value> = std::fs::read_to_string(repo().join("data/expected.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(expected.len(), count_files(&root), "expected.jsonl has one line per file under data/letters");

    let mut problems = Vec::new();
    let (mut parsed, mut skipped, mut items) = (0, 0, 0);
    for e in &expected {
        let file = e["file"].as_str().unwrap();
        if e["status"] == "skipped" {
            skipped += 1;
            if got.contains_key(file) {
                problems.push(format!("{file}: expected a skip, got a letter"));
            }
            if !err.contains(&format!("data/letters/{file}: skipped: ")) {
                problems.push(format!("{file}: no skip line on stderr"));
            }
            continue;
        }
        parsed += 1;
        let Some(g) = got.get(file) else {
            problems.push(format!("{file}: not in the output"));
            continue;
        };
        let mut same = |what: &str, want: &Value, have: &Value| {
            if want != have {
                problems.push(format!("{file}: {what}: expected {want}, got {have}"));
            }
        };
        same("layout", &e["layout"], &g["layout"]);
        same("case_number", &e["case_number"], &g["case_number"]);
        for (k, key) in [
            ("assigned", "date_assigned"),
            ("injury", "date_of_injury"),
            ("decision", "decision_date"),
            ("ur_denial", "ur_denial_date"),
            ("application_received", "application_received"),
        ] {
            same(key, &e["dates"][k], &g[key]);
        }
        same("priority", &e["priority"], &g["priority"]);
        same("reviewer", &e["reviewer"], &g["reviewer"]);
        same("patient", &e["patient"], &g["patient"]);
        let want_items = e["items"].as_array().unwrap();
        let have_items = g["items"].as_array().unwrap();
        items += want_items.len();
        if want_items.len() != have_items.len() {
            problems.push(format!(
                "{file}: {} items expected, got {}: {:?}",
                want_items.len(),
                have_items.len(),
                have_items.iter().map(|i| &i["item"]).collect::<Vec<_>>()
            ));
            continue;
        }
        for (n, (w, h)) in want_items.iter().zip(have_items).enumerate() {
            for key in ["item", "original_request", "authorized", "outcome", "ur_guideline", "imr_guideline"] {
                same(&format!("item {} {key}", n + 1), &w[key], &h[key]);
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    let s = summary(&out);
    assert!(
        s.contains(&format!(
            "{} files seen: {parsed} parsed, {skipped} skipped, 0 failed; {items} items",
            expected.len()
        )),
        "{s}"
    );
}
