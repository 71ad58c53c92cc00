//! `imr-gen corpus`: writes a synthetic corpus for benchmarks and tests (see the crate root).
//!
//! Letters go to `DIR/<shard>/CMyy-nnnnnnn.txt`, at most 1000 to a folder (shard = index /
//! 1000, four digits), made in parallel; their ground truth goes to `DIR/truth.jsonl`, one
//! object per letter in index order. `imr index DIR` reads only `.pdf` and `.txt` files, so the
//! truth file is counted as skipped, never indexed.

use crate as gen;
use crate::cli::GenArgs;
use anyhow::{bail, Context};
use rayon::prelude::*;
use std::fs::{self, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Letters per folder.
const SHARD: u64 = 1000;

/// What one shard's worth of letters produced: bytes written and the truth lines.
struct Done {
    bytes: u64,
    truth: String,
}

fn shard_dir(out: &Path, index: u64) -> PathBuf {
    out.join(format!("{:04}", index / SHARD))
}

/// Writes letters `from..to` (all in one shard).
fn write_shard(out: &Path, seed: u64, from: u64, to: u64) -> anyhow::Result<Done> {
    let dir = shard_dir(out, from);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut text = String::with_capacity(16 * 1024);
    let mut done = Done { bytes: 0, truth: String::with_capacity((to - from) as usize * 700) };
    for index in from..to {
        let truth = gen::letter_into(seed, index, &mut text);
        let path = dir.join(&truth.file_name);
        fs::write(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        done.bytes += text.len() as u64;
        done.truth.push_str(&serde_json::to_string(&truth).context("cannot serialise the truth")?);
        done.truth.push('\n');
    }
    Ok(done)
}

pub fn run(args: &GenArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let end = match args.start.checked_add(args.count) {
        Some(end) if end <= gen::MAX_LETTERS => end,
        _ => bail!("--start plus --count must not exceed {} (case numbers have seven digits)", gen::MAX_LETTERS),
    };
    let out = &args.out;
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let truth_path = out.join("truth.jsonl");
    // A run from 0 starts the truth file; a run with --start extends it.
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(args.start > 0)
        .truncate(args.start == 0)
        .open(&truth_path)
        .with_context(|| format!("cannot create {}", truth_path.display()))?;
    let mut truth = BufWriter::new(file);

    // Work in shard-aligned pieces; a batch of pieces runs in parallel, then its truth lines
    // are written in order.
    let mut pieces = Vec::new();
    let mut from = args.start;
    while from < end {
        let to = ((from / SHARD + 1) * SHARD).min(end);
        pieces.push((from, to));
        from = to;
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let batch = pool.current_num_threads().max(1) * 4;
    let mut bytes = 0u64;
    for group in pieces.chunks(batch) {
        let results: Vec<anyhow::Result<Done>> =
            pool.install(|| group.par_iter().map(|&(from, to)| write_shard(out, args.seed, from, to)).collect());
        for r in results {
            let done = r?;
            bytes += done.bytes;
            truth.write_all(done.truth.as_bytes()).with_context(|| format!("cannot write {}", truth_path.display()))?;
        }
    }
    truth.flush().with_context(|| format!("cannot write {}", truth_path.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    eprintln!(
        "imr-gen: {} letter{}, {mb:.1} MB in {secs:.2} s ({:.1} MB/s) into {}; truth in {}",
        args.count,
        if args.count == 1 { "" } else { "s" },
        mb / secs.max(1e-9),
        out.display(),
        truth_path.display()
    );
    Ok(0)
}
