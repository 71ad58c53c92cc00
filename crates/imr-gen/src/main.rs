//! The `imr-gen` binary: `imr-gen corpus` writes a synthetic corpus, `imr-gen bench` times
//! searches and reports in one process.

use clap::Parser;
use imr_gen::cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Corpus(args) => imr_gen::corpus::run(&args),
        Command::Bench(args) => imr_gen::bench::run(&args, &mut std::io::stdout().lock()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("imr-gen: {err:#}");
            ExitCode::from(2)
        }
    }
}
