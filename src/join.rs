//! Letter-level text indexed once, found for every decision of the letter.
//!
//! The case summary tells the story of every item of a letter, so it is indexed on the
//! letter's first document only, not once per item (it is about a third of a letter, and
//! letters average 2.9 items). A query on it is wrapped in [`LetterJoin`]: its matches are
//! letters, and the join turns each into the letter's decisions, all with the letter's score.
//!
//! What makes the join cheap and exact: a letter's documents are added in one batch
//! (`indexer::add_letter`), which tantivy keeps in one segment, in order, with no other
//! document between them; merges keep that order. So a letter's decisions are the run of
//! documents around its first one that share its path. Each run is checked against the
//! letter's item count, and a short run (which the batches rule out) falls back to reading the
//! whole segment's paths, so a decision is never dropped.

use crate::schema;
use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, RangeQuery, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Every decision of the letters whose first document matches `inner`.
#[derive(Debug)]
pub struct LetterJoin {
    inner: Box<dyn Query>,
}

impl Clone for LetterJoin {
    fn clone(&self) -> LetterJoin {
        LetterJoin { inner: self.inner.box_clone() }
    }
}

impl LetterJoin {
    pub fn new(inner: Box<dyn Query>) -> LetterJoin {
        LetterJoin { inner }
    }
}

impl Query for LetterJoin {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(JoinWeight { inner: self.inner.weight(enable_scoring)? }))
    }

    /// The inner query's terms: snippets and highlights come from the letter's summary.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct JoinWeight {
    inner: Box<dyn Weight>,
}

impl Weight for JoinWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut inner = self.inner.scorer(reader, boost)?;
        let fast = reader.fast_fields();
        let paths = fast.str(schema::PATH)?.map(|c| c.ords().clone());
        let counts = fast.u64(schema::ITEM_COUNT).ok();
        let alive = reader.alive_bitset();
        let max = reader.max_doc();
        let path = |doc: DocId| paths.as_ref().and_then(|c| c.first(doc));
        let mut docs: Vec<(DocId, Score)> = Vec::new();
        let mut doc = inner.doc();
        while doc != TERMINATED {
            // A deleted letter's first document says nothing about the letter as it is now.
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = inner.score();
                match path(doc) {
                    None => docs.push((doc, score)),
                    Some(p) => {
                        let mut start = doc;
                        while start > 0 && path(start - 1) == Some(p) {
                            start -= 1;
                        }
                        let mut end = doc + 1;
                        while end < max && path(end) == Some(p) {
                            end += 1;
                        }
                        let items = counts.as_ref().and_then(|c| c.first(doc)).unwrap_or(1).max(1);
                        if u64::from(end - start) >= items {
                            docs.extend((start..end).map(|d| (d, score)));
                        } else {
                            docs.extend((0..max).filter(|&d| path(d) == Some(p)).map(|d| (d, score)));
                        }
                    }
                }
            }
            doc = inner.advance();
        }
        // Runs come in document order; a fallback read may overlap another run.
        docs.sort_unstable_by_key(|(d, _)| *d);
        docs.dedup_by_key(|(d, _)| *d);
        Ok(Box::new(Decisions { docs, at: 0 }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("the letter's case summary matches", scorer.score()))
    }
}

/// The decisions found, in document order, with their letters' scores.
struct Decisions {
    docs: Vec<(DocId, Score)>,
    at: usize,
}

impl DocSet for Decisions {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.docs[self.at..].partition_point(|(d, _)| *d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).map_or(TERMINATED, |(d, _)| *d)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

impl Scorer for Decisions {
    fn score(&mut self) -> Score {
        self.docs.get(self.at).map_or(0.0, |(_, s)| *s)
    }
}

/// `query` with every part that reads the case summary joined to the letter's decisions.
/// Boolean queries are rebuilt clause by clause; any other part must read the summary alone
/// or not at all (the caller pushes boosts down to single fields, see `search::compile`), and
/// an error names a part that mixes it with other fields rather than answer wrongly.
pub fn join_summary(query: Box<dyn Query>, summary: Field) -> Result<Box<dyn Query>, String> {
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        let mut clauses = Vec::with_capacity(b.clauses().len());
        for (occur, q) in b.clauses() {
            clauses.push((*occur, join_summary(q.box_clone(), summary)?));
        }
        let mut rebuilt = BooleanQuery::new(clauses);
        rebuilt.set_minimum_number_should_match(b.get_minimum_number_should_match());
        return Ok(Box::new(rebuilt));
    }
    let (mut on_summary, mut elsewhere) = (false, false);
    query.query_terms(&mut |term, _| {
        if term.field() == summary {
            on_summary = true;
        } else {
            elsewhere = true;
        }
    });
    if let Some(r) = query.downcast_ref::<RangeQuery>() {
        on_summary |= r.field() == summary;
    }
    match (on_summary, elsewhere) {
        (true, true) => Err("a part of the query reads the case summary and other fields together: \
                             write the summary's words apart (summary:WORD)"
            .to_string()),
        (true, false) => Ok(Box::new(LetterJoin::new(query))),
        (false, _) => Ok(query),
    }
}
