//! Query -> ranked decisions (`Hit`s) with snippets. No printing here.

use crate::document::{date_from, StoredLetter};
use crate::letter::Decision;
use crate::query::{self, Reading};
use crate::schema;

use crate::store::Store;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SearchError {
    /// The user's query cannot be read; the message says why.
    #[error("bad query {query:?}: {reason}")]
    Query { query: String, reason: String },
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// A highlighted piece of a stored field showing why a decision matched.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Snippet {
    pub field: &'static str,
    pub text: String,
    /// Byte ranges of `text` that matched.
    pub highlights: Vec<(usize, usize)>,
}

/// One matching decision.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub case_number: Option<String>,
    pub item_no: u64,
    pub item_count: u64,
    pub item: String,
    pub outcome: String,
    pub decision_date: Option<String>,
    pub specialty: Vec<String>,
    pub score: f32,
    pub snippet: Snippet,
    pub path: String,
    pub layout: String,
}

pub struct Results {
    pub reading: Reading,
    pub scope: Scope,
    /// With `Scope::Item`: how many more decisions mention the words outside the item.
    pub elsewhere: usize,
    /// How many decisions match in all (hits holds at most the limit).
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Fields a snippet may come from, most telling first. The item itself is printed anyway.
const SNIPPET_FIELDS: [&str; 5] =
    [schema::RATIONALE, schema::SUMMARY, schema::CITATION, schema::DIAGNOSIS, schema::TEXT];
const SNIPPET_CHARS: usize = 180;

/// Where plain words were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// In the disputed item's own name (`procedure`): used whenever some decision matches so,
    /// because a query like "MRI shoulder" asks for shoulder MRIs, not for every decision
    /// whose rationale mentions an MRI and a shoulder.
    Item,
    /// In the decision's fields: item, diagnosis, guidelines, rationale (and the full text of
    /// letters whose items could not be read).
    Decision,
    /// In those and the case summary (`--anywhere`).
    Anywhere,
}

fn parser(store: &Store, fields: &[(&str, f32)]) -> QueryParser {
    let schema = store.index.schema();
    let resolved: Vec<(tantivy::schema::Field, f32)> =
        fields.iter().filter_map(|(n, b)| schema.get_field(n).ok().map(|f| (f, *b))).collect();
    let mut parser = QueryParser::for_index(&store.index, resolved.iter().map(|(f, _)| *f).collect());
    parser.set_conjunction_by_default();
    for (f, b) in resolved {
        parser.set_field_boost(f, b);
    }
    parser
}

/// The query for a reading's text over `fields`, AND the outcome filter.
fn compile(store: &Store, reading: &Reading, fields: &[(&str, f32)], raw: &str) -> Result<Box<dyn Query>, SearchError> {
    let main: Box<dyn Query> = if reading.text.trim().is_empty() {
        Box::new(AllQuery)
    } else {
        parser(store, fields)
            .parse_query(&reading.text)
            .map_err(|e| SearchError::Query { query: raw.to_string(), reason: e.to_string() })?
    };
    if reading.outcomes.is_empty() {
        return Ok(main);
    }
    let filter: Vec<(Occur, Box<dyn Query>)> = reading
        .outcomes
        .iter()
        .map(|o| {
            let term = Term::from_field_text(store.fields.outcome, o.as_str());
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
        })
        .collect();
    Ok(Box::new(BooleanQuery::new(vec![(Occur::Must, main), (Occur::Must, Box::new(BooleanQuery::new(filter)))])))
}

/// A query ready to run: the reading, the tantivy query, where plain words were matched, and
/// how many decisions match the words anywhere.
pub struct Plan {
    pub reading: Reading,
    pub query: Box<dyn Query>,
    pub scope: Scope,
    /// How many decisions the words match in any field (counted only with `Scope::Item` and
    /// `Scope::Decision`, else 0): the query's own count subtracted gives `elsewhere`.
    pub all: usize,
}

/// Reads `raw` and decides the scope: the item's own name when some decision matches there,
/// else the decision's fields; every field with `anywhere`.
pub fn plan(store: &Store, searcher: &Searcher, raw: &str, anywhere: bool) -> Result<Plan, SearchError> {
    let reading = query::read(raw).map_err(|e| SearchError::Query { query: raw.to_string(), reason: e.to_string() })?;
    let everywhere = compile(store, &reading, &schema::ANYWHERE_FIELDS, raw)?;
    if anywhere {
        return Ok(Plan { reading, query: everywhere, scope: Scope::Anywhere, all: 0 });
    }
    let decision = compile(store, &reading, &schema::DEFAULT_FIELDS, raw)?;
    if !reading.plain_words {
        return Ok(Plan { reading, query: decision, scope: Scope::Decision, all: 0 });
    }
    let all = searcher.search(&*everywhere, &Count)?;
    let item = compile(store, &reading, &[(schema::PROCEDURE, 1.0)], raw)?;
    let in_item = searcher.search(&*item, &Count)?;
    if in_item > 0 {
        // Rank the item matches by everything they match (item, rationale, guidelines...).
        let query = BooleanQuery::new(vec![(Occur::Must, item), (Occur::Must, decision)]);
        // (The item is one of the decision's fields, so this matches what `item` matches.)
        return Ok(Plan { reading, query: Box::new(query), scope: Scope::Item, all });
    }
    Ok(Plan { reading, query: decision, scope: Scope::Decision, all })
}

/// Runs a query: the best `limit` decisions, ties broken by case number then item number.
pub fn search(
    store: &Store,
    searcher: &Searcher,
    raw: &str,
    limit: usize,
    anywhere: bool,
) -> Result<Results, SearchError> {
    let Plan { reading, query, scope, all } = plan(store, searcher, raw, anywhere)?;
    let limit = limit.max(1);
    // Fetch a little more than asked so that ties at the cut are broken by case number.
    let fetch = limit.saturating_add(64);
    let (top, total) = searcher.search(&query, &(TopDocs::with_limit(fetch).order_by_score(), Count))?;
    let f = &store.fields;
    let generators: Vec<(&'static str, SnippetGenerator)> = SNIPPET_FIELDS
        .iter()
        .filter_map(|name| {
            let field = store.index.schema().get_field(name).ok()?;
            let mut g = SnippetGenerator::create(searcher, &*query, field).ok()?;
            g.set_max_num_chars(SNIPPET_CHARS);
            Some((*name, g))
        })
        .collect();
    // Only decisions scoring at least the limit-th score can be shown; of those tied with it,
    // case number and item number choose. Snippets are made for the shown ones only.
    let cut = top.get(limit - 1).map_or(f32::MIN, |(score, _)| *score);
    let mut docs: Vec<(f32, TantivyDocument)> = Vec::with_capacity(limit);
    for (score, addr) in top.into_iter().filter(|(score, _)| *score >= cut) {
        docs.push((score, searcher.doc(addr)?));
    }
    let key = |doc: &TantivyDocument| {
        (text(doc, f.case_number), doc.get_first(f.item_no).and_then(|v| v.as_u64()), text(doc, f.path))
    };
    docs.sort_by(|(sa, a), (sb, b)| sb.total_cmp(sa).then_with(|| key(a).cmp(&key(b))));
    docs.truncate(limit);
    let mut summary_terms = false;
    query.query_terms(&mut |term, _| summary_terms |= term.field() == f.summary);
    let hits: Vec<Hit> =
        docs.iter().map(|(score, doc)| hit(store, searcher, doc, *score, &generators, summary_terms)).collect();
    Ok(Results { reading, total, hits, scope, elsewhere: all.saturating_sub(total) })
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string)
}

fn hit(
    store: &Store,
    searcher: &Searcher,
    doc: &TantivyDocument,
    score: f32,
    generators: &[(&'static str, SnippetGenerator)],
    summary_terms: bool,
) -> Hit {
    let f = &store.fields;
    let decision: Decision = text(doc, f.decision).and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
    // Where each snippet field's text is kept: the item's own in its decision JSON, the case
    // summary once per letter (read only when the query has words for it), the rest in the
    // document's stored fields.
    let source = |name: &str| -> Option<String> {
        match name {
            schema::RATIONALE => decision.rationale.clone(),
            schema::CITATION => {
                let lines = [&decision.ur_guideline, &decision.imr_guideline];
                Some(lines.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join(" "))
            }
            schema::SUMMARY => summary_terms.then(|| letter_summary(store, searcher, doc)).flatten(),
            other => {
                let field = store.index.schema().get_field(other).ok()?;
                Some(doc.get_all(field).filter_map(|v| v.as_str()).collect::<Vec<_>>().join(" "))
            }
        }
    };
    let mut snippet = None;
    for (name, g) in generators {
        let Some(text) = source(name) else { continue };
        let s = g.snippet(&text);
        if !s.highlighted().is_empty() {
            snippet = Some(Snippet {
                field: name,
                text: s.fragment().to_string(),
                highlights: s.highlighted().iter().map(|r| (r.start, r.end)).collect(),
            });
            break;
        }
    }
    let snippet = snippet.unwrap_or_else(|| {
        let (field, source) = match decision.rationale.clone() {
            Some(r) => (schema::RATIONALE, r),
            None => (schema::TEXT, text(doc, f.text).unwrap_or_default()),
        };
        let cut = source.char_indices().nth(SNIPPET_CHARS).map_or(source.len(), |(i, _)| i);
        let cut = source[..cut].rfind(' ').filter(|_| cut < source.len()).unwrap_or(cut);
        Snippet { field, text: source[..cut].to_string(), highlights: Vec::new() }
    });
    Hit {
        case_number: text(doc, f.case_number),
        item_no: doc.get_first(f.item_no).and_then(|v| v.as_u64()).unwrap_or(0),
        item_count: doc.get_first(f.item_count).and_then(|v| v.as_u64()).unwrap_or(0),
        item: decision.item,
        outcome: text(doc, f.outcome).unwrap_or_default(),
        decision_date: doc.get_first(f.decision_date).and_then(|v| v.as_datetime()).map(|d| date_from(d).to_string()),
        specialty: doc.get_all(f.specialty).filter_map(|v| v.as_str().map(str::to_string)).collect(),
        score,
        snippet,
        path: text(doc, f.path).unwrap_or_default(),
        layout: text(doc, f.layout).unwrap_or_default(),
    }
}

/// The clinical summary of the letter `doc` belongs to, from the letter's first document.
fn letter_summary(store: &Store, searcher: &Searcher, doc: &TantivyDocument) -> Option<String> {
    let f = &store.fields;
    let path = text(doc, f.path)?;
    let first: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.path, &path), IndexRecordOption::Basic))),
        (
            Occur::Must,
            Box::new(tantivy::query::RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_u64(f.item_no, 0)),
                std::ops::Bound::Included(Term::from_field_u64(f.item_no, 1)),
            )),
        ),
    ];
    let (_, addr) = searcher.search(&BooleanQuery::new(first), &TopDocs::with_limit(1).order_by_score()).ok()?.pop()?;
    let first: TantivyDocument = searcher.doc(addr).ok()?;
    let stored: StoredLetter = serde_json::from_str(&text(&first, f.letter)?).ok()?;
    stored.letter.clinical_summary
}

/// The stored letters for a case number (or a letter's path), in path order.
pub fn letters(store: &Store, searcher: &Searcher, id: &str) -> Result<Vec<StoredLetter>, SearchError> {
    let f = &store.fields;
    let by = |field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    };
    let q = BooleanQuery::new(vec![
        (Occur::Should, by(f.case_number, &id.trim().to_uppercase())),
        (Occur::Should, by(f.path, id)),
    ]);
    let addrs: Vec<(f32, DocAddress)> = searcher.search(&q, &TopDocs::with_limit(10_000).order_by_score())?;
    let mut out: Vec<StoredLetter> = Vec::new();
    let mut decisions: Vec<(String, u64, Decision)> = Vec::new();
    for (_, addr) in addrs {
        let doc: TantivyDocument = searcher.doc(addr)?;
        if let Some(l) = text(&doc, f.letter).and_then(|json| serde_json::from_str::<StoredLetter>(&json).ok()) {
            out.push(l);
        }
        if let Some(d) = text(&doc, f.decision).and_then(|json| serde_json::from_str::<Decision>(&json).ok()) {
            let item_no = doc.get_first(f.item_no).and_then(|v| v.as_u64()).unwrap_or(0);
            decisions.push((text(&doc, f.path).unwrap_or_default(), item_no, d));
        }
    }
    // Each item is stored in its own document: put them back in their letters, in order.
    decisions.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for l in &mut out {
        l.letter.items = decisions.iter().filter(|(p, _, _)| *p == l.path).map(|(_, _, d)| d.clone()).collect();
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `upheld` / `overturned` words as the index stores them.
pub fn outcome_label(o: &str) -> &str {
    match o {
        "upheld" => "UPHELD",
        "overturned" => "OVERTURNED",
        "none" => "no items",
        _ => "no outcome",
    }
}
