//! Parser throughput on one core: `letter::parse` over the sample letters in `data/letters`
//! and over 1,000 generated letters
//! (text already in memory, so this measures parsing alone, not file reading or PDF
//! extraction). Run: `cargo bench --bench parse`.

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
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

/// One benchmark: parsing every text of `letters`, with their bytes as the throughput.
fn bench_letters(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, letters: &[String]) {
    let bytes: usize = letters.iter().map(String::len).sum();
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("{} {name}", letters.len()), |b| {
        b.iter(|| letters.iter().map(|t| letter::parse(std::hint::black_box(t)).items.len()).sum::<usize>())
    });
}

fn parse(c: &mut Criterion) {
    let mut sample = Vec::new();
    texts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/letters"), &mut sample);
    let mut g = c.benchmark_group("parse");
    bench_letters(&mut g, "sample letters", &sample);
    // The generated corpus of the scale benchmarks (benches/scale.py): letters of every layout,
    // 1-20 items, as `imr gen --seed 1` writes them.
    let generated: Vec<String> = (0..1000).map(|i| imr_gen::letter(1, i).text).collect();
    bench_letters(&mut g, "generated letters", &generated);
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
