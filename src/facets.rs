//! Facets: the dimensions results can be narrowed by (outcome, year, specialty, procedure
//! category, body region, citation, layout), the filters that narrow them, and the live count
//! of each value among a query's decisions. No printing here.
//!
//! Filters and counts read the same fast-field columns as the reports, so a facet's count is
//! exactly the number of decisions its filter keeps, and the count `imr report` gives.

use crate::report::Dimension;
use crate::schema;
use crate::search::SearchError;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::query::{BitSetDocSet, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentOrdinal, SegmentReader};

/// A dimension every decision has values of, that results can be narrowed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Outcome,
    Year,
    Specialty,
    Category,
    BodyRegion,
    Citation,
    Layout,
}

impl Facet {
    pub const ALL: [Facet; 7] = [
        Facet::Outcome,
        Facet::Year,
        Facet::Specialty,
        Facet::Category,
        Facet::BodyRegion,
        Facet::Citation,
        Facet::Layout,
    ];

    /// The name in URLs and JSON (`outcome`, `body_region`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Outcome => "outcome",
            Facet::Year => "year",
            Facet::Specialty => "specialty",
            Facet::Category => "category",
            Facet::BodyRegion => "body_region",
            Facet::Citation => "citation",
            Facet::Layout => "layout",
        }
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Facet::Outcome => "Outcome",
            Facet::Year => "Decision year",
            Facet::Specialty => "Reviewer specialty",
            Facet::Category => "Procedure category",
            Facet::BodyRegion => "Body region",
            Facet::Citation => "Citation",
            Facet::Layout => "Letter layout",
        }
    }

    pub fn parse(s: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The report dimension that counts the same values.
    pub fn dimension(self) -> Dimension {
        match self {
            Facet::Outcome => Dimension::Outcome,
            Facet::Year => Dimension::Year,
            Facet::Specialty => Dimension::Specialty,
            Facet::Category => Dimension::Category,
            Facet::BodyRegion => Dimension::BodyRegion,
            Facet::Citation => Dimension::Citation,
            Facet::Layout => Dimension::Layout,
        }
    }
}

/// One facet value a decision must have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Filter {
    pub facet: Facet,
    pub value: String,
}

impl Filter {
    /// Reads `facet:value` (a URL's `f=` parameter).
    pub fn parse(s: &str) -> Result<Filter, String> {
        let (name, value) = s.split_once(':').ok_or_else(|| format!("filter {s:?} is not facet:value"))?;
        let facet = Facet::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Facet::ALL.iter().map(|f| f.as_str()).collect();
            format!("filter {s:?}: there is no facet {name:?} (facets: {})", names.join(", "))
        })?;
        if value.is_empty() {
            return Err(format!("filter {s:?} has no value"));
        }
        if facet == Facet::Year && value.parse::<u64>().is_err() {
            return Err(format!("filter {s:?}: a year is a number"));
        }
        Ok(Filter { facet, value: value.to_string() })
    }

    /// `facet:value`, as [`Filter::parse`] reads it.
    pub fn key(&self) -> String {
        format!("{}:{}", self.facet.as_str(), self.value)
    }

    /// The decisions that have this value.
    pub fn query(&self) -> Box<dyn Query> {
        Box::new(FacetQuery { facet: self.facet, value: self.value.clone() })
    }
}

/// Matches the documents whose fast-field column holds a value (exactly: a specialty of
/// "Surgery" is not "Orthopedic Surgery", which a word query could not tell apart).
#[derive(Debug, Clone)]
struct FacetQuery {
    facet: Facet,
    value: String,
}

impl Query for FacetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for FacetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let ff = reader.fast_fields();
        let mut docs = BitSet::with_max_value(reader.max_doc());
        if self.facet == Facet::Year {
            let Ok(year) = self.value.parse::<u64>() else { return Ok(Box::new(EmptyScorer)) };
            let Ok(column) = ff.u64(schema::YEAR) else { return Ok(Box::new(EmptyScorer)) };
            for doc in 0..reader.max_doc() {
                if column.values_for_doc(doc).any(|v| v == year) {
                    docs.insert(doc);
                }
            }
        } else {
            let Some(column) = ff.str(self.facet.dimension().column())? else { return Ok(Box::new(EmptyScorer)) };
            let Some(ord) = column.dictionary().term_ord(self.value.as_bytes())? else {
                return Ok(Box::new(EmptyScorer));
            };
            for doc in 0..reader.max_doc() {
                if column.term_ords(doc).any(|o| o == ord) {
                    docs.insert(doc);
                }
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new("FacetQuery", 1.0))
    }
}

/// One facet value and how many of the query's decisions have it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Count {
    pub value: String,
    pub count: u64,
}

/// Every facet's values among the matching decisions, most frequent first (years newest
/// first), each facet cut to `top` values.
pub type Counts = Vec<(Facet, Vec<Count>)>;

/// Counts, in one pass over the matching documents, how many decisions have each value of
/// every facet. As in the reports, a letter without readable items is not a decision, and a
/// decision with several values of a facet (citations, specialties) counts once under each.
pub fn count(searcher: &tantivy::Searcher, query: &dyn Query, top: usize) -> Result<Counts, SearchError> {
    Ok(finish(searcher.search(query, &Counter)?, top))
}

/// The counting collector, to run in the same pass as a search's own (see [`count`]).
pub fn collector() -> impl Collector<Fruit = HashMap<(Facet, String), u64>> {
    Counter
}

/// The counts a [`collector`] gathered, sorted and cut to `top` values a facet.
pub fn finish(per: HashMap<(Facet, String), u64>, top: usize) -> Counts {
    let mut out: Counts = Facet::ALL.iter().map(|f| (*f, Vec::new())).collect();
    for ((facet, value), count) in per {
        if let Some((_, v)) = out.iter_mut().find(|(f, _)| *f == facet) {
            v.push(Count { value, count });
        }
    }
    for (facet, values) in &mut out {
        if *facet == Facet::Year {
            values.sort_by(|a, b| b.value.cmp(&a.value));
        } else {
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        values.truncate(top);
    }
    out
}

struct Counter;

/// One facet's column in one segment, and its counts: by term ordinal for strings (a
/// dictionary is small), by value for years.
struct Tally {
    facet: Facet,
    /// Term ordinals (strings) or values (years).
    codes: Column<u64>,
    /// Single-valued columns are read a block of documents at a time.
    single: bool,
    /// For strings: the column, to name the ordinals at the end, and a count per ordinal.
    names: Option<StrColumn>,
    by_ord: Vec<u64>,
    by_value: HashMap<u64, u64, crate::quickhash::Quick>,
}

impl Tally {
    fn add(&mut self, code: u64) {
        match self.by_ord.get_mut(code as usize) {
            Some(n) if self.names.is_some() => *n += 1,
            _ => *self.by_value.entry(code).or_default() += 1,
        }
    }
}

struct SegmentCounter {
    /// Outcome ordinals, and the one that marks a letter without readable items.
    outcome: Option<(Column<u64>, u64)>,
    tallies: Vec<Tally>,
    values: Vec<Option<u64>>,
    kept: Vec<DocId>,
    scratch: Vec<u64>,
}

impl Collector for Counter {
    type Fruit = HashMap<(Facet, String), u64>;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let ff = reader.fast_fields();
        let outcome = match ff.str(schema::OUTCOME)? {
            Some(c) => {
                c.dictionary().term_ord(schema::NO_ITEM_OUTCOME.as_bytes())?.map(|none| (c.ords().clone(), none))
            }
            None => None,
        };
        let mut tallies = Vec::with_capacity(Facet::ALL.len());
        for facet in Facet::ALL {
            let (codes, names) = if facet == Facet::Year {
                match ff.u64(schema::YEAR) {
                    Ok(c) => (c, None),
                    Err(_) => continue,
                }
            } else {
                match ff.str(facet.dimension().column())? {
                    Some(c) => (c.ords().clone(), Some(c)),
                    None => continue,
                }
            };
            let by_ord = vec![0; names.as_ref().map_or(0, |c| c.dictionary().num_terms())];
            let single = codes.get_cardinality() != Cardinality::Multivalued;
            tallies.push(Tally { facet, codes, single, names, by_ord, by_value: HashMap::default() });
        }
        Ok(SegmentCounter { outcome, tallies, values: Vec::new(), kept: Vec::new(), scratch: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (k, n) in fruit {
                *merged.entry(k).or_default() += n;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = HashMap<(Facet, String), u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        // As in the reports, a letter without readable items is not a decision.
        self.kept.clear();
        match &self.outcome {
            Some((column, none)) => {
                self.values.resize(docs.len(), None);
                column.first_vals(docs, &mut self.values);
                self.kept.extend(docs.iter().zip(&self.values).filter(|(_, v)| **v != Some(*none)).map(|(d, _)| *d));
            }
            None => self.kept.extend_from_slice(docs),
        }
        self.values.resize(self.kept.len(), None);
        for tally in &mut self.tallies {
            if tally.single {
                tally.codes.first_vals(&self.kept, &mut self.values);
                for code in self.values.iter().flatten() {
                    tally.add(*code);
                }
                continue;
            }
            for &doc in &self.kept {
                self.scratch.clear();
                self.scratch.extend(tally.codes.values_for_doc(doc));
                self.scratch.sort_unstable();
                self.scratch.dedup();
                for &code in &self.scratch {
                    tally.add(code);
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = HashMap::new();
        for tally in self.tallies {
            let Tally { facet, names, by_ord, by_value, .. } = tally;
            match names {
                Some(column) => {
                    // Only the values seen are named: one pass over their dictionary blocks.
                    let seen: Vec<u64> = (0..by_ord.len() as u64).filter(|&o| by_ord[o as usize] > 0).collect();
                    let mut k = 0;
                    let _ = column.dictionary().sorted_ords_to_term_cb(&seen, |term| {
                        out.insert((facet, String::from_utf8_lossy(term).into_owned()), by_ord[seen[k] as usize]);
                        k += 1;
                    });
                }
                None => {
                    for (year, n) in by_value {
                        out.insert((facet, year.to_string()), n);
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_read_and_written_back() {
        let f = Filter::parse("body_region:lumbar spine").unwrap();
        assert_eq!((f.facet, f.value.as_str()), (Facet::BodyRegion, "lumbar spine"));
        assert_eq!(f.key(), "body_region:lumbar spine");
        assert_eq!(Filter::parse("citation:MTUS:CPMTG").unwrap().value, "MTUS:CPMTG");
        assert!(Filter::parse("colour:red").unwrap_err().contains("no facet \"colour\""));
        assert!(Filter::parse("outcome").is_err());
        assert!(Filter::parse("outcome:").is_err());
        assert!(Filter::parse("year:recent").unwrap_err().contains("a year is a number"));
    }
}
