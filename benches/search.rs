//! Search and report latency inside one process, over an index of generated letters built in
//! memory: the fixed query set of `benches/queries.txt`, each run as `imr search` runs it
//! (plan, count, top 10, snippets), and the exact citation report.
//! Run: `cargo bench --bench search` (IMR_BENCH_LETTERS sets the corpus size, default 20000).
//! Whole-process figures at 100k letters, with peers, come from `benches/scale.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use imr_gen as gen;
use imr_search::report::{self, Dimension, Request};
use imr_search::store::Store;
use imr_search::{document, indexer, letter, search};
use rayon::prelude::*;

fn index(letters: u64) -> Store {
    let store = Store::in_ram();
    let mut writer = store.index.writer(512 << 20).expect("writer");
    let docs: Vec<_> = (0..letters)
        .into_par_iter()
        .map(|i| {
            let g = gen::letter(1, i);
            let parsed = letter::parse(&g.text);
            (g.file_name.clone(), document::documents(&store.fields, &parsed, &g.file_name, "txt"))
        })
        .collect();
    for (path, letter) in docs {
        indexer::add_letter(&writer, &store.fields, &path, letter).expect("add");
    }
    writer.commit().expect("commit");
    store
}

fn queries() -> Vec<String> {
    include_str!("queries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn bench(c: &mut Criterion) {
    let letters = std::env::var("IMR_BENCH_LETTERS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let store = index(letters);
    let reader = store.reader().expect("reader");
    let searcher = reader.searcher();
    let mut g = c.benchmark_group(format!("search {letters} letters"));
    for q in queries() {
        g.bench_function(&q, |b| {
            b.iter(|| {
                search::search(
                    &store,
                    &searcher,
                    &search::Request { query: std::hint::black_box(&q).to_string(), limit: 10, ..Default::default() },
                )
                .expect("search")
                .total
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group(format!("report {letters} letters"));
    g.bench_function("citations", |b| {
        b.iter(|| {
            let req = Request {
                query: None,
                filters: &[],
                rows: Dimension::Citation,
                by: None,
                top: None,
                min: None,
                words: None,
            };
            report::run(&store, &searcher, &req).expect("report").decisions
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
