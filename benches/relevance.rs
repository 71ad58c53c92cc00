//! Judged relevance on the real letters: every query of `benches/relevance/judged.tsv` is run
//! as `imr search` runs it (same reading, scope and ranking), and its ranked decisions are
//! scored against the decisions a reader judged relevant: P@10, recall (of all matches),
//! nDCG@10 and MRR, per query, per kind and on average.
//!
//! Run: `cargo bench --bench relevance` (the corpus is `../shared/corpus/real-2016`, or
//! `$IMR_RELEVANCE_CORPUS`); `-- --exact` reads every query without the vocabulary, which is
//! how queries were read before it, and `-- --exact --no-suggestions` is how they were read
//! before spelling suggestions too. The index is built in memory from the letters each run.
//! P@10 counts the relevant decisions among the first ten, out of ten or out of all the
//! relevant ones when there are fewer (a query with 3 relevant decisions, all in the top
//! ten, scores 1.0). A query that matches nothing is scored on its "did you mean"
//! suggestion when it gets one, and marked `>`.

use imr_search::ingest::{self, Loaded};
use imr_search::letter::Tables;
use imr_search::search::{self, Request};
use imr_search::store::Store;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

struct Judged {
    query: String,
    kind: String,
    relevant: HashSet<String>,
}

fn judged() -> Vec<Judged> {
    include_str!("relevance/judged.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 3, "judged.tsv: a row needs query, kind and decisions: {l:?}");
            Judged {
                query: cols[0].to_string(),
                kind: cols[1].to_string(),
                relevant: cols[2].split_whitespace().map(String::from).collect(),
            }
        })
        .collect()
}

fn index(corpus: &PathBuf) -> Store {
    let store = Store::in_ram();
    let mut writer: tantivy::IndexWriter = store.index.writer(100_000_000).expect("writer");
    let tables = Tables::builtin();
    let extractor = imr_search::source::Extractor::InProcess;
    let tally = ingest::run(std::slice::from_ref(corpus), 0, &tables, &extractor, |loaded| -> Result<(), ()> {
        match loaded {
            Loaded::Letter { path, format, letter, .. } => {
                let key = path.display().to_string();
                let docs = imr_search::document::documents(&store.fields, &letter, &key, format.as_str());
                imr_search::indexer::add_letter(&writer, &store.fields, &key, docs).expect("add");
            }
            other => eprintln!("relevance: {} was not read", other.path().display()),
        }
        Ok(())
    })
    .expect("the corpus is read");
    assert!(tally.is_ok());
    writer.commit().expect("commit");
    store
}

#[derive(Default, Clone, Copy)]
struct Scores {
    p10: f64,
    recall: f64,
    ndcg10: f64,
    mrr: f64,
}

fn score(ranked: &[String], relevant: &HashSet<String>) -> Scores {
    let hit = |d: &String| relevant.contains(d);
    let top: Vec<bool> = ranked.iter().take(10).map(hit).collect();
    // P@10 over the ten places, or over all the relevant when fewer than ten exist.
    let p10 = top.iter().filter(|h| **h).count() as f64 / 10.0_f64.min(relevant.len() as f64);
    let found = ranked.iter().filter(|d| hit(d)).count();
    let recall = found as f64 / relevant.len() as f64;
    let dcg: f64 =
        0.0 + top.iter().enumerate().filter(|(_, h)| **h).map(|(i, _)| 1.0 / (i as f64 + 2.0).log2()).sum::<f64>();
    let ideal: f64 = (0..relevant.len().min(10)).map(|i| 1.0 / (i as f64 + 2.0).log2()).sum();
    let mrr = ranked.iter().position(hit).map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    Scores { p10, recall, ndcg10: dcg / ideal, mrr }
}

/// One row of the table: what, its kind, judged relevant, found, and the four scores.
fn line(what: &str, kind: &str, relevant: &str, found: &str, s: Scores) {
    println!(
        "{what:<34} {kind:<17} {relevant:>4} {found:>5} {:>6.2} {:>6.2} {:>7.2} {:>5.2}",
        s.p10, s.recall, s.ndcg10, s.mrr
    );
}

fn mean(all: &[Scores]) -> Scores {
    let n = all.len().max(1) as f64;
    Scores {
        p10: all.iter().map(|s| s.p10).sum::<f64>() / n,
        recall: all.iter().map(|s| s.recall).sum::<f64>() / n,
        ndcg10: all.iter().map(|s| s.ndcg10).sum::<f64>() / n,
        mrr: all.iter().map(|s| s.mrr).sum::<f64>() / n,
    }
}

fn main() {
    let exact = std::env::args().any(|a| a == "--exact");
    let follow = !std::env::args().any(|a| a == "--no-suggestions");
    let corpus = std::env::var_os("IMR_RELEVANCE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-2016"));
    if !corpus.is_dir() {
        eprintln!("relevance: skipped: no corpus at {} (set IMR_RELEVANCE_CORPUS)", corpus.display());
        return;
    }
    let store = index(&corpus);
    let reader = store.reader().expect("reader");
    let searcher = reader.searcher();
    let judged = judged();
    println!(
        "{} judged queries; {}; {}",
        judged.len(),
        if exact { "words as typed (--exact)" } else { "with the vocabulary" },
        if follow { "suggestions followed when nothing matches" } else { "suggestions not followed" }
    );
    println!(
        "{:<34} {:<17} {:>4} {:>5} {:>6} {:>6} {:>7} {:>5}",
        "query", "kind", "rel", "found", "P@10", "recall", "nDCG10", "MRR"
    );
    let mut by_kind: BTreeMap<String, Vec<Scores>> = BTreeMap::new();
    let mut all = Vec::new();
    for j in &judged {
        let run = |query: &str| {
            let req = Request { query: query.to_string(), limit: 1000, exact, ..Default::default() };
            search::search(&store, &searcher, &req).unwrap_or_else(|e| panic!("{query:?}: {e}"))
        };
        let mut results = run(&j.query);
        // A query that matches nothing and gets a suggestion is scored on the suggestion, as a
        // user who follows the "did you mean" link sees it (marked `>`).
        let mut followed = "";
        if results.hits.is_empty() && follow {
            if let Some(s) = results.suggestions.first() {
                results = run(&s.query.clone());
                followed = ">";
            }
        }
        let ranked: Vec<String> =
            results.hits.iter().map(|h| format!("{}/{}", h.case_number.as_deref().unwrap_or("?"), h.item_no)).collect();
        let s = score(&ranked, &j.relevant);
        line(&format!("{followed}{}", j.query), &j.kind, &j.relevant.len().to_string(), &ranked.len().to_string(), s);
        by_kind.entry(j.kind.clone()).or_default().push(s);
        all.push(s);
    }
    println!();
    for (kind, scores) in &by_kind {
        line(&format!("mean of {} queries", scores.len()), kind, "", "", mean(scores));
    }
    line(&format!("mean of all {} queries", all.len()), "", "", "", mean(&all));
}
