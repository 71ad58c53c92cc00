//! Presentation, in one place: search results, letters and reports rendered for the terminal
//! (`terminal`), programs (`json`, `csv`) and browsers (`html`: the static report page and
//! the web pages of `imr serve`, which share one renderer and `style.css`). Everything is
//! generic over `Write` or returns markup; nothing here reads the index.

mod csv;
pub mod html;
mod json;
mod terminal;

pub use self::csv::{csv_cell, hits_csv, report_csv};
pub use json::{hit_json, hits_json, hits_lines, report_json, similar_json, JsonHit};
pub use terminal::{hits_by_case, hits_table, letter, report_table, search_header, similar_table};

use crate::report::{Report, Row};
use crate::search::Snippet;
use std::io;

/// How to mark highlighted words: ANSI bold on a colour terminal, brackets elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Ansi,
    Plain,
}

impl Style {
    /// ANSI when stdout is a terminal and NO_COLOR is unset.
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        if io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
            Style::Ansi
        } else {
            Style::Plain
        }
    }

    fn mark(self, s: &str) -> String {
        match self {
            Style::Ansi => format!("\x1b[1;33m{s}\x1b[0m"),
            Style::Plain => format!("[{s}]"),
        }
    }

    fn strong(self, s: &str) -> String {
        match self {
            Style::Ansi => format!("\x1b[1m{s}\x1b[0m"),
            Style::Plain => s.to_string(),
        }
    }
}

/// The snippet with its matches marked.
pub fn marked(s: &Snippet, style: Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &s.highlights {
        if a < at || b > s.text.len() || !s.text.is_char_boundary(a) || !s.text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&s.text[at..a]);
        out.push_str(&style.mark(&s.text[a..b]));
        at = b;
    }
    out.push_str(&s.text[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn share_cell(r: &Row) -> String {
    format!("{}/{} ({})", r.decisions, r.total, pct(r.share))
}

/// A rate with its 95% interval: `3/40 (7.5%, 95% CI 2.6-19.9%)`.
fn rate_with_interval(k: u64, n: u64) -> String {
    match crate::report::wilson(k, n) {
        Some((lo, hi)) => format!("{k}/{n} ({}, 95% CI {:.1}-{})", pct(k as f64 / n as f64), 100.0 * lo, pct(hi)),
        None => "-".to_string(),
    }
}

/// The overturn rate of a row, its interval, and `*` when it rests on a small count.
fn rate_cell(r: &Row) -> String {
    let cell = rate_with_interval(r.overturned, r.upheld + r.overturned);
    if r.small && r.overturn_rate.is_some() {
        format!("{cell} *")
    } else {
        cell
    }
}

fn report_heading(r: &Report) -> Vec<String> {
    let mut lines = vec![r.title.clone()];
    let scope = match &r.query {
        Some(q) => format!("{} decisions match {:?} (read as: {})", r.decisions, q, r.read_as),
        None => format!("{} decisions in the index", r.decisions),
    };
    let decided = r.upheld + r.overturned;
    let rate = if decided > 0 {
        format!(
            "; {} upheld, {} overturned, overturn rate {}",
            r.upheld,
            r.overturned,
            rate_with_interval(r.overturned, decided)
        )
    } else {
        String::new()
    };
    lines.push(format!("{scope}{rate}"));
    lines
}

/// A spelling suggestion, as every output words it: `did you mean: acupuncture (34
/// decisions)?`.
pub fn did_you_mean(s: &crate::suggest::Suggestion) -> String {
    format!("did you mean: {} ({} decision{})?", s.query, s.decisions, if s.decisions == 1 { "" } else { "s" })
}

/// How a query was read, with the notes that say why: `L5-S1 fusion + outcome:upheld;
/// "upheld" read as the filter outcome:upheld`.
pub fn read_as(reading: &crate::query::Reading) -> String {
    let mut s = reading.describe();
    for note in &reading.notes {
        s.push_str("; ");
        s.push_str(note);
    }
    s
}
