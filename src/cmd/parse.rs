//! `imr parse`: letters -> JSON Lines on stdout, problems and the summary on stderr.

use crate::cli::ParseArgs;
use crate::ingest::{self, Loaded, Tally};
use crate::letter::{Layout, Letter};
use serde::Serialize;
use std::io::{self, Write};
use std::time::Instant;

/// One output line: where the letter came from, then the letter's own fields.
#[derive(Serialize)]
struct Record<'a> {
    path: String,
    format: &'static str,
    #[serde(flatten)]
    letter: &'a Letter,
}

/// The memory one PDF may take to read when --file-memory is not given.
const PARSE_FILE_MEMORY_MB: u64 = 256;

pub fn run(args: &ParseArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let user = crate::tables::UserTables::load()?;
    let extractor = super::extractor(&args.limits, PARSE_FILE_MEMORY_MB)?;
    let result =
        ingest::run(&args.paths, args.threads.unwrap_or(0), &user.tables(), &extractor, |loaded| -> io::Result<()> {
            match loaded {
                Loaded::Letter { path, format, mut letter, .. } => {
                    if !args.text && letter.layout != Layout::Unknown {
                        letter.text.clear();
                    }
                    let record = Record { path: path.display().to_string(), format: format.as_str(), letter: &letter };
                    serde_json::to_writer(&mut out, &record)?;
                    out.write_all(b"\n")?;
                }
                Loaded::Skipped { path, reason } => {
                    out.flush()?;
                    eprintln!("imr: {}: skipped: {reason}", path.display());
                }
                Loaded::Failed { path, reason } => {
                    out.flush()?;
                    eprintln!("imr: {}: {reason}", path.display());
                }
            }
            Ok(())
        })?;
    let tally = result?;
    out.flush()?;
    eprintln!("imr: {}", summary(&tally, started.elapsed().as_secs_f64()));
    Ok(if tally.failed == 0 { 0 } else { 2 })
}

fn summary(t: &Tally, secs: f64) -> String {
    let mut s = format!(
        "{} files seen: {} parsed, {} skipped, {} failed; {} items ({} upheld, {} overturned",
        t.seen, t.parsed, t.skipped, t.failed, t.items, t.upheld, t.overturned
    );
    if t.no_outcome > 0 {
        s.push_str(&format!(", {} without outcome", t.no_outcome));
    }
    s.push(')');
    if t.unknown_layout > 0 {
        s.push_str(&format!("; {} of unknown layout", plural(t.unknown_layout, "letter")));
    }
    if t.with_warnings > 0 {
        s.push_str(&format!("; {} with warnings", plural(t.with_warnings, "letter")));
    }
    let mb = t.bytes as f64 / 1e6;
    s.push_str(&format!("; {mb:.1} MB in {secs:.2} s"));
    s
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
