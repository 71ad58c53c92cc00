//! Facets: the dimensions results can be narrowed by (outcome, year, specialty, procedure
//! category, body region, citation, layout), the filters that narrow them, and the live count
//! of each value among a query's decisions. No printing here.
//!
//! Filters and counts read the same fast-field columns as the reports, so a facet's count is
//! exactly the number of decisions its filter keeps, and the count `imr report` gives.

use crate::report::{Dimension, Values};
use crate::schema;
use crate::search::SearchError;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
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

    /// The fast-field column holding the values.
    fn column(self) -> &'static str {
        match self {
            Facet::Outcome => schema::OUTCOME,
            Facet::Year => schema::YEAR,
            Facet::Specialty => schema::SPECIALTY,
            Facet::Category => schema::CATEGORY,
            Facet::BodyRegion => schema::BODY_REGION,
            Facet::Citation => schema::CITE_KEY,
            Facet::Layout => schema::LAYOUT,
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
            let Some(column) = ff.str(self.facet.column())? else { return Ok(Box::new(EmptyScorer)) };
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
    let per: HashMap<(Facet, String), u64> = searcher.search(query, &Counter)?;
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
    Ok(out)
}

struct Counter;

struct SegmentCounter {
    outcome: Option<StrColumn>,
    none: Option<u64>,
    columns: Vec<(Facet, Values)>,
    counts: Vec<HashMap<u64, u64, crate::quickhash::Quick>>,
    scratch: Vec<u64>,
}

impl Collector for Counter {
    type Fruit = HashMap<(Facet, String), u64>;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let outcome = reader.fast_fields().str(schema::OUTCOME)?;
        let none = match &outcome {
            Some(c) => c.dictionary().term_ord(schema::NO_ITEM_OUTCOME.as_bytes())?,
            None => None,
        };
        let columns = Facet::ALL
            .iter()
            .map(|f| Ok((*f, Values::open(reader, f.dimension(), None)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = columns.iter().map(|_| HashMap::default()).collect();
        Ok(SegmentCounter { outcome, none, columns, counts, scratch: Vec::new() })
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
        if self.none.is_some() && self.outcome.as_ref().and_then(|c| c.term_ords(doc).next()) == self.none {
            return;
        }
        for (k, (_, values)) in self.columns.iter().enumerate() {
            values.codes(doc, &mut self.scratch);
            self.scratch.sort_unstable();
            self.scratch.dedup();
            for &code in &self.scratch {
                *self.counts[k].entry(code).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = HashMap::new();
        for ((facet, values), counts) in self.columns.iter().zip(self.counts) {
            let names = values.names();
            for (code, n) in counts {
                out.insert((*facet, crate::report::name_of(&names, code)), n);
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
