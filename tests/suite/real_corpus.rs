//! The 97 real DWC letters in `../shared/corpus/real-2016` (skipped when absent) and the
//! seed letter. Expected values are read from each letter's own text with simple patterns,
//! independently of the parser.

use super::env::{imr, json_lines, repo, shared, summary};
use imr_search::letter::{self, Layout, Outcome};
use imr_search::source::{self, Source};
use regex::Regex;

#[test]
fn every_real_letter_has_the_right_items_outcomes_and_header() {
    let Some(dir) = shared("corpus/real-2016") else { return };
    let rationale = Regex::new(r"Decision\s+rationale\s*:").unwrap();
    let written_outcome = Regex::new(r"(?m):\s*(Upheld|Overturned)\s*$").unwrap();
    let case = Regex::new(r"Case\s+Number:\s*(CM\d{2}-\d{7})").unwrap();
    let decided = Regex::new(r"Decision\s+Date:\s*(\d{2})/(\d{2})/(\d{4})").unwrap();

    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let (mut letters, mut items, mut upheld, mut overturned) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = match source::read(path) {
            Ok(Source::Text { text, .. }) => text,
            other => panic!("{name}: not read: {other:?}"),
        };
        let l = letter::parse(&text);
        letters += 1;
        let expected_items = rationale.find_iter(&text).count();
        let words: Vec<Option<Outcome>> =
            written_outcome.captures_iter(&text).map(|c| Outcome::from_word(&c[1])).collect();
        let got: Vec<Option<Outcome>> = l.items.iter().map(|d| d.outcome).collect();
        if l.layout != Layout::C {
            problems.push(format!("{name}: layout {}", l.layout));
        }
        if l.items.len() != expected_items {
            problems.push(format!("{name}: {} items, text has {expected_items} rationales", l.items.len()));
        }
        if got != words {
            problems.push(format!("{name}: outcomes {got:?}, written {words:?}"));
        }
        let c = case.captures(&text).map(|c| c[1].to_string());
        if l.case_number != c || c.as_deref() != Some(name.trim_end_matches(".pdf")) {
            problems.push(format!("{name}: case number {:?}, header says {c:?}", l.case_number));
        }
        let d = decided.captures(&text).map(|c| format!("{}-{}-{}", &c[3], &c[1], &c[2]));
        if l.decision_date.map(|d| d.to_string()) != d || d.is_none() {
            problems.push(format!("{name}: decision date {:?}, header says {d:?}", l.decision_date));
        }
        if l.reviewer.specialties.is_empty() || l.reviewer.licensure.is_empty() {
            problems.push(format!("{name}: reviewer {:?}", l.reviewer));
        }
        if l.items.iter().any(|d| {
            d.item.is_empty() || d.rationale.is_none() || d.ur_guideline.is_none() || d.imr_guideline.is_none()
        }) {
            problems.push(format!("{name}: an item lacks its text, guidelines or rationale"));
        }
        if !l.warnings.is_empty() {
            problems.push(format!("{name}: warnings {:?}", l.warnings));
        }
        items += expected_items;
        upheld += words.iter().filter(|w| **w == Some(Outcome::Upheld)).count();
        overturned += words.iter().filter(|w| **w == Some(Outcome::Overturned)).count();
    }
    eprintln!("real letters: {letters} letters, {items} items, {upheld} upheld, {overturned} overturned");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(letters, 97);

    // The same through the command line: every file accounted for, the same totals.
    let out = imr(&repo(), &["parse", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", summary(&out));
    assert_eq!(json_lines(&out).len(), letters);
    let s = summary(&out);
    let want = format!("{letters} files seen: {letters} parsed, 0 skipped, 0 failed; {items} items ({upheld} upheld, {overturned} overturned)");
    assert!(s.contains(&want), "{s}\nwanted: {want}");
}

#[test]
fn seed_letter_is_one_upheld_lumbar_fusion() {
    let Some(seed) = shared("seed/letter-layout-b.txt") else { return };
    let l = letter::parse(&std::fs::read_to_string(seed).unwrap());
    assert_eq!(l.layout, Layout::B);
    assert_eq!(l.items.len(), 1);
    let d = &l.items[0];
    assert_eq!(d.item, "LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC FRAGMENTS");
    assert_eq!(d.outcome, Some(Outcome::Upheld));
    assert_eq!(d.ur_guideline.as_deref(), Some("Decision based on MTUS ACOEM Page(s): 305-306."));
    assert!(d
        .imr_guideline
        .as_deref()
        .unwrap()
        .starts_with("Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 307."));
    assert!(d.rationale.as_deref().unwrap().ends_with("without instability fracture or tumor."));
    assert_eq!(l.reviewer.specialties, ["Orthopedic Surgery"]);
    assert_eq!(l.reviewer.licensure, ["New York"]);
    assert_eq!((l.patient.age, l.patient.sex), (Some(27), Some(letter::Sex::Male)));
}
