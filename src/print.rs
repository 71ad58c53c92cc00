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

// ---------------------------------------------------------------------------------------
// Reports

use crate::report::{Report, Row};

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn share_cell(r: &Row) -> String {
    format!("{}/{} ({})", r.decisions, r.total, pct(r.share))
}

fn rate_cell(r: &Row) -> String {
    match r.overturn_rate {
        Some(x) => format!("{}/{} ({})", r.overturned, r.upheld + r.overturned, pct(x)),
        None => "-".to_string(),
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
            "; {} upheld, {} overturned, overturn rate {}/{} ({})",
            r.upheld,
            r.overturned,
            r.overturned,
            decided,
            pct(r.overturned as f64 / decided as f64)
        )
    } else {
        String::new()
    };
    lines.push(format!("{scope}{rate}"));
    lines
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

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v:.6}"))
}

/// CSV with a header row; shares and rates as fractions.
pub fn report_csv(w: &mut impl Write, r: &Report) -> io::Result<()> {
    writeln!(w, "key,kind,group,decisions,total,share,upheld,overturned,unknown,overturn_rate")?;
    for row in &r.rows {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&row.key),
            row.kind.unwrap_or(""),
            csv_cell(row.group.as_deref().unwrap_or("")),
            row.decisions,
            row.total,
            num(Some(row.share)),
            row.upheld,
            row.overturned,
            row.unknown,
            num(row.overturn_rate)
        )?;
    }
    Ok(())
}

/// JSON Lines: one row a line.
pub fn report_json(w: &mut impl Write, r: &Report) -> io::Result<()> {
    for row in &r.rows {
        serde_json::to_writer(&mut *w, row)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A self-contained page (no external assets): the heading, a bar chart of decisions per row
/// (upheld and overturned stacked), and the table.
pub fn report_html(w: &mut impl Write, r: &Report) -> io::Result<()> {
    let heading = report_heading(r);
    let max = r.rows.iter().map(|x| x.decisions).max().unwrap_or(1).max(1);
    writeln!(w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
    writeln!(w, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
    writeln!(w, "<title>{}</title>", html_escape(&heading[0]))?;
    writeln!(
        w,
        "<style>
body {{ font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em; color: #222; }}
h1 {{ font-size: 1.4em; margin-bottom: .2em; }}
p.scope {{ color: #555; margin-top: 0; }}
.chart {{ display: grid; grid-template-columns: minmax(12em, 28em) 1fr; gap: 4px 12px; align-items: center; margin: 1.5em 0; }}
.chart .label {{ text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
.bar {{ display: flex; height: 18px; }}
.bar span {{ display: block; height: 100%; }}
.upheld {{ background: #8da9c4; }}
.overturned {{ background: #d1495b; }}
.unknown {{ background: #ccc; }}
.bar em {{ font-style: normal; font-size: 12px; color: #444; margin-left: 6px; white-space: nowrap; }}
.legend span {{ display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 14px; vertical-align: -1px; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
th, td {{ padding: 4px 10px; border-bottom: 1px solid #e3e3e3; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #f4f4f4; }}
.notes {{ color: #555; font-size: 13px; }}
</style></head><body>"
    )?;
    writeln!(w, "<h1>{}</h1>\n<p class=\"scope\">{}</p>", html_escape(&heading[0]), html_escape(&heading[1]))?;
    writeln!(
        w,
        "<div class=\"legend\">decisions:<span class=\"upheld\"></span>upheld<span class=\"overturned\"></span>overturned<span class=\"unknown\"></span>no outcome</div>"
    )?;
    writeln!(w, "<div class=\"chart\">")?;
    for row in &r.rows {
        let label = match &row.group {
            Some(g) => format!("{} · {}", row.key, g),
            None => row.key.clone(),
        };
        let part = |n: u64| 100.0 * n as f64 / max as f64;
        writeln!(
            w,
            "<div class=\"label\" title=\"{l}\">{l}</div><div class=\"bar\"><span class=\"upheld\" style=\"width:{:.2}%\"></span><span class=\"overturned\" style=\"width:{:.2}%\"></span><span class=\"unknown\" style=\"width:{:.2}%\"></span><em>{} · overturned {}</em></div>",
            part(row.upheld),
            part(row.overturned),
            part(row.unknown),
            html_escape(&share_cell(row)),
            html_escape(&rate_cell(row)),
            l = html_escape(&label)
        )?;
    }
    writeln!(w, "</div>")?;
    let has_kind = r.rows.iter().any(|x| x.kind.is_some());
    write!(w, "<table><thead><tr><th>{}</th>", html_escape(r.rows_by))?;
    if has_kind {
        write!(w, "<th>kind</th>")?;
    }
    if let Some(g) = r.grouped_by {
        write!(w, "<th>{}</th>", html_escape(g))?;
    }
    writeln!(w, "<th>decisions / total (share)</th><th>upheld</th><th>overturned</th><th>overturn rate</th></tr></thead><tbody>")?;
    for row in &r.rows {
        write!(w, "<tr><td>{}</td>", html_escape(&row.key))?;
        if has_kind {
            write!(w, "<td>{}</td>", row.kind.unwrap_or(""))?;
        }
        if r.grouped_by.is_some() {
            write!(w, "<td>{}</td>", html_escape(row.group.as_deref().unwrap_or("")))?;
        }
        writeln!(
            w,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            html_escape(&share_cell(row)),
            row.upheld,
            row.overturned,
            html_escape(&rate_cell(row))
        )?;
    }
    writeln!(w, "</tbody></table>")?;
    if r.more_rows > 0 {
        writeln!(w, "<p class=\"notes\">… and {} more rows not shown (--top).</p>", r.more_rows)?;
    }
    for note in &r.notes {
        writeln!(w, "<p class=\"notes\">{}</p>", html_escape(note))?;
    }
    writeln!(
        w,
        "<p class=\"notes\">Made by imr {} from the letters in the index.</p>\n</body></html>",
        env!("CARGO_PKG_VERSION")
    )?;
    Ok(())
}
