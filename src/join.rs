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
//! documents from its first one on, as many as it has items. Each run is checked (every
//! document in it has the letter's path), and a run that fails the check (which the batches
//! rule out) falls back to reading the whole segment's paths, so a decision is never dropped.

use crate::schema;
use tantivy::columnar::{Column, ColumnIndex};
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
        let path = |doc: DocId| paths.as_ref().and_then(|c| value(c, doc));
        let counts = fast.u64(schema::ITEM_COUNT).ok();
        let alive = reader.alive_bitset();
        let max = reader.max_doc();
        let mut docs: Vec<(DocId, Score)> = Vec::new();
        let mut doc = inner.doc();
        while doc != TERMINATED {
            // A deleted letter's first document says nothing about the letter as it is now.
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = inner.score();
                let items = counts.as_ref().and_then(|c| value(c, doc)).unwrap_or(1).max(1);
                let end = doc.saturating_add(u32::try_from(items).unwrap_or(u32::MAX));
                match path(doc) {
                    None => docs.push((doc, score)),
                    // The letter's documents follow its first one, as they were added.
                    Some(p) if end <= max && (doc + 1..end).all(|d| path(d) == Some(p)) => {
                        docs.extend((doc..end).map(|d| (d, score)));
                    }
                    Some(p) => docs.extend((0..max).filter(|&d| path(d) == Some(p)).map(|d| (d, score))),
                }
            }
            doc = inner.advance();
        }
        // Runs come in document order, each document once; only a fallback read can break it.
        if !docs.windows(2).all(|w| w[0].0 < w[1].0) {
            docs.sort_by_key(|(d, _)| *d);
            docs.dedup_by_key(|(d, _)| *d);
        }
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

/// A document's value in a column of one value a document, read directly when every document
/// has one (the join reads one a decision).
fn value(column: &Column<u64>, doc: DocId) -> Option<u64> {
    match column.index {
        ColumnIndex::Full => Some(column.values.get_val(doc)),
        _ => column.first(doc),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Fields;
    use crate::store::Store;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Value};
    use tantivy::TantivyDocument;

    /// Item `item` of `items` of the letter at `path`; the first carries the summary.
    fn doc(f: &Fields, path: &str, item: u64, items: u64, summary: &str) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(f.path, path);
        d.add_u64(f.item_no, item);
        d.add_u64(f.item_count, items);
        if item == 1 {
            d.add_text(f.summary, summary);
        }
        d
    }

    /// (path, item) of every live decision the summary word `word` finds.
    fn found(store: &Store, word: &str) -> Vec<(String, u64)> {
        let f = store.fields;
        let reader = store.reader().unwrap();
        let searcher = reader.searcher();
        let term = TermQuery::new(Term::from_field_text(f.summary, word), IndexRecordOption::WithFreqs);
        let query = join_summary(Box::new(term), f.summary).unwrap();
        let mut out: Vec<(String, u64)> = searcher
            .search(&*query, &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|a| {
                let d: TantivyDocument = searcher.doc(a).unwrap();
                let path = d.get_first(f.path).and_then(|v| v.as_str()).unwrap().to_string();
                (path, d.get_first(f.item_no).and_then(|v| v.as_u64()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(p, i)| (p.to_string(), *i)).collect()
    }

    #[test]
    fn a_summary_match_finds_every_decision_of_its_letter_even_a_split_one() {
        let store = Store::in_ram();
        let f = store.fields;
        let mut writer: tantivy::IndexWriter = store.index.writer_with_num_threads(1, 15_000_000).unwrap();
        let a: Vec<_> = (1..=3).map(|i| doc(&f, "a", i, 3, "knee pain")).collect();
        crate::indexer::add_letter(&writer, &f, "a", a).unwrap();
        // Two letters added a document at a time, interleaved: the runs check fails and the
        // segment's paths are read instead.
        for d in
            [doc(&f, "b", 1, 2, "knee"), doc(&f, "c", 1, 2, "shoulder"), doc(&f, "b", 2, 2, ""), doc(&f, "c", 2, 2, "")]
        {
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        assert_eq!(found(&store, "knee"), pairs(&[("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)]));
        assert_eq!(found(&store, "shoulder"), pairs(&[("c", 1), ("c", 2)]));

        // Letter a again, with another summary and one item fewer: its old documents are gone
        // and its old summary finds nothing.
        let a: Vec<_> = (1..=2).map(|i| doc(&f, "a", i, 2, "hip")).collect();
        crate::indexer::add_letter(&writer, &f, "a", a).unwrap();
        writer.commit().unwrap();
        assert_eq!(found(&store, "knee"), pairs(&[("b", 1), ("b", 2)]));
        assert_eq!(found(&store, "hip"), pairs(&[("a", 1), ("a", 2)]));
        assert_eq!(found(&store, "pain"), pairs(&[]));
    }

    #[test]
    fn a_part_reading_the_summary_with_other_fields_is_refused() {
        let (_, f) = crate::schema::build();
        let mixed = tantivy::query::BoostQuery::new(
            Box::new(BooleanQuery::new_multiterms_query(vec![
                Term::from_field_text(f.summary, "knee"),
                Term::from_field_text(f.procedure, "knee"),
            ])),
            2.0,
        );
        assert!(join_summary(Box::new(mixed), f.summary).is_err());
    }
}
