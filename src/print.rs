//! Results -> text for people (terminal) or programs (JSON Lines). Generic over `Write`.

use crate::document::StoredLetter;
use crate::letter::{Date, Letter};
use crate::search::{outcome_label, Hit, Results, Snippet};
use serde::Serialize;
use std::io::{self, Write};

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

/// One JSON line per hit.
#[derive(Serialize)]
struct JsonHit<'a> {
    case_number: &'a Option<String>,
    item_no: u64,
    item: &'a str,
    outcome: &'a str,
    decision_date: &'a Option<String>,
    specialty: String,
    score: f32,
    snippet: &'a str,
    snippet_field: &'a str,
    highlights: &'a [(usize, usize)],
    path: &'a str,
    layout: &'a str,
}

pub fn hits_json(w: &mut impl Write, results: &Results) -> io::Result<()> {
    for h in &results.hits {
        let j = JsonHit {
            case_number: &h.case_number,
            item_no: h.item_no,
            item: &h.item,
            outcome: &h.outcome,
            decision_date: &h.decision_date,
            specialty: h.specialty.join(", "),
            score: h.score,
            snippet: &h.snippet.text,
            snippet_field: h.snippet.field,
            highlights: &h.snippet.highlights,
            path: &h.path,
            layout: &h.layout,
        };
        serde_json::to_writer(&mut *w, &j)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

fn case_label(h: &Hit) -> &str {
    h.case_number.as_deref().unwrap_or("(no case number)")
}

/// The ranked list, one decision per entry.
pub fn hits_table(w: &mut impl Write, results: &Results, style: Style) -> io::Result<()> {
    for (n, h) in results.hits.iter().enumerate() {
        writeln!(
            w,
            "{:>3}. {}  item {}/{}  {}  {}  {}  score {:.2}",
            n + 1,
            style.strong(case_label(h)),
            h.item_no,
            h.item_count,
            style.strong(outcome_label(&h.outcome)),
            h.decision_date.as_deref().unwrap_or("no date"),
            if h.specialty.is_empty() { "no specialty".to_string() } else { h.specialty.join(", ") },
            h.score
        )?;
        hit_body(w, h, style, "     ")?;
    }
    Ok(())
}

fn hit_body(w: &mut impl Write, h: &Hit, style: Style, indent: &str) -> io::Result<()> {
    if !h.item.is_empty() {
        writeln!(w, "{indent}{}", h.item)?;
    }
    if !h.snippet.text.is_empty() {
        writeln!(w, "{indent}{}: ...{}...", h.snippet.field, marked(&h.snippet, style))?;
    }
    writeln!(w, "{indent}{}", h.path)?;
    writeln!(w)
}

/// The hits grouped by letter, letters in the order of their best hit.
pub fn hits_by_case(w: &mut impl Write, results: &Results, style: Style) -> io::Result<()> {
    let mut groups: Vec<(&str, Vec<&Hit>)> = Vec::new();
    for h in &results.hits {
        match groups.iter_mut().find(|(p, _)| *p == h.path) {
            Some((_, v)) => v.push(h),
            None => groups.push((&h.path, vec![h])),
        }
    }
    for (n, (_, hits)) in groups.iter().enumerate() {
        let first = hits[0];
        writeln!(
            w,
            "{:>3}. {}  {}  {}  ({} of {} items match)",
            n + 1,
            style.strong(case_label(first)),
            first.decision_date.as_deref().unwrap_or("no date"),
            first.specialty.join(", "),
            hits.len(),
            first.item_count
        )?;
        writeln!(w, "     {}", first.path)?;
        for h in hits {
            writeln!(
                w,
                "     item {}: {}  {}  score {:.2}",
                h.item_no,
                style.strong(outcome_label(&h.outcome)),
                h.item,
                h.score
            )?;
            if !h.snippet.text.is_empty() {
                writeln!(w, "       {}: ...{}...", h.snippet.field, marked(&h.snippet, style))?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}

fn wrap(w: &mut impl Write, text: &str, indent: &str, width: usize) -> io::Result<()> {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            writeln!(w, "{indent}{line}")?;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(w, "{indent}{line}")?;
    }
    Ok(())
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// A whole letter, readable on a terminal.
pub fn letter(w: &mut impl Write, s: &StoredLetter, style: Style) -> io::Result<()> {
    let l: &Letter = &s.letter;
    writeln!(
        w,
        "{}  layout {}  decided {}",
        style.strong(l.case_number.as_deref().unwrap_or("(no case number)")),
        l.layout,
        date(l.decision_date)
    )?;
    writeln!(w, "file: {} ({})", s.path, s.format)?;
    writeln!(
        w,
        "injury {} · assigned {} · UR denial {} · application {} · priority {}",
        date(l.date_of_injury),
        date(l.date_assigned),
        date(l.ur_denial_date),
        date(l.application_received),
        l.priority.as_deref().unwrap_or("-")
    )?;
    writeln!(
        w,
        "reviewer: {} · licensed in {}",
        if l.reviewer.specialties.is_empty() { "-".to_string() } else { l.reviewer.specialties.join(", ") },
        if l.reviewer.licensure.is_empty() { "-".to_string() } else { l.reviewer.licensure.join(", ") }
    )?;
    let age = l.patient.age.map_or("-".to_string(), |a| a.to_string());
    let sex = l.patient.sex.map_or("-", |s| if s == crate::letter::Sex::Male { "male" } else { "female" });
    writeln!(w, "patient: {age}, {sex}")?;
    if !l.diagnoses.is_empty() {
        writeln!(w, "diagnoses: {}", l.diagnoses.join("; "))?;
    }
    for warning in &l.warnings {
        writeln!(w, "warning: {warning}")?;
    }
    if let Some(summary) = &l.clinical_summary {
        writeln!(w, "\n{}", style.strong("CLINICAL CASE SUMMARY"))?;
        wrap(w, summary, "  ", 96)?;
    }
    writeln!(w, "\n{} ({})", style.strong("DECISIONS"), l.items.len())?;
    for (n, d) in l.items.iter().enumerate() {
        let outcome = d.outcome.map_or("no outcome", |o| outcome_label(o.as_str()));
        writeln!(w, "\n{:>2}. {}  {}", n + 1, style.strong(outcome), d.item)?;
        if let (Some(o), Some(a)) = (&d.original_request, &d.authorized) {
            writeln!(w, "    original request: {o}")?;
            writeln!(w, "    authorized by the claims administrator: {a}")?;
        }
        for (label, text) in [
            ("Claims Administrator guideline", &d.ur_guideline),
            ("IMR reviewer guideline", &d.imr_guideline),
            ("Rationale", &d.rationale),
        ] {
            if let Some(t) = text {
                writeln!(w, "    {label}:")?;
                wrap(w, t, "      ", 94)?;
            }
        }
    }
    if !l.text.is_empty() {
        writeln!(w, "\n{}", style.strong("FULL TEXT"))?;
        for line in l.text.lines() {
            writeln!(w, "  {line}")?;
        }
    }
    Ok(())
}
