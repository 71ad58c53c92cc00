//! Reports: exact counts of decisions by citation, procedure category, specialty, year, body
//! region, with upheld / overturned counts and the overturn rate. No printing here.
//!
//! Counting reads the fast fields of every matching decision in one pass (a collector), so
//! counts are exact whatever the number of segments, and letters are never re-read.

use crate::letter::citations;
use crate::quickhash::Quick;
use crate::schema;
use crate::search::{self, SearchError};
use crate::store::Store;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// What rows are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Canonical citation key (both guideline lines).
    Citation,
    /// Citation key, split by who cited it (`ur` / `imr`).
    CitationBy,
    Outcome,
    Year,
    Specialty,
    Category,
    Subcategory,
    BodyRegion,
    /// The canonical conditions of the letter's diagnoses.
    Condition,
    Layout,
}

impl Dimension {
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Citation | Dimension::CitationBy => "citation",
            Dimension::Outcome => "outcome",
            Dimension::Year => "year",
            Dimension::Specialty => "specialty",
            Dimension::Category => "procedure category",
            Dimension::Subcategory => "procedure subcategory",
            Dimension::BodyRegion => "body region",
            Dimension::Condition => "diagnosis",
            Dimension::Layout => "layout",
        }
    }

    /// The fast-field column holding the values (citations: both guideline lines together).
    pub fn column(self) -> &'static str {
        match self {
            Dimension::Citation | Dimension::CitationBy => schema::CITE_KEY,
            Dimension::Outcome => schema::OUTCOME,
            Dimension::Year => schema::YEAR,
            Dimension::Specialty => schema::SPECIALTY,
            Dimension::Category => schema::CATEGORY,
            Dimension::Subcategory => schema::SUBCATEGORY,
            Dimension::BodyRegion => schema::BODY_REGION,
            Dimension::Condition => schema::CONDITION,
            Dimension::Layout => schema::LAYOUT,
        }
    }
}

/// One row: decisions with this key (in this group), and their outcomes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub key: String,
    /// The citation kind (citation reports only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The second dimension's value (`--by`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Decisions with this key: the numerator of `share`.
    pub decisions: u64,
    /// Decisions in the row's group (or in the whole report): the denominator of `share`.
    pub total: u64,
    pub share: f64,
    pub upheld: u64,
    pub overturned: u64,
    /// Decisions whose outcome the letter does not give.
    pub unknown: u64,
    /// overturned / (upheld + overturned); null when there are none.
    pub overturn_rate: Option<f64>,
    /// The 95% Wilson score interval of the overturn rate; null when there is no rate.
    pub overturn_rate_low: Option<f64>,
    pub overturn_rate_high: Option<f64>,
    /// Fewer than [`SMALL`] decisions with an outcome: the rate says little (its interval is
    /// wide).
    pub small: bool,
}

/// Below this many decided decisions a rate is marked as resting on a small count.
pub const SMALL: u64 = 20;

/// The 95% Wilson score interval of a proportion of `k` in `n` (Wilson, 1927): unlike the
/// normal approximation it stays within 0..1 and is sound for small counts and rates near 0.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    const Z: f64 = 1.959_963_984_540_054; // the 97.5th percentile of the normal distribution
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At 0 of n and n of n the bounds are exactly 0 and 1 (the arithmetic leaves a speck).
    let low = if k == 0.0 { 0.0 } else { (centre - half).clamp(0.0, p) };
    let high = if k == n { 1.0 } else { (centre + half).clamp(p, 1.0) };
    Some((low, high))
}

/// A finished report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub title: String,
    pub query: Option<String>,
    /// How the query was read (empty without a query).
    pub read_as: String,
    pub rows_by: &'static str,
    pub grouped_by: Option<&'static str>,
    /// Matching decisions in all: the denominator of shares without a group.
    pub decisions: u64,
    pub upheld: u64,
    pub overturned: u64,
    pub rows: Vec<Row>,
    /// Keys left out by `--top`.
    pub more_rows: usize,
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    decisions: u64,
    upheld: u64,
    overturned: u64,
}

impl Tally {
    fn add(&mut self, o: Outcome) {
        self.decisions += 1;
        match o {
            Outcome::Upheld => self.upheld += 1,
            Outcome::Overturned => self.overturned += 1,
            Outcome::Unknown => {}
        }
    }

    fn merge(&mut self, other: Tally) {
        self.decisions += other.decisions;
        self.upheld += other.upheld;
        self.overturned += other.overturned;
    }
}

#[cfg(test)]
mod tests {
    use super::wilson;

    #[test]
    fn wilson_intervals_match_known_values() {
        // Reference values: scipy.stats.binomtest(k, n).proportion_ci(method="wilson").
        let close = |(lo, hi): (f64, f64), (a, b): (f64, f64)| (lo - a).abs() < 5e-5 && (hi - b).abs() < 5e-5;
        assert!(close(wilson(3, 40).unwrap(), (0.02584, 0.19864)), "{:?}", wilson(3, 40));
        assert!(close(wilson(5, 10).unwrap(), (0.23659, 0.76341)), "{:?}", wilson(5, 10));
        assert!(close(wilson(0, 10).unwrap(), (0.0, 0.27753)), "{:?}", wilson(0, 10));
        assert!(close(wilson(10, 10).unwrap(), (0.72247, 1.0)), "{:?}", wilson(10, 10));
        assert!(close(wilson(22, 207).unwrap(), (0.07124, 0.15567)), "{:?}", wilson(22, 207));
        assert_eq!(wilson(0, 0), None);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Upheld,
    Overturned,
    Unknown,
}

/// Reads one dimension's values for a document of one segment, as codes, and names them.
enum Values {
    Str(Option<StrColumn>),
    U64(Option<Column<u64>>),
}

impl Values {
    fn open(reader: &SegmentReader, dim: Dimension, cited_by: Option<citations::CitedBy>) -> tantivy::Result<Values> {
        let ff = reader.fast_fields();
        let field = match (dim, cited_by) {
            (Dimension::Year, _) => return Ok(Values::U64(ff.u64(schema::YEAR).ok())),
            (Dimension::Citation | Dimension::CitationBy, Some(citations::CitedBy::Ur)) => schema::CITE_UR,
            (Dimension::Citation | Dimension::CitationBy, Some(citations::CitedBy::Imr)) => schema::CITE_IMR,
            (d, _) => d.column(),
        };
        Ok(Values::Str(ff.str(field)?))
    }

    fn codes(&self, doc: DocId, out: &mut Vec<u64>) {
        out.clear();
        match self {
            Values::Str(Some(c)) => out.extend(c.term_ords(doc)),
            Values::U64(Some(c)) => out.extend(c.values_for_doc(doc)),
            _ => {}
        }
    }

    /// Names of the codes: a string column's whole dictionary, read front to back once
    /// (looking terms up one by one decompresses a block each time); `None` for numbers,
    /// whose codes are their values.
    fn names(&self) -> Option<Vec<String>> {
        match self {
            Values::Str(Some(c)) => crate::catalog::terms(c).ok(),
            _ => None,
        }
    }
}

/// The name of `code` given its column's [`Values::names`].
fn name_of(names: &Option<Vec<String>>, code: u64) -> String {
    match names {
        Some(all) => all.get(code as usize).cloned().unwrap_or_else(|| format!("#{code}")),
        None => code.to_string(),
    }
}

/// Code for "no value" (a decision without a year, say).
const NONE_CODE: u64 = u64::MAX;

/// A column's codes as dense indices: `code - base` below `len`, and `len` for no value.
#[derive(Debug, Clone, Copy)]
struct Span {
    base: u64,
    len: usize,
}

impl Span {
    /// The codes of a dimension's column in one segment (string ordinals, or the range of the
    /// numbers); `None` when that range is too wide to lay out.
    fn of(values: &Values) -> Option<Span> {
        match values {
            Values::Str(Some(c)) => Some(Span { base: 0, len: c.num_terms() }),
            Values::U64(Some(c)) => {
                let len = c.max_value().checked_sub(c.min_value())?.checked_add(1)?;
                (len <= DENSE_CELLS as u64).then(|| Span { base: c.min_value(), len: len as usize })
            }
            Values::Str(None) | Values::U64(None) => Some(Span::NOTHING),
        }
    }

    /// Only "no value".
    const NOTHING: Span = Span { base: 0, len: 0 };

    fn slots(self) -> usize {
        self.len + 1
    }

    fn index(self, code: u64) -> Option<usize> {
        if code == NONE_CODE {
            return Some(self.len);
        }
        let i = usize::try_from(code.checked_sub(self.base)?).ok()?;
        (i < self.len).then_some(i)
    }

    fn code(self, index: usize) -> u64 {
        if index == self.len {
            NONE_CODE
        } else {
            self.base + index as u64
        }
    }
}

/// Most cells a dense table may have (24 bytes each).
const DENSE_CELLS: usize = 1 << 18;

/// Tallies by (key code, group code): a dense table indexed by both codes when it is small
/// (counting then costs an index, not a hash lookup), else a map. Codes outside the spans go
/// to the map too, so nothing is ever dropped.
struct Cells {
    keys: Span,
    groups: Span,
    dense: Vec<Tally>,
    spill: HashMap<(u64, u64), Tally, Quick>,
}

impl Cells {
    fn new(keys: Option<Span>, groups: Option<Span>) -> Cells {
        let (keys, groups, size) = match (keys, groups) {
            (Some(k), Some(g)) if k.slots().saturating_mul(g.slots()) <= DENSE_CELLS => (k, g, k.slots() * g.slots()),
            _ => (Span::NOTHING, Span::NOTHING, 0),
        };
        Cells { keys, groups, dense: vec![Tally::default(); size], spill: HashMap::default() }
    }

    fn add(&mut self, key: u64, group: u64, o: Outcome) {
        let at = match (self.keys.index(key), self.groups.index(group)) {
            (Some(k), Some(g)) => self.dense.get_mut(k * self.groups.slots() + g),
            _ => None,
        };
        match at {
            Some(t) => t.add(o),
            None => self.spill.entry((key, group)).or_default().add(o),
        }
    }

    /// Every (key code, group code) counted, with its tally.
    fn into_counted(self) -> impl Iterator<Item = ((u64, u64), Tally)> {
        let (keys, groups) = (self.keys, self.groups);
        let slots = groups.slots();
        self.dense
            .into_iter()
            .enumerate()
            .filter(|(_, t)| t.decisions > 0)
            .map(move |(i, t)| ((keys.code(i / slots), groups.code(i % slots)), t))
            .chain(self.spill)
    }
}

/// Counts decisions by (key, group). Keys come from `keys` (for `CitationBy`, from the UR and
/// IMR columns with the group set to who cited); groups from `groups`.
struct Counter {
    keys: Dimension,
    groups: Option<Dimension>,
}

/// Per-segment counts, with names resolved at harvest (ords are per segment).
type Counts = (HashMap<(String, String), Tally, Quick>, HashMap<String, Tally, Quick>, Tally);

struct SegmentCounter {
    outcome: Option<StrColumn>,
    upheld: Option<u64>,
    overturned: Option<u64>,
    none: Option<u64>,
    key_columns: Vec<(Values, Option<u64>)>,
    groups: Option<Values>,
    /// The groups are the outcomes: the outcome column already read gives them.
    groups_are_outcomes: bool,
    ords_scratch: Vec<Option<u64>>,
    /// Per key column: tallies by (key, group).
    pairs: Vec<Cells>,
    /// Tallies by group (the key code is always "no value").
    group_totals: Cells,
    all: Tally,
    scratch: Vec<u64>,
    group_scratch: Vec<u64>,
}

const BY_UR: u64 = 0;
const BY_IMR: u64 = 1;

impl Collector for Counter {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let outcome = reader.fast_fields().str(schema::OUTCOME)?;
        let ord = |value: &str| -> Option<u64> {
            let col = outcome.as_ref()?;
            col.dictionary().term_ord(value.as_bytes()).ok().flatten()
        };
        let key_columns = if self.keys == Dimension::CitationBy {
            vec![
                (Values::open(reader, self.keys, Some(citations::CitedBy::Ur))?, Some(BY_UR)),
                (Values::open(reader, self.keys, Some(citations::CitedBy::Imr))?, Some(BY_IMR)),
            ]
        } else {
            vec![(Values::open(reader, self.keys, None)?, None)]
        };
        let groups = match self.groups {
            Some(Dimension::CitationBy) | None => None,
            Some(g) => Some(Values::open(reader, g, None)?),
        };
        let group_span = match &groups {
            Some(g) => Span::of(g),
            None => Some(Span::NOTHING),
        };
        let pairs = key_columns
            .iter()
            .map(|(values, fixed)| {
                // Who cited is a group of two fixed codes.
                let groups = if fixed.is_some() { Some(Span { base: 0, len: 2 }) } else { group_span };
                Cells::new(Span::of(values), groups)
            })
            .collect();
        let group_totals = Cells::new(group_span, Some(Span::NOTHING));
        Ok(SegmentCounter {
            groups_are_outcomes: self.groups == Some(Dimension::Outcome),
            ords_scratch: Vec::new(),
            upheld: ord("upheld"),
            overturned: ord("overturned"),
            none: ord(schema::NO_ITEM_OUTCOME),
            outcome,
            key_columns,
            groups,
            pairs,
            group_totals,
            all: Tally::default(),
            scratch: Vec::new(),
            group_scratch: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        // The largest segment's counts are the base the others are added to.
        let Some(largest) = (0..fruits.len()).max_by_key(|&i| fruits[i].0.len()) else {
            return Ok(Default::default());
        };
        let mut merged = fruits.swap_remove(largest);
        for (pairs, groups, all) in fruits {
            for (k, t) in pairs {
                merged.0.entry(k).or_default().merge(t);
            }
            for (k, t) in groups {
                merged.1.entry(k).or_default().merge(t);
            }
            merged.2.merge(all);
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let ord = self.outcome.as_ref().and_then(|c| c.term_ords(doc).next());
        self.count(doc, ord);
    }

    /// A block of matching documents (reports score nothing, so tantivy hands them over in
    /// blocks): their outcomes are read in one call.
    fn collect_block(&mut self, docs: &[DocId]) {
        let mut ords = std::mem::take(&mut self.ords_scratch);
        ords.clear();
        ords.resize(docs.len(), None);
        if let Some(c) = &self.outcome {
            c.ords().first_vals(docs, &mut ords);
        }
        for (&doc, &ord) in docs.iter().zip(&ords) {
            self.count(doc, ord);
        }
        self.ords_scratch = ords;
    }

    fn harvest(self) -> Counts {
        self.harvested()
    }
}

impl SegmentCounter {
    /// Counts one decision, whose outcome column holds `ord`.
    fn count(&mut self, doc: DocId, ord: Option<u64>) {
        if ord.is_some() && ord == self.none {
            return; // a letter without items is not a decision
        }
        let outcome = match ord {
            o if o.is_some() && o == self.upheld => Outcome::Upheld,
            o if o.is_some() && o == self.overturned => Outcome::Overturned,
            _ => Outcome::Unknown,
        };
        self.all.add(outcome);
        let mut groups = std::mem::take(&mut self.group_scratch);
        match &self.groups {
            Some(_) if self.groups_are_outcomes => {
                groups.clear();
                groups.push(ord.unwrap_or(NONE_CODE));
            }
            Some(g) => {
                g.codes(doc, &mut groups);
                groups.sort_unstable();
                groups.dedup();
                if groups.is_empty() {
                    groups.push(NONE_CODE);
                }
            }
            None => {
                groups.clear();
                groups.push(NONE_CODE);
            }
        }
        for &g in &groups {
            self.group_totals.add(g, NONE_CODE, outcome);
        }
        let mut keys = std::mem::take(&mut self.scratch);
        for (col, (values, fixed_group)) in self.key_columns.iter().enumerate() {
            values.codes(doc, &mut keys);
            keys.sort_unstable();
            keys.dedup();
            if keys.is_empty() {
                keys.push(NONE_CODE);
            }
            for &k in &keys {
                match fixed_group {
                    Some(g) => self.pairs[col].add(k, *g, outcome),
                    None => {
                        for &g in &groups {
                            self.pairs[col].add(k, g, outcome);
                        }
                    }
                }
            }
        }
        self.scratch = keys;
        self.group_scratch = groups;
    }

    fn harvested(self) -> Counts {
        let group_names = self.groups.as_ref().and_then(Values::names);
        let group_name = |g: u64, fixed: bool| -> String {
            if fixed {
                return if g == BY_UR { "ur".to_string() } else { "imr".to_string() };
            }
            match (&self.groups, g) {
                (_, NONE_CODE) | (None, _) => String::new(),
                (Some(_), g) => name_of(&group_names, g),
            }
        };
        let key_names: Vec<Option<Vec<String>>> = self.key_columns.iter().map(|(v, _)| v.names()).collect();
        let counted: Vec<Vec<((u64, u64), Tally)>> =
            self.pairs.into_iter().map(|cells| cells.into_counted().collect()).collect();
        let mut pairs: HashMap<(String, String), Tally, Quick> =
            HashMap::with_capacity_and_hasher(counted.iter().map(Vec::len).sum(), Quick::default());
        for (col, cells) in counted.into_iter().enumerate() {
            for ((k, g), t) in cells {
                let fixed = self.key_columns[col].1.is_some();
                let key = if k == NONE_CODE { String::new() } else { name_of(&key_names[col], k) };
                pairs.entry((key, group_name(g, fixed))).or_default().merge(t);
            }
        }
        let mut groups: HashMap<String, Tally, Quick> = HashMap::default();
        for ((g, _), t) in self.group_totals.into_counted() {
            groups.entry(group_name(g, false)).or_default().merge(t);
        }
        (pairs, groups, self.all)
    }
}

/// The report's request.
pub struct Request<'a> {
    pub query: Option<&'a str>,
    /// Facet values every counted decision must have.
    pub filters: &'a [crate::facets::Filter],
    pub rows: Dimension,
    pub by: Option<Dimension>,
    pub top: Option<usize>,
    /// Hide the rows with fewer decisions than this.
    pub min: Option<u64>,
    /// The vocabulary the query is read with (`None`: every word as typed).
    pub words: Option<&'a crate::vocabulary::Vocabulary>,
}

/// What a row without a value is called.
const NO_VALUE: &str = "(none)";

pub fn run(store: &Store, searcher: &Searcher, req: &Request) -> Result<Report, SearchError> {
    let (query, read_as): (Box<dyn tantivy::query::Query>, String) = match req.query.filter(|q| !q.trim().is_empty()) {
        Some(q) => {
            let plan = search::plan(store, searcher, q, req.words, false, req.filters)?;
            let mut read = plan.reading.describe();
            if plan.scope == search::Scope::Item {
                read.push_str(" (matched in the disputed item itself)");
            }
            (plan.query, read)
        }
        None => (search::filtered(Box::new(tantivy::query::AllQuery), req.filters), String::new()),
    };
    let (keys, groups) =
        if req.by == Some(Dimension::CitationBy) { (Dimension::CitationBy, None) } else { (req.rows, req.by) };
    let (pairs, group_totals, all) = searcher.search(&query, &Counter { keys, groups })?;
    let is_citation = matches!(req.rows, Dimension::Citation | Dimension::CitationBy);
    let rows: Vec<Row> = pairs
        .into_iter()
        .filter(|((k, _), _)| !(is_citation && k.is_empty()))
        .map(|((key, group), t)| {
            let total = if keys == Dimension::CitationBy || groups.is_none() {
                all.decisions
            } else {
                group_totals.get(&group).map_or(0, |g| g.decisions)
            };
            let decided = t.upheld + t.overturned;
            Row {
                kind: is_citation.then(|| citations::kind_of(&key).as_str()),
                key: if key.is_empty() { NO_VALUE.to_string() } else { key },
                group: (keys == Dimension::CitationBy || groups.is_some()).then(|| {
                    if group.is_empty() {
                        NO_VALUE.to_string()
                    } else {
                        group
                    }
                }),
                decisions: t.decisions,
                total,
                share: if total > 0 { t.decisions as f64 / total as f64 } else { 0.0 },
                upheld: t.upheld,
                overturned: t.overturned,
                unknown: t.decisions - decided,
                overturn_rate: (decided > 0).then(|| t.overturned as f64 / decided as f64),
                overturn_rate_low: wilson(t.overturned, decided).map(|w| w.0),
                overturn_rate_high: wilson(t.overturned, decided).map(|w| w.1),
                small: decided < SMALL,
            }
        })
        .collect();
    // Biggest keys first (by their decisions over all groups), then groups in order. Each
    // row's key size is looked up once, not at every comparison.
    let mut key_size: HashMap<String, u64, Quick> = HashMap::default();
    for r in &rows {
        *key_size.entry(r.key.clone()).or_default() += r.decisions;
    }
    let year_like = matches!(req.rows, Dimension::Year);
    let mut sized: Vec<(u64, Row)> =
        rows.into_iter().map(|r| (if year_like { 0 } else { key_size[&r.key] }, r)).collect();
    sized.sort_by(|(size_a, a), (size_b, b)| {
        size_b.cmp(size_a).then_with(|| a.key.cmp(&b.key)).then_with(|| a.group.cmp(&b.group))
    });
    let mut rows: Vec<Row> = sized.into_iter().map(|(_, r)| r).collect();
    let mut more_rows = 0;
    if let Some(top) = req.top {
        let mut kept: Vec<String> = Vec::new();
        rows.retain(|r| {
            if kept.contains(&r.key) {
                return true;
            }
            if kept.len() < top {
                kept.push(r.key.clone());
                true
            } else {
                false
            }
        });
        more_rows = key_size.len().saturating_sub(kept.len());
    }
    let mut notes = Vec::new();
    if let Some(min) = req.min {
        let before = rows.len();
        rows.retain(|r| r.decisions >= min);
        if rows.len() < before {
            notes.push(format!("{} rows with fewer than {min} decisions are not shown (--min).", before - rows.len()));
        }
    }
    if rows.iter().any(|r| r.small && r.overturn_rate.is_some()) {
        notes.push(format!(
            "* fewer than {SMALL} decisions with an outcome: the rate rests on a small count (see its 95% interval)."
        ));
    }
    if is_citation {
        notes.push("A decision citing several guidelines counts once under each; its two guideline lines (claims administrator and IMR reviewer) count once together unless split by cited-by.".to_string());
    }
    if matches!(req.rows, Dimension::Specialty | Dimension::BodyRegion)
        || matches!(req.by, Some(Dimension::Specialty | Dimension::BodyRegion))
    {
        notes.push("A decision whose reviewer has several specialties, or whose item names several body regions, counts once under each.".to_string());
    }
    if all.decisions > all.upheld + all.overturned {
        notes.push(format!(
            "{} decisions have no outcome in their letter; they count in the decisions but not in the overturn rate.",
            all.decisions - all.upheld - all.overturned
        ));
    }
    let title = match (req.rows, req.by) {
        (r, Some(b)) => format!(
            "Decisions by {} and {}",
            r.label(),
            if b == Dimension::CitationBy { "who cited" } else { b.label() }
        ),
        (r, None) => format!("Decisions by {}", r.label()),
    };
    Ok(Report {
        title,
        query: req.query.map(str::to_string),
        read_as,
        rows_by: req.rows.label(),
        grouped_by: req.by.map(|b| if b == Dimension::CitationBy { "cited by" } else { b.label() }),
        decisions: all.decisions,
        upheld: all.upheld,
        overturned: all.overturned,
        rows,
        more_rows,
        notes,
    })
}

/// Every report by name, as the web pages and the API ask for them (`imr report` spells the
/// same ones as `citations [--by X]` and `outcomes --by X`): (name, title, rows, split).
pub const KINDS: [(&str, &str, Dimension, Option<Dimension>); 13] = [
    ("citations", "Citations", Dimension::Citation, None),
    ("citations-by-outcome", "Citations by outcome", Dimension::Citation, Some(Dimension::Outcome)),
    ("citations-by-year", "Citations by year", Dimension::Citation, Some(Dimension::Year)),
    ("citations-by-specialty", "Citations by reviewer specialty", Dimension::Citation, Some(Dimension::Specialty)),
    ("citations-by-cited-by", "Citations by who cited them", Dimension::Citation, Some(Dimension::CitationBy)),
    ("outcomes-by-procedure-category", "Outcomes by procedure category", Dimension::Category, None),
    ("outcomes-by-procedure-subcategory", "Outcomes by procedure subcategory", Dimension::Subcategory, None),
    ("outcomes-by-specialty", "Outcomes by reviewer specialty", Dimension::Specialty, None),
    ("outcomes-by-year", "Outcomes by year", Dimension::Year, None),
    ("outcomes-by-body-region", "Outcomes by body region", Dimension::BodyRegion, None),
    ("outcomes-by-diagnosis", "Outcomes by diagnosis (condition)", Dimension::Condition, None),
    ("outcomes-by-citation", "Outcomes by citation", Dimension::Citation, None),
    ("outcomes-by-layout", "Outcomes by letter layout", Dimension::Layout, None),
];

/// The rows and split of a report named in [`KINDS`].
pub fn kind(name: &str) -> Option<(Dimension, Option<Dimension>)> {
    KINDS.iter().find(|k| k.0 == name).map(|k| (k.2, k.3))
}
