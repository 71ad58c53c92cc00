//! Query -> ranked decisions (`Hit`s) with snippets. No printing here.

use crate::document::{date_from, StoredLetter};
use crate::facets::Filter;
use crate::join;
use crate::letter::Decision;
use crate::prefix;
use crate::query::{self, Reading};
use crate::schema;
use crate::vocabulary::Vocabulary;
use std::sync::Arc;

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
    /// A request outside the limits (page size, offset); the message says which.
    #[error("{0}")]
    Limit(String),
    /// A stored document that does not decode: the index is damaged or of another version.
    #[error("the stored {what} of {letter} cannot be read ({reason}): rebuild the index with `imr index --rebuild`")]
    Stored { letter: String, what: &'static str, reason: String },
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// What a search asks for: built alike by `imr search`, the web pages and the API.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The query, in the query language (empty: every decision).
    pub query: String,
    /// Facet values every decision must have, on top of the query.
    pub filters: Vec<Filter>,
    pub sort: Sort,
    /// How many decisions to return (at least 1).
    pub limit: usize,
    /// How many of the best to skip (paging).
    pub offset: usize,
    /// Match plain words in every field (`--anywhere`).
    pub anywhere: bool,
    /// Count every facet's values among the matches (in the same pass), keeping this many
    /// values a facet.
    pub facets: Option<usize>,
    /// Search every word as typed, without the vocabulary's other names (`--exact`).
    pub exact: bool,
    /// The vocabulary with the user's rows (`None`: the built-in one).
    pub vocabulary: Option<Arc<Vocabulary>>,
    /// Count the decisions that mention the words outside the scope searched (`elsewhere`,
    /// the "N more mention the words elsewhere" note): a pass of its own, so only when shown.
    pub elsewhere: bool,
}

impl Request {
    /// The vocabulary the query is read with; none when read exactly.
    pub fn words(&self) -> Option<&Vocabulary> {
        words(self.exact, self.vocabulary.as_deref())
    }
}

/// The vocabulary to read with: the user's, else the built-in one; none when exact.
pub fn words(exact: bool, user: Option<&Vocabulary>) -> Option<&Vocabulary> {
    (!exact).then(|| user.unwrap_or_else(|| Vocabulary::builtin()))
}

/// Deepest page a search serves: decisions past this offset are reached by narrowing the
/// query, or all at once by the CSV and JSON Lines downloads.
pub const MAX_OFFSET: usize = 10_000;

/// The order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best first (BM25); equal scores in case-number order.
    #[default]
    Relevance,
    /// Latest decision date first.
    Newest,
    /// Earliest decision date first.
    Oldest,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Newest, Sort::Oldest];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }
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
    /// The letter's file's content hash: names it in links without naming its path.
    pub hash: String,
}

pub struct Results {
    pub reading: Reading,
    pub scope: Scope,
    /// With `Scope::Item`: how many more decisions mention the words outside the item.
    pub elsewhere: usize,
    /// How many decisions match in all (hits holds at most the limit).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// The query as run (filters included), for facet counts and highlighting.
    pub query: Box<dyn Query>,
    /// Every facet's values among the matches, when the request asked for them.
    pub facets: Option<crate::facets::Counts>,
    /// Words that may be misspelt, with what they may have meant.
    pub suggestions: Vec<crate::suggest::Suggestion>,
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

/// tantivy's parser over `fields` (names and boosts), and the fields as resolved.
fn parser(store: &Store, fields: &[(&str, f32)]) -> (QueryParser, Vec<(tantivy::schema::Field, f32)>) {
    let schema = store.index.schema();
    let resolved: Vec<(tantivy::schema::Field, f32)> =
        fields.iter().filter_map(|(n, b)| schema.get_field(n).ok().map(|f| (f, *b))).collect();
    let fields = resolved.iter().map(|(f, _)| *f).collect();
    let mut parser = QueryParser::new(store.index.schema(), fields, store.query_analyzers());
    parser.set_conjunction_by_default();
    for &(f, b) in &resolved {
        parser.set_field_boost(f, b);
    }
    (parser, resolved)
}

/// `query` AND every filter.
pub fn filtered(query: Box<dyn Query>, filters: &[Filter]) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.iter().map(|f| (Occur::Must, f.query())));
    Box::new(BooleanQuery::new(clauses))
}

/// The query for a reading's text over `fields`, AND the outcome filter, AND the filters.
fn compile(
    store: &Store,
    searcher: &Searcher,
    known: &prefix::Completions,
    reading: &Reading,
    fields: &[(&str, f32)],
    raw: &str,
    filters: &[Filter],
) -> Result<Box<dyn Query>, SearchError> {
    let main: Box<dyn Query> = match &reading.tree {
        None => Box::new(AllQuery),
        Some(tree) => {
            let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
            let tree = query::boosts_on_fields(tree.clone(), &names);
            let bad = |reason: String| SearchError::Query { query: raw.to_string(), reason };
            let (parser, resolved) = parser(store, fields);
            let analyzers = store.query_analyzers();
            let builder =
                prefix::Builder { parser: &parser, searcher, known, fields: &resolved, analyzers: &analyzers };
            let built = prefix::build(&builder, tree).map_err(bad)?;
            join::join_summary(built, store.fields.summary).map_err(bad)?
        }
    };
    if reading.outcomes.is_empty() {
        return Ok(filtered(main, filters));
    }
    let filter: Vec<(Occur, Box<dyn Query>)> = reading
        .outcomes
        .iter()
        .map(|o| {
            let term = Term::from_field_text(store.fields.outcome, o.as_str());
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
        })
        .collect();
    let both = BooleanQuery::new(vec![(Occur::Must, main), (Occur::Must, Box::new(BooleanQuery::new(filter)))]);
    Ok(filtered(Box::new(both), filters))
}

/// A query ready to run: the reading, the tantivy query, where plain words were matched, and
/// (with `Scope::Item` and `Scope::Decision`) the words in any field, whose count less the
/// query's own is `elsewhere`: counted only when a search asks for it.
pub struct Plan {
    pub reading: Reading,
    pub query: Box<dyn Query>,
    pub scope: Scope,
    pub everywhere: Option<Box<dyn Query>>,
}

/// Reads `raw` and decides the scope: the item's own name when some decision matches there,
/// else the decision's fields; every field with `anywhere`. The filters narrow every count.
pub fn plan(
    store: &Store,
    searcher: &Searcher,
    raw: &str,
    words: Option<&Vocabulary>,
    anywhere: bool,
    filters: &[Filter],
) -> Result<Plan, SearchError> {
    let reading =
        query::read(raw, words).map_err(|e| SearchError::Query { query: raw.to_string(), reason: e.to_string() })?;
    plan_reading(store, searcher, reading, raw, anywhere, filters)
}

/// [`plan`] for a query already read.
pub fn plan_reading(
    store: &Store,
    searcher: &Searcher,
    reading: Reading,
    raw: &str,
    anywhere: bool,
    filters: &[Filter],
) -> Result<Plan, SearchError> {
    // The words a prefix completes to are read once for the three ways of reading the query.
    let known = prefix::Completions::default();
    let everywhere = compile(store, searcher, &known, &reading, &schema::ANYWHERE_FIELDS, raw, filters)?;
    if anywhere {
        return Ok(Plan { reading, query: everywhere, scope: Scope::Anywhere, everywhere: None });
    }
    let decision = compile(store, searcher, &known, &reading, &schema::DEFAULT_FIELDS, raw, filters)?;
    if !reading.plain_words {
        return Ok(Plan { reading, query: decision, scope: Scope::Decision, everywhere: None });
    }
    let everywhere = Some(everywhere);
    let item = compile(store, searcher, &known, &reading, &[(schema::PROCEDURE, 1.0)], raw, filters)?;
    if matches_any(searcher, &*item)? {
        // Rank the item matches by everything they match (item, rationale, guidelines...).
        let query = BooleanQuery::new(vec![(Occur::Must, item), (Occur::Must, decision)]);
        // (The item is one of the decision's fields, so this matches what `item` matches.)
        return Ok(Plan { reading, query: Box::new(query), scope: Scope::Item, everywhere });
    }
    Ok(Plan { reading, query: decision, scope: Scope::Decision, everywhere })
}

/// Whether any live decision matches `query`: the first match found ends the search (the plan
/// only needs to know whether the item's own name matches, not how often).
fn matches_any(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<bool> {
    use tantivy::DocSet;
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return Ok(true);
            }
            doc = scorer.advance();
        }
    }
    Ok(false)
}

/// Checks a request's page against the limits every caller shares.
fn check(req: &Request) -> Result<(), SearchError> {
    if req.offset > MAX_OFFSET {
        return Err(SearchError::Limit(format!(
            "offset {} is past the deepest page ({MAX_OFFSET}); narrow the query, or download all the results",
            req.offset
        )));
    }
    Ok(())
}

/// Runs a request: its page of decisions (best first, or by date), ties broken by case
/// number then item number.
pub fn search(store: &Store, searcher: &Searcher, req: &Request) -> Result<Results, SearchError> {
    check(req)?;
    let planned = plan(store, searcher, &req.query, req.words(), req.anywhere, &req.filters)?;
    let suggestions = crate::suggest::suggest(store, searcher, &planned, &req.query, req.anywhere, &req.filters)?;
    let Plan { reading, query, scope, everywhere } = planned;
    // A pass of its own over every field, for the "N more elsewhere" note: only when asked.
    let all = match everywhere.filter(|_| req.elsewhere) {
        Some(q) => searcher.search(&*q, &Count)?,
        None => 0,
    };
    let limit = req.limit.max(1);
    let want = req.offset.saturating_add(limit);
    // The facets are counted in the same pass as the page and the total.
    let counting = req.facets.map(|_| crate::facets::collector());
    let (docs, total, counted) = match req.sort {
        Sort::Relevance => {
            // The best `want` and every decision tied with the last of them, in one pass: of
            // those tied, case number, item number and path choose.
            let (tied, total, counted) = searcher.search(&query, &(TopWithTies(want), Count, counting))?;
            let mut docs = Vec::with_capacity(limit);
            for (score, addr) in first_in_order(searcher, tied, want)?.into_iter().skip(req.offset) {
                docs.push((score, searcher.doc(addr)?));
            }
            (docs, total, counted)
        }
        Sort::Newest | Sort::Oldest => {
            let order = if req.sort == Sort::Newest { tantivy::Order::Desc } else { tantivy::Order::Asc };
            let top = TopDocs::with_limit(limit)
                .and_offset(req.offset)
                .order_by_fast_field::<tantivy::DateTime>(schema::DECISION_DATE, order);
            let (top, total, counted) = searcher.search(&query, &(top, Count, counting))?;
            let mut docs = Vec::with_capacity(top.len());
            for (_, addr) in top {
                docs.push((0.0, searcher.doc(addr)?));
            }
            (docs, total, counted)
        }
    };
    let facets = counted.zip(req.facets).map(|(per, top)| crate::facets::finish(per, top));
    let hits = hits(store, searcher, &*query, &docs)?;
    Ok(Results { reading, total, hits, scope, elsewhere: all.saturating_sub(total), query, facets, suggestions })
}

/// Every decision a request matches, best first (or by date), `chunk` at a time, for
/// downloads: `each` gets the hits of one chunk and says whether to go on.
pub fn each_hit(
    store: &Store,
    searcher: &Searcher,
    req: &Request,
    chunk: usize,
    mut each: impl FnMut(Vec<Hit>) -> bool,
) -> Result<(), SearchError> {
    let Plan { query, .. } = plan(store, searcher, &req.query, req.words(), req.anywhere, &req.filters)?;
    let total = searcher.search(&query, &Count)?;
    if total == 0 {
        return Ok(());
    }
    let mut addrs: Vec<(f32, DocAddress)> = match req.sort {
        Sort::Relevance => searcher.search(&query, &TopDocs::with_limit(total).order_by_score())?,
        Sort::Newest | Sort::Oldest => {
            let order = if req.sort == Sort::Newest { tantivy::Order::Desc } else { tantivy::Order::Asc };
            let top = TopDocs::with_limit(total).order_by_fast_field::<tantivy::DateTime>(schema::DECISION_DATE, order);
            searcher.search(&query, &top)?.into_iter().map(|(_, a)| (0.0, a)).collect()
        }
    };
    if req.sort == Sort::Relevance {
        // Ties in the order `search` gives them.
        addrs = first_in_order(searcher, addrs, total)?;
    }
    for part in addrs.chunks(chunk.max(1)) {
        let mut docs = Vec::with_capacity(part.len());
        for (score, addr) in part {
            docs.push((*score, searcher.doc(*addr)?));
        }
        if !each(hits(store, searcher, &*query, &docs)?) {
            break;
        }
    }
    Ok(())
}

/// A decision's case number, item number and path: the order of equal scores.
type CaseKey = (Option<String>, Option<u64>, String);

/// The same within one segment: the case number's and the path's term ordinals.
type Ords = (Option<u64>, Option<u64>, Option<u64>);

/// The first `need` of `docs` in the order of results: best score first, equal scores by
/// case number, item number and path. Within a segment the fast fields' term ordinals are in
/// the terms' order, so each segment's tied documents are sorted by numbers, only the first
/// `need` of each are named (one pass over each dictionary), and the segments are merged.
fn first_in_order(
    searcher: &Searcher,
    mut docs: Vec<(f32, DocAddress)>,
    need: usize,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let segments = searcher.segment_readers();
    // Opened at the first tie.
    let mut columns = Vec::new();
    let mut orders = Vec::new();
    docs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = Vec::with_capacity(need.min(docs.len()));
    let mut i = 0;
    while i < docs.len() && out.len() < need {
        let score = docs[i].0;
        let j = i + docs[i..].iter().take_while(|(s, _)| *s == score).count();
        let wanted = need - out.len();
        if j - i == 1 {
            // A score of its own: nothing to order.
            out.push(docs[i]);
            i = j;
            continue;
        }
        if columns.is_empty() {
            for segment in segments {
                let ff = segment.fast_fields();
                columns.push((ff.str(schema::CASE_NUMBER)?, ff.u64(schema::ITEM_NO).ok(), ff.str(schema::PATH)?));
                orders.push(ff.u64(schema::CASE_ORDER).ok());
            }
        }
        if let Some(first) = by_case_order(&columns, &orders, &docs[i..j], wanted)? {
            out.extend(first.into_iter().map(|a| (score, a)));
            i = j;
            continue;
        }
        let mut lists: Vec<Vec<(Ords, DocAddress)>> = vec![Vec::new(); segments.len()];
        for (_, a) in &docs[i..j] {
            let (case, item, path) = &columns[a.segment_ord as usize];
            let key = (
                case.as_ref().and_then(|c| c.term_ords(a.doc_id).next()),
                item.as_ref().and_then(|c| c.first(a.doc_id)),
                path.as_ref().and_then(|c| c.term_ords(a.doc_id).next()),
            );
            lists[a.segment_ord as usize].push((key, *a));
        }
        for list in lists.iter_mut() {
            if list.len() > wanted {
                list.select_nth_unstable_by_key(wanted, |(k, _)| *k);
                list.truncate(wanted);
            }
            list.sort_unstable_by_key(|(k, _)| *k);
        }
        if lists.iter().filter(|l| !l.is_empty()).count() == 1 {
            // All in one segment: its ordinals are already the names' order, and reading
            // names from a dictionary costs a block decompressed each.
            out.extend(lists.into_iter().flatten().take(wanted).map(|(_, a)| (score, a)));
            i = j;
            continue;
        }
        if wanted <= NAMED_ONE_BY_ONE {
            merge_by_name(&columns, lists, wanted, score, &mut out)?;
            i = j;
            continue;
        }
        // Each segment's first `wanted`, named in one pass over each dictionary, smallest last
        // (to pop).
        let mut named: Vec<Vec<(CaseKey, DocAddress)>> = Vec::with_capacity(lists.len());
        for (seg, list) in lists.into_iter().enumerate() {
            if list.is_empty() {
                named.push(Vec::new());
                continue;
            }
            let (case, _, path) = &columns[seg];
            let cases = names(case, list.iter().filter_map(|(k, _)| k.0))?;
            let paths = names(path, list.iter().filter_map(|(k, _)| k.2))?;
            let mut keyed: Vec<(CaseKey, DocAddress)> = list
                .into_iter()
                .map(|((c, item, p), a)| {
                    let c = c.and_then(|o| cases.get(&o).cloned());
                    let p = p.and_then(|o| paths.get(&o).cloned()).unwrap_or_default();
                    ((c, item, p), a)
                })
                .collect();
            keyed.reverse();
            named.push(keyed);
        }
        while out.len() < need {
            let Some(seg) = (0..named.len())
                .filter(|&s| !named[s].is_empty())
                .min_by(|&a, &b| named[a].last().map(|x| &x.0).cmp(&named[b].last().map(|x| &x.0)))
            else {
                break;
            };
            if let Some((_, addr)) = named[seg].pop() {
                out.push((score, addr));
            }
        }
        i = j;
    }
    Ok(out)
}

/// The first `wanted` of `tied` in case-number, item, path order, read from the case numbers'
/// orders ([`schema::case_order`]) without naming them; none when some tied decision's case
/// number has no order. Paths are named only where one case number and item are in two
/// segments.
fn by_case_order(
    columns: &OrderColumns,
    orders: &[Option<tantivy::columnar::Column<u64>>],
    tied: &[(f32, DocAddress)],
    wanted: usize,
) -> Result<Option<Vec<DocAddress>>, SearchError> {
    // (case order, item, segment, path ordinal) of each tied decision.
    type Key = (Option<u64>, Option<u64>, u32, Option<u64>);
    let mut keyed: Vec<(Key, DocAddress)> = Vec::with_capacity(tied.len());
    for (_, a) in tied {
        let (case, item, path) = &columns[a.segment_ord as usize];
        let order = orders[a.segment_ord as usize].as_ref().and_then(|c| c.first(a.doc_id));
        let named = case.as_ref().is_some_and(|c| c.term_ords(a.doc_id).next().is_some());
        if named && order.is_none() {
            return Ok(None);
        }
        let item = item.as_ref().and_then(|c| c.first(a.doc_id));
        let path = path.as_ref().and_then(|c| c.term_ords(a.doc_id).next());
        keyed.push(((order, item, a.segment_ord, path), *a));
    }
    let case_and_item = |k: &Key| (k.0, k.1);
    if keyed.len() > wanted && wanted > 0 {
        // The first `wanted` by case and item, and every other one equal to the last of them.
        keyed.select_nth_unstable_by_key(wanted - 1, |(k, _)| case_and_item(k));
        let last = case_and_item(&keyed[wanted - 1].0);
        let (head, rest) = keyed.split_at(wanted);
        let mut kept = head.to_vec();
        kept.extend(rest.iter().filter(|(k, _)| case_and_item(k) == last));
        keyed = kept;
    }
    keyed.sort_unstable_by_key(|(k, _)| *k);
    let mut out = Vec::with_capacity(wanted.min(keyed.len()));
    let mut i = 0;
    while i < keyed.len() && out.len() < wanted {
        let run = case_and_item(&keyed[i].0);
        let j = i + keyed[i..].iter().take_while(|(k, _)| case_and_item(k) == run).count();
        if keyed[i..j].iter().any(|(k, _)| k.2 != keyed[i].0 .2) {
            // One case number and item in two segments: their paths' names choose.
            let mut named = Vec::with_capacity(j - i);
            for ((_, _, seg, path), a) in &keyed[i..j] {
                named.push((name(&columns[*seg as usize].2, *path)?.unwrap_or_default(), *seg, *path, *a));
            }
            named.sort();
            out.extend(named.into_iter().map(|(_, _, _, a)| a));
        } else {
            out.extend(keyed[i..j].iter().map(|(_, a)| *a));
        }
        i = j;
    }
    out.truncate(wanted);
    Ok(Some(out))
}

/// Up to this many tied documents are merged naming each segment's head as it comes up; more
/// are named in one pass over each dictionary. A name costs a dictionary block decompressed.
const NAMED_ONE_BY_ONE: usize = 16;

/// The string columns and item numbers that order equal scores, one entry a segment.
type OrderColumns = [(
    Option<tantivy::columnar::StrColumn>,
    Option<tantivy::columnar::Column<u64>>,
    Option<tantivy::columnar::StrColumn>,
)];

/// Appends the first `wanted` of the segments' sorted `lists` (tied at `score`) to `out` in
/// case-number, item, path order, naming only each segment's head, and a path only when two
/// heads have the same case number and item.
fn merge_by_name(
    columns: &OrderColumns,
    lists: Vec<Vec<(Ords, DocAddress)>>,
    wanted: usize,
    score: f32,
    out: &mut Vec<(f32, DocAddress)>,
) -> Result<(), SearchError> {
    let mut lists: Vec<std::collections::VecDeque<_>> = lists.into_iter().map(Into::into).collect();
    let mut heads: Vec<Option<(Option<String>, Option<u64>)>> = vec![None; lists.len()];
    let mut paths: Vec<Option<String>> = vec![None; lists.len()];
    for _ in 0..wanted {
        for (seg, list) in lists.iter().enumerate() {
            if let (None, Some(((case, item, _), _))) = (&heads[seg], list.front()) {
                heads[seg] = Some((name(&columns[seg].0, *case)?, *item));
            }
        }
        let Some(first) = (0..lists.len()).filter(|&s| heads[s].is_some()).min_by(|&a, &b| heads[a].cmp(&heads[b]))
        else {
            break;
        };
        let tied: Vec<usize> = (0..lists.len()).filter(|&s| heads[s].is_some() && heads[s] == heads[first]).collect();
        let mut seg = first;
        if tied.len() > 1 {
            for &s in &tied {
                if paths[s].is_none() {
                    let ord = lists[s].front().and_then(|((_, _, path), _)| *path);
                    paths[s] = Some(name(&columns[s].2, ord)?.unwrap_or_default());
                }
            }
            seg = tied.iter().copied().min_by(|&a, &b| paths[a].cmp(&paths[b])).unwrap_or(first);
        }
        if let Some((_, addr)) = lists[seg].pop_front() {
            out.push((score, addr));
        }
        heads[seg] = None;
        paths[seg] = None;
    }
    Ok(())
}

/// The term of one ordinal of a string column.
fn name(column: &Option<tantivy::columnar::StrColumn>, ord: Option<u64>) -> Result<Option<String>, SearchError> {
    let (Some(column), Some(ord)) = (column, ord) else { return Ok(None) };
    let mut term = String::new();
    let found = column.ord_to_str(ord, &mut term).map_err(tantivy::TantivyError::from)?;
    Ok(found.then_some(term))
}

/// The terms of some ordinals of a string column, read in one pass over its dictionary.
fn names(
    column: &Option<tantivy::columnar::StrColumn>,
    ords: impl Iterator<Item = u64>,
) -> Result<std::collections::HashMap<u64, String>, SearchError> {
    let Some(column) = column else { return Ok(Default::default()) };
    let mut ords: Vec<u64> = ords.collect();
    ords.sort_unstable();
    ords.dedup();
    let mut terms = Vec::with_capacity(ords.len());
    column
        .dictionary()
        .sorted_ords_to_term_cb(&ords, |t| terms.push(String::from_utf8_lossy(t).into_owned()))
        .map_err(tantivy::TantivyError::from)?;
    Ok(ords.into_iter().zip(terms).collect())
}

/// The `k` best-scoring documents and every document tied with the k-th, with their scores
/// (a top-k that does not cut a group of equal scores at an arbitrary document).
struct TopWithTies(usize);

/// Keeps the documents scoring at least the k-th best score seen so far.
struct TiesSegment {
    k: usize,
    segment: u32,
    docs: Vec<(f32, DocAddress)>,
    floor: f32,
    /// Prune when `docs` grows to this; doubled when ties keep it large.
    prune_at: usize,
}

/// Drops the documents below the k-th best score; returns that score.
fn keep_best(docs: &mut Vec<(f32, DocAddress)>, k: usize) -> f32 {
    if k == 0 || docs.len() <= k {
        return f32::MIN;
    }
    let (_, kth, _) = docs.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
    let floor = kth.0;
    docs.retain(|(s, _)| *s >= floor);
    floor
}

impl tantivy::collector::Collector for TopWithTies {
    type Fruit = Vec<(f32, DocAddress)>;
    type Child = TiesSegment;

    fn for_segment(&self, segment: u32, _: &tantivy::SegmentReader) -> tantivy::Result<TiesSegment> {
        let k = self.0.max(1);
        Ok(TiesSegment { k, segment, docs: Vec::new(), floor: f32::MIN, prune_at: 2 * k.max(64) })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(f32, DocAddress)> = fruits.into_iter().flatten().collect();
        keep_best(&mut all, self.0.max(1));
        Ok(all)
    }
}

impl tantivy::collector::SegmentCollector for TiesSegment {
    type Fruit = Vec<(f32, DocAddress)>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        if score < self.floor {
            return;
        }
        self.docs.push((score, DocAddress::new(self.segment, doc)));
        if self.docs.len() >= self.prune_at {
            self.floor = keep_best(&mut self.docs, self.k);
            self.prune_at = self.prune_at.max(2 * self.docs.len());
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        keep_best(&mut self.docs, self.k);
        self.docs
    }
}

/// The hits of some documents, with snippets for `query`.
pub fn hits_of(
    store: &Store,
    searcher: &Searcher,
    query: &dyn Query,
    addrs: &[(f32, DocAddress)],
) -> Result<Vec<Hit>, SearchError> {
    let mut docs = Vec::with_capacity(addrs.len());
    for (score, addr) in addrs {
        docs.push((*score, searcher.doc(*addr)?));
    }
    hits(store, searcher, query, &docs)
}

/// The hits of `docs`, with snippets for `query`.
fn hits(
    store: &Store,
    searcher: &Searcher,
    query: &dyn Query,
    docs: &[(f32, TantivyDocument)],
) -> Result<Vec<Hit>, SearchError> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let generators: Vec<(&'static str, SnippetGenerator)> = SNIPPET_FIELDS
        .iter()
        .filter_map(|name| {
            let field = store.index.schema().get_field(name).ok()?;
            Some((*name, snippets(store, searcher, query, field).ok()?))
        })
        .collect();
    let mut summary_terms = false;
    query.query_terms(&mut |term, _| summary_terms |= term.field() == store.fields.summary);
    docs.iter().map(|(score, doc)| hit(store, searcher, doc, *score, &generators, summary_terms)).collect()
}

/// The snippet generator of `query`'s words in `field`, as tantivy's `SnippetGenerator::create`
/// makes it (rarer words weigh more), but reading the text with the query's analyzer: the
/// index's adds phrase keys, which no query term names.
fn snippets(
    store: &Store,
    searcher: &Searcher,
    query: &dyn Query,
    field: tantivy::schema::Field,
) -> tantivy::Result<SnippetGenerator> {
    let mut terms = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weights = std::collections::BTreeMap::new();
    for term in terms {
        let Some(word) = term.value().as_str().map(str::to_string) else { continue };
        let doc_freq = searcher.doc_freq(&term)?;
        if doc_freq > 0 {
            weights.insert(word, 1.0 / (1.0 + doc_freq as f32));
        }
    }
    Ok(SnippetGenerator::new(weights, store.query_analyzer(field)?, field, SNIPPET_CHARS))
}

pub(crate) fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string)
}

fn hit(
    store: &Store,
    searcher: &Searcher,
    doc: &TantivyDocument,
    score: f32,
    generators: &[(&'static str, SnippetGenerator)],
    summary_terms: bool,
) -> Result<Hit, SearchError> {
    let f = &store.fields;
    let path = text(doc, f.path).unwrap_or_default();
    let decision: Decision = match text(doc, f.decision) {
        Some(json) => serde_json::from_str(&json).map_err(|e| stored(&path, "decision", e))?,
        None => Decision::default(), // a letter without readable items has no decision
    };
    // Where each snippet field's text is kept: the item's own in its decision JSON, the case
    // summary once per letter (read only when the query has words for it), the rest in the
    // document's stored fields.
    let summary = if summary_terms { letter_summary(store, searcher, doc)? } else { None };
    let source = |name: &str| -> Option<String> {
        match name {
            schema::RATIONALE => decision.rationale.clone(),
            schema::CITATION => {
                let lines = [&decision.ur_guideline, &decision.imr_guideline];
                Some(lines.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join(" "))
            }
            schema::SUMMARY if summary_terms => summary.clone(),
            schema::SUMMARY => None,
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
    Ok(Hit {
        case_number: text(doc, f.case_number),
        item_no: doc.get_first(f.item_no).and_then(|v| v.as_u64()).unwrap_or(0),
        item_count: doc.get_first(f.item_count).and_then(|v| v.as_u64()).unwrap_or(0),
        item: decision.item,
        outcome: text(doc, f.outcome).unwrap_or_default(),
        decision_date: doc.get_first(f.decision_date).and_then(|v| v.as_datetime()).map(|d| date_from(d).to_string()),
        specialty: doc.get_all(f.specialty).filter_map(|v| v.as_str().map(str::to_string)).collect(),
        score,
        snippet,
        path,
        layout: text(doc, f.layout).unwrap_or_default(),
        hash: text(doc, f.content_hash).unwrap_or_default(),
    })
}

/// The error for a stored document of `letter` that does not decode.
pub(crate) fn stored(letter: &str, what: &'static str, e: impl std::fmt::Display) -> SearchError {
    SearchError::Stored { letter: letter.to_string(), what, reason: e.to_string() }
}

/// The clinical summary of the letter `doc` belongs to, from the letter's first document.
fn letter_summary(store: &Store, searcher: &Searcher, doc: &TantivyDocument) -> Result<Option<String>, SearchError> {
    let f = &store.fields;
    let Some(path) = text(doc, f.path) else { return Ok(None) };
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
    let Some((_, addr)) = searcher.search(&BooleanQuery::new(first), &TopDocs::with_limit(1).order_by_score())?.pop()
    else {
        return Ok(None);
    };
    let first: TantivyDocument = searcher.doc(addr)?;
    let Some(json) = text(&first, f.letter) else { return Ok(None) };
    let letter: StoredLetter = serde_json::from_str(&json).map_err(|e| stored(&path, "letter", e))?;
    Ok(letter.letter.clinical_summary)
}

/// The stored letters for a case number (or a letter's path, or its file's content hash), in
/// path order.
pub fn letters(store: &Store, searcher: &Searcher, id: &str) -> Result<Vec<StoredLetter>, SearchError> {
    let f = &store.fields;
    let by = |field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    };
    let q = BooleanQuery::new(vec![
        (Occur::Should, by(f.case_number, &id.trim().to_uppercase())),
        (Occur::Should, by(f.path, id)),
        (Occur::Should, by(f.content_hash, id)),
    ]);
    let addrs: Vec<(f32, DocAddress)> = searcher.search(&q, &TopDocs::with_limit(10_000).order_by_score())?;
    let mut out: Vec<StoredLetter> = Vec::new();
    let mut decisions: Vec<(String, u64, Decision)> = Vec::new();
    for (_, addr) in addrs {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let path = text(&doc, f.path).unwrap_or_default();
        if let Some(json) = text(&doc, f.letter) {
            let mut letter = serde_json::from_str::<StoredLetter>(&json).map_err(|e| stored(&path, "letter", e))?;
            letter.hash = text(&doc, f.content_hash).unwrap_or_default();
            out.push(letter);
        }
        if let Some(json) = text(&doc, f.decision) {
            let d = serde_json::from_str::<Decision>(&json).map_err(|e| stored(&path, "decision", e))?;
            let item_no = doc.get_first(f.item_no).and_then(|v| v.as_u64()).unwrap_or(0);
            decisions.push((path, item_no, d));
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

/// [`letters`], with each item's citations read again from its guideline lines (the index
/// stores the lines, not what was read from them), as `imr show` prints them.
pub fn letters_cited(
    store: &Store,
    searcher: &Searcher,
    id: &str,
    table: &crate::letter::citations::Table,
) -> Result<Vec<StoredLetter>, SearchError> {
    let mut out = letters(store, searcher, id)?;
    for l in &mut out {
        for d in &mut l.letter.items {
            d.citations =
                crate::letter::citations::for_item(d.ur_guideline.as_deref(), d.imr_guideline.as_deref(), table);
        }
    }
    Ok(out)
}

/// Marks a query's words in any text of a letter, as the index reads them: each field's
/// terms of the query, found by that field's own analyzer (stemming, spinal levels).
pub struct Marker {
    terms: Vec<(tantivy::schema::Field, std::collections::HashSet<String>)>,
}

impl Marker {
    /// The marker for `raw` read over every field (as `--anywhere`); none for an empty query.
    pub fn new(
        store: &Store,
        searcher: &Searcher,
        raw: &str,
        words: Option<&Vocabulary>,
    ) -> Result<Marker, SearchError> {
        let mut terms: Vec<(tantivy::schema::Field, std::collections::HashSet<String>)> = Vec::new();
        if !raw.trim().is_empty() {
            let plan = plan(store, searcher, raw, words, true, &[])?;
            plan.query.query_terms(&mut |term, _| {
                let value = term.value();
                let Some(word) = value.as_str() else { return };
                let word = word.to_string();
                match terms.iter_mut().find(|(f, _)| *f == term.field()) {
                    Some((_, set)) => {
                        set.insert(word);
                    }
                    None => terms.push((term.field(), [word].into_iter().collect())),
                }
            });
        }
        Ok(Marker { terms })
    }

    /// Byte ranges of `text` holding the query's words for field `name`.
    pub fn marks(&self, store: &Store, name: &str, text: &str) -> Vec<(usize, usize)> {
        let Ok(field) = store.index.schema().get_field(name) else { return Vec::new() };
        let Some((_, words)) = self.terms.iter().find(|(f, _)| *f == field) else { return Vec::new() };
        let Ok(mut analyzer) = store.query_analyzer(field) else { return Vec::new() };
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if words.contains(&token.text) {
                out.push((token.offset_from, token.offset_to));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index in memory holding one decision whose stored JSON is damaged.
    fn damaged() -> Store {
        let store = Store::in_ram();
        let f = store.fields;
        let mut writer: tantivy::IndexWriter = store.index.writer(15_000_000).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(f.path, "/letters/CM16-0000001.txt");
        doc.add_text(f.case_number, "CM16-0000001");
        doc.add_u64(f.item_no, 1);
        doc.add_text(f.procedure, "lumbar fusion");
        doc.add_text(f.outcome, "upheld");
        doc.add_text(f.decision, "{\"item\": \"lumbar fus");
        doc.add_text(f.letter, "not json");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        store
    }

    #[test]
    fn equal_scores_come_in_case_item_and_path_order_across_segments() {
        // By the case numbers' orders, and (an index without them) by their names.
        equal_scores_in_order(true);
        equal_scores_in_order(false);
    }

    fn equal_scores_in_order(with_orders: bool) {
        // (case number, item, path) in three segments, out of order, with case numbers shared
        // across segments, items shared within a case, and one decision without a case number.
        let segments: [&[(Option<&str>, u64, &str)]; 3] = [
            &[(Some("CM16-0000300"), 1, "/z"), (Some("CM16-0000100"), 2, "/b"), (None, 1, "/n")],
            &[(Some("CM16-0000100"), 2, "/a"), (Some("CM16-0000200"), 1, "/c"), (Some("CM16-0000100"), 1, "/y")],
            &[
                (Some("CM16-0000100"), 2, "/c"),
                (Some("CM16-0000050"), 3, "/d"),
                (Some("CM16-0000300"), 1, "/a"),
                (Some("CM16-0000200"), 1, "/b"),
            ],
        ];
        let store = Store::in_ram();
        let f = store.fields;
        let mut writer: tantivy::IndexWriter = store.index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        let mut keys = Vec::new();
        // More decisions than are named one by one, so that both ways of naming are used.
        for copy in 0..3 {
            for segment in segments {
                for (case, item, path) in segment {
                    let mut doc = TantivyDocument::default();
                    let path = format!("{path}{copy}");
                    doc.add_text(f.path, &path);
                    if let Some(c) = case {
                        doc.add_text(f.case_number, c);
                        if with_orders {
                            doc.add_u64(f.case_order, schema::case_order(c).unwrap());
                        }
                    }
                    doc.add_u64(f.item_no, *item);
                    writer.add_document(doc).unwrap();
                    keys.push((case.map(str::to_string), Some(*item), path));
                }
                writer.commit().unwrap();
            }
        }
        keys.sort();
        assert!(keys.len() > NAMED_ONE_BY_ONE);
        let reader = store.reader().unwrap();
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 9);
        let all: Vec<(f32, DocAddress)> = searcher
            .search(&AllQuery, &tantivy::collector::DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|a| (1.0, a))
            .collect();
        let key_of = |a: DocAddress| -> CaseKey {
            let d: TantivyDocument = searcher.doc(a).unwrap();
            (text(&d, f.case_number), d.get_first(f.item_no).and_then(|v| v.as_u64()), text(&d, f.path).unwrap())
        };
        for need in 1..=keys.len() {
            let got: Vec<CaseKey> =
                first_in_order(&searcher, all.clone(), need).unwrap().into_iter().map(|(_, a)| key_of(a)).collect();
            assert_eq!(got, keys[..need], "the first {need}");
        }
        // A better score comes first whatever its name.
        let mut scored = all.clone();
        let last = scored.iter().position(|(_, a)| key_of(*a) == keys[keys.len() - 1]).unwrap();
        scored[last].0 = 2.0;
        let got = first_in_order(&searcher, scored, 2).unwrap();
        assert_eq!((key_of(got[0].1), key_of(got[1].1)), (keys[keys.len() - 1].clone(), keys[0].clone()));
    }

    #[test]
    fn the_best_k_keep_every_document_tied_with_the_kth() {
        let d = |s: f32, n: u32| (s, DocAddress::new(0, n));
        let mut docs = vec![d(1.0, 0), d(2.0, 1), d(3.0, 2), d(2.0, 3), d(2.0, 4), d(0.5, 5)];
        assert_eq!(keep_best(&mut docs, 2), 2.0);
        docs.sort_by_key(|(_, a)| a.doc_id);
        assert_eq!(docs, vec![d(2.0, 1), d(3.0, 2), d(2.0, 3), d(2.0, 4)]);
        let mut few = vec![d(1.0, 0)];
        assert_eq!(keep_best(&mut few, 5), f32::MIN);
        assert_eq!(few.len(), 1);
    }

    #[test]
    fn stored_data_that_does_not_decode_is_an_error_naming_the_letter() {
        let store = damaged();
        let reader = store.reader().unwrap();
        let searcher = reader.searcher();
        let req = Request { query: "fusion".into(), limit: 10, ..Default::default() };
        let Err(e) = search(&store, &searcher, &req) else { panic!("a damaged decision was shown") };
        let message = e.to_string();
        assert!(message.contains("the stored decision of /letters/CM16-0000001.txt cannot be read"), "{message}");
        let Err(e) = letters(&store, &searcher, "CM16-0000001") else { panic!("a damaged letter was shown") };
        assert!(e.to_string().contains("the stored letter of /letters/CM16-0000001.txt"), "{e}");
    }
}
