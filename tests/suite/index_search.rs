//! `imr index`, `imr search` and `imr show` on the sample corpus (exact results) and on the
//! real letters (skipped when absent).

use super::env::{json_lines, repo, shared, stderr, TestIndex};
use serde_json::Value;
use std::collections::BTreeSet;

fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

#[test]
fn index_the_sample_corpus_and_search_it() {
    let t = TestIndex::new();
    let out = t.imr(&["index", "data/letters"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("49 files seen: 47 indexed, 2 skipped, 0 failed; 49 read"), "{err}");
    assert!(err.contains("47 letters, 140 decisions (118 upheld, 21 overturned, 1 without outcome) read"), "{err}");
    assert!(err.contains("47 added, 0 updated, 0 removed, 0 unchanged"), "{err}");
    assert!(err.contains("holds 47 letters, 140 decisions"), "{err}");

    // The one upheld fusion that spans L5-S1 (written "L4–S1"); the brace of the same letter
    // mentions L5-S1 only in its case summary and is not returned.
    assert_eq!(t.hits("L5-S1 fusion upheld"), pairs(&[("CM16-0923587", 1)]));
    assert_eq!(t.hits("L5-S1 fusion overturned"), pairs(&[]));
    // Every spelling of a level finds the same decisions.
    let l45 = t.hits("L4-L5");
    assert!(!l45.is_empty());
    for spelling in ["L4-5", "L4/L5", "L4 L5", "l4\u{2013}l5", "\"L4-5\""] {
        assert_eq!(t.hits(spelling), l45, "{spelling}");
    }
    // Outcome words filter each item by its own outcome.
    let upheld: BTreeSet<_> = t.hits("upheld").into_iter().collect();
    let overturned: BTreeSet<_> = t.hits("approved").into_iter().collect();
    assert_eq!((upheld.len(), overturned.len()), (118, 21));
    assert!(upheld.is_disjoint(&overturned));
    assert_eq!(t.hits("outcome:Overturned").len(), 21);
}

#[test]
fn json_keys_scores_and_tie_order() {
    let t = TestIndex::sample();
    let out = t.imr(&["search", "--json", "-n", "1000", "MRI"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hits = json_lines(&out);
    assert!(hits.len() > 5);
    for h in &hits {
        for key in ["case_number", "item", "outcome", "decision_date", "specialty", "score", "snippet", "path"] {
            assert!(h.get(key).is_some(), "no {key} in {h}");
        }
        assert!(
            h["item"].as_str().unwrap().to_lowercase().contains("mri")
                || h["item"].as_str().unwrap().contains("magnetic")
        );
    }
    // Best first; equal scores in case-number order.
    for w in hits.windows(2) {
        let (a, b) = (w[0]["score"].as_f64().unwrap(), w[1]["score"].as_f64().unwrap());
        assert!(a >= b);
        if a == b {
            assert!(w[0]["case_number"].as_str() <= w[1]["case_number"].as_str());
        }
    }
    // --limit
    let two = t.imr(&["search", "--json", "-n", "2", "MRI"]);
    assert_eq!(json_lines(&two).len(), 2);
}

#[test]
fn words_that_hit_different_items_of_one_letter_do_not_match_it() {
    let t = TestIndex::sample();
    // CM16-0911042 disputes Norco (item 1) and cyclobenzaprine (item 2).
    assert!(t.hits("Norco").contains(&("CM16-0911042".to_string(), 1)));
    assert!(t.hits("Cyclobenzaprine").contains(&("CM16-0911042".to_string(), 2)));
    let both = t.hits("Norco Cyclobenzaprine");
    assert!(both.iter().all(|(c, _)| c != "CM16-0911042"), "{both:?}");
}

#[test]
fn exit_codes_and_one_line_errors() {
    let t = TestIndex::sample();
    let none = t.imr(&["search", "zzzqqq"]);
    assert_eq!(none.status.code(), Some(1));
    for bad in ["hip AND", "(", "\"open", "date:2016-13", "-surgery"] {
        let out = t.imr(&["search", "--", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{bad}: {err}");
        assert!(err.starts_with("imr: bad query"), "{bad}: {err}");
        assert!(out.stdout.is_empty());
    }
    let fielded = t.imr(&["search", "--json", "MTUS: chronic"]);
    assert_eq!(fielded.status.code(), Some(0), "a word before a colon is searched as a word: {}", stderr(&fielded));
    let empty = TestIndex::new();
    let out = empty.imr(&["search", "knee"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no index at"), "{}", stderr(&out));
}

#[test]
fn indexing_again_gives_the_same_index() {
    let t = TestIndex::sample();
    let before = t.hits("upheld OR overturned");
    let again = t.imr(&["index", "data/letters"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("holds 47 letters, 140 decisions"), "{}", stderr(&again));
    // The same files named another way are the same letters.
    let abs = repo().join("data/letters/c-2016");
    let third = t.imr(&["index", abs.to_str().unwrap()]);
    assert!(stderr(&third).contains("holds 47 letters, 140 decisions"), "{}", stderr(&third));
    assert_eq!(t.hits("upheld OR overturned"), before);
    let rebuilt = t.imr(&["index", "--rebuild", "data/letters/a-2013"]);
    assert!(stderr(&rebuilt).contains("holds 8 letters, 20 decisions"), "{}", stderr(&rebuilt));
}

#[test]
fn date_ranges_and_fields() {
    let t = TestIndex::sample();
    let in_2013 = t.hits("date:2013");
    assert!(!in_2013.is_empty());
    assert!(in_2013.iter().all(|(c, _)| c.starts_with("CM13-")), "{in_2013:?}");
    assert_eq!(t.hits("date:2013"), t.hits("decision_date:[2013-01-01 TO 2013-12-31]"));
    assert_eq!(t.hits("case:cm16-0911042").len(), t.hits("case_number:CM16-0911042").len());
    assert!(!t.hits("specialty:orthopedic").is_empty());
}

#[test]
fn show_gives_the_whole_letter_back() {
    let t = TestIndex::sample();
    let out = t.imr(&["show", "--json", "cm16-0911042"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = &json_lines(&out)[0];
    let parsed = super::env::imr(&repo(), &["parse", "data/letters/c-2016/CM16-0911042.txt"]);
    let parsed = &json_lines(&parsed)[0];
    for key in ["case_number", "decision_date", "reviewer", "patient", "items", "clinical_summary"] {
        assert_eq!(shown[key], parsed[key], "{key}");
    }
    let text = t.imr(&["show", "CM16-0911042"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("CM16-0911042") && text.contains("UPHELD") && text.contains("Rationale:"), "{text}");
    assert_eq!(t.imr(&["show", "CM99-0000000"]).status.code(), Some(1));
}

#[test]
fn an_index_of_another_version_says_to_rebuild() {
    let t = TestIndex::sample();
    let meta = t.path().join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    assert!(text.contains("schema_version"), "{text}");
    let stamped = regex::Regex::new(r#"schema_version\\":\d+"#).unwrap();
    assert!(stamped.is_match(&text), "{text}");
    std::fs::write(&meta, stamped.replace(&text, r#"schema_version\":999"#).as_ref()).unwrap();
    let out = t.imr(&["search", "knee"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("schema 999") && err.contains("--rebuild"), "{err}");
}

#[test]
fn real_letters_mri_shoulder_upheld_is_exactly_the_upheld_shoulder_mris() {
    let Some(dir) = shared("corpus/real-2016") else { return };
    let t = TestIndex::new();
    let out = t.imr(&["index", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The truth, from the parser's output: upheld items naming an MRI of a shoulder.
    let parsed = super::env::imr(&repo(), &["parse", dir.to_str().unwrap()]);
    let mut want = BTreeSet::new();
    for l in json_lines(&parsed) {
        for (n, item) in l["items"].as_array().unwrap().iter().enumerate() {
            let name = item["item"].as_str().unwrap().to_lowercase();
            if item["outcome"] == "upheld"
                && name.contains("shoulder")
                && (name.contains("mri") || name.contains("magnetic resonance"))
            {
                want.insert((l["case_number"].as_str().unwrap().to_string(), n as u64 + 1));
            }
        }
    }
    assert!(want.len() >= 3, "{want:?}");
    let got: BTreeSet<_> = t.hits("MRI shoulder upheld").into_iter().collect();
    assert_eq!(got, want);
    let json = t.imr(&["search", "--json", "-n", "1000", "MRI shoulder upheld"]);
    for h in json_lines(&json) {
        assert_eq!(h["outcome"], Value::from("upheld"));
    }
}

#[test]
fn case_groups_decisions_by_letter_and_show_takes_a_path() {
    let t = TestIndex::sample();
    let out = t.imr(&["search", "--case", "-n", "50", "Norco OR Cyclobenzaprine"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("CM16-0911042") && text.contains(" items match)"), "{text}");
    // One letter heading, then its matching items under it.
    assert_eq!(text.matches(". CM16-0911042  ").count(), 1, "{text}");
    assert!(text.contains("(2 of 12 items match)"), "{text}");
    let path = repo().join("data/letters/c-2016/CM16-0911042.txt").canonicalize().unwrap();
    let shown = t.imr(&["show", "--json", path.to_str().unwrap()]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    assert_eq!(json_lines(&shown)[0]["case_number"], "CM16-0911042");
}

#[test]
fn a_summary_snippet_comes_from_the_letter_for_any_item() {
    // The case summary is stored once per letter; item 2 of this letter matches L5-S1 only
    // in it, and its snippet still shows it highlighted.
    let t = TestIndex::sample();
    let out = t.imr(&["search", "--anywhere", "--json", "L5-S1 brace"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hits = json_lines(&out);
    let hit = hits.iter().find(|h| h["case_number"] == "CM13-0987741" && h["item_no"] == 2).expect("the brace");
    assert_eq!(hit["snippet_field"], "summary", "{hit}");
    let text = hit["snippet"].as_str().unwrap();
    let marked: Vec<&str> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert!(marked.contains(&"L5-S1"), "{marked:?} in {text}");
}

#[test]
fn a_memory_budget_is_taken_within_bounds() {
    let t = TestIndex::new();
    let out = t.imr(&["index", "--memory", "64", "data/letters/a-2013"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = t.imr(&["index", "--memory", "10", "data/letters/a-2013"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--memory"), "{}", stderr(&out));
}

#[test]
fn bench_times_every_query_and_report_in_one_process() {
    let t = TestIndex::sample();
    let queries = t.dir.path().join("queries.txt");
    std::fs::write(&queries, "# a comment\nfusion\n\nL5-S1 fusion upheld\n").unwrap();
    let bench = |queries: &std::path::Path| {
        let args =
            imr_gen::cli::BenchArgs { queries: queries.to_path_buf(), runs: 3, exact: false, index: Some(t.path()) };
        let mut out = Vec::new();
        imr_gen::bench::run(&args, &mut out).map(|_| String::from_utf8(out).unwrap())
    };
    let out = bench(&queries).unwrap();
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let what: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["kind"].as_str().unwrap(), r["what"].as_str().unwrap())).collect();
    assert_eq!(
        &what[..4],
        [
            ("search", "fusion"),
            ("facets", "fusion"),
            ("search", "L5-S1 fusion upheld"),
            ("facets", "L5-S1 fusion upheld")
        ]
    );
    assert!(what[4..].contains(&("report", "citations")), "{what:?}");
    assert!(rows.iter().all(|r| r["ms"].as_array().unwrap().len() == 3));
    assert_eq!(rows[2]["matched"], t.hits("L5-S1 fusion upheld").len());
    let err = format!("{:#}", bench(std::path::Path::new("no-such-file.txt")).unwrap_err());
    assert!(err.contains("no-such-file.txt") && err.lines().count() == 1, "{err}");
}

#[test]
fn similar_decisions_share_category_and_region_first_and_count_their_outcomes() {
    let t = TestIndex::sample();
    let out = t.imr(&["similar", "--json", "-n", "6", "CM16-0923587"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let likes = json_lines(&out);
    assert_eq!(likes.len(), 6);
    assert!(likes.iter().all(|l| l["case_number"] != "CM16-0923587"), "neither the item nor its letter");
    // The lumbar fusion's like: lumbar spine surgery first (the decompression, the
    // microdiscectomy), then decisions sharing one of the two.
    let tier = |l: &Value| u8::from(l["same_category"] == true) + u8::from(l["same_region"] == true);
    assert_eq!(tier(&likes[0]), 2, "{}", likes[0]);
    assert!(likes.windows(2).all(|w| tier(&w[0]) >= tier(&w[1])), "{likes:?}");
    let items: Vec<&str> = likes.iter().map(|l| l["item"].as_str().unwrap()).collect();
    assert!(
        items[0].to_lowercase().contains("decompression") || items[0].to_lowercase().contains("discectomy"),
        "{items:?}"
    );
    let overturned = likes.iter().filter(|l| l["outcome"] == "overturned").count();
    let upheld = likes.iter().filter(|l| l["outcome"] == "upheld").count();
    let summary = stderr(&out);
    assert!(summary.contains(&format!("of 6 similar decisions, {overturned} overturned (")), "{summary}");
    assert_eq!(upheld + overturned, 6);
    // Another item of the letter, by CASE/ITEM; a missing decision; a bad id.
    let brace = t.imr(&["similar", "-n", "3", "CM16-0923587/3"]);
    let brace = String::from_utf8(brace.stdout).unwrap();
    assert!(
        brace.starts_with("Decisions like CM16-0923587 item 3: Associated surgical service: Lumbar brace ("),
        "{brace}"
    );
    assert!(!brace.contains("CM16-0923587  item"), "{brace}");
    let none = t.imr(&["similar", "CM99-0000000"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(stderr(&none).lines().count(), 1);
    let bad = t.imr(&["similar", "CM16-0923587/x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("the item is not a number"), "{}", stderr(&bad));
    let table = String::from_utf8(t.imr(&["similar", "-n", "3", "CM16-0923587"]).stdout).unwrap();
    assert!(table.starts_with("Decisions like CM16-0923587 item 1: Posterior lumbar interbody fusion L4–S1 (UPHELD; surgery; lumbar spine)\nof 3 similar decisions"), "{table}");
}

#[test]
fn the_count_of_decisions_mentioning_the_words_elsewhere_is_given_when_asked() {
    let t = TestIndex::sample();
    // The terminal's header (and the JSON run's, on stderr) says how many more mention them.
    let out = t.imr(&["search", "L5-S1 fusion"]);
    let header = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string();
    assert!(header.contains("1 decision match"), "{header}");
    assert!(header.contains("(1 more mention the words elsewhere: add --anywhere)"), "{header}");
    let out = t.imr(&["search", "--json", "L5-S1 fusion"]);
    assert!(stderr(&out).contains("1 more mention the words elsewhere"), "{}", stderr(&out));
    // A program that does not ask gets no count (the pass is skipped), and the same hits.
    let store = imr_search::store::Store::open(&t.path()).unwrap();
    let reader = store.reader().unwrap();
    let searcher = reader.searcher();
    let ask = |elsewhere| {
        let req =
            imr_search::search::Request { query: "L5-S1 fusion".into(), limit: 10, elsewhere, ..Default::default() };
        imr_search::search::search(&store, &searcher, &req).unwrap()
    };
    let (asked, not) = (ask(true), ask(false));
    assert_eq!((asked.total, asked.elsewhere), (1, 1));
    assert_eq!((not.total, not.elsewhere), (1, 0));
    assert_eq!(asked.hits.len(), not.hits.len());
    // Reports and exports never needed it, and count the same.
    let report = t.imr(&["report", "outcomes", "--by", "layout", "--format", "json", "L5-S1 fusion"]);
    let decisions: u64 = json_lines(&report).iter().map(|r| r["decisions"].as_u64().unwrap()).sum();
    assert_eq!(decisions, 1);
}

/// The sample letters as `imr parse` reads them: the truth that search results are checked
/// against.
fn parsed_sample() -> Vec<serde_json::Value> {
    json_lines(&super::env::imr(&repo(), &["parse", "data/letters"]))
}

#[test]
fn a_word_ending_in_a_star_finds_every_decision_with_a_word_that_starts_so() {
    // tantivy's parser reads `fus*` as the word "fus", and a phrase's last word is completed
    // to 50 terms at most; imr completes every prefix from the term dictionaries. The truth
    // here is the parsed items' own text.
    let t = TestIndex::sample();
    let letters = parsed_sample();
    for (query, pattern) in [
        ("procedure:fus*", r"(?i)\bfus"),
        ("item:inj*", r"(?i)\binj"),
        ("procedure:\"physical thera\"*", r"(?i)\bphysical\s+thera"),
    ] {
        let re = regex::Regex::new(pattern).unwrap();
        let mut want = BTreeSet::new();
        for l in &letters {
            let case = l["case_number"].as_str().unwrap_or("").to_string();
            for (i, item) in l["items"].as_array().into_iter().flatten().enumerate() {
                let named = [&item["item"], &item["original_request"]];
                if named.iter().filter_map(|v| v.as_str()).any(|s| re.is_match(s)) {
                    want.insert((case.clone(), i as u64 + 1));
                }
            }
        }
        assert!(want.len() >= 3, "{query}: the sample letters should have such items");
        let got: BTreeSet<(String, u64)> = t.hits(query).into_iter().collect();
        assert_eq!(got, want, "{query}");
    }
    // Unfielded, the prefix is read in the item first, as a plain word is.
    let plain = t.hits("fus*");
    assert_eq!(plain.into_iter().collect::<BTreeSet<_>>(), t.hits("procedure:fus*").into_iter().collect());
}

#[test]
fn a_word_of_the_case_summary_finds_every_decision_of_its_letter_once() {
    // The summary is indexed once per letter, on its first document, and a query on it is
    // joined to every decision of the letter. The truth here is the parsed letters' own text.
    let t = TestIndex::sample();
    let letters = parsed_sample();
    for (query, pattern) in [
        ("summary:radiculopathy", r"(?i)\bradiculopath"),
        ("summary:acupuncture", r"(?i)\bacupunct"),
        ("summary:\"low back pain\"", r"(?i)\blow[\s-]+back[\s-]+pain"),
        ("summary:radic*", r"(?i)\bradic"),
    ] {
        let re = regex::Regex::new(pattern).unwrap();
        let mut want = BTreeSet::new();
        let mut letters_matched = 0;
        for l in &letters {
            let Some(summary) = l["clinical_summary"].as_str() else { continue };
            if !re.is_match(summary) {
                continue;
            }
            letters_matched += 1;
            let case = l["case_number"].as_str().unwrap_or("").to_string();
            let items = l["items"].as_array().map_or(0, Vec::len) as u64;
            want.extend((1..=items.max(1)).map(|i| (case.clone(), if items == 0 { 0 } else { i })));
        }
        assert!(want.len() > letters_matched, "{query}: some letter with several items should match");
        let out = t.imr(&["search", "--json", "-n", "1000", query]);
        assert_eq!(out.status.code(), Some(0), "{query}: {}", stderr(&out));
        let hits = json_lines(&out);
        let got: Vec<(String, u64)> = hits
            .iter()
            .map(|h| (h["case_number"].as_str().unwrap_or("").to_string(), h["item_no"].as_u64().unwrap()))
            .collect();
        let set: BTreeSet<_> = got.iter().cloned().collect();
        assert_eq!(set.len(), got.len(), "{query}: a decision listed twice");
        assert_eq!(set, want, "{query}");
        // Every decision of a letter has the letter's score.
        for h in &hits {
            let same = hits.iter().filter(|o| o["case_number"] == h["case_number"]);
            assert!(same.map(|o| &o["score"]).all(|s| *s == h["score"]), "{query}: {h}");
        }
    }
    // A boost on a plain word reaches the summary too, and finds what the word finds.
    let plain = t.hits_with(&["--anywhere", "radiculopathy"]);
    let boosted = t.hits_with(&["--anywhere", "radiculopathy^3"]);
    let as_set = |v: &[(String, u64)]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(as_set(&plain), as_set(&boosted));
    let in_summaries = as_set(&t.hits("summary:radiculopathy"));
    assert!(in_summaries.is_subset(&as_set(&plain)), "--anywhere finds what the summaries hold");
}
