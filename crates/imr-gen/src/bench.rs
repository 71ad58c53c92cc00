//! `imr-gen bench`: query and report latency inside one process, as tantivy-cli's
//! `bench` measures it, so the figures compare engines rather than process start-up.
//!
//! Each search runs exactly as `imr search --json` does (plan, count, top results, snippets)
//! without printing; then the facet counts `imr serve` adds to each search; each report as
//! `imr report ... --format json` does. Prints one JSON object per query, facet count or
//! report: what ran, how many decisions matched, and every run's time.

use crate::cli::BenchArgs;
use anyhow::Context;
use imr_search::report::{self, Dimension, Request};
use imr_search::search;
use imr_search::store::{self, Store};
use serde::Serialize;
use std::io::Write;
use std::time::Instant;

#[derive(Serialize)]
struct Timing<'a> {
    kind: &'static str,
    what: &'a str,
    matched: u64,
    /// Milliseconds, one per run, in run order.
    ms: Vec<f64>,
}

/// The reports timed after the queries: (name, rows, by).
const REPORTS: [(&str, Dimension, Option<Dimension>); 4] = [
    ("citations", Dimension::Citation, None),
    ("citations --by outcome", Dimension::Citation, Some(Dimension::Outcome)),
    ("outcomes --by procedure-category", Dimension::Category, None),
    ("outcomes --by year", Dimension::Year, None),
];

pub fn run(args: &BenchArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let path = args.index.clone().unwrap_or_else(store::default_location);
    let store = Store::open(&path)?;
    let reader = store.reader()?;
    let searcher = reader.searcher();
    let text = std::fs::read_to_string(&args.queries)
        .with_context(|| format!("cannot read the queries in {}", args.queries.display()))?;
    let queries: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    for q in &queries {
        let mut ms = Vec::new();
        let mut matched = 0;
        for _ in 0..args.runs {
            let t = Instant::now();
            let results = search::search(
                &store,
                &searcher,
                &search::Request { query: q.to_string(), limit: 10, exact: args.exact, ..Default::default() },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("query {q:?}"))?;
            std::hint::black_box(&results.hits);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            matched = results.total as u64;
        }
        serde_json::to_writer(&mut *out, &Timing { kind: "search", what: q, matched, ms })?;
        writeln!(out)?;
        // What `imr serve` adds to every search: the live counts of every facet.
        let plan = search::plan(&store, &searcher, q, search::words(args.exact, None), false, &[])
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut ms = Vec::new();
        for _ in 0..args.runs {
            let t = Instant::now();
            let counts = imr_search::facets::count(&searcher, &*plan.query, 12).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::hint::black_box(&counts);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        serde_json::to_writer(&mut *out, &Timing { kind: "facets", what: q, matched, ms })?;
        writeln!(out)?;
    }
    for (name, rows, by) in REPORTS {
        let mut ms = Vec::new();
        let mut matched = 0;
        for _ in 0..args.runs {
            let t = Instant::now();
            let r = report::run(
                &store,
                &searcher,
                &Request { query: None, filters: &[], rows, by, top: None, min: None, words: None },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut sink = Vec::new();
            imr_search::print::report_json(&mut sink, &r)?;
            std::hint::black_box(&sink);
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            matched = r.decisions;
        }
        serde_json::to_writer(&mut *out, &Timing { kind: "report", what: name, matched, ms })?;
        writeln!(out)?;
    }
    Ok(0)
}
