//! JSON Lines for programs: one object per decision or report row, stable field names.

use crate::report::Report;
use crate::search::{Hit, Results};
use serde::Serialize;
use std::io::{self, Write};

/// One decision as `imr search --json` prints it (and the API returns it).
#[derive(Serialize)]
pub struct JsonHit<'a> {
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

/// The JSON shape of a hit.
pub fn hit_json(h: &Hit) -> JsonHit<'_> {
    JsonHit {
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
    }
}

/// One JSON line per hit.
/// The hits, then one line `{"did_you_mean": ...}` for each spelling suggestion.
pub fn hits_json(w: &mut impl Write, results: &Results) -> io::Result<()> {
    hits_lines(w, &results.hits)?;
    for s in &results.suggestions {
        serde_json::to_writer(&mut *w, &serde_json::json!({ "did_you_mean": s }))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// One JSON line per hit, for any run of hits (the downloads stream them a chunk at a time).
pub fn hits_lines(w: &mut impl Write, hits: &[Hit]) -> io::Result<()> {
    for h in hits {
        serde_json::to_writer(&mut *w, &hit_json(h))?;
        w.write_all(b"\n")?;
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

/// One JSON line per similar decision: the keys of `imr search --json`, and whether it shares
/// the procedure category and the body region.
pub fn similar_json(w: &mut impl Write, s: &crate::similar::Similar) -> io::Result<()> {
    for like in &s.decisions {
        let mut v = serde_json::to_value(hit_json(&like.hit))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("same_category".into(), like.same_category.into());
            o.insert("same_region".into(), like.same_region.into());
        }
        serde_json::to_writer(&mut *w, &v)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
