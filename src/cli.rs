//! Command-line types (clap derive). Doc comments here are the `--help` text.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Search California workers' compensation IMR Final Determination Letters.
#[derive(Debug, Parser)]
#[command(name = "imr", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse letters (PDF or text) and print one JSON object per letter (JSON Lines).
    ///
    /// Folders are walked for .pdf and .txt files (hidden entries are not walked); files
    /// named on the command line are always read. Problems go to stderr as
    /// `imr: PATH: reason`, and a summary ends the run: files seen = parsed + skipped +
    /// failed. Exit status: 0 when no file failed, 2 otherwise.
    Parse(ParseArgs),
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files or folders of letters.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Include each letter's full text (`text` key); by default only letters of an
    /// unrecognised layout carry it.
    #[arg(long)]
    pub text: bool,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}
