//! Letter -> index documents: one per disputed item, each carrying the letter's fields but the
//! case summary, which only the first carries (`join`).

use crate::letter::citations::CitedBy;
use crate::letter::{Date, Letter, Outcome};
use crate::schema::{Fields, NO_ITEM_OUTCOME};
use serde::{Deserialize, Serialize};
use tantivy::{DateTime, TantivyDocument};

/// What `imr show` needs back from the index: the parsed letter and where it came from.
/// Stored as JSON on the letter's first document, without its items: each item is stored
/// once, as JSON in its own document's `decision` field.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredLetter {
    pub path: String,
    pub format: String,
    /// The file's content hash (XXH3-128), from its own field: it names the letter's file in
    /// links without naming a path.
    #[serde(skip)]
    pub hash: String,
    #[serde(flatten)]
    pub letter: Letter,
}

/// Seconds since the Unix epoch at midnight UTC of `d`.
pub fn date_time(d: Date) -> DateTime {
    let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    // Days from civil (proleptic Gregorian), after H. Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    DateTime::from_timestamp_secs(days * 86_400)
}

/// The calendar date (UTC) of a stored date.
pub fn date_from(t: DateTime) -> Date {
    let days = t.into_timestamp_secs().div_euclid(86_400);
    // Civil from days, after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date { year: y as u16, month: m as u8, day: d as u8 }
}

pub fn outcome_value(o: Option<Outcome>) -> &'static str {
    o.map_or("unknown", Outcome::as_str)
}

/// The documents for one letter. `path` is the letter's canonical path (its identity in the
/// index); `format` says what its text was read from.
pub fn documents(f: &Fields, letter: &Letter, path: &str, format: &str) -> Vec<TantivyDocument> {
    documents_of_file(f, letter, path, format, None)
}

/// [`documents`], stamped with the file's size, modification time and content hash so a
/// later run can tell the file is unchanged.
pub fn documents_of_file(
    f: &Fields,
    letter: &Letter,
    path: &str,
    format: &str,
    facts: Option<&crate::ingest::Facts>,
) -> Vec<TantivyDocument> {
    let common = |doc: &mut TantivyDocument, item_no: u64| {
        if let Some(c) = &letter.case_number {
            doc.add_text(f.case_number, c);
            if let Some(order) = crate::schema::case_order(c) {
                doc.add_u64(f.case_order, order);
            }
        }
        doc.add_u64(f.item_no, item_no);
        doc.add_u64(f.item_count, letter.items.len() as u64);
        for d in &letter.diagnoses {
            doc.add_text(f.diagnosis, d);
        }
        let mut conditions: Vec<&str> = letter.conditions.iter().map(|c| c.condition.as_str()).collect();
        conditions.sort_unstable();
        conditions.dedup();
        for c in conditions {
            doc.add_text(f.condition, c);
        }
        if let Some(d) = letter.decision_date {
            doc.add_date(f.decision_date, date_time(d));
            doc.add_u64(f.year, u64::from(d.year));
        }
        for s in &letter.reviewer.specialties {
            doc.add_text(f.specialty, s);
        }
        for s in &letter.reviewer.licensure {
            doc.add_text(f.licensure, s);
        }
        if let Some(a) = letter.patient.age {
            doc.add_u64(f.age, u64::from(a));
        }
        if let Some(s) = letter.patient.sex {
            doc.add_text(f.sex, if s == crate::letter::Sex::Male { "male" } else { "female" });
        }
        doc.add_text(f.layout, letter.layout.as_str());
        doc.add_text(f.path, path);
    };
    let mut docs = Vec::with_capacity(letter.items.len().max(1));
    for (i, d) in letter.items.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        common(&mut doc, i as u64 + 1);
        doc.add_text(f.procedure, &d.item);
        if let Some(o) = &d.original_request {
            doc.add_text(f.procedure, o);
        }
        doc.add_text(f.outcome, outcome_value(d.outcome));
        for g in [&d.ur_guideline, &d.imr_guideline].into_iter().flatten() {
            doc.add_text(f.citation, g);
        }
        if let Some(r) = &d.rationale {
            doc.add_text(f.rationale, r);
        }
        let mut seen: Vec<(&str, CitedBy)> = Vec::new();
        for c in &d.citations {
            if seen.iter().any(|(k, b)| *k == c.key && *b == c.cited_by) {
                continue;
            }
            seen.push((&c.key, c.cited_by));
            doc.add_text(if c.cited_by == CitedBy::Ur { f.cite_ur } else { f.cite_imr }, &c.key);
            if !seen.iter().any(|(k, b)| *k == c.key && *b != c.cited_by) {
                doc.add_text(f.cite_key, &c.key);
            }
        }
        if let Some(c) = &d.category {
            doc.add_text(f.category, c);
        }
        if let Some(c) = &d.subcategory {
            doc.add_text(f.subcategory, c);
        }
        for r in &d.body_regions {
            doc.add_text(f.body_region, r);
        }
        // Citations are not stored: they come again from the guideline lines when read back
        // (`imr show`), as the index's citation fields came from them.
        let stored = crate::letter::Decision { citations: Vec::new(), ..d.clone() };
        if let Ok(json) = serde_json::to_string(&stored) {
            doc.add_text(f.decision, json);
        }
        docs.push(doc);
    }
    if docs.is_empty() {
        let mut doc = TantivyDocument::default();
        common(&mut doc, 0);
        doc.add_text(f.outcome, NO_ITEM_OUTCOME);
        doc.add_text(f.text, &letter.text);
        docs.push(doc);
    }
    // The case summary once per letter, on its first document: a query on it finds every
    // decision of the letter through `join::LetterJoin`.
    if let Some(s) = &letter.clinical_summary {
        docs[0].add_text(f.summary, s);
    }
    if let Some(facts) = facts {
        docs[0].add_u64(f.file_size, facts.size);
        docs[0].add_u64(f.file_mtime, facts.mtime);
        docs[0].add_text(f.content_hash, &facts.hash);
    }
    let mut letter = Letter { items: Vec::new(), ..letter.clone() };
    if letter.layout != crate::letter::Layout::Unknown {
        letter.text.clear(); // searchable through the item fields; unknown letters keep it for `show`
    }
    let stored = StoredLetter { path: path.to_string(), format: format.to_string(), hash: String::new(), letter };
    if let Ok(json) = serde_json::to_string(&stored) {
        docs[0].add_text(f.letter, json);
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_midnight_utc() {
        assert_eq!(date_time(Date::new(1970, 1, 1).unwrap()).into_timestamp_secs(), 0);
        assert_eq!(date_time(Date::new(2016, 12, 9).unwrap()).into_timestamp_secs(), 1_481_241_600);
        assert_eq!(date_time(Date::new(2000, 3, 1).unwrap()).into_timestamp_secs(), 951_868_800);
        for (y, m, d) in [(1970, 1, 1), (2016, 2, 29), (2016, 12, 31), (2017, 1, 1), (2000, 3, 1), (2099, 12, 31)] {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(date_from(date_time(date)), date);
        }
    }
}
