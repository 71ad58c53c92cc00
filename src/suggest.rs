//! Spelling suggestions: a query word that matches no decision, or far fewer than a word one
//! or two edits away in the index's own term dictionary, gets that word suggested, with the
//! number of decisions the query would then match. The query itself is never changed.
//!
//! The dictionary holds stems (`acupunctur`), so neighbours are looked for two ways: stems
//! within one or two edits of the word's stem (errors inside the stem), and the stems of the
//! word's single edits (`physcial` -> `physical` -> `physic`, errors in the ending). A stem is
//! shown as the user's word with its stem replaced (`acupunture` -> `acupuncture`).

use crate::schema;
use crate::search::{self, Plan, SearchError};
use crate::store::Store;
use crate::vocabulary::key;
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::Count;
use tantivy::{Searcher, Term};

/// A word of the query and what it may have meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The word as typed.
    pub word: String,
    /// The word suggested instead.
    pub instead: String,
    /// The query with the word replaced, in the user's own words.
    pub query: String,
    /// How many decisions that query matches.
    pub decisions: usize,
}

/// Fields whose words count (the item, its diagnosis, rationale and the case summary).
const FIELDS: [&str; 4] = [schema::PROCEDURE, schema::DIAGNOSIS, schema::RATIONALE, schema::SUMMARY];

/// A word matching more decisions than this is not checked.
const RARE: u64 = 5;
/// A neighbour must match this many times more decisions than the word.
const FACTOR: u64 = 10;
/// Words checked per query.
const MAX_WORDS: usize = 5;

/// One Levenshtein automaton, built once per word and shared by every dictionary searched.
struct Automaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for Automaton<'_> {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// How many decisions have `stem` in one field at least (the most of any one field; in the
/// case summary, indexed once per letter, how many letters).
fn frequency(store: &Store, searcher: &Searcher, stem: &str) -> u64 {
    let schema = store.index.schema();
    FIELDS
        .iter()
        .filter_map(|f| schema.get_field(f).ok())
        .map(|f| searcher.doc_freq(&Term::from_field_text(f, stem)).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

/// Stems one or two edits from `stem` in the dictionaries of the fields.
fn near_stems(store: &Store, searcher: &Searcher, stem: &str) -> Vec<(String, u8)> {
    let edits = if stem.chars().count() >= 7 { 2 } else { 1 };
    let dfa = LevenshteinAutomatonBuilder::new(edits, true).build_dfa(stem);
    let schema = store.index.schema();
    let mut out: HashMap<String, u8> = HashMap::new();
    for field in FIELDS.iter().filter_map(|f| schema.get_field(f).ok()) {
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else { continue };
            let Ok(mut stream) = inverted.terms().search(Automaton(&dfa)).into_stream() else { continue };
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                if term == stem || term.starts_with(crate::phrases::KEY_MARK) {
                    continue;
                }
                if let Distance::Exact(d) = dfa.eval(term) {
                    out.entry(term.to_string()).or_insert(d);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Every word one edit from `word` (letters a-z only).
fn single_edits(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let at = |i: usize, j: usize| chars[i..j].iter().collect::<String>();
    for i in 0..=chars.len() {
        let (head, tail) = (at(0, i), at(i, chars.len()));
        if i < chars.len() {
            out.push(format!("{head}{}", at(i + 1, chars.len())));
            for c in 'a'..='z' {
                if c != chars[i] {
                    out.push(format!("{head}{c}{}", at(i + 1, chars.len())));
                }
            }
        }
        if i + 1 < chars.len() {
            out.push(format!("{head}{}{}{}", chars[i + 1], chars[i], at(i + 2, chars.len())));
        }
        for c in 'a'..='z' {
            out.push(format!("{head}{c}{tail}"));
        }
    }
    out
}

/// The best neighbour of `word`: (word to show, its stem, its frequency), if one is far
/// more frequent than the word.
fn neighbour(store: &Store, searcher: &Searcher, word: &str) -> Option<(String, u64)> {
    let lower = word.to_lowercase();
    if lower.chars().count() < 4 || !lower.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let stem = match key(&lower).as_slice() {
        [s] => s.clone(),
        _ => return None,
    };
    let own = frequency(store, searcher, &stem);
    if own > RARE {
        return None;
    }
    // stem -> (edits, word to show)
    let mut found: HashMap<String, (u8, String)> = HashMap::new();
    for (near, edits) in near_stems(store, searcher, &stem) {
        // The user's word with its stem replaced, when the stem begins it.
        let shown = match lower.strip_prefix(stem.as_str()) {
            Some(ending) if key(&format!("{near}{ending}")) == [near.clone()] => format!("{near}{ending}"),
            _ => near.clone(),
        };
        found.insert(near, (edits, shown));
    }
    for edit in single_edits(&lower) {
        if let [near] = key(&edit).as_slice() {
            if *near != stem {
                let e = found.entry(near.clone()).or_insert((1, edit.clone()));
                if e.0 > 1 {
                    *e = (1, edit.clone());
                }
            }
        }
    }
    let mut best: Option<(u8, u64, String)> = None;
    for (near, (edits, shown)) in found {
        let f = frequency(store, searcher, &near);
        if f == 0 || f < FACTOR * own {
            continue;
        }
        let better = match &best {
            None => true,
            Some((e, bf, s)) => (edits, std::cmp::Reverse(f), &shown) < (*e, std::cmp::Reverse(*bf), s),
        };
        if better {
            best = Some((edits, f, shown));
        }
    }
    best.map(|(_, f, shown)| (shown, f))
}

/// `raw` with the first whole-word `word` replaced by `instead`.
fn replaced(raw: &str, word: &str, instead: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric();
    let mut from = 0;
    while let Some(k) = raw[from..].find(word) {
        let start = from + k;
        let end = start + word.len();
        let before = raw[..start].chars().next_back().is_none_or(|c| !is_word(c));
        let after = raw[end..].chars().next().is_none_or(|c| !is_word(c));
        if before && after {
            return format!("{}{instead}{}", &raw[..start], &raw[end..]);
        }
        from = end;
    }
    raw.to_string()
}

/// Suggestions for the plain words of a planned query (none when every word is common).
pub fn suggest(
    store: &Store,
    searcher: &Searcher,
    plan: &Plan,
    raw: &str,
    anywhere: bool,
    filters: &[crate::facets::Filter],
) -> Result<Vec<Suggestion>, SearchError> {
    let mut out = Vec::new();
    for word in plan.reading.words.iter().take(MAX_WORDS) {
        let Some((instead, _)) = neighbour(store, searcher, word) else { continue };
        let Some(tree) = plan.reading.with_word(word, &instead) else { continue };
        let reading = crate::query::Reading { tree: Some(tree), ..plan.reading.clone() };
        let other = search::plan_reading(store, searcher, reading, raw, anywhere, filters)?;
        let decisions = searcher.search(&*other.query, &Count)?;
        if decisions > 0 {
            out.push(Suggestion { word: word.clone(), query: replaced(raw, word, &instead), instead, decisions });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_edits_include_the_transposition() {
        let e = single_edits("physcial");
        assert!(e.contains(&"physical".to_string()));
        assert!(e.contains(&"physcal".to_string()));
        assert!(e.contains(&"physcials".to_string()));
        assert!(!e.contains(&"phisical".to_string()), "two edits away");
    }

    #[test]
    fn a_phrase_key_is_never_a_near_word() {
        // "acjoint" is two edits from the key of "AC joint" (its mark and a space).
        let store = Store::in_ram();
        let mut writer = store.writer(50 << 20).unwrap();
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(store.fields.procedure, "AC joint injection");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = store.reader().unwrap().searcher();
        let key = crate::phrases::Phrases::builtin().find("AC joint").unwrap().1.to_string();
        let term = Term::from_field_text(store.fields.procedure, &key);
        assert_eq!(searcher.doc_freq(&term).unwrap(), 1, "the key is in the index");
        let near = near_stems(&store, &searcher, "acjoint");
        assert!(near.iter().all(|(w, _)| !w.starts_with(crate::phrases::KEY_MARK)), "{near:?}");
    }

    #[test]
    fn a_word_is_replaced_whole() {
        assert_eq!(replaced("acupunture knee", "acupunture", "acupuncture"), "acupuncture knee");
        assert_eq!(replaced("kneex knee", "knee", "hip"), "kneex hip");
        assert_eq!(replaced("nothing here", "knee", "hip"), "nothing here");
    }
}
