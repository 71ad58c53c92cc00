//! The synthetic corpus generator (`imr_gen`, `imr-gen corpus`) and, through it, the parser
//! and the search at scale: every generated letter comes with its ground truth, so whatever
//! the parser or the index answers can be checked exactly.

use super::env::{imr, json_lines, stderr};
use imr_gen::{self as gen, Truth, TruthItem};
use imr_search::letter::{self, citations::CitedBy, levels, Layout, Outcome};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const SEED: u64 = 2016;
const LETTERS: u64 = 2000;

#[test]
fn letters_are_deterministic_per_seed_and_index() {
    for index in [0, 1, 999, 123_456] {
        let a = gen::letter(SEED, index);
        let b = gen::letter(SEED, index);
        assert_eq!(a.text, b.text);
        assert_eq!(a.truth, b.truth);
        assert_eq!(a.file_name, a.truth.file_name);
        assert!(a.file_name.ends_with(&format!("{index:07}.txt")), "{}", a.file_name);
        assert_ne!(gen::letter(SEED + 1, index).text, a.text, "seed {} index {index}", SEED + 1);
    }
    // The truth survives a round trip through JSON.
    let t = gen::letter(SEED, 5).truth;
    assert_eq!(serde_json::from_str::<Truth>(&serde_json::to_string(&t).unwrap()).unwrap(), t);
}

/// Each key once, in order of first appearance (the parser may cite one key for two topics).
fn keys(d: &letter::Decision, by: CitedBy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in d.citations.iter().filter(|c| c.cited_by == by) {
        if !out.contains(&c.key) {
            out.push(c.key.clone());
        }
    }
    out
}

fn check_item(problems: &mut Vec<String>, at: &str, got: &letter::Decision, want: &TruthItem) {
    let mut fail = |what: &str, got: String, want: String| {
        problems.push(format!("{at}: {what}: parsed {got}, truth {want}"));
    };
    if got.item != want.item {
        fail("item", format!("{:?}", got.item), format!("{:?}", want.item));
    }
    if got.outcome != Some(want.outcome) {
        fail("outcome", format!("{:?}", got.outcome), format!("{:?}", want.outcome));
    }
    let lv: Vec<String> = levels::find(&got.item).iter().map(levels::Level::canonical).collect();
    if lv != want.levels {
        fail("levels", format!("{lv:?}"), format!("{:?}", want.levels));
    }
    for (by, want_keys) in [(CitedBy::Ur, &want.ur_citations), (CitedBy::Imr, &want.imr_citations)] {
        let got_keys = keys(got, by);
        if &got_keys != want_keys {
            let line = if by == CitedBy::Ur { &got.ur_guideline } else { &got.imr_guideline };
            fail(
                &format!("{} citations", by.as_str()),
                format!("{got_keys:?} from {line:?}"),
                format!("{want_keys:?}"),
            );
        }
    }
    if got.category.as_deref() != Some(want.category.as_str()) {
        fail("category", format!("{:?}", got.category), want.category.clone());
    }
    if got.original_request != want.original_request || got.authorized != want.authorized {
        fail(
            "partial authorisation",
            format!("{:?} / {:?}", got.original_request, got.authorized),
            format!("{:?} / {:?}", want.original_request, want.authorized),
        );
    }
}

/// Every disagreement between the parser and the truth of one letter.
fn disagreements(index: u64) -> Vec<String> {
    let mut problems = Vec::new();
    let generated = gen::letter(SEED, index);
    let (want, got) = (&generated.truth, letter::parse(&generated.text));
    let at = &want.file_name;
    if got.layout != want.layout {
        return vec![format!("{at}: layout {} read as {}", want.layout, got.layout)];
    }
    if got.case_number.as_deref() != Some(want.case_number.as_str()) {
        problems.push(format!("{at}: case number {:?}", got.case_number));
    }
    if got.decision_date != Some(want.decision_date) || got.date_of_injury != Some(want.date_of_injury) {
        problems.push(format!("{at}: dates {:?} / {:?}", got.decision_date, got.date_of_injury));
    }
    if got.patient.age != Some(want.age) || got.patient.sex != Some(want.sex) {
        problems.push(format!("{at}: patient {:?}", got.patient));
    }
    if got.reviewer.specialties != want.specialties || got.reviewer.licensure != want.licensure {
        problems.push(format!("{at}: reviewer {:?}", got.reviewer));
    }
    if !got.warnings.is_empty() {
        problems.push(format!("{at}: warnings {:?}", got.warnings));
    }
    if got.items.len() != want.items.len() {
        problems.push(format!("{at}: {} items read, {} in the letter", got.items.len(), want.items.len()));
        return problems;
    }
    for (k, (g, w)) in got.items.iter().zip(&want.items).enumerate() {
        check_item(&mut problems, &format!("{at} item {}", k + 1), g, w);
    }
    problems
}

#[test]
fn the_parser_reads_every_generated_letter_as_its_truth_says() {
    // In parallel: the parser is slow in a debug build.
    let problems: Vec<String> = (0..LETTERS).into_par_iter().flat_map_iter(disagreements).collect();
    assert!(
        problems.is_empty(),
        "{} disagreements, first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

#[test]
fn the_mix_looks_like_the_real_letters() {
    let truths: Vec<Truth> = (0..LETTERS).into_par_iter().map(|i| gen::letter(SEED, i).truth).collect();
    let items: Vec<&TruthItem> = truths.iter().flat_map(|t| &t.items).collect();
    let upheld = items.iter().filter(|i| i.outcome == Outcome::Upheld).count() as f64 / items.len() as f64;
    assert!((0.85..=0.95).contains(&upheld), "upheld share {upheld:.3}");
    let layouts: BTreeSet<&str> = truths.iter().map(|t| t.layout.as_str()).collect();
    assert_eq!(layouts, BTreeSet::from(["A", "B", "C", "D", "E"]));
    let most = truths.iter().map(|t| t.items.len()).max().unwrap_or(0);
    assert!(most >= 10, "at most {most} items in a letter");
    assert!(
        truths.iter().filter(|t| t.items.len() <= 3).count() as u64 > LETTERS * 6 / 10,
        "most letters have 1-3 items"
    );
    // The features the corpus exists to exercise all occur.
    assert!(items.iter().any(|i| i.original_request.is_some()), "no partial authorisation");
    assert!(items.iter().any(|i| i.item.contains("DOS")), "no retrospective request");
    assert!(items.iter().any(|i| i.levels.contains(&"L4-S1".to_string())), "no L4-S1 range");
    assert!(items.iter().any(|i| i.ur_citations.iter().any(|k| k == "No evidence cited")));
    let categories: BTreeSet<&str> = items.iter().map(|i| i.category.as_str()).collect();
    assert!(categories.len() >= 9, "{categories:?}");
    let sizes: Vec<usize> = (0..200).map(|i| gen::letter(SEED, i).text.len()).collect();
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    assert!((5000..8000).contains(&mean), "mean letter size {mean} bytes");
}

/// True when the truth says the item is a fusion at L5-S1: "fusion" in its name and a level
/// that is or spans L5-S1.
fn l5_s1_fusion(item: &TruthItem) -> bool {
    let fusion =
        item.item.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w == "fusion" || w == "fusions");
    let spans_l5_s1 = item
        .levels
        .iter()
        .any(|l| l == "L5-S1" || levels::find(l).first().is_some_and(|lv| lv.spanned().iter().any(|s| s == "L5-S1")));
    fusion && spans_l5_s1
}

#[test]
fn a_generated_corpus_indexes_and_searches_as_its_truth_says() {
    let dir = tempfile::tempdir().unwrap();
    let letters = dir.path().join("letters");
    let idx = dir.path().join("idx");
    let (letters_s, idx_s) = (letters.to_str().unwrap(), idx.to_str().unwrap());

    let args = imr_gen::cli::GenArgs { count: LETTERS, seed: SEED, out: letters.clone(), start: 0, threads: None };
    assert_eq!(imr_gen::corpus::run(&args).unwrap(), 0);
    let truth: Vec<Truth> = std::fs::read_to_string(letters.join("truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(truth.len() as u64, LETTERS);
    // The files are the library's letters, 1000 to a folder, and the truth is in index order.
    for i in [0u64, 999, 1000, LETTERS - 1] {
        let g = gen::letter(SEED, i);
        assert_eq!(truth[i as usize], g.truth);
        let path = letters.join(format!("{:04}", i / 1000)).join(&g.file_name);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), g.text, "{}", path.display());
    }

    let out = imr(dir.path(), &["index", "--index", idx_s, letters_s]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // truth.jsonl is seen and skipped, never indexed.
    assert!(err.contains(&format!("{} files seen: {LETTERS} indexed, 1 skipped, 0 failed", LETTERS + 1)), "{err}");

    let out = imr(dir.path(), &["search", "--index", idx_s, "--json", "--limit", "2000", "L5-S1 fusion upheld"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let by_case: BTreeMap<&str, &Truth> = truth.iter().map(|t| (t.case_number.as_str(), t)).collect();
    let mut hits = BTreeSet::new();
    for h in json_lines(&out) {
        let case = h["case_number"].as_str().unwrap();
        let n = h["item_no"].as_u64().unwrap() as usize;
        let t = by_case.get(case).unwrap_or_else(|| panic!("{case} is not in the truth"));
        let item = &t.items[n - 1];
        assert_eq!(h["item"].as_str(), Some(item.item.as_str()), "{case} item {n}");
        assert!(
            item.outcome == Outcome::Upheld && l5_s1_fusion(item),
            "{case} item {n} is not an upheld L5-S1 fusion: {item:?}"
        );
        hits.insert((case.to_string(), n));
    }
    let want: BTreeSet<(String, usize)> = truth
        .iter()
        .flat_map(|t| {
            t.items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.outcome == Outcome::Upheld && l5_s1_fusion(i))
                .map(|(k, _)| (t.case_number.clone(), k + 1))
        })
        .collect();
    assert!(want.len() >= 10, "only {} upheld L5-S1 fusions in the truth", want.len());
    let missed: Vec<_> = want.difference(&hits).collect();
    assert!(
        missed.is_empty(),
        "{} upheld L5-S1 fusions not found, e.g. {:?}",
        missed.len(),
        &missed[..missed.len().min(5)]
    );
    assert!(truth.iter().any(|t| t.layout == Layout::B), "layout B letters take part");
}
