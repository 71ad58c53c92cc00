//! One module per subcommand; the only code (with `source` and `ingest`) that does IO.

mod export;
mod index;
mod parse;
mod report;
mod search;
mod serve;
mod show;
mod similar;
mod verify;

use crate::cli::{Cli, Command, FileLimits};
use crate::source::{worker, Extractor};
use anyhow::Context;

/// Runs the command; the `u8` is the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Parse(args) => parse::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Similar(args) => similar::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Report(cmd) => report::run(&cmd),
        Command::Export(args) => export::run(&args),
        Command::Tokens(args) => {
            let text = args.text.join(" ");
            println!("{}", crate::export::tokens(&mut crate::export::analyzer(), &text).join(" "));
            Ok(0)
        }
        Command::ExtractWorker(args) => {
            crate::source::worker::worker_main(args.memory)?;
            Ok(0)
        }
    }
}

/// How `parse` and `index` read PDFs: in worker processes, each file within the limits
/// (`default_memory_mb` when --file-memory is not given).
fn extractor(limits: &FileLimits, default_memory_mb: u64) -> anyhow::Result<Extractor> {
    let limits = worker::Limits {
        time: std::time::Duration::from_secs(limits.file_timeout),
        memory_mb: limits.file_memory.unwrap_or(default_memory_mb),
    };
    Extractor::workers(limits).context("cannot find imr's own program file (to start its PDF readers)")
}
