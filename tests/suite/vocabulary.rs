//! The vocabulary and spelling suggestions, on the letters of `data/vocabulary/` (written so
//! that each drug or test is named one way in one letter and another way in the other).

use super::env::{json_lines, repo, stderr, TestIndex};
use std::process::Command;

fn index() -> TestIndex {
    let t = TestIndex::new();
    let out = t.imr(&["index", "data/vocabulary"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("holds 3 letters, 13 decisions"), "{}", stderr(&out));
    t
}

fn hit(case: &str, item: u64) -> (String, u64) {
    (case.to_string(), item)
}

#[test]
fn brand_finds_generic_and_back() {
    let t = index();
    // (name in CM16-0990411, name in CM17-0990522, item number in both)
    for (brand, generic, item) in [
        ("vicodin", "hydrocodone", 1),
        ("Flexeril", "cyclobenzaprine", 2),
        ("prilosec", "omeprazole", 3),
        ("EMG", "electromyography", 4),
        ("voltaren", "diclofenac", 5),
    ] {
        let both = vec![hit("CM16-0990411", item), hit("CM17-0990522", item)];
        let mut found = t.hits(brand);
        found.sort();
        assert_eq!(found, both, "{brand}");
        let mut found = t.hits(generic);
        found.sort();
        assert_eq!(found, both, "{generic}");
        // Read exactly, or quoted, each finds only the letter that uses it.
        assert_eq!(t.hits_with(&["--exact", brand]), [hit("CM16-0990411", item)], "{brand} --exact");
        assert_eq!(t.hits(&format!("\"{generic}\"")), [hit("CM17-0990522", item)], "\"{generic}\"");
    }
    // The line that says how the query was read names the other names.
    let out = t.imr(&["search", "hydrocodone"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("read as: hydrocodone OR Norco OR Vicodin"), "{text}");
    assert!(text.contains("\"hydrocodone\" also read as its other names (drug)"), "{text}");
    // An outcome word still filters each item by its own outcome.
    assert_eq!(t.hits("flexeril overturned"), [hit("CM16-0990411", 2)]);
    assert_eq!(t.hits("cyclobenzaprine upheld"), [hit("CM17-0990522", 2)]);
}

#[test]
fn a_misspelt_word_gets_a_suggestion_never_a_rewrite() {
    let t = index();
    let out = t.imr(&["search", "acupunture"]);
    assert_eq!(out.status.code(), Some(1), "nothing matches the word as typed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 decisions match \"acupunture\""), "{text}");
    assert!(text.contains("did you mean: acupuncture (2 decisions)?"), "{text}");

    let out = t.imr(&["search", "--json", "acupunture lumbar"]);
    assert!(stderr(&out).contains("did you mean: acupuncture lumbar (1 decision)?"), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "no hits, one suggestion: {lines:?}");
    let s = &lines[0]["did_you_mean"];
    assert_eq!(s["word"], "acupunture");
    assert_eq!(s["instead"], "acupuncture");
    assert_eq!(s["query"], "acupuncture lumbar");
    assert_eq!(s["decisions"], 1);

    // A word spelt right, or quoted, gets none.
    for q in ["acupuncture", "\"acupunture\""] {
        let out = t.imr(&["search", "--json", q]);
        assert!(!stderr(&out).contains("did you mean"), "{q}: {}", stderr(&out));
    }
    // An ending mistyped: the suggestion is found through the word's single edits.
    let out = t.imr(&["search", "physcial therapy"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("did you mean: physical therapy (1 decision)?"), "{text}");
}

#[test]
fn users_add_rows_and_bad_rows_are_named() {
    let t = index();
    let tables = tempfile::tempdir().unwrap();
    let search = |q: &str| {
        Command::new(env!("CARGO_BIN_EXE_imr"))
            .args(["search", "--json", q])
            .current_dir(repo())
            .env("IMR_INDEX", t.path())
            .env("IMR_TABLES", tables.path())
            .output()
            .unwrap()
    };
    std::fs::write(tables.path().join("vocabulary.tsv"), "# mine\ndrug\tmuscle pill | Flexeril\n").unwrap();
    let out = search("muscle pill");
    let hits: Vec<String> = json_lines(&out).iter().map(|h| h["case_number"].as_str().unwrap().to_string()).collect();
    assert_eq!(hits, ["CM16-0990411"], "{}", stderr(&out));
    // The user's row took Flexeril from the built-in cyclobenzaprine row.
    let out = search("cyclobenzaprine");
    let hits: Vec<String> = json_lines(&out).iter().map(|h| h["case_number"].as_str().unwrap().to_string()).collect();
    assert_eq!(hits, ["CM17-0990522"], "{}", stderr(&out));

    std::fs::write(tables.path().join("vocabulary.tsv"), "drug\tmuscle pill | Flexeril\npill\tone | two\n").unwrap();
    let out = search("flexeril");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("vocabulary.tsv line 2: unknown kind \"pill\""), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_query_of_hundreds_of_names_stays_bounded_and_correct() {
    let t = index();
    // Eighty drug names, each with its row: the vocabulary adds a bounded share, and the
    // first names keep theirs.
    let names = [
        "vicodin",
        "flexeril",
        "tramadol",
        "gabapentin",
        "pregabalin",
        "celecoxib",
        "meloxicam",
        "naproxen",
        "ibuprofen",
        "carisoprodol",
        "tizanidine",
        "methocarbamol",
        "metaxalone",
        "baclofen",
        "duloxetine",
        "amitriptyline",
        "nortriptyline",
        "venlafaxine",
        "sertraline",
        "escitalopram",
        "citalopram",
        "fluoxetine",
        "paroxetine",
        "bupropion",
        "trazodone",
        "mirtazapine",
        "zolpidem",
        "eszopiclone",
        "zaleplon",
        "temazepam",
        "alprazolam",
        "clonazepam",
        "lorazepam",
        "diazepam",
        "buspirone",
        "hydroxyzine",
        "esomeprazole",
        "pantoprazole",
        "lansoprazole",
        "rabeprazole",
        "ranitidine",
        "famotidine",
        "ondansetron",
        "promethazine",
        "docusate",
        "lactulose",
        "oxycodone",
        "morphine",
        "hydromorphone",
        "oxymorphone",
        "fentanyl",
        "buprenorphine",
        "methadone",
        "codeine",
        "tapentadol",
        "topiramate",
        "carbamazepine",
        "oxcarbazepine",
        "lamotrigine",
        "sumatriptan",
        "rizatriptan",
        "etodolac",
        "nabumetone",
        "ketorolac",
        "indomethacin",
        "oxaprozin",
        "piroxicam",
        "sulindac",
        "lidocaine",
        "capsaicin",
        "sildenafil",
        "tadalafil",
        "metformin",
        "lisinopril",
        "amlodipine",
        "atorvastatin",
        "warfarin",
        "enoxaparin",
        "orphenadrine",
        "chlorzoxazone",
    ];
    let q = names.join(" OR ");
    let out = t.imr(&["search", "--json", "-n", "100", &q]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("searched as typed: the query already has 200 names"), "{}", stderr(&out));
    let mut hits: Vec<(String, u64)> = json_lines(&out)
        .iter()
        .map(|h| (h["case_number"].as_str().unwrap().to_string(), h["item_no"].as_u64().unwrap()))
        .collect();
    hits.sort();
    // Vicodin and Flexeril came first and kept their rows: both letters' items 1 and 2.
    assert_eq!(hits, [hit("CM16-0990411", 1), hit("CM16-0990411", 2), hit("CM17-0990522", 1), hit("CM17-0990522", 2)]);
}
