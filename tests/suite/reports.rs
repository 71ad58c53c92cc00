//! `imr report` on the sample corpus, checked against counts computed here from `imr parse`
//! output (not from the index); and the real letters' citations (skipped when absent).

use super::env::{imr, json_lines, repo, shared, stderr, TestIndex};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// (decisions, upheld, overturned) per key, from parsed letters.
type Counts = BTreeMap<String, (u64, u64, u64)>;

fn parsed_items() -> Vec<Value> {
    let out = imr(&repo(), &["parse", "data/letters"]);
    json_lines(&out)
        .into_iter()
        .flat_map(|l| {
            let letter = l.clone();
            l["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |i| {
                    let mut i = i.clone();
                    i["letter"] = letter.clone();
                    i
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn count(items: &[Value], keys_of: impl Fn(&Value) -> Vec<String>) -> Counts {
    let mut c = Counts::new();
    for i in items {
        let keys: BTreeSet<String> = keys_of(i).into_iter().collect();
        for k in keys {
            let e = c.entry(k).or_default();
            e.0 += 1;
            e.1 += u64::from(i["outcome"] == "upheld");
            e.2 += u64::from(i["outcome"] == "overturned");
        }
    }
    c
}

fn as_counts(rows: &[Value], key: impl Fn(&Value) -> String) -> Counts {
    rows.iter()
        .map(|r| {
            (
                key(r),
                (r["decisions"].as_u64().unwrap(), r["upheld"].as_u64().unwrap(), r["overturned"].as_u64().unwrap()),
            )
        })
        .collect()
}

#[test]
fn citation_report_counts_equal_counts_from_the_parsed_letters() {
    let t = TestIndex::sample();
    let items = parsed_items();
    assert_eq!(items.len(), 140);
    let cited =
        |i: &Value| i["citations"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap().to_string()).collect();
    let want = count(&items, cited);
    let rows = t.report_rows(&["citations"]);
    assert_eq!(as_counts(&rows, |r| r["key"].as_str().unwrap().to_string()), want);
    for r in &rows {
        assert_eq!(r["total"], 140, "the denominator is every decision");
        let (d, o) = (r["decisions"].as_f64().unwrap(), r["overturned"].as_f64().unwrap());
        let decided = r["upheld"].as_f64().unwrap() + o;
        assert!((r["share"].as_f64().unwrap() - d / 140.0).abs() < 1e-9);
        if decided > 0.0 {
            assert!((r["overturn_rate"].as_f64().unwrap() - o / decided).abs() < 1e-9);
        }
        for key in ["key", "kind", "decisions", "share", "upheld", "overturned", "overturn_rate"] {
            assert!(r.get(key).is_some(), "no {key} in {r}");
        }
    }
    // Split by who cited.
    let by = t.report_rows(&["citations", "--by", "cited-by"]);
    for who in ["ur", "imr"] {
        let want = count(&items, |i| {
            i["citations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["cited_by"] == who)
                .map(|c| c["key"].as_str().unwrap().to_string())
                .collect()
        });
        let got: Vec<Value> = by.iter().filter(|r| r["group"] == who).cloned().collect();
        assert_eq!(as_counts(&got, |r| r["key"].as_str().unwrap().to_string()), want, "{who}");
    }
    // --top keeps the biggest rows and says how many were left out.
    let top = t.report_rows(&["citations", "--top", "3"]);
    assert_eq!(top.len(), 3);
    assert_eq!(top, rows[..3].to_vec());
}

#[test]
fn outcome_reports_by_year_category_and_region() {
    let t = TestIndex::sample();
    let items = parsed_items();
    let year =
        |i: &Value| vec![i["letter"]["decision_date"].as_str().map_or("(none)".to_string(), |d| d[..4].to_string())];
    assert_eq!(
        as_counts(&t.report_rows(&["outcomes", "--by", "year"]), |r| r["key"].as_str().unwrap().to_string()),
        count(&items, year)
    );
    let category = |i: &Value| vec![i["category"].as_str().unwrap_or("(none)").to_string()];
    assert_eq!(
        as_counts(&t.report_rows(&["outcomes", "--by", "procedure-category"]), |r| r["key"]
            .as_str()
            .unwrap()
            .to_string()),
        count(&items, category)
    );
    let regions = |i: &Value| {
        let r: Vec<String> =
            i["body_regions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        if r.is_empty() {
            vec!["(none)".to_string()]
        } else {
            r
        }
    };
    assert_eq!(
        as_counts(&t.report_rows(&["outcomes", "--by", "body-region"]), |r| r["key"].as_str().unwrap().to_string()),
        count(&items, regions)
    );
    // Every decision counts under each condition of its letter's diagnoses, as `imr parse`
    // reads them.
    let conditions = |i: &Value| {
        let c: Vec<String> = i["letter"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["condition"].as_str().unwrap().to_string())
            .collect();
        if c.is_empty() {
            vec!["(none)".to_string()]
        } else {
            c
        }
    };
    let by_diagnosis =
        as_counts(&t.report_rows(&["outcomes", "--by", "diagnosis"]), |r| r["key"].as_str().unwrap().to_string());
    assert!(by_diagnosis.len() > 5, "{by_diagnosis:?}");
    assert_eq!(by_diagnosis, count(&items, conditions));
    // `diagnosis:` finds the decisions of each condition key.
    for (key, (n, _, _)) in by_diagnosis.iter().filter(|(k, _)| k.as_str() != "(none)") {
        let hits = t.hits(&format!("condition:\"{key}\""));
        assert_eq!(hits.len() as u64, *n, "{key}");
    }
    let specialty = |i: &Value| {
        i["letter"]["reviewer"]["specialties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        as_counts(&t.report_rows(&["outcomes", "--by", "specialty"]), |r| r["key"].as_str().unwrap().to_string()),
        count(&items, specialty)
    );
}

#[test]
fn a_query_limits_the_report_to_the_decisions_it_matches() {
    let t = TestIndex::sample();
    let matched = t.hits("acupuncture").len() as u64;
    assert!(matched > 0);
    let rows = t.report_rows(&["citations", "acupuncture"]);
    assert!(rows.iter().all(|r| r["total"] == matched), "{rows:?}");
    let overturned = t.hits("acupuncture overturned").len() as u64;
    let by_outcome = t.report_rows(&["outcomes", "--by", "year", "acupuncture"]);
    assert_eq!(by_outcome.iter().map(|r| r["overturned"].as_u64().unwrap()).sum::<u64>(), overturned);
    let bad = t.imr(&["report", "citations", "hip AND"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).starts_with("imr: bad query"));
}

#[test]
fn table_csv_and_html_formats() {
    let t = TestIndex::sample();
    let table = t.imr(&["report", "citations", "--top", "5"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("decisions / total (share)") && text.contains("/140 ("), "{text}");
    assert!(text.contains("more (--top)"), "{text}");
    let csv = t.imr(&["report", "outcomes", "--by", "procedure-category", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("key,kind,group,decisions,total,share,upheld,overturned,unknown,overturn_rate,overturn_rate_low,overturn_rate_high,small")
    );
    assert!(lines.all(|l| l.split(',').count() >= 13), "{csv}");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let out = t.imr(&["report", "citations", "--format", "html", "-o", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<table class=\"report\">") && html.contains("<svg"));
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "the page must not load anything: {external}");
    }
}

#[test]
fn real_letters_every_item_has_its_citations() {
    let Some(dir) = shared("corpus/real-2016") else { return };
    let out = imr(&repo(), &["parse", dir.to_str().unwrap()]);
    let mut problems = Vec::new();
    let mut keys = BTreeSet::new();
    for l in json_lines(&out) {
        for (n, i) in l["items"].as_array().unwrap().iter().enumerate() {
            let cites = i["citations"].as_array().unwrap();
            let at = format!("{} item {}", l["case_number"], n + 1);
            if cites.is_empty() {
                problems.push(format!("{at}: no citation"));
            }
            for (who, line) in [("ur", "ur_guideline"), ("imr", "imr_guideline")] {
                if i[line].is_string() && !cites.iter().any(|c| c["cited_by"] == who) {
                    problems.push(format!("{at}: nothing read from its {line}: {}", i[line]));
                }
            }
            for c in cites {
                let key = c["key"].as_str().unwrap();
                keys.insert(key.to_string());
                if key.contains("not named") && c["kind"] != "odg" {
                    problems.push(format!("{at}: {key}: {}", c["raw"]));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for key in [
        "MTUS Chronic Pain Medical Treatment",
        "MTUS Low Back Complaints",
        "ODG Low Back",
        "No evidence cited",
        "MTUS Opioid Treatment",
    ] {
        assert!(keys.contains(key), "{key} not found in {keys:?}");
    }
}

#[test]
fn every_guideline_line_of_the_sample_letters_gives_its_citations() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for i in parsed_items() {
        let cites = i["citations"].as_array().unwrap();
        let at = format!("{} {:?}", i["letter"]["path"], i["item"]);
        for (who, line) in [("ur", "ur_guideline"), ("imr", "imr_guideline")] {
            let Some(text) = i[line].as_str() else { continue };
            seen += 1;
            let mine: Vec<&Value> = cites.iter().filter(|c| c["cited_by"] == who).collect();
            if mine.is_empty() {
                problems.push(format!("{at}: nothing read from {line}: {text}"));
            }
            for c in mine {
                let raw = c["raw"].as_str().unwrap();
                // The raw text is the line's own (or, for "relied upon by the Claims
                // Administrator", the claims administrator's line it refers to).
                let ur = i["ur_guideline"].as_str().unwrap_or("");
                if !text.contains(raw) && !ur.contains(raw) && raw != text.trim_end_matches('.') {
                    problems.push(format!("{at}: raw {raw:?} is not in the line"));
                }
                if c["key"].as_str().unwrap().contains("MTUS (chapter not named)") {
                    problems.push(format!("{at}: MTUS chapter not recognised in {raw:?}"));
                }
            }
        }
    }
    assert!(seen > 200, "{seen} guideline lines");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rates_carry_their_95_percent_interval_and_small_counts_are_marked_or_hidden() {
    let t = TestIndex::sample();
    // The whole index: 21 of 139 decided were overturned.
    let table = String::from_utf8(t.imr(&["report", "citations", "--top", "3"]).stdout).unwrap();
    assert!(table.contains("overturn rate 21/139 (15.1%, 95% CI 10.1-22.0%)"), "{table}");
    assert!(table.contains("10/69 (14.5%, 95% CI 8.1-24.7%)"), "{table}");
    let rows = json_lines(&t.imr(&["report", "citations", "--format", "json"]));
    for r in &rows {
        let decided = r["upheld"].as_u64().unwrap() + r["overturned"].as_u64().unwrap();
        assert_eq!(r["small"].as_bool().unwrap(), decided < 20, "{r}");
        if decided > 0 {
            let (lo, rate, hi) = (
                r["overturn_rate_low"].as_f64().unwrap(),
                r["overturn_rate"].as_f64().unwrap(),
                r["overturn_rate_high"].as_f64().unwrap(),
            );
            assert!(0.0 <= lo && lo <= rate && rate <= hi && hi <= 1.0, "{r}");
        }
    }
    // Small counts are marked, and a note says what the mark means.
    let all = String::from_utf8(t.imr(&["report", "citations"]).stdout).unwrap();
    assert!(all.contains("(100.0%, 95% CI 20.7-100.0%) *"), "{all}");
    assert!(all.contains("note: * fewer than 20 decisions with an outcome"), "{all}");
    // --min hides the rows with fewer decisions, and says how many.
    let kept = json_lines(&t.imr(&["report", "citations", "--format", "json", "--min", "10"]));
    assert_eq!(kept.len(), rows.iter().filter(|r| r["decisions"].as_u64().unwrap() >= 10).count());
    assert!(kept.len() < rows.len() && !kept.is_empty());
    let table = String::from_utf8(t.imr(&["report", "citations", "--min", "10"]).stdout).unwrap();
    assert!(
        table.contains(&format!("{} rows with fewer than 10 decisions are not shown (--min)", rows.len() - kept.len())),
        "{table}"
    );
}
