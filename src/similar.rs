//! Decisions like a given one: the same procedure category and body region first, then by
//! likeness of text (tantivy's MoreLikeThisQuery over the item and its rationale), with how
//! often they were overturned. No printing here.

use crate::letter::Decision;
use crate::phrases::Phrases;
use crate::search::{stored, text, Hit, SearchError};
use crate::store::Store;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// The decision the others are like.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub case_number: String,
    pub item_no: u64,
    pub item: String,
    pub outcome: String,
    pub category: Option<String>,
    pub body_regions: Vec<String>,
}

/// One similar decision: the hit, and whether it shares the category and body region.
#[derive(Debug, Clone, Serialize)]
pub struct Like {
    #[serde(flatten)]
    pub hit: Hit,
    pub same_category: bool,
    pub same_region: bool,
}

/// Decisions like `source`, most alike first, and their outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct Similar {
    pub source: Source,
    pub decisions: Vec<Like>,
    pub upheld: u64,
    pub overturned: u64,
}

impl Similar {
    /// `of 40 similar decisions, 3 overturned (7.5%, 95% CI 2.6-19.9%)`.
    pub fn summary(&self) -> String {
        let decided = self.upheld + self.overturned;
        let rate = match crate::report::wilson(self.overturned, decided) {
            Some((lo, hi)) => format!(
                " ({:.1}%, 95% CI {:.1}-{:.1}%)",
                100.0 * self.overturned as f64 / decided as f64,
                100.0 * lo,
                100.0 * hi
            ),
            None => String::new(),
        };
        let unknown = self.decisions.len() as u64 - decided;
        format!(
            "of {} similar decision{}, {} overturned{rate}{}",
            self.decisions.len(),
            if self.decisions.len() == 1 { "" } else { "s" },
            self.overturned,
            if unknown > 0 { format!("; {unknown} without an outcome") } else { String::new() }
        )
    }
}

/// Reads `CASE` or `CASE/ITEM` (item 1 when not given).
pub fn parse_id(id: &str) -> Result<(String, u64), SearchError> {
    let bad = |why: &str| SearchError::Limit(format!("{id:?}: {why} (write CASE or CASE/ITEM, as CM16-0923587/2)"));
    let (case, item) = match id.split_once('/') {
        Some((c, i)) => (c, i.trim().parse::<u64>().map_err(|_| bad("the item is not a number"))?),
        None => (id, 1),
    };
    let case = case.trim().to_uppercase();
    if case.is_empty() || item == 0 {
        return Err(bad("no case number or item"));
    }
    Ok((case, item))
}

/// The `limit` decisions most like item `item_no` of letter `case`.
pub fn similar(
    store: &Store,
    searcher: &Searcher,
    case: &str,
    item_no: u64,
    limit: usize,
) -> Result<Option<Similar>, SearchError> {
    let f = &store.fields;
    let term = |field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    };
    let this = BooleanQuery::new(vec![
        (Occur::Must, term(f.case_number, case)),
        (Occur::Must, Box::new(TermQuery::new(Term::from_field_u64(f.item_no, item_no), IndexRecordOption::Basic))),
    ]);
    let Some((_, addr)) = searcher.search(&this, &TopDocs::with_limit(1).order_by_score())?.pop() else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(addr)?;
    let path = text(&doc, f.path).unwrap_or_default();
    let decision: Decision = match text(&doc, f.decision) {
        Some(json) => serde_json::from_str(&json).map_err(|e| stored(&path, "decision", e))?,
        None => return Ok(None),
    };
    let category = text(&doc, f.category);
    let regions: Vec<String> = doc.get_all(f.body_region).filter_map(|v| v.as_str().map(str::to_string)).collect();
    let source = Source {
        case_number: case.to_string(),
        item_no,
        item: decision.item.clone(),
        outcome: text(&doc, f.outcome).unwrap_or_default(),
        category: category.clone(),
        body_regions: regions.clone(),
    };
    // The words of the item and of its rationale, as MoreLikeThis picks them.
    let mut fields = vec![(f.procedure, vec![OwnedValue::Str(decision.item.clone())])];
    if let Some(r) = &decision.rationale {
        fields.push((f.rationale, vec![OwnedValue::Str(r.clone())]));
    }
    let like = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_min_term_frequency(1)
        .with_min_word_length(3)
        .with_max_query_terms(30)
        // The index's phrase keys are not words of the text.
        .with_stop_words(Phrases::builtin().keys().map(str::to_string).collect())
        .with_document_fields(fields);
    // Candidates by text; then those sharing the category and the body region come first.
    let fetch = limit.saturating_mul(5).max(50);
    let candidates: Vec<(f32, DocAddress)> = searcher.search(&like, &TopDocs::with_limit(fetch).order_by_score())?;
    let mut tiered = Vec::new();
    for (score, a) in candidates {
        if a == addr {
            continue;
        }
        let d: TantivyDocument = searcher.doc(a)?;
        if text(&d, f.path).as_deref() == Some(path.as_str()) {
            continue; // another item of the same letter is not another case
        }
        let same_category = category.is_some() && text(&d, f.category) == category;
        let same_region = !regions.is_empty()
            && d.get_all(f.body_region).filter_map(|v| v.as_str()).any(|r| regions.iter().any(|x| x == r));
        tiered.push((u8::from(same_category) + u8::from(same_region), score, a, same_category, same_region));
    }
    tiered.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.total_cmp(&a.1)));
    tiered.truncate(limit);
    let docs: Vec<(f32, DocAddress)> = tiered.iter().map(|t| (t.1, t.2)).collect();
    let hits = crate::search::hits_of(store, searcher, &like, &docs)?;
    let mut out = Similar { source, decisions: Vec::new(), upheld: 0, overturned: 0 };
    for (hit, t) in hits.into_iter().zip(&tiered) {
        match hit.outcome.as_str() {
            "upheld" => out.upheld += 1,
            "overturned" => out.overturned += 1,
            _ => {}
        }
        out.decisions.push(Like { hit, same_category: t.3, same_region: t.4 });
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_the_summary_line() {
        assert_eq!(parse_id("cm16-0923587").unwrap(), ("CM16-0923587".to_string(), 1));
        assert_eq!(parse_id("CM16-0923587/3").unwrap(), ("CM16-0923587".to_string(), 3));
        assert!(parse_id("CM16-0923587/x").is_err());
        assert!(parse_id("CM16-0923587/0").is_err());
        let source = Source {
            case_number: "CM16-0923587".into(),
            item_no: 1,
            item: String::new(),
            outcome: "upheld".into(),
            category: None,
            body_regions: Vec::new(),
        };
        let hit = |outcome: &str| Like {
            hit: Hit {
                case_number: None,
                item_no: 1,
                item_count: 1,
                item: String::new(),
                outcome: outcome.into(),
                decision_date: None,
                specialty: Vec::new(),
                score: 1.0,
                snippet: crate::search::Snippet { field: "rationale", text: String::new(), highlights: Vec::new() },
                path: String::new(),
                layout: String::new(),
                hash: String::new(),
            },
            same_category: false,
            same_region: false,
        };
        let mut decisions: Vec<Like> = (0..37).map(|_| hit("upheld")).collect();
        decisions.extend((0..3).map(|_| hit("overturned")));
        let s = Similar { source, decisions, upheld: 37, overturned: 3 };
        assert_eq!(s.summary(), "of 40 similar decisions, 3 overturned (7.5%, 95% CI 2.6-19.9%)");
    }
}
