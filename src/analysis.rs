//! Text analysis for the index and for queries (one analyzer, used at both ends; the index's
//! also adds phrase keys, see `src/phrases.rs`).
//!
//! `ImrTokenizer` splits like tantivy's `SimpleTokenizer` (runs of letters and digits), but
//! keeps domain codes whole: spinal levels become one canonical token (`L5/S1`, `L5 S1` and
//! `L5–S1` all become `l5-s1`; `L4-5` becomes `l4-l5`), a range also yields the levels it spans
//! at the same position (`L4-S1` -> `l4-s1`, `l4-l5`, `l5-s1`), and case numbers stay one
//! token (`cm16-0213037`). Tokens of 40 bytes or more are dropped, the rest are lower-cased and
//! (for prose) reduced to their English stem, all in the tokenizer itself: that gives the
//! tokens tantivy's `RemoveLongFilter`, `LowerCaser` and `Stemmer` would, but each token's
//! text is written into one reused buffer and stems come from a per-thread cache, because
//! indexing spends more time stemming than doing anything else otherwise.

use crate::letter::levels;
use std::cell::RefCell;
use std::collections::HashMap;
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Prose: domain tokens, lower case, English stems.
pub const IMR_EN: &str = "imr_en";
/// Names (specialty, licensure): domain tokens, lower case, no stemming.
pub const IMR_PLAIN: &str = "imr_plain";

/// Tokens this long (in bytes) or longer are not indexed (as tantivy's `RemoveLongFilter`).
const MAX_TOKEN_BYTES: usize = 40;

pub fn imr_en() -> TextAnalyzer {
    TextAnalyzer::from(ImrTokenizer { stem: true })
}

pub fn imr_plain() -> TextAnalyzer {
    TextAnalyzer::from(ImrTokenizer { stem: false })
}

#[derive(Clone, Default)]
pub struct ImrTokenizer {
    /// Reduce words to their English stem.
    pub stem: bool,
}

/// A special span (a spinal level or a case number) and its token texts, all at one position.
type Special = (usize, usize, Vec<String>);

pub struct ImrTokenStream<'a> {
    text: &'a str,
    stem: bool,
    specials: std::vec::IntoIter<Special>,
    /// The next special span not yet reached.
    upcoming: Option<Special>,
    /// Token texts of the special span being emitted, last first.
    pending: Vec<String>,
    /// The special span being emitted.
    span: (usize, usize),
    /// Where the scan for words goes on.
    at: usize,
    position: usize,
    token: Token,
}

impl Tokenizer for ImrTokenizer {
    type TokenStream<'a> = ImrTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ImrTokenStream<'a> {
        let mut specials = specials(text).into_iter();
        let upcoming = specials.next();
        ImrTokenStream {
            text,
            stem: self.stem,
            specials,
            upcoming,
            pending: Vec::new(),
            span: (0, 0),
            at: 0,
            position: 0,
            token: Token::default(),
        }
    }
}

impl ImrTokenStream<'_> {
    /// Makes the current token `word` at `from..to`, normalised, at the next position.
    /// Returns false (the position is still used) when the word is too long to index.
    fn emit(&mut self, from: usize, to: usize, word: &str, advance: bool) -> bool {
        let position = self.position;
        if advance {
            self.position += 1;
        }
        if word.len() >= MAX_TOKEN_BYTES {
            return false;
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
        normalise(word, self.stem, &mut self.token.text);
        true
    }
}

impl TokenStream for ImrTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(t) = self.pending.pop() {
                // All texts of a special span share its position.
                let last = self.pending.is_empty();
                if self.emit(self.span.0, self.span.1, &t, last) {
                    return true;
                }
                continue;
            }
            let end = self.upcoming.as_ref().map_or(self.text.len(), |s| s.0);
            if let Some((from, to)) = next_word(self.text, self.at, end) {
                self.at = to;
                if self.emit(from, to, &self.text[from..to], true) {
                    return true;
                }
                continue;
            }
            let Some((s, e, mut texts)) = self.upcoming.take() else { return false };
            self.upcoming = self.specials.next();
            self.at = e;
            self.span = (s, e);
            texts.reverse();
            self.pending = texts;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The first run of letters and digits in `text[from..to]`, as `SimpleTokenizer` splits.
fn next_word(text: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut start = None;
    while i < to {
        let b = bytes[i];
        let (alnum, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().expect("a char starts here");
            (c.is_alphanumeric(), c.len_utf8())
        };
        match (alnum, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => return Some((s, i)),
            _ => {}
        }
        i += len;
    }
    start.map(|s| (s, to))
}

/// `word` lower-cased (as tantivy's `LowerCaser`) and, with `stem`, stemmed, into `out`.
fn normalise(word: &str, stem: bool, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    if stem {
        STEMS.with(|cache| cache.borrow_mut().stem(out));
    }
}

/// Recently seen words and their stems, per thread.
struct StemCache {
    stems: HashMap<String, String, crate::quickhash::Quick>,
    stemmer: TextAnalyzer,
}

/// Words kept in a thread's cache before it starts afresh (a few MB).
const STEM_CACHE_WORDS: usize = 100_000;

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache {
        stems: HashMap::default(),
        stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build(),
    });
}

impl StemCache {
    /// Replaces the lower-case `word` with its stem.
    fn stem(&mut self, word: &mut String) {
        if let Some(s) = self.stems.get(word.as_str()) {
            word.clear();
            word.push_str(s);
            return;
        }
        let mut stem = None;
        self.stemmer.token_stream(word).process(&mut |t: &Token| stem = Some(t.text.clone()));
        let stem = stem.unwrap_or_else(|| word.clone());
        if self.stems.len() >= STEM_CACHE_WORDS {
            self.stems.clear();
        }
        self.stems.insert(std::mem::replace(word, stem.clone()), stem);
    }
}

/// Special spans (spinal levels, case numbers) in order; of overlapping spans the first wins.
fn specials(text: &str) -> Vec<Special> {
    let mut specials: Vec<Special> = levels::find(text)
        .into_iter()
        .map(|l| {
            let mut texts = vec![l.canonical().to_lowercase()];
            texts.extend(l.spanned().into_iter().map(|s| s.to_lowercase()));
            (l.start, l.end, texts)
        })
        .collect();
    specials.extend(case_numbers(text).into_iter().map(|(s, e)| (s, e, vec![text[s..e].to_lowercase()])));
    specials.sort_by_key(|s| s.0);
    let mut covered = 0;
    specials.retain(|s| {
        let keep = s.0 >= covered;
        if keep {
            covered = s.1;
        }
        keep
    });
    specials
}

/// Byte spans of case numbers (`CM16-0213037`).
fn case_numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 12 <= b.len() {
        let w = &b[i..i + 12];
        let boundary_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let boundary_after = i + 12 == b.len() || !b[i + 12].is_ascii_alphanumeric();
        if boundary_before
            && boundary_after
            && w[0].eq_ignore_ascii_case(&b'C')
            && w[1].eq_ignore_ascii_case(&b'M')
            && w[2..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[5..].iter().all(u8::is_ascii_digit)
        {
            out.push((i, i + 12));
            i += 12;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        analyzer.token_stream(text).process(&mut |t: &Token| out.push((t.position, t.text.clone())));
        out
    }

    fn words(text: &str) -> Vec<String> {
        terms(&mut imr_en(), text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn every_level_spelling_gives_one_token() {
        for s in ["L5-S1", "L5/S1", "L5\u{2013}S1", "L5 S1", "l5-s1", "S1-L5"] {
            assert_eq!(words(&format!("{s} fusion")), ["l5-s1", "fusion"], "{s}");
        }
        assert_eq!(words("L4-5"), words("L4-L5"));
        assert_eq!(words("C5-6"), words("C5-C6"));
        assert_eq!(words("C5-6"), ["c5-c6"]);
    }

    #[test]
    fn a_range_yields_the_levels_it_spans_at_one_position() {
        assert_eq!(
            terms(&mut imr_en(), "an L4-S1 fusion"),
            [(0, "an".into()), (1, "l4-s1".into()), (1, "l4-l5".into()), (1, "l5-s1".into()), (2, "fusion".into())]
        );
    }

    #[test]
    fn case_numbers_stay_whole_and_prose_is_stemmed() {
        assert_eq!(words("Case CM16-0213037: injections herniated"), ["case", "cm16-0213037", "inject", "herniat"]);
        assert_eq!(
            terms(&mut imr_plain(), "Physical Medicine & Rehabilitation"),
            [(0, "physical".into()), (1, "medicine".into()), (2, "rehabilitation".into())]
        );
    }

    #[test]
    fn plain_prose_gives_the_tokens_of_tantivys_own_filters() {
        use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer};
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "The Injured Worker's ÉPAULE hurts; requested: Norco 10/325mg #90, \
                    physiotherapy sessions were authorized\u{2014}not medically necessary. \
                    Pneumonoultramicroscopicsilicovolcanoconiosisxxxxxxxxxx follows ΣΊΣΥΦΟΣ straße";
        for _ in 0..2 {
            // twice: the second time the stems come from the cache
            assert_eq!(terms(&mut imr_en(), text), terms(&mut reference, text));
        }
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "pain at L5 S1, caf\u{e9}";
        let mut spans = Vec::new();
        imr_en().token_stream(text).process(&mut |t: &Token| spans.push(&text[t.offset_from..t.offset_to]));
        assert_eq!(spans, ["pain", "at", "L5 S1", "caf\u{e9}"]);
    }
}
