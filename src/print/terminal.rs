//! Text for people on a terminal: ranked hits, whole letters, report tables.

use super::{marked, rate_cell, report_heading, share_cell, Style};
use crate::document::StoredLetter;
use crate::letter::{Date, Letter};
use crate::report::Report;
use crate::search::{outcome_label, Hit, Results, Scope};
use std::io::{self, Write};

fn case_label(h: &Hit) -> &str {
    h.case_number.as_deref().unwrap_or("(no case number)")
}

/// The ranked list, one decision per entry.
pub fn hits_table(w: &mut impl Write, results: &Results, style: Style) -> io::Result<()> {
    hit_list(w, results.hits.iter(), style)
}

fn hit_list<'a>(w: &mut impl Write, hits: impl Iterator<Item = &'a Hit>, style: Style) -> io::Result<()> {
    for (n, h) in hits.enumerate() {
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

/// An aligned text table for a terminal.
pub fn report_table(w: &mut impl Write, r: &Report) -> io::Result<()> {
    for line in report_heading(r) {
        writeln!(w, "{line}")?;
    }
    writeln!(w)?;
    let mut header = vec![r.rows_by.to_string()];
    let has_kind = r.rows.iter().any(|x| x.kind.is_some());
    if has_kind {
        header.push("kind".into());
    }
    if let Some(g) = r.grouped_by {
        header.push(g.to_string());
    }
    header.extend(["decisions / total (share)", "upheld", "overturned", "overturn rate"].map(String::from));
    let mut table: Vec<Vec<String>> = vec![header];
    for row in &r.rows {
        let mut cells = vec![row.key.clone()];
        if has_kind {
            cells.push(row.kind.unwrap_or("").to_string());
        }
        if r.grouped_by.is_some() {
            cells.push(row.group.clone().unwrap_or_default());
        }
        cells.extend([share_cell(row), row.upheld.to_string(), row.overturned.to_string(), rate_cell(row)]);
        table.push(cells);
    }
    let widths: Vec<usize> =
        (0..table[0].len()).map(|c| table.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let numeric_from = table[0].len() - 4;
    for (n, cells) in table.iter().enumerate() {
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let pad = widths[c] - s.chars().count();
                if c >= numeric_from && n > 0 {
                    format!("{}{s}", " ".repeat(pad))
                } else {
                    format!("{s}{}", " ".repeat(pad))
                }
            })
            .collect();
        writeln!(w, "{}", line.join("  ").trim_end())?;
        if n == 0 {
            writeln!(w, "{}", widths.iter().map(|&x| "-".repeat(x)).collect::<Vec<_>>().join("  "))?;
        }
    }
    if r.more_rows > 0 {
        writeln!(w, "... and {} more (--top)", r.more_rows)?;
    }
    for note in &r.notes {
        writeln!(w, "note: {note}")?;
    }
    Ok(())
}

/// The line above the results: how many decisions match, where the words were matched, and
/// how the query was read.
pub fn search_header(raw: &str, results: &Results) -> String {
    let scope = match results.scope {
        Scope::Item if results.elsewhere > 0 => format!(
            " in the disputed item itself ({} more mention the words elsewhere: add --anywhere)",
            results.elsewhere
        ),
        Scope::Item => " in the disputed item itself".to_string(),
        Scope::Decision if results.elsewhere > 0 => {
            format!(" ({} more mention the words only in a case summary: add --anywhere)", results.elsewhere)
        }
        Scope::Decision | Scope::Anywhere => String::new(),
    };
    format!(
        "{} decision{} match {:?}{scope} (read as: {}){}",
        results.total,
        if results.total == 1 { "" } else { "s" },
        raw,
        super::read_as(&results.reading),
        if results.total > results.hits.len() { format!("; showing {}", results.hits.len()) } else { String::new() },
    )
}

/// The decisions like one, after a line naming it and the summary of their outcomes.
pub fn similar_table(w: &mut impl Write, s: &crate::similar::Similar, style: Style) -> io::Result<()> {
    let src = &s.source;
    let mut facts = vec![outcome_label(&src.outcome).to_string()];
    facts.extend(src.category.clone());
    facts.extend(src.body_regions.iter().cloned());
    writeln!(
        w,
        "Decisions like {} item {}: {} ({})",
        style.strong(&src.case_number),
        src.item_no,
        src.item,
        facts.join("; ")
    )?;
    writeln!(w, "{}\n", s.summary())?;
    hit_list(w, s.decisions.iter().map(|l| &l.hit), style)
}
