//! Parser throughput on one core: `letter::parse` over the sample letters in `data/letters`
//! (text already in memory, so this measures parsing alone, not file reading or PDF
//! extraction). Run: `cargo bench --bench parse`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use imr_search::letter;
use imr_search::source::{self, Source};
use std::path::Path;

fn texts(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("data/letters").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            texts(&p, out);
        } else if let Ok(Source::Text { text, .. }) = source::read(&p) {
            out.push(text);
        }
    }
}

fn parse(c: &mut Criterion) {
    let mut all = Vec::new();
    texts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/letters"), &mut all);
    let bytes: usize = all.iter().map(String::len).sum();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("{} sample letters", all.len()), |b| {
        b.iter(|| {
            let mut items = 0;
            for t in &all {
                items += letter::parse(std::hint::black_box(t)).items.len();
            }
            items
        })
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
