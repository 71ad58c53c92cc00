//! PURE query reading: what the user typed, read by tantivy's own query grammar
//! (`query_grammar`) into a tree, and that tree rewritten; the result is the tree tantivy's
//! query parser builds the query from, an outcome filter, and notes that say how the query was
//! read.
//!
//! - Spinal levels are written canonically (`L5 S1` -> `L5-S1`) so every spelling meets the
//!   index's single token.
//! - Plain outcome words become a filter on the item's own outcome: `upheld`, `denied` ->
//!   upheld; `overturned`, `approved` -> overturned.
//! - Field aliases (`item:`, `case:`, `date:`, `state:`) map to schema fields; a `word:` that is
//!   no field is searched as a word (letters are full of `Diagnosis:`).
//! - Keyword values are normalised (`outcome:Upheld` -> `outcome:upheld`), and dates and date
//!   ranges on the decision date become ranges of whole days, months or years
//!   (`date:2016-12..2017-01`).
//! - A word or words that name a row of the vocabulary (`norco`, `EMG`, `epidural steroid
//!   injection`) are searched as any name on that row, unless quoted or read exactly.

use crate::letter::{levels, Outcome};
use crate::schema;
use crate::vocabulary::{self, Vocabulary};
use ordered_float::OrderedFloat;
use tantivy::query_grammar::{
    self as grammar, Delimiter, Occur, UserInputAst as Ast, UserInputBound as Bound, UserInputLeaf as Leaf,
    UserInputLiteral as Literal,
};
use thiserror::Error;

/// Longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 4000;

/// The most names the vocabulary may add to one query; words past it are searched as typed.
pub const MAX_ADDED_NAMES: usize = 200;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("the query is {0} characters long; the limit is {MAX_QUERY_CHARS}")]
    TooLong(usize),
    #[error("a quote is not closed")]
    OpenQuote,
    #[error("a range is not closed: write field:[FROM TO UNTIL]")]
    OpenRange,
    #[error("bad date {0:?}: write YYYY, YYYY-MM or YYYY-MM-DD")]
    BadDate(String),
    #[error("{0}")]
    Syntax(String),
}

/// The query as read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The tree for tantivy's query parser; none means every decision.
    pub tree: Option<Ast>,
    /// Keep only decisions with one of these outcomes (empty: no filter).
    pub outcomes: Vec<Outcome>,
    /// How the query was read, for the user.
    pub notes: Vec<String>,
    /// True when some word or phrase names no field (so the item-first scope applies).
    pub plain_words: bool,
    /// Plain words searched as typed (no field, no quotes, not a name in the vocabulary):
    /// the words a spelling suggestion may replace.
    pub words: Vec<String>,
}

impl Reading {
    /// How the query was read, in the words the output uses: `L5-S1 fusion + outcome:upheld`.
    pub fn describe(&self) -> String {
        let mut s = match &self.tree {
            None => "every decision".to_string(),
            Some(t) => {
                let mut s = String::new();
                print(t, &mut s, true);
                s
            }
        };
        if !self.outcomes.is_empty() {
            let o: Vec<&str> = self.outcomes.iter().map(|o| o.as_str()).collect();
            s.push_str(&format!(" + outcome:{}", o.join("|")));
        }
        s
    }

    /// The tree with one plain word (as typed) replaced by another: a suggestion's query.
    pub fn with_word(&self, typed: &str, instead: &str) -> Option<Ast> {
        let mut tree = self.tree.clone()?;
        replace(&mut tree, typed, instead);
        Some(tree)
    }
}

fn replace(ast: &mut Ast, typed: &str, instead: &str) {
    match ast {
        Ast::Clause(children) => children.iter_mut().for_each(|(_, c)| replace(c, typed, instead)),
        Ast::Boost(inner, _) => replace(inner, typed, instead),
        Ast::Leaf(leaf) => {
            if let Leaf::Literal(l) = leaf.as_mut() {
                if l.field_name.is_none() && l.delimiter == Delimiter::None && l.phrase == typed {
                    l.phrase = instead.to_string();
                }
            }
        }
    }
}

fn outcome_word(w: &str) -> Option<Outcome> {
    match w.to_lowercase().as_str() {
        "upheld" | "uphold" | "upholds" | "denied" => Some(Outcome::Upheld),
        "overturned" | "overturn" | "overturns" | "approved" | "reversed" => Some(Outcome::Overturned),
        _ => None,
    }
}

fn alias(field: &str) -> Option<&'static str> {
    let f = field.to_lowercase();
    Some(match f.as_str() {
        "procedure" | "item" | "treatment" | "request" => schema::PROCEDURE,
        "diagnosis" | "diagnoses" | "dx" => schema::DIAGNOSIS,
        "outcome" | "decision" => schema::OUTCOME,
        "citation" | "cites" | "guideline" | "guidelines" => schema::CITATION,
        "rationale" => schema::RATIONALE,
        "summary" => schema::SUMMARY,
        "text" => schema::TEXT,
        "case_number" | "case" | "casenumber" => schema::CASE_NUMBER,
        "decision_date" | "date" | "decided" => schema::DECISION_DATE,
        "specialty" | "speciality" => schema::SPECIALTY,
        "licensure" | "state" | "licence" | "license" => schema::LICENSURE,
        "age" => schema::AGE,
        "sex" | "gender" => schema::SEX,
        "layout" => schema::LAYOUT,
        "condition" | "conditions" => schema::CONDITION,
        _ => return None,
    })
}

/// Fields of prose, where spinal levels and the vocabulary apply.
fn is_prose(field: Option<&str>) -> bool {
    matches!(
        field,
        None | Some(
            schema::PROCEDURE
                | schema::DIAGNOSIS
                | schema::CITATION
                | schema::RATIONALE
                | schema::SUMMARY
                | schema::TEXT
        )
    )
}

/// Reads a query with the vocabulary (`None`: every word exactly as typed). Errors are about
/// the query's shape; tantivy's parser checks the rest (fields' values, for one).
pub fn read(raw: &str, vocabulary: Option<&Vocabulary>) -> Result<Reading, QueryError> {
    let n = raw.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong(n));
    }
    if raw.trim().is_empty() {
        return Ok(Reading::default());
    }
    let tree = grammar::parse_query(raw).map_err(|_| syntax_error(raw))?;
    let mut reader = Reader { vocabulary, added: 0, error: None, reading: Reading::default() };
    // A lone word is read as a group of one, so runs of words are read one way.
    let children = match tree {
        Ast::Clause(children) => children,
        other => vec![(None, other)],
    };
    let tree = reader.group(children).and_then(unwrap);
    if let Some(e) = reader.error {
        return Err(e);
    }
    reader.reading.tree = tree;
    Ok(reader.reading)
}

/// The first problem tantivy's lenient reading finds, in the user's words.
fn syntax_error(raw: &str) -> QueryError {
    let (_, errors) = grammar::parse_query_lenient(raw);
    match errors.first() {
        _ if errors.iter().any(|e| e.message.contains("range")) => QueryError::OpenRange,
        Some(e) if e.message.starts_with("missing delimiter") => QueryError::OpenQuote,
        Some(e) => QueryError::Syntax(format!("cannot read the query at character {}: {}", e.pos + 1, e.message)),
        None => QueryError::Syntax(
            "cannot read the query: check its quotes, brackets and AND / OR / NOT (each needs a word on both sides)"
                .to_string(),
        ),
    }
}

/// A group of one child (not excluded) is that child.
fn unwrap(ast: Ast) -> Option<Ast> {
    match ast {
        Ast::Clause(mut children) if children.len() == 1 && children[0].0 != Some(Occur::MustNot) => {
            children.pop().map(|(_, c)| c)
        }
        Ast::Clause(children) if children.is_empty() => None,
        other => Some(other),
    }
}

struct Reader<'a> {
    vocabulary: Option<&'a Vocabulary>,
    /// Names the vocabulary added so far.
    added: usize,
    /// The first value that could not be read (a bad date).
    error: Option<QueryError>,
    reading: Reading,
}

/// A plain word: no field, no quotes, no slop or prefix (`fus*`).
fn plain(child: &(Option<Occur>, Ast)) -> Option<&str> {
    match child {
        (None, Ast::Leaf(leaf)) => match leaf.as_ref() {
            Leaf::Literal(l)
                if l.field_name.is_none()
                    && l.delimiter == Delimiter::None
                    && l.slop == 0
                    && !l.prefix
                    && !l.phrase.ends_with('*') =>
            {
                Some(&l.phrase)
            }
            _ => None,
        },
        _ => None,
    }
}

fn literal(field: Option<&str>, phrase: &str) -> Ast {
    let words = phrase.split_whitespace().count();
    Ast::from(Leaf::Literal(Literal {
        field_name: field.map(str::to_string),
        phrase: phrase.to_string(),
        delimiter: if words > 1 { Delimiter::DoubleQuotes } else { Delimiter::None },
        slop: 0,
        prefix: false,
    }))
}

impl Reader<'_> {
    /// A group's children: runs of plain words are read together (levels written with a
    /// space, names of several words), the rest one by one. `None` when nothing is left.
    fn group(&mut self, children: Vec<(Option<Occur>, Ast)>) -> Option<Ast> {
        let mut out: Vec<(Option<Occur>, Ast)> = Vec::new();
        let mut run: Vec<String> = Vec::new();
        for child in children {
            if let Some(w) = plain(&child) {
                run.push(w.to_string());
                continue;
            }
            self.run(std::mem::take(&mut run), &mut out);
            let (occur, ast) = child;
            if let Some(a) = self.node(ast, occur == Some(Occur::MustNot)) {
                out.push((occur, a));
            }
        }
        self.run(run, &mut out);
        (!out.is_empty()).then_some(Ast::Clause(out))
    }

    fn node(&mut self, ast: Ast, negated: bool) -> Option<Ast> {
        match ast {
            Ast::Clause(children) => self.group(children).and_then(unwrap),
            Ast::Boost(inner, boost) => self.node(*inner, negated).map(|a| Ast::Boost(Box::new(a), boost)),
            Ast::Leaf(leaf) => self.leaf(*leaf, negated),
        }
    }

    /// Plain words side by side: spinal levels first (`L5 S1` is one level), then the longest
    /// names in the vocabulary, then each word alone.
    fn run(&mut self, words: Vec<String>, out: &mut Vec<(Option<Occur>, Ast)>) {
        if words.is_empty() {
            return;
        }
        // Where each word starts and ends in the words joined by single spaces.
        let mut spans = Vec::with_capacity(words.len());
        let mut at = 0;
        for w in &words {
            spans.push((at, at + w.len()));
            at += w.len() + 1;
        }
        let joined = words.join(" ");
        // A level across several whole words: (first word, last word, canonical form).
        let mut across: Vec<(usize, usize, String)> = Vec::new();
        for l in levels::find(&joined) {
            let first = spans.iter().position(|s| s.0 == l.start);
            let last = spans.iter().position(|s| s.1 == l.end);
            if let (Some(a), Some(b)) = (first, last) {
                if b > a {
                    across.push((a, b, l.canonical()));
                }
            }
        }
        let keys: Vec<Vec<String>> = match self.vocabulary {
            Some(_) => words.iter().map(|w| vocabulary::key(w)).collect(),
            None => Vec::new(),
        };
        let mut i = 0;
        while i < words.len() {
            if let Some((_, b, canonical)) = across.iter().find(|(a, _, _)| *a == i) {
                let written = words[i..=*b].join(" ");
                self.reading.notes.push(format!("{written:?} read as {canonical}"));
                self.reading.plain_words = true;
                out.push((None, literal(None, canonical)));
                i = b + 1;
                continue;
            }
            if let Some(n) = self.longest_name(&words, &keys, i, &across) {
                if n > 1 || outcome_word(&words[i]).is_none() {
                    let typed = words[i..i + n].join(" ");
                    if let Some(e) = self.expand(None, &typed, &keys[i..i + n].concat()) {
                        self.reading.plain_words = true;
                        out.push((None, e));
                        i += n;
                        continue;
                    }
                }
            }
            let leaf = Leaf::Literal(Literal {
                field_name: None,
                phrase: words[i].clone(),
                delimiter: Delimiter::None,
                slop: 0,
                prefix: false,
            });
            if let Some(a) = self.leaf(leaf, false) {
                out.push((None, a));
            }
            i += 1;
        }
    }

    /// How many words from `i` on make the longest name in the vocabulary (none inside a
    /// level that spans words).
    fn longest_name(
        &self,
        words: &[String],
        keys: &[Vec<String>],
        i: usize,
        across: &[(usize, usize, String)],
    ) -> Option<usize> {
        let vocabulary = self.vocabulary?;
        let most = words.len() - i;
        (1..=most).rev().find(|&n| {
            let inside_level = across.iter().any(|(a, b, _)| (i..i + n).any(|k| k >= *a && k <= *b));
            if inside_level || keys[i..i + n].iter().any(Vec::is_empty) {
                return false;
            }
            let key = keys[i..i + n].concat();
            key.len() <= vocabulary.longest() && vocabulary.group(&key).is_some()
        })
    }

    /// The names on the vocabulary row of `key`, as alternatives (the words as typed first),
    /// in `field`; none when the row is unknown or the query has taken its share of names.
    fn expand(&mut self, field: Option<&str>, typed: &str, key: &[String]) -> Option<Ast> {
        let group = self.vocabulary?.group(key)?;
        let keys: Vec<Vec<String>> = group.names.iter().map(|n| vocabulary::key(n)).collect();
        // A name holding a shorter name of its row (`lumbar spine` holds `lumbar`) finds
        // nothing that shorter one misses: it is left out, and its phrase is not run.
        let held = |k: &[String]| {
            keys.iter().any(|other| other.len() < k.len() && k.windows(other.len()).any(|w| w == &other[..]))
        };
        let others: Vec<&String> =
            group.names.iter().zip(&keys).filter(|(_, k)| k.as_slice() != key && !held(k)).map(|(n, _)| n).collect();
        if self.added + others.len() > MAX_ADDED_NAMES {
            self.reading.notes.push(format!(
                "{typed:?} searched as typed: the query already has {MAX_ADDED_NAMES} names from the vocabulary"
            ));
            return None;
        }
        self.added += others.len();
        self.reading.notes.push(format!(
            "{typed:?} also read as its other names ({}); quote a word, or use exact words (--exact), to search it alone",
            group.kind.as_str()
        ));
        let mut alternatives = vec![(Some(Occur::Should), literal(field, typed))];
        alternatives.extend(others.into_iter().map(|n| (Some(Occur::Should), literal(field, n))));
        Some(Ast::Clause(alternatives))
    }

    /// One leaf of the tree: outcome words, fields, keyword values, dates, levels, names.
    fn leaf(&mut self, leaf: Leaf, negated: bool) -> Option<Ast> {
        let mut lit = match leaf {
            Leaf::Literal(lit) => lit,
            Leaf::Range { field, lower, upper } => {
                let field = field.map(|f| self.field_name(&f));
                if field.as_deref() == Some(schema::DECISION_DATE) {
                    return self.date_range(lower, upper);
                }
                return Some(Ast::from(Leaf::Range { field, lower, upper }));
            }
            Leaf::Set { field, elements } => {
                return Some(Ast::from(Leaf::Set { field: field.map(|f| self.field_name(&f)), elements }));
            }
            Leaf::Regex { field, pattern } => {
                return Some(Ast::from(Leaf::Regex { field: field.map(|f| self.field_name(&f)), pattern }));
            }
            Leaf::Exists { field } => return Some(Ast::from(Leaf::Exists { field: self.field_name(&field) })),
            Leaf::All => return Some(Ast::from(Leaf::All)),
        };
        // The grammar keeps the star of a bare word in the word (`fus*`); it asks for every
        // word that starts with `fus`, as the star after a quoted phrase does.
        if lit.delimiter == Delimiter::None && lit.slop == 0 && !lit.prefix {
            if let Some(start) = lit.phrase.strip_suffix('*').map(|w| w.trim_end_matches('*')) {
                if !start.is_empty() && !start.contains('*') {
                    lit.phrase = start.to_string();
                    lit.prefix = true;
                }
            }
        }
        let bare = lit.delimiter == Delimiter::None && lit.slop == 0 && !lit.prefix;
        match lit.field_name.take() {
            None => {
                if bare && !negated {
                    if let Some(o) = outcome_word(&lit.phrase) {
                        if !self.reading.outcomes.contains(&o) {
                            self.reading.outcomes.push(o);
                        }
                        self.reading.notes.push(format!("{:?} read as the filter outcome:{o}", lit.phrase));
                        return None;
                    }
                }
                self.reading.plain_words = true;
            }
            Some(name) => match alias(&name) {
                None => {
                    // `Diagnosis: knee` in a pasted line: both words are searched.
                    self.reading.notes.push(format!("{name:?} is not a field: searched as a word"));
                    let word = Leaf::Literal(Literal {
                        field_name: None,
                        phrase: name,
                        delimiter: Delimiter::None,
                        slop: 0,
                        prefix: false,
                    });
                    let children = vec![(None, Ast::from(word)), (None, Ast::from(Leaf::Literal(lit)))];
                    return self.group(children).and_then(unwrap);
                }
                Some(field) => {
                    if field != name {
                        self.reading.notes.push(format!("{name}: read as {field}:"));
                    }
                    lit.field_name = Some(field.to_string());
                    if let Some(a) = self.keyword(field, &mut lit) {
                        return a;
                    }
                }
            },
        }
        let field = lit.field_name.clone();
        if !is_prose(field.as_deref()) {
            return Some(Ast::from(Leaf::Literal(lit)));
        }
        if field.as_deref() == Some(schema::DIAGNOSIS) && lit.slop == 0 && !lit.prefix {
            // `diagnosis:radiculopathy` is also the condition key every way of writing it has.
            let key = Literal {
                field_name: Some(schema::CONDITION.to_string()),
                phrase: lit.phrase.to_lowercase(),
                delimiter: lit.delimiter,
                slop: 0,
                prefix: false,
            };
            let words = self.prose(lit, bare, field.as_deref())?;
            return Some(Ast::Clause(vec![
                (Some(Occur::Should), words),
                (Some(Occur::Should), Ast::from(Leaf::Literal(key))),
            ]));
        }
        self.prose(lit, bare, field.as_deref())
    }

    /// A literal in a field of prose (or none): levels written one way, then the vocabulary.
    fn prose(&mut self, mut lit: Literal, bare: bool, field: Option<&str>) -> Option<Ast> {
        let canonical = levels::normalise(&lit.phrase);
        if canonical != lit.phrase {
            self.reading.notes.push(format!("{:?} read as {canonical}", lit.phrase));
            lit.phrase = canonical;
            return Some(Ast::from(Leaf::Literal(lit)));
        }
        // A quoted phrase of several words that is a name is one thing, said one way: its
        // other names count too. A quoted single word is searched as typed.
        let phrase_name = lit.delimiter == Delimiter::DoubleQuotes
            && lit.slop == 0
            && !lit.prefix
            && lit.phrase.split_whitespace().count() > 1;
        if (bare || phrase_name) && self.vocabulary.is_some() {
            let key = vocabulary::key(&lit.phrase);
            if let Some(e) = self.expand(field, &lit.phrase, &key) {
                return Some(e);
            }
        }
        if bare && field.is_none() && !lit.phrase.trim().is_empty() {
            self.reading.words.push(lit.phrase.clone());
        }
        Some(Ast::from(Leaf::Literal(lit)))
    }

    /// A field's name after aliases (with a note when it changed); unknown names stay for the
    /// query parser to reject.
    fn field_name(&mut self, name: &str) -> String {
        match alias(name) {
            Some(field) => {
                if field != name {
                    self.reading.notes.push(format!("{name}: read as {field}:"));
                }
                field.to_string()
            }
            None => name.to_string(),
        }
    }

    /// Keyword fields' values in their indexed form, and dates as ranges. `Some` when the
    /// literal is final (`Some(None)`: dropped, for a bad date whose error is kept).
    fn keyword(&mut self, field: &str, lit: &mut Literal) -> Option<Option<Ast>> {
        let v = lit.phrase.clone();
        lit.phrase = match field {
            schema::OUTCOME => match outcome_word(&v) {
                Some(o) => o.as_str().to_string(),
                None => v.to_lowercase(),
            },
            schema::SEX | schema::CONDITION => v.to_lowercase(),
            schema::LAYOUT if v.eq_ignore_ascii_case("unknown") => "unknown".to_string(),
            schema::LAYOUT => v.to_uppercase(),
            schema::CASE_NUMBER => v.to_uppercase(),
            schema::DECISION_DATE => {
                return Some(match date_literal(&v) {
                    Ok((lower, upper)) => Some(range(lower, upper)),
                    Err(e) => self.bad(e),
                });
            }
            _ => return None,
        };
        Some(Some(Ast::from(Leaf::Literal(lit.clone()))))
    }

    fn date_range(&mut self, lower: Bound, upper: Bound) -> Option<Ast> {
        match date_bounds(lower, upper) {
            Ok((lower, upper)) => Some(range(lower, upper)),
            Err(e) => self.bad(e),
        }
    }

    /// Keeps the first value that cannot be read; `read` returns it after the walk.
    fn bad(&mut self, e: QueryError) -> Option<Ast> {
        self.error.get_or_insert(e);
        None
    }
}

fn range(lower: Bound, upper: Bound) -> Ast {
    Ast::from(Leaf::Range { field: Some(schema::DECISION_DATE.to_string()), lower, upper })
}

/// `2016`, `2016-12`, `2016-12-09` or `A..B` (either side may be empty) -> whole days,
/// months or years: from the start of A (inclusive) to the start of what follows B.
fn date_literal(v: &str) -> Result<(Bound, Bound), QueryError> {
    let (a, b) = v.split_once("..").unwrap_or((v, v));
    let lower = if a.is_empty() { Bound::Unbounded } else { Bound::Inclusive(bound(a, false)?) };
    let upper = if b.is_empty() { Bound::Unbounded } else { Bound::Exclusive(bound(b, true)?) };
    Ok((lower, upper))
}

/// `[A TO B]`, `{A TO B}` on whole days, months or years: an inclusive end takes all of B, an
/// exclusive start begins after A.
fn date_bounds(lower: Bound, upper: Bound) -> Result<(Bound, Bound), QueryError> {
    let lower = match lower {
        Bound::Inclusive(s) if s != "*" => Bound::Inclusive(bound(&s, false)?),
        Bound::Exclusive(s) if s != "*" => Bound::Inclusive(bound(&s, true)?),
        _ => Bound::Unbounded,
    };
    let upper = match upper {
        Bound::Inclusive(s) if s != "*" => Bound::Exclusive(bound(&s, true)?),
        Bound::Exclusive(s) if s != "*" => Bound::Exclusive(bound(&s, false)?),
        _ => Bound::Unbounded,
    };
    Ok((lower, upper))
}

/// The start of a day, month or year (`end`: the start of the next one).
fn bound(s: &str, end: bool) -> Result<String, QueryError> {
    let bad = || QueryError::BadDate(s.to_string());
    if s.contains('T') {
        return Ok(s.to_string()); // already RFC 3339
    }
    let parts: Vec<u32> = s.split('-').map(|p| p.parse::<u32>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let (mut y, mut m, mut d) = match parts[..] {
        [y] => (y, 1, 1),
        [y, m] => (y, m, 1),
        [y, m, d] => (y, m, d),
        _ => return Err(bad()),
    };
    let valid = |y: u32, m: u32, d: u32| {
        u16::try_from(y).ok().and_then(|y| crate::letter::Date::new(y, m as u8, d as u8)).is_some()
    };
    if m > 12 || d > 31 || !valid(y, m, d) {
        return Err(bad());
    }
    if end {
        match parts.len() {
            1 => y += 1,
            2 if m == 12 => (y, m) = (y + 1, 1),
            2 => m += 1,
            _ if valid(y, m, d + 1) => d += 1,
            _ if m == 12 => (y, m, d) = (y + 1, 1, 1),
            _ => (m, d) = (m + 1, 1),
        }
    }
    Ok(format!("{y:04}-{m:02}-{d:02}T00:00:00Z"))
}

/// The tree with every boost (`word^2`, `(a b)^2`) moved down to leaves of one field each: a
/// plain word under a boost becomes one boosted word per field of `fields`. Scores are the
/// same (a boost multiplies a sum), and every boosted part of the query then reads one field,
/// which the case summary's join needs (`join::join_summary`).
pub fn boosts_on_fields(tree: Ast, fields: &[&str]) -> Ast {
    push_boost(tree, None, fields)
}

fn push_boost(ast: Ast, boost: Option<OrderedFloat<f64>>, fields: &[&str]) -> Ast {
    match ast {
        Ast::Clause(children) => {
            Ast::Clause(children.into_iter().map(|(occur, c)| (occur, push_boost(c, boost, fields))).collect())
        }
        Ast::Boost(inner, b) => push_boost(*inner, Some(boost.map_or(b, |outer| outer * b)), fields),
        Ast::Leaf(leaf) => {
            let Some(b) = boost else { return Ast::Leaf(leaf) };
            match *leaf {
                Leaf::Literal(l) if l.field_name.is_none() && fields.len() > 1 => Ast::Clause(
                    fields
                        .iter()
                        .map(|f| {
                            let one = Literal { field_name: Some(f.to_string()), ..l.clone() };
                            (Some(Occur::Should), Ast::Boost(Box::new(Ast::from(Leaf::Literal(one))), b))
                        })
                        .collect(),
                ),
                other => Ast::Boost(Box::new(Ast::from(other)), b),
            }
        }
    }
}

/// Writes a tree back in the query language: what the "read as" line shows.
fn print(ast: &Ast, out: &mut String, top: bool) {
    match ast {
        Ast::Clause(children) => {
            if !top {
                out.push('(');
            }
            let mut previous: Option<Option<Occur>> = None;
            for (occur, child) in children {
                if let Some(p) = previous {
                    let either = p == Some(Occur::Should) && *occur == Some(Occur::Should);
                    out.push_str(if either { " OR " } else { " " });
                }
                if *occur == Some(Occur::MustNot) {
                    out.push('-');
                }
                print(child, out, false);
                previous = Some(*occur);
            }
            if !top {
                out.push(')');
            }
        }
        Ast::Boost(inner, boost) => {
            print(inner, out, false);
            out.push_str(&format!("^{boost}"));
        }
        Ast::Leaf(leaf) => match leaf.as_ref() {
            Leaf::Literal(l) => {
                if let Some(f) = &l.field_name {
                    out.push_str(f);
                    out.push(':');
                }
                match l.delimiter {
                    Delimiter::DoubleQuotes => out.push_str(&format!("\"{}\"", l.phrase)),
                    Delimiter::SingleQuotes => out.push_str(&format!("'{}'", l.phrase)),
                    Delimiter::None => out.push_str(&l.phrase),
                }
                if l.slop > 0 {
                    out.push_str(&format!("~{}", l.slop));
                } else if l.prefix {
                    out.push('*');
                }
            }
            Leaf::Range { field, lower, upper } => {
                if let Some(f) = field {
                    out.push_str(f);
                    out.push(':');
                }
                match lower {
                    Bound::Inclusive(s) => out.push_str(&format!("[{s}")),
                    Bound::Exclusive(s) => out.push_str(&format!("{{{s}")),
                    Bound::Unbounded => out.push_str("[*"),
                }
                out.push_str(" TO ");
                match upper {
                    Bound::Inclusive(s) => out.push_str(&format!("{s}]")),
                    Bound::Exclusive(s) => out.push_str(&format!("{s}}}")),
                    Bound::Unbounded => out.push_str("*]"),
                }
            }
            Leaf::Set { field, elements } => {
                if let Some(f) = field {
                    out.push_str(f);
                    out.push_str(": ");
                }
                out.push_str(&format!("IN [{}]", elements.join(" ")));
            }
            Leaf::Regex { field, pattern } => {
                if let Some(f) = field {
                    out.push_str(f);
                    out.push(':');
                }
                out.push_str(&format!("/{pattern}/"));
            }
            Leaf::Exists { field } => out.push_str(&format!("{field}:*")),
            Leaf::All => out.push('*'),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(q: &str) -> Reading {
        read(q, None).unwrap()
    }

    /// The tree as the "read as" line writes it.
    fn text(q: &str) -> String {
        let r = exact(q);
        let mut s = String::new();
        if let Some(t) = &r.tree {
            print(t, &mut s, true);
        }
        s
    }

    fn with_names(q: &str) -> String {
        read(q, Some(Vocabulary::builtin())).unwrap().describe()
    }

    #[test]
    fn outcome_words_become_a_filter() {
        let r = exact("L5-S1 fusion upheld");
        assert_eq!(text("L5-S1 fusion upheld"), "L5-S1 fusion");
        assert_eq!(r.outcomes, [Outcome::Upheld]);
        assert_eq!(r.describe(), "L5-S1 fusion + outcome:upheld");
        assert_eq!(exact("denied MRI").outcomes, [Outcome::Upheld]);
        assert_eq!(exact("approved MRI").outcomes, [Outcome::Overturned]);
        assert_eq!(exact("upheld").tree, None);
        assert_eq!(exact("upheld").describe(), "every decision + outcome:upheld");
        assert_eq!(text("fusion AND upheld"), "fusion");
        assert_eq!(text("(upheld) OR fusion"), "fusion");
        assert_eq!(text("(upheld OR overturned) fusion"), "fusion");
        assert_eq!(text("\"upheld\" fusion"), "\"upheld\" fusion", "a quoted word is a word");
        assert_eq!(text("-upheld fusion"), "-upheld fusion", "an excluded word is a word");
        assert_eq!(exact("outcome:overturned MRI").outcomes, []);
        assert!(
            matches!(read("hip AND", None), Err(QueryError::Syntax(_))),
            "a dangling operator is the user's to fix"
        );
    }

    #[test]
    fn levels_are_written_canonically() {
        assert_eq!(text("L5 S1 fusion"), "L5-S1 fusion");
        assert_eq!(text("fusion at L5 to S1"), "fusion at L5-S1");
        assert_eq!(text("\"l4-5 laminectomy\""), "\"L4-L5 laminectomy\"");
        assert_eq!(text("item:l4-5"), "procedure:L4-L5");
        assert!(exact("L5/S1").notes[0].contains("read as L5-S1"));
        assert_eq!(text("L5 2"), "L5 2", "a number alone is not a level");
    }

    #[test]
    fn fields_aliases_and_keyword_values() {
        assert_eq!(text("item:MRI case:cm16-0213037"), "procedure:MRI case_number:CM16-0213037");
        assert_eq!(text("outcome:Upheld sex:Female layout:c"), "outcome:upheld sex:female layout:C");
        assert_eq!(text("outcome:denied"), "outcome:upheld");
        assert_eq!(text("MTUS: chronic"), "MTUS chronic");
        assert_eq!(text("-outcome:upheld knee"), "-outcome:upheld knee");
        assert_eq!(text("specialty:\"Family Practice\""), "specialty:\"Family Practice\"");
        assert_eq!(text("a OR b c"), "a OR b c");
        assert_eq!(text("-(knee OR hip)"), "-(knee OR hip)");
        assert!(!exact("case:CM16-0213037 outcome:upheld").plain_words);
        assert!(exact("case:CM16-0213037 knee").plain_words);
        assert!(exact("\"knee brace\"").plain_words);
        assert!(!exact("upheld").plain_words);
    }

    #[test]
    fn a_diagnosis_is_also_its_condition_key() {
        assert_eq!(text("diagnosis:Radiculopathy"), "diagnosis:Radiculopathy OR condition:radiculopathy");
        assert_eq!(
            text("dx:\"carpal tunnel syndrome\" knee"),
            "(diagnosis:\"carpal tunnel syndrome\" OR condition:\"carpal tunnel syndrome\") knee"
        );
        assert_eq!(text("condition:Strain/Sprain"), "condition:strain/sprain");
    }

    #[test]
    fn date_ranges() {
        assert_eq!(text("date:2016"), "decision_date:[2016-01-01T00:00:00Z TO 2017-01-01T00:00:00Z}");
        assert_eq!(text("date:2016-12..2017-01"), "decision_date:[2016-12-01T00:00:00Z TO 2017-02-01T00:00:00Z}");
        assert_eq!(text("date:2016-12-31"), "decision_date:[2016-12-31T00:00:00Z TO 2017-01-01T00:00:00Z}");
        assert_eq!(text("date:..2016-02-28"), "decision_date:[* TO 2016-02-29T00:00:00Z}");
        assert_eq!(
            text("decision_date:[2016-12-01 TO 2016-12-31]"),
            "decision_date:[2016-12-01T00:00:00Z TO 2017-01-01T00:00:00Z}"
        );
        assert_eq!(text("date:{2016 TO *]"), "decision_date:[2017-01-01T00:00:00Z TO *]");
        assert_eq!(read("date:2016-13", None), Err(QueryError::BadDate("2016-13".into())));
        assert_eq!(read("knee date:[2016-13 TO 2017]", None), Err(QueryError::BadDate("2016-13".into())));
        assert!(read("decision_date:[2012-12-01 TO 2012-12-31]text:z\u{381}", None).is_err());
    }

    #[test]
    fn shape_errors() {
        assert_eq!(read("\"open", None), Err(QueryError::OpenQuote));
        assert_eq!(read("date:[2016 TO", None), Err(QueryError::OpenRange));
        assert_eq!(read(&"a ".repeat(3000), None), Err(QueryError::TooLong(6000)));
        assert_eq!(exact("   ").tree, None);
    }

    #[test]
    fn names_in_the_vocabulary_are_searched_as_every_name_on_their_row() {
        let read_as = with_names("norco");
        assert!(read_as.starts_with("norco OR hydrocodone OR "), "{read_as}");
        assert!(with_names("hydrocodone").contains(" OR Norco"), "{}", with_names("hydrocodone"));
        assert!(with_names("EMG lumbar").starts_with("(EMG OR electromyography"), "{}", with_names("EMG lumbar"));
        // Several words make one name, matched by their indexed forms.
        let esi = with_names("epidural steroid injections L4-5");
        assert!(esi.starts_with("(\"epidural steroid injections\" OR "), "{esi}");
        assert!(esi.ends_with(") L4-L5"), "{esi}");
        // Off for a quoted word, or read exactly; a quoted name of several words is still a name.
        assert_eq!(with_names("\"norco\""), "\"norco\"");
        assert!(with_names("\"epidural steroid injection\"").starts_with("\"epidural steroid injection\" OR ESI"));
        assert_eq!(text("norco"), "norco");
        assert!(with_names("item:norco").starts_with("procedure:norco OR procedure:hydrocodone"));
        // A name that holds a shorter name of its row adds nothing and is not searched.
        let lumbar = with_names("lumbar");
        assert!(lumbar.contains("lumbosacral") && !lumbar.contains("\"lumbar spine\""), "{lumbar}");
        assert!(
            with_names("lumbar spine").starts_with("\"lumbar spine\" OR L-spine OR lumbar OR"),
            "{}",
            with_names("lumbar spine")
        );
        // An outcome word is never a name.
        assert_eq!(with_names("upheld"), "every decision + outcome:upheld");
        let r = read("norco hydrocodone", Some(Vocabulary::builtin())).unwrap();
        assert!(r.words.is_empty(), "names are not spelling candidates: {:?}", r.words);
        assert_eq!(read("acupunture knee", Some(Vocabulary::builtin())).unwrap().words, ["acupunture", "knee"]);
    }

    #[test]
    fn the_vocabulary_adds_a_bounded_number_of_names() {
        let drugs: Vec<String> = Vocabulary::builtin().groups().iter().map(|g| g.names[0].clone()).take(80).collect();
        let q = drugs.join(" OR ");
        let r = read(&q, Some(Vocabulary::builtin())).unwrap();
        let mut names = 0;
        fn count(a: &Ast, n: &mut usize) {
            match a {
                Ast::Clause(c) => c.iter().for_each(|(_, a)| count(a, n)),
                Ast::Boost(a, _) => count(a, n),
                Ast::Leaf(_) => *n += 1,
            }
        }
        count(r.tree.as_ref().unwrap(), &mut names);
        // Each word typed is one leaf at most, and the vocabulary adds its share.
        let typed = q.split_whitespace().filter(|w| *w != "OR").count();
        assert!(names > typed && names <= typed + MAX_ADDED_NAMES, "{names} leaves: {}", r.describe());
        assert!(r.notes.iter().any(|n| n.contains("searched as typed")), "{:?}", r.notes);
    }

    #[test]
    fn a_bare_word_ending_in_a_star_is_a_prefix() {
        let prefix = |q: &str| match exact(q).tree {
            Some(Ast::Leaf(leaf)) => match *leaf {
                Leaf::Literal(l) => (l.phrase, l.prefix),
                other => panic!("{q}: {other:?}"),
            },
            other => panic!("{q}: {other:?}"),
        };
        assert_eq!(prefix("fus*"), ("fus".to_string(), true));
        assert_eq!(prefix("item:fus**"), ("fus".to_string(), true));
        assert_eq!(prefix("\"lumbar fus\"*"), ("lumbar fus".to_string(), true));
        assert_eq!(prefix("fusion"), ("fusion".to_string(), false));
        assert_eq!(prefix("fu*on"), ("fu*on".to_string(), false));
        assert_eq!(text("fus* -lumb* upheld"), "fus* -lumb*");
        // A prefix is not a name of the vocabulary.
        assert_eq!(with_names("norco*"), "norco*");
    }
}
