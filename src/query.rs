//! PURE query reading: what the user typed -> the text tantivy's query parser gets, an outcome
//! filter, and notes that say how the query was read.
//!
//! - Spinal levels are written canonically (`L5 S1` -> `L5-S1`) so every spelling meets the
//!   index's single token.
//! - Plain outcome words become a filter on the item's own outcome: `upheld`, `denied` ->
//!   upheld; `overturned`, `approved` -> overturned.
//! - Field aliases (`item:`, `case:`, `date:`, `state:`) map to schema fields; a `word:` that is
//!   no field is searched as a word (letters are full of `Diagnosis:`).
//! - Keyword values are normalised (`outcome:Upheld` -> `outcome:upheld`), and dates and date
//!   ranges on the decision date become RFC 3339 ranges (`date:2016-12..2017-01`).

use crate::letter::{levels, Outcome};
use crate::schema;
use thiserror::Error;

/// Longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 4000;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("the query is {0} characters long; the limit is {MAX_QUERY_CHARS}")]
    TooLong(usize),
    #[error("a quote is not closed")]
    OpenQuote,
    #[error("a range is not closed: {0}")]
    OpenRange(String),
    #[error("bad date {0:?}: write YYYY, YYYY-MM or YYYY-MM-DD")]
    BadDate(String),
}

/// The query as read.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Text for tantivy's query parser; empty means every decision.
    pub text: String,
    /// Keep only decisions with one of these outcomes (empty: no filter).
    pub outcomes: Vec<Outcome>,
    /// How the query was read, for the user.
    pub notes: Vec<String>,
    /// True when some word or phrase names no field (so the item-first scope applies).
    pub plain_words: bool,
}

impl Reading {
    /// How the query was read, in the words the output uses: `L5-S1 fusion + outcome:upheld`.
    pub fn describe(&self) -> String {
        let mut s = if self.text.is_empty() { "every decision".to_string() } else { self.text.clone() };
        if !self.outcomes.is_empty() {
            let o: Vec<&str> = self.outcomes.iter().map(|o| o.as_str()).collect();
            s.push_str(&format!(" + outcome:{}", o.join("|")));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    /// A word, a `field:value`, a quoted phrase (with its `~N`), or `field:[a TO b]`.
    Word(String),
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
        _ => return None,
    })
}

fn lex(q: &str) -> Result<Vec<Tok>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else {
            let start = i;
            let mut in_quote = false;
            let mut close_range: Option<char> = None;
            while i < chars.len() {
                let c = chars[i];
                if in_quote {
                    in_quote = c != '"';
                } else if let Some(close) = close_range {
                    if c == close {
                        close_range = None;
                    }
                } else if c == '"' {
                    in_quote = true;
                } else if (c == '[' || c == '{') && i > start && chars[i - 1] == ':' {
                    close_range = Some(if c == '[' { ']' } else { '}' });
                } else if c.is_whitespace() || c == '(' || c == ')' {
                    break;
                }
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if in_quote {
                return Err(QueryError::OpenQuote);
            }
            if close_range.is_some() {
                return Err(QueryError::OpenRange(word));
            }
            out.push(Tok::Word(word));
        }
    }
    Ok(out)
}

/// Reads a query. Errors are about the query's shape; tantivy's parser checks the rest.
pub fn read(raw: &str) -> Result<Reading, QueryError> {
    let n = raw.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong(n));
    }
    let mut notes = Vec::new();
    let normalised = levels::normalise(raw);
    for l in levels::find(raw) {
        let written = &raw[l.start..l.end];
        if written != l.canonical() {
            notes.push(format!("{written:?} read as {}", l.canonical()));
        }
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut toks: Vec<Tok> = Vec::new();
    for t in lex(&normalised)? {
        let Tok::Word(w) = t else {
            toks.push(t);
            continue;
        };
        if let Some(o) = outcome_word(&w) {
            if !outcomes.contains(&o) {
                outcomes.push(o);
            }
            notes.push(format!("{w:?} read as the filter outcome:{o}"));
            continue;
        }
        toks.push(Tok::Word(rewrite_word(&w, &mut notes)?));
    }
    // Removing outcome words may leave `AND` or `()` dangling; the user's own syntax is left
    // for the query parser to judge.
    let toks = if outcomes.is_empty() { toks } else { tidy(toks) };
    let plain_words = toks.iter().any(|t| match t {
        Tok::Word(w) => {
            let w = w.trim_start_matches(['+', '-']);
            !matches!(w, "AND" | "OR" | "NOT") && !is_fielded(w)
        }
        _ => false,
    });
    Ok(Reading { text: join(&toks), outcomes, notes, plain_words })
}

/// `name:value` where `name` is a schema field (after alias rewriting).
fn is_fielded(w: &str) -> bool {
    w.find(':').is_some_and(|k| k > 0 && !w[..k].contains('"') && alias(&w[..k]).is_some())
}

/// One word: field aliases, keyword values, date ranges.
fn rewrite_word(w: &str, notes: &mut Vec<String>) -> Result<String, QueryError> {
    let (sign, body) = match w.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &w[1..]),
        _ => (String::new(), w),
    };
    let Some(colon) = body.find(':').filter(|&k| k > 0 && !body[..k].contains('"')) else {
        return Ok(w.to_string());
    };
    let (name, value) = (&body[..colon], &body[colon + 1..]);
    let Some(field) = alias(name) else {
        notes.push(format!("{name:?} is not a field: searched as a word"));
        return Ok(format!("{sign}{name} {value}").trim().to_string());
    };
    if field != name {
        notes.push(format!("{name}: read as {field}:"));
    }
    let value = match field {
        schema::OUTCOME => {
            let v = value.trim_matches('"');
            match outcome_word(v) {
                Some(o) => o.as_str().to_string(),
                None => v.to_lowercase(),
            }
        }
        schema::SEX => value.trim_matches('"').to_lowercase(),
        schema::LAYOUT => {
            let v = value.trim_matches('"');
            if v.eq_ignore_ascii_case("unknown") {
                "unknown".to_string()
            } else {
                v.to_uppercase()
            }
        }
        schema::CASE_NUMBER => value.to_uppercase(),
        schema::DECISION_DATE => date_value(value)?,
        _ => value.to_string(),
    };
    Ok(format!("{sign}{field}:{value}"))
}

/// `2016`, `2016-12`, `2016-12-09`, `A..B` (either side may be empty) or `[A TO B]` -> an
/// RFC 3339 range on whole days, months or years.
fn date_value(v: &str) -> Result<String, QueryError> {
    if let Some(inner) = v.strip_prefix(['[', '{']) {
        let open = &v[..1];
        // A range ends with its bracket; anything after it is not a date.
        let Some(inner) = inner.strip_suffix([']', '}']) else {
            return Err(QueryError::BadDate(v.to_string()));
        };
        let close = &v[v.len() - 1..];
        let parts: Vec<&str> = inner.split(" TO ").map(str::trim).collect();
        if parts.len() != 2 {
            return Ok(v.to_string());
        }
        let from = if parts[0] == "*" { "*".to_string() } else { bound(parts[0], false)? };
        let to = if parts[1] == "*" {
            "*".to_string()
        } else if close == "]" {
            bound(parts[1], true)?
        } else {
            bound(parts[1], false)?
        };
        let close = if close == "]" && parts[1] != "*" { "}" } else { close };
        return Ok(format!("{open}{from} TO {to}{close}"));
    }
    let (a, b) = match v.split_once("..") {
        Some((a, b)) => (a, b),
        None => (v, v),
    };
    let from = if a.is_empty() { "*".to_string() } else { bound(a, false)? };
    let to = if b.is_empty() { "*".to_string() } else { bound(b, true)? };
    Ok(format!("[{from} TO {to}}}"))
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

fn is_op(t: &Tok) -> bool {
    matches!(t, Tok::Word(w) if w == "AND" || w == "OR")
}

/// Drops operators left dangling by removed words (`fusion AND upheld` -> `fusion`) and
/// empty groups.
fn tidy(mut toks: Vec<Tok>) -> Vec<Tok> {
    loop {
        let before = toks.len();
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        for (k, t) in toks.iter().enumerate() {
            let prev = out.last();
            let next = toks.get(k + 1);
            let dangling = is_op(t)
                && (prev.is_none()
                    || prev.is_some_and(|p| is_op(p) || *p == Tok::Open)
                    || next.is_none()
                    || next == Some(&Tok::Close));
            if dangling {
                continue;
            }
            if *t == Tok::Close && prev == Some(&Tok::Open) {
                out.pop();
                continue;
            }
            out.push(t.clone());
        }
        toks = out;
        if toks.len() == before {
            return toks;
        }
    }
}

fn join(toks: &[Tok]) -> String {
    let mut s = String::new();
    for t in toks {
        if !s.is_empty() {
            s.push(' ');
        }
        match t {
            Tok::Open => s.push('('),
            Tok::Close => s.push(')'),
            Tok::Word(w) => s.push_str(w),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(q: &str) -> String {
        read(q).unwrap().text
    }

    #[test]
    fn outcome_words_become_a_filter() {
        let r = read("L5-S1 fusion upheld").unwrap();
        assert_eq!(r.text, "L5-S1 fusion");
        assert_eq!(r.outcomes, [Outcome::Upheld]);
        assert_eq!(read("denied MRI").unwrap().outcomes, [Outcome::Upheld]);
        assert_eq!(read("approved MRI").unwrap().outcomes, [Outcome::Overturned]);
        assert_eq!(read("upheld").unwrap().text, "");
        assert_eq!(text("fusion AND upheld"), "fusion");
        assert_eq!(text("(upheld) OR fusion"), "fusion");
        assert_eq!(text("\"upheld\" fusion"), "\"upheld\" fusion", "a quoted word is a word");
        assert_eq!(read("outcome:overturned MRI").unwrap().outcomes, []);
        assert_eq!(text("hip AND"), "hip AND", "the user's own dangling operator is kept for the parser to reject");
    }

    #[test]
    fn levels_are_written_canonically() {
        assert_eq!(text("L5 S1 fusion"), "L5-S1 fusion");
        assert_eq!(text("\"l4-5 laminectomy\""), "\"L4-L5 laminectomy\"");
        assert!(read("L5/S1").unwrap().notes[0].contains("read as L5-S1"));
    }

    #[test]
    fn fields_aliases_and_keyword_values() {
        assert_eq!(text("item:MRI case:cm16-0213037"), "procedure:MRI case_number:CM16-0213037");
        assert_eq!(text("outcome:Upheld sex:Female layout:c"), "outcome:upheld sex:female layout:C");
        assert_eq!(text("outcome:denied"), "outcome:upheld");
        assert_eq!(text("MTUS: chronic"), "MTUS chronic");
        assert_eq!(text("-outcome:upheld knee"), "-outcome:upheld knee");
        assert_eq!(text("specialty:\"Family Practice\""), "specialty:\"Family Practice\"");
        assert!(!read("case:CM16-0213037 outcome:upheld").unwrap().plain_words);
        assert!(read("case:CM16-0213037 knee").unwrap().plain_words);
        assert!(read("\"knee brace\"").unwrap().plain_words);
        assert!(!read("upheld").unwrap().plain_words);
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
        assert_eq!(read("date:2016-13"), Err(QueryError::BadDate("2016-13".into())));
        // Found by the fuzzer: text after the closing bracket, ending in a two-byte character.
        assert!(matches!(read("decision_date:[2012-12-01 TO 2012-12-31]text:z\u{381}"), Err(QueryError::BadDate(_))));
    }

    #[test]
    fn shape_errors() {
        assert_eq!(read("\"open"), Err(QueryError::OpenQuote));
        assert!(matches!(read("date:[2016 TO"), Err(QueryError::OpenRange(_))));
        assert_eq!(read(&"a ".repeat(3000)), Err(QueryError::TooLong(6000)));
    }
}
