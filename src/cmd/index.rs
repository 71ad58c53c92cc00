//! `imr index`: reads the command line into the engine's checked [`Config`], runs the engine
//! (`crate::indexer`), and shows what it reports: a progress line on a terminal, a line per
//! skipped or failed file, and the summary.

use crate::cli::IndexArgs;
use crate::indexer::{self, Config, Notice, Summary};
use crate::store;
use crate::tables::UserTables;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub fn run(args: &IndexArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let config = Config {
        paths: args.paths.clone(),
        index: args.index.clone().unwrap_or_else(store::default_location),
        rebuild: args.rebuild,
        commit_every: args.commit_every.max(1),
        threads: args.threads.unwrap_or(0),
        memory_mb: args.memory,
        retry_failed: args.retry_failed,
    };
    let user = UserTables::load()?;
    let extractor = super::extractor(&args.limits, config.reader_memory_mb())?;

    let progress = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"));
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };
    let mut show = |notice: Notice| match notice {
        Notice::Skipped(file, reason) => progress.suspend(|| eprintln!("imr: {}: skipped: {reason}", file.display())),
        Notice::Failed(file, reason) => progress.suspend(|| eprintln!("imr: {}: {reason}", file.display())),
        Notice::Progress { added, updated, unchanged, decisions } => progress.set_message(format!(
            "{added} new, {updated} changed, {unchanged} unchanged, {decisions} decisions indexed"
        )),
        Notice::Committing => progress.set_message("committing"),
        Notice::Replaced(target) => {
            progress.suspend(|| eprintln!("imr: the rebuilt index replaced the old one at {}", target.display()))
        }
    };
    let summary = indexer::run(&config, &user.tables(), &extractor, &mut show);
    progress.finish_and_clear();
    let summary = summary?;
    print_summary(&summary, &config, started.elapsed().as_secs_f64());
    Ok(if summary.tally.failed == 0 { 0 } else { 2 })
}

fn print_summary(s: &Summary, config: &Config, secs: f64) {
    let t = &s.tally;
    let mb = t.bytes as f64 / 1e6;
    eprintln!(
        "imr: {} files seen: {} indexed, {} skipped, {} failed; {} read ({:.1} MB) in {secs:.2} s ({:.1} MB/s); {} letters, {} decisions ({} upheld, {} overturned, {} without outcome) read",
        t.seen + s.unchanged_files,
        t.parsed + s.unchanged_files,
        t.skipped,
        t.failed,
        t.seen,
        mb,
        if secs > 0.0 { mb / secs } else { 0.0 },
        t.parsed,
        t.items,
        t.upheld,
        t.overturned,
        t.no_outcome,
    );
    eprintln!("imr: {} added, {} updated, {} removed, {} unchanged", s.added, s.updated, s.removed, s.unchanged);
    eprintln!("imr: the index at {} holds {} letters, {} decisions", config.index.display(), s.letters, s.decisions);
}
