//! CSV for spreadsheets: report rows, and decisions as the downloads give them.

use super::{marked, Style};
use crate::report::Report;
use crate::search::Hit;
use std::io::{self, Write};

/// One CSV cell: quoted when it holds a comma, a quote or a line break.
pub fn csv_cell(s: &str) -> String {
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
    writeln!(
        w,
        "key,kind,group,decisions,total,share,upheld,overturned,unknown,overturn_rate,overturn_rate_low,overturn_rate_high,small"
    )?;
    for row in &r.rows {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&row.key),
            row.kind.unwrap_or(""),
            csv_cell(row.group.as_deref().unwrap_or("")),
            row.decisions,
            row.total,
            num(Some(row.share)),
            row.upheld,
            row.overturned,
            row.unknown,
            num(row.overturn_rate),
            num(row.overturn_rate_low),
            num(row.overturn_rate_high),
            row.small
        )?;
    }
    Ok(())
}

/// The header row of [`hits_csv`].
pub const HITS_HEADER: &str =
    "case_number,item_no,item_count,item,outcome,decision_date,specialty,score,snippet_field,snippet,path,layout";

/// Decisions as CSV rows (after the header [`HITS_HEADER`], which `header` writes first).
pub fn hits_csv(w: &mut impl Write, hits: &[Hit], header: bool) -> io::Result<()> {
    if header {
        writeln!(w, "{HITS_HEADER}")?;
    }
    for h in hits {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{:.4},{},{},{},{}",
            csv_cell(h.case_number.as_deref().unwrap_or("")),
            h.item_no,
            h.item_count,
            csv_cell(&h.item),
            csv_cell(&h.outcome),
            csv_cell(h.decision_date.as_deref().unwrap_or("")),
            csv_cell(&h.specialty.join("; ")),
            h.score,
            h.snippet.field,
            csv_cell(&marked(&h.snippet, Style::Plain)),
            csv_cell(&h.path),
            csv_cell(&h.layout)
        )?;
    }
    Ok(())
}
