//! `imr-gen`'s command line: the synthetic corpus and the in-process latency bench, for
//! benchmarks and tests; not part of the `imr` that users run.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Synthetic IMR letters with their ground truth, and in-process search latency.
#[derive(Debug, Parser)]
#[command(name = "imr-gen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a synthetic corpus of letters and its ground truth.
    Corpus(GenArgs),
    /// Time searches, facet counts and reports inside one process (for benches/scale.py).
    Bench(BenchArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// How many letters.
    #[arg(long, value_name = "N")]
    pub count: u64,

    /// The corpus seed: the same seed and index give the same letter.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// The folder to write into: DIR/0000/CM16-0000001.txt ..., and DIR/truth.jsonl.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,

    /// The index of the first letter; a run with --start appends to DIR/truth.jsonl, so a
    /// corpus of N letters can be extended with --start N.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub start: u64,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// A file of queries, one a line (`#` starts a comment line).
    #[arg(value_name = "FILE")]
    pub queries: PathBuf,

    /// Runs of each query and report.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,

    /// Read the queries' words as typed (no vocabulary), as `imr search --exact`.
    #[arg(long)]
    pub exact: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}
