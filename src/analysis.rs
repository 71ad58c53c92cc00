//! Text analysis for the index and for queries (one analyzer, used at both ends).
//!
//! `ImrTokenizer` splits like tantivy's `SimpleTokenizer` (runs of letters and digits), but
//! keeps domain codes whole: spinal levels become one canonical token (`L5/S1`, `L5 S1` and
//! `L5–S1` all become `l5-s1`; `L4-5` becomes `l4-l5`), a range also yields the levels it spans
//! at the same position (`L4-S1` -> `l4-s1`, `l4-l5`, `l5-s1`), and case numbers stay one
//! token (`cm16-0213037`). Lower-casing and English stemming follow as filters.

use crate::letter::levels;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Prose: domain tokens, lower case, English stems.
pub const IMR_EN: &str = "imr_en";
/// Names (specialty, licensure): domain tokens, lower case, no stemming.
pub const IMR_PLAIN: &str = "imr_plain";

pub fn imr_en() -> TextAnalyzer {
    TextAnalyzer::builder(ImrTokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn imr_plain() -> TextAnalyzer {
    TextAnalyzer::builder(ImrTokenizer).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
}

#[derive(Clone, Default)]
pub struct ImrTokenizer;

pub struct ImrTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ImrTokenizer {
    type TokenStream<'a> = ImrTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ImrTokenStream {
        ImrTokenStream { tokens: tokenize(text), next: 0 }
    }
}

impl TokenStream for ImrTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The tokens of `text`, special spans first, words between them.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut specials: Vec<(usize, usize, Vec<String>)> = levels::find(text)
        .into_iter()
        .map(|l| {
            let mut texts = vec![l.canonical().to_lowercase()];
            texts.extend(l.spanned().into_iter().map(|s| s.to_lowercase()));
            (l.start, l.end, texts)
        })
        .collect();
    specials.extend(case_numbers(text).into_iter().map(|(s, e)| (s, e, vec![text[s..e].to_lowercase()])));
    specials.sort_by_key(|s| s.0);

    let mut b = Builder { tokens: Vec::new(), position: 0 };
    let mut at = 0;
    for (s, e, texts) in specials {
        if s < at {
            continue; // overlapping spans: the first wins
        }
        b.words(text, at, s);
        let n = texts.len();
        for (k, t) in texts.into_iter().enumerate() {
            b.push(s, e, t, k + 1 == n);
        }
        at = e;
    }
    b.words(text, at, text.len());
    b.tokens
}

struct Builder {
    tokens: Vec<Token>,
    position: usize,
}

impl Builder {
    fn push(&mut self, offset_from: usize, offset_to: usize, text: String, advance: bool) {
        self.tokens.push(Token { offset_from, offset_to, position: self.position, text, position_length: 1 });
        if advance {
            self.position += 1;
        }
    }

    /// Runs of letters and digits in `text[from..to]`, as `SimpleTokenizer` splits them.
    fn words(&mut self, text: &str, from: usize, to: usize) {
        let slice = &text[from..to];
        let mut start = None;
        for (i, c) in slice.char_indices().chain(std::iter::once((slice.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    self.push(from + s, from + i, slice[s..i].to_string(), true);
                    start = None;
                }
                _ => {}
            }
        }
    }
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
    fn offsets_point_at_the_original_text() {
        let text = "pain at L5 S1, caf\u{e9}";
        let toks = tokenize(text);
        let spans: Vec<&str> = toks.iter().map(|t| &text[t.offset_from..t.offset_to]).collect();
        assert_eq!(spans, ["pain", "at", "L5 S1", "caf\u{e9}"]);
    }
}
