//! One module per subcommand; the only code (with `source` and `ingest`) that does IO.

mod bench;
mod gen;
mod index;
mod parse;
mod report;
mod search;
mod serve;
mod show;
mod similar;
mod verify;

use crate::cli::{Cli, Command};

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
        Command::Gen(args) => gen::run(&args),
        Command::Bench(args) => bench::run(&args),
    }
}
