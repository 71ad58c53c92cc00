//! Parser throughput on one core: `letter::parse` over the sample letters in `data/letters`
//! and over 1,000 generated letters
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
    // The generated corpus of the scale benchmarks (benches/scale.py): letters of every layout,
    // 1-20 items, as `imr gen --seed 1` writes them.
    let generated: Vec<String> = (0..1000).map(|i| imr_search::gen::letter(1, i).text).collect();
    let bytes: usize = generated.iter().map(String::len).sum();
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("{} generated letters", generated.len()), |b| {
        b.iter(|| {
            let mut items = 0;
            for t in &generated {
                items += letter::parse(std::hint::black_box(t)).items.len();
            }
            items
        })
    });
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
