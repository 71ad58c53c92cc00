//! The index -> one row per decision, for other engines (Spark, DuckDB, pandas): which
//! decisions a query selects, and each one's row. Writing the rows is `sink`'s; their Arrow
//! form is `table`'s. `schema/export.md` describes the columns.

mod sink;
mod table;

pub use sink::{Format, Sink, Written};
pub use table::arrow_schema;

use crate::analysis;
use crate::document::{date_time, outcome_value, StoredLetter};
use crate::letter::citations::{self, CitedBy, Table};
use crate::letter::{levels, Date, Decision, Sex};
use crate::schema::{self, Fields};
use crate::search::{self, SearchError};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument};

/// One cited source of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cited {
    /// Canonical key, as reports print it.
    pub key: String,
    /// The kind of the key (`odg`, `mtus_chapter`, ...), as reports print it.
    pub kind: &'static str,
    /// The text it was read from.
    pub text: String,
}

/// One decision, flat: the letter's fields repeated on each of its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub case_number: Option<String>,
    pub item_no: i32,
    pub item_count: i32,
    pub item: String,
    pub original_request: Option<String>,
    pub authorized: Option<String>,
    pub outcome: &'static str,
    pub decision_date: Option<Date>,
    pub date_assigned: Option<Date>,
    pub date_of_injury: Option<Date>,
    pub ur_denial_date: Option<Date>,
    pub application_received: Option<Date>,
    pub priority: Option<String>,
    pub specialties: Vec<String>,
    pub licensure: Vec<String>,
    pub age: Option<i32>,
    pub sex: Option<&'static str>,
    pub diagnoses: Vec<String>,
    pub conditions: Vec<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub body_regions: Vec<String>,
    pub spinal_levels: Vec<String>,
    pub layout: &'static str,
    pub path: String,
    pub content_hash: Option<String>,
    /// Microseconds since 1970, UTC.
    #[serde(serialize_with = "iso_timestamp")]
    pub file_mtime: Option<i64>,
    pub ur_citations: Vec<Cited>,
    pub imr_citations: Vec<Cited>,
    pub item_terms: Vec<String>,
    pub terms: Vec<String>,
    /// The partition (the decision's year): in the folder name, not in the row.
    #[serde(skip)]
    pub year: Option<u16>,
}

/// Days since 1970-01-01 (Arrow's Date32).
pub fn days(d: Date) -> i32 {
    (date_time(d).into_timestamp_secs() / 86_400) as i32
}

/// `2016-12-09T13:45:07.123456Z`.
pub fn iso_micros(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let day = crate::document::date_from(tantivy::DateTime::from_timestamp_secs(secs));
    let s = secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}.{:06}Z", s / 3600, s / 60 % 60, s % 60, us.rem_euclid(1_000_000))
}

fn iso_timestamp<S: serde::Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(us) => s.serialize_str(&iso_micros(*us)),
        None => s.serialize_none(),
    }
}

/// The distinct tokens `imr`'s prose analyzer reads `texts` as, sorted.
pub fn terms<'a>(analyzer: &mut TextAnalyzer, texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for t in texts {
        let mut stream = analyzer.token_stream(t);
        while stream.advance() {
            out.insert(stream.token().text.clone());
        }
    }
    out.into_iter().collect()
}

/// The tokens of `text` in the order they come, each once: what `imr tokens` prints.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = &stream.token().text;
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

/// The spinal levels an item names, canonical, each range followed by the levels it spans.
fn spinal_levels(texts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        for l in levels::find(t) {
            for name in std::iter::once(l.canonical()).chain(l.spanned()) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The rows of one letter's decisions (`items`: item number and decision).
pub fn rows(
    stored: &StoredLetter,
    facts: &FileFacts,
    items: &[(u64, Decision)],
    table: &Table,
    analyzer: &mut TextAnalyzer,
) -> Vec<Row> {
    let l = &stored.letter;
    let mut conditions: Vec<String> = l.conditions.iter().map(|c| c.condition.clone()).collect();
    conditions.sort_unstable();
    conditions.dedup();
    let mut out = Vec::with_capacity(items.len());
    for (item_no, d) in items {
        let cited = citations::for_item(d.ur_guideline.as_deref(), d.imr_guideline.as_deref(), table);
        let side = |by: CitedBy| -> Vec<Cited> {
            cited
                .iter()
                .filter(|c| c.cited_by == by)
                .map(|c| Cited { key: c.key.clone(), kind: citations::kind_of(&c.key).as_str(), text: c.raw.clone() })
                .collect()
        };
        let own: Vec<&str> = std::iter::once(d.item.as_str()).chain(d.original_request.as_deref()).collect();
        let searched = own
            .iter()
            .copied()
            .chain(l.diagnoses.iter().map(String::as_str))
            .chain(d.ur_guideline.as_deref())
            .chain(d.imr_guideline.as_deref())
            .chain(d.rationale.as_deref());
        out.push(Row {
            case_number: l.case_number.clone(),
            item_no: i32::try_from(*item_no).unwrap_or(i32::MAX),
            item_count: i32::try_from(facts.item_count).unwrap_or(i32::MAX),
            item: d.item.clone(),
            original_request: d.original_request.clone(),
            authorized: d.authorized.clone(),
            outcome: outcome_value(d.outcome),
            decision_date: l.decision_date,
            date_assigned: l.date_assigned,
            date_of_injury: l.date_of_injury,
            ur_denial_date: l.ur_denial_date,
            application_received: l.application_received,
            priority: l.priority.clone(),
            specialties: l.reviewer.specialties.clone(),
            licensure: l.reviewer.licensure.clone(),
            age: l.patient.age.map(i32::from),
            sex: l.patient.sex.map(|s| if s == Sex::Male { "male" } else { "female" }),
            diagnoses: l.diagnoses.clone(),
            conditions: conditions.clone(),
            category: d.category.clone(),
            subcategory: d.subcategory.clone(),
            body_regions: d.body_regions.clone(),
            spinal_levels: spinal_levels(&own),
            layout: l.layout.as_str(),
            path: stored.path.clone(),
            content_hash: facts.hash.clone(),
            file_mtime: facts.mtime_us,
            ur_citations: side(CitedBy::Ur),
            imr_citations: side(CitedBy::Imr),
            item_terms: terms(analyzer, own.iter().copied()),
            terms: terms(analyzer, searched),
            year: l.decision_date.map(|d| d.year),
        });
    }
    out
}

/// What the index knows of a letter's file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// Items in the letter (a query may select fewer).
    pub item_count: u64,
    pub hash: Option<String>,
    pub mtime_us: Option<i64>,
}

/// The documents of one letter that a query selected: where its letter document is, and
/// its selected item documents (item number, document).
#[derive(Debug, Clone)]
pub struct Selected {
    pub path: String,
    pub first: Option<DocAddress>,
    pub items: Vec<(u64, DocAddress)>,
}

/// What a query selects, letter by letter in path order.
#[derive(Debug, Default)]
pub struct Selection {
    pub letters: Vec<Selected>,
    pub decisions: u64,
    /// Selected letters whose items could not be read: they have no decision to export.
    pub without_items: u64,
}

/// The live documents `query` matches, grouped by letter. A letter's documents may lie in
/// different segments (the writer's threads each build their own).
pub fn select(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<Selection> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut without_items = 0;
    let mut decisions = 0;
    let mut by_path: HashMap<String, Selected> = HashMap::new();
    let mut name = String::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ff = segment.fast_fields();
        let (Some(paths), Some(outcomes)) = (ff.str(schema::PATH)?, ff.str(schema::OUTCOME)?) else { continue };
        let item_nos = ff.u64(schema::ITEM_NO)?;
        let none = outcomes.dictionary().term_ord(schema::NO_ITEM_OUTCOME.as_bytes())?;
        let alive = segment.alive_bitset();
        // Path (as its code in this segment) -> the selected item documents.
        let mut here: HashMap<u64, Vec<(u64, DocAddress)>> = HashMap::new();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if let Some(path) = paths.term_ords(doc).next() {
                    if none.is_some() && outcomes.term_ords(doc).next() == none {
                        without_items += 1;
                    } else {
                        let item_no = item_nos.first(doc).unwrap_or(0);
                        here.entry(path).or_default().push((item_no, DocAddress::new(ord as u32, doc)));
                        decisions += 1;
                    }
                }
            }
            doc = scorer.advance();
        }
        for (code, items) in here {
            name.clear();
            paths.ord_to_str(code, &mut name)?;
            by_path
                .entry(name.clone())
                .or_insert_with(|| Selected { path: name.clone(), first: None, items: Vec::new() })
                .items
                .extend(items);
        }
    }
    // Each letter's first document holds the letter; it may not be among the matches, nor in
    // the same segment as they are.
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let ff = segment.fast_fields();
        let Some(paths) = ff.str(schema::PATH)? else { continue };
        let item_nos = ff.u64(schema::ITEM_NO)?;
        let alive = segment.alive_bitset();
        let mut wanted: HashMap<u64, &str> = HashMap::new();
        for (path, s) in &by_path {
            if s.first.is_none() {
                if let Some(code) = paths.dictionary().term_ord(path.as_bytes())? {
                    wanted.insert(code, path.as_str());
                }
            }
        }
        if wanted.is_empty() {
            continue;
        }
        let mut found: Vec<(String, DocAddress)> = Vec::new();
        for doc in 0..segment.max_doc() {
            if found.len() == wanted.len() {
                break;
            }
            if !alive.is_none_or(|a| a.is_alive(doc)) || item_nos.first(doc).unwrap_or(0) > 1 {
                continue;
            }
            if let Some(path) = paths.term_ords(doc).next().and_then(|p| wanted.get(&p)) {
                found.push((path.to_string(), DocAddress::new(ord as u32, doc)));
            }
        }
        for (path, at) in found {
            if let Some(s) = by_path.get_mut(&path) {
                s.first = Some(at);
            }
        }
    }
    let mut letters: Vec<Selected> = by_path.into_values().collect();
    for s in &mut letters {
        s.items.sort_unstable();
    }
    letters.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Selection { letters, decisions, without_items })
}

/// A letter read back: the letter, its file's facts, its selected decisions by item number.
pub type ReadBack = (StoredLetter, FileFacts, Vec<(u64, Decision)>);

/// Reads a selected letter back from the index: the letter, its file's facts, and its
/// selected decisions in item order.
pub fn read(searcher: &Searcher, f: &Fields, s: &Selected) -> Result<ReadBack, SearchError> {
    let Some(first) = s.first else {
        return Err(search::stored(&s.path, "letter", "its first document is missing"));
    };
    let doc: TantivyDocument = searcher.doc(first)?;
    let json = search::text(&doc, f.letter).ok_or_else(|| search::stored(&s.path, "letter", "it is not stored"))?;
    let letter: StoredLetter = serde_json::from_str(&json).map_err(|e| search::stored(&s.path, "letter", e))?;
    let facts = FileFacts {
        item_count: doc.get_first(f.item_count).and_then(|v| v.as_u64()).unwrap_or(0),
        hash: search::text(&doc, f.content_hash),
        mtime_us: doc
            .get_first(f.file_mtime)
            .and_then(|v| v.as_u64())
            .filter(|&ns| ns > 0)
            .map(|ns| i64::try_from(ns / 1_000).unwrap_or(i64::MAX)),
    };
    let mut items = Vec::with_capacity(s.items.len());
    for &(item_no, doc) in &s.items {
        let doc: TantivyDocument = searcher.doc(doc)?;
        let json =
            search::text(&doc, f.decision).ok_or_else(|| search::stored(&s.path, "decision", "it is not stored"))?;
        let d: Decision = serde_json::from_str(&json).map_err(|e| search::stored(&s.path, "decision", e))?;
        items.push((item_no, d));
    }
    Ok((letter, facts, items))
}

/// A fresh prose analyzer (one per thread: it keeps a stem cache).
pub fn analyzer() -> TextAnalyzer {
    analysis::imr_en()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_iso_with_microseconds() {
        assert_eq!(iso_micros(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(iso_micros(1_481_291_107_123_456), "2016-12-09T13:45:07.123456Z");
    }

    #[test]
    fn levels_and_terms_come_from_imrs_own_readers() {
        assert_eq!(spinal_levels(&["Fusion L4-S1 and L2/3"]), ["L4-S1", "L4-L5", "L5-S1", "L2-L3"]);
        let mut a = analyzer();
        for written in ["L5/S1 fusion", "L5 S1 fusion", "S1-L5 fusion", "fusions L5-S1"] {
            assert_eq!(terms(&mut a, [written]), ["fusion", "l5-s1"], "{written}");
        }
        assert_eq!(tokens(&mut a, "L5/S1 fusion"), ["l5-s1", "fusion"]);
    }
}
