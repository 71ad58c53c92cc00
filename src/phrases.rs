//! Phrase keys: the vocabulary's names of several words, found in one term where they occur.
//!
//! A phrase query reads the positions of each of its words in every decision that has them
//! all: `"Chronic Pain Medical Treatment Guidelines"` has its five words in 122,379 decisions
//! of 100,000 generated letters, and 71,250 of them hold the phrase. The names of two or more
//! words in the built-in vocabulary (`Official Disability Guidelines`, which `ODG` expands to;
//! `functional restoration program`; `physical therapy`) are the phrases users and the
//! vocabulary ask for most. So the indexing analyzer adds one more token, the phrase's key,
//! where each occurrence starts, and [`KeyedPhrase`] answers the phrase from the key's
//! postings alone.
//!
//! Exact by construction:
//! - a key is added at position `p` when, for every `i`, the phrase's `i`-th word is a token
//!   at `p + i`: which is when tantivy's phrase query matches at `p`;
//! - the key's frequency in a document is the phrase query's phrase count, and
//!   [`KeyedPhrase`] scores it with the phrase's BM25 weight (the sum of its words' idf) and
//!   the field's norm, so it gives each document the score the phrase query gives;
//! - keys are in the index's field norms like any token, so both queries read the same norms.
//!
//! Keys begin with [`KEY_MARK`], which no analyzed word holds, so no word, prefix or spelling
//! suggestion meets one. Queries are analyzed without keys ([`crate::analysis::imr_en`]); the
//! phrases are the schema's: changing them changes [`fingerprint`], which a test pins beside
//! `SCHEMA_VERSION`, since an index built with other phrases lacks their keys.

use crate::analysis::{self, ImrTokenizer};
use crate::quickhash::Quick;
use crate::vocabulary::Vocabulary;
use std::collections::HashMap;
use std::sync::LazyLock;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError};

/// The first char of every key.
pub const KEY_MARK: char = '\u{1}';

/// The phrases with keys: each a list of two or more analyzed words, one per position.
pub struct Phrases {
    /// Each phrase's analyzed words, and its key.
    texts: Vec<(Vec<String>, String)>,
    /// Analyzed words -> phrase.
    by_words: HashMap<Vec<String>, u32>,
    /// A phrase's first word -> the phrases starting with it.
    by_first: HashMap<String, Vec<u32>, Quick>,
    /// One bit for each first word's [`gate`]: a word whose bit is clear starts no phrase,
    /// which rules out most words of a text without a hash lookup.
    gates: Vec<u64>,
}

/// Bits in [`Phrases::gates`].
const GATE_BITS: usize = 1 << 16;

/// A word's bit in [`Phrases::gates`], from its length and first two bytes.
fn gate(word: &str) -> usize {
    let b = word.as_bytes();
    let h = u32::from(b.first().copied().unwrap_or(0))
        | u32::from(b.get(1).copied().unwrap_or(0)) << 8
        | (b.len().min(255) as u32) << 16;
    (h.wrapping_mul(0x9E37_79B1) >> 16) as usize % GATE_BITS
}

/// `text`'s analyzed words when there is one token at each position from 0 on, else none.
fn plain_words(text: &str) -> Option<Vec<String>> {
    let mut analyzer = analysis::imr_en();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        if token.position != out.len() {
            return None;
        }
        out.push(token.text.clone());
    }
    Some(out)
}

impl Phrases {
    /// The names of two or more words of the built-in vocabulary.
    pub fn builtin() -> &'static Phrases {
        static BUILTIN: LazyLock<Phrases> = LazyLock::new(|| {
            Phrases::new(Vocabulary::builtin().groups().iter().flat_map(|g| g.names.iter().map(String::as_str)))
        });
        &BUILTIN
    }

    /// The phrases among `names` (names of one word, or whose words share a position, have
    /// none).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Phrases {
        let mut p = Phrases {
            texts: Vec::new(),
            by_words: HashMap::new(),
            by_first: HashMap::default(),
            gates: vec![0; GATE_BITS / 64],
        };
        for name in names {
            let Some(words) = plain_words(name).filter(|w| w.len() >= 2) else { continue };
            if p.by_words.contains_key(&words) {
                continue;
            }
            let n = u32::try_from(p.texts.len()).expect("fewer than 2^32 phrases");
            let g = gate(&words[0]);
            p.gates[g / 64] |= 1 << (g % 64);
            p.by_first.entry(words[0].clone()).or_default().push(n);
            let key = format!("{KEY_MARK}{}", words.join(" "));
            p.by_words.insert(words.clone(), n);
            p.texts.push((words, key));
        }
        p
    }

    /// The phrases starting with `word`.
    fn starting(&self, word: &str) -> &[u32] {
        let g = gate(word);
        if self.gates[g / 64] & (1 << (g % 64)) == 0 {
            return &[];
        }
        self.by_first.get(word).map_or(&[], Vec::as_slice)
    }

    /// The phrase whose words `text` analyzes to: its words and its key.
    pub fn find(&self, text: &str) -> Option<(&[String], &str)> {
        let words = plain_words(text)?;
        let &n = self.by_words.get(&words)?;
        let (words, key) = &self.texts[n as usize];
        Some((words, key))
    }

    /// Every key (for the similar-decision query, which must not pick one as a word).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().map(|(_, key)| key.as_str())
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// A hash of the phrases and their keys: pinned by a test beside `SCHEMA_VERSION`.
pub fn fingerprint(phrases: &Phrases) -> u64 {
    let mut all = String::new();
    for (_, key) in &phrases.texts {
        all.push_str(key);
        all.push('\n');
    }
    xxhash_rust::xxh3::xxh3_64(all.as_bytes())
}

/// The indexing analyzer for prose: [`analysis::imr_en`]'s tokens, and each phrase's key where
/// the phrase starts.
pub fn imr_en_keyed() -> TextAnalyzer {
    TextAnalyzer::from(Keyed { inner: ImrTokenizer { stem: true }, phrases: Phrases::builtin() })
}

#[derive(Clone)]
pub struct Keyed {
    inner: ImrTokenizer,
    phrases: &'static Phrases,
}

impl Tokenizer for Keyed {
    type TokenStream<'a> = KeyedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KeyedStream<'a> {
        KeyedStream {
            inner: self.inner.token_stream(text),
            phrases: self.phrases,
            partial: Vec::new(),
            pending: Vec::new(),
            key: Token::default(),
            on_key: false,
        }
    }
}

/// A phrase whose first words were read: the next word it needs, and where.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Partial {
    phrase: u32,
    /// The index of the next word in the phrase.
    next: usize,
    /// The position the next word must be at.
    at: usize,
    /// The position and start offset of the first word.
    start: usize,
    from: usize,
}

pub struct KeyedStream<'a> {
    inner: analysis::ImrTokenStream<'a>,
    phrases: &'static Phrases,
    /// Phrases begun and not yet ruled out.
    partial: Vec<Partial>,
    /// Keys found and not yet given: phrase, start position, start and end offsets.
    pending: Vec<(u32, usize, usize, usize)>,
    key: Token,
    on_key: bool,
}

impl KeyedStream<'_> {
    /// Carries on the phrases begun before the current token and begins those it starts.
    /// Several tokens may share a position (a spinal range), so a phrase waiting for a word
    /// at a position is kept until the tokens move past it.
    fn read(&mut self) {
        let token = self.inner.token();
        let (word, position, from, to) = (token.text.as_str(), token.position, token.offset_from, token.offset_to);
        let texts = &self.phrases.texts;
        self.partial.retain(|p| p.at >= position);
        let mut i = 0;
        while i < self.partial.len() {
            let p = self.partial[i];
            i += 1;
            let words = &texts[p.phrase as usize].0;
            if p.at != position || words[p.next] != word {
                continue;
            }
            if p.next + 1 == words.len() {
                if !self.pending.contains(&(p.phrase, p.start, p.from, to)) {
                    self.pending.push((p.phrase, p.start, p.from, to));
                }
            } else {
                let on = Partial { next: p.next + 1, at: position + 1, ..p };
                if !self.partial.contains(&on) {
                    self.partial.push(on);
                }
            }
        }
        for &phrase in self.phrases.starting(word) {
            let begun = Partial { phrase, next: 1, at: position + 1, start: position, from };
            if !self.partial.contains(&begun) {
                self.partial.push(begun);
            }
        }
    }
}

impl TokenStream for KeyedStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((phrase, start, from, to)) = self.pending.pop() {
            self.key.text.clear();
            self.key.text.push_str(&self.phrases.texts[phrase as usize].1);
            self.key.position = start;
            self.key.position_length = 1;
            self.key.offset_from = from;
            self.key.offset_to = to;
            self.on_key = true;
            return true;
        }
        self.on_key = false;
        if !self.inner.advance() {
            return false;
        }
        self.read();
        true
    }

    fn token(&self) -> &Token {
        if self.on_key {
            &self.key
        } else {
            self.inner.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.on_key {
            &mut self.key
        } else {
            self.inner.token_mut()
        }
    }
}

/// A phrase with a key, in one field: matches where the phrase query of its words matches,
/// with the same score, reading only the key's postings.
#[derive(Debug, Clone)]
pub struct KeyedPhrase {
    words: Vec<Term>,
    key: Term,
}

impl KeyedPhrase {
    pub fn new(field: Field, words: &[String], key: &str) -> KeyedPhrase {
        KeyedPhrase {
            words: words.iter().map(|w| Term::from_field_text(field, w)).collect(),
            key: Term::from_field_text(field, key),
        }
    }
}

impl Query for KeyedPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let field = self.key.field();
        let entry = enable_scoring.schema().get_field_entry(field);
        let positions = entry.field_type().get_index_record_option().is_some_and(IndexRecordOption::has_positions);
        if !positions {
            return Err(TantivyError::SchemaError(format!("{}: a phrase needs positions", entry.name())));
        }
        let bm25 = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                Some(Bm25Weight::for_terms(statistics_provider, &self.words)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(KeyedWeight { key: self.key.clone(), bm25 }))
    }

    /// The phrase's words, as a phrase query gives them: snippets highlight the words.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.words {
            visitor(term, true);
        }
    }
}

struct KeyedWeight {
    key: Term,
    bm25: Option<Bm25Weight>,
}

impl KeyedWeight {
    fn keyed(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<KeyedScorer>> {
        let field = self.key.field();
        let Some(postings) = reader.inverted_index(field)?.read_postings(&self.key, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let norms = match &self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(field)?,
            None => None,
        };
        let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        Ok(Some(KeyedScorer { postings, norms, bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)) }))
    }
}

impl Weight for KeyedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.keyed(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_found = || TantivyError::InvalidArgument(format!("document #({doc}) does not match"));
        let mut scorer = self.keyed(reader, 1.0)?.ok_or_else(not_found)?;
        if scorer.seek(doc) != doc {
            return Err(not_found());
        }
        let mut explanation = Explanation::new("Phrase Scorer (phrase key)", scorer.score());
        if let Some(bm25) = &self.bm25 {
            explanation.add_detail(bm25.explain(scorer.norms.fieldnorm_id(doc), scorer.postings.term_freq()));
        }
        Ok(explanation)
    }
}

struct KeyedScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for KeyedScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for KeyedScorer {
    /// The phrase query's score: its BM25 weight at the key's frequency (its phrase count).
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.doc()), self.postings.term_freq()),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefix::{self, Builder, Completions};
    use crate::schema;
    use crate::store::Store;
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::query_grammar::{Delimiter, UserInputAst as Ast, UserInputLeaf as Leaf, UserInputLiteral};
    use tantivy::{DocAddress, TantivyDocument};

    /// What the texts are made of: the phrases, parts of them and their words in other forms,
    /// spinal ranges (several tokens at one position) and words of no phrase.
    const POOL: [&str; 24] = [
        "chronic pain medical treatment guidelines",
        "Chronic Pain Medical Treatment Guideline",
        "pain medical treatment",
        "chronic",
        "pain",
        "guidelines",
        "official disability guidelines",
        "Official Disability",
        "physical therapy",
        "Physical",
        "Therapies",
        "functional restoration program",
        "functional restoration",
        "program",
        "L4-S1",
        "L5-S1",
        "fusion",
        "the",
        "and",
        "AC joint",
        "joint",
        "medicine",
        "pain medicine",
        "L5-S1 fusion",
    ];

    /// A text of `n` words from [`POOL`], from a simple generator.
    fn text(seed: &mut u64, n: usize) -> String {
        let mut words = Vec::with_capacity(n);
        for _ in 0..n {
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            words.push(POOL[(*seed >> 33) as usize % POOL.len()]);
        }
        words.join(if seed.is_multiple_of(3) { "  " } else { " " })
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        analyzer.token_stream(text).process(&mut |t: &Token| out.push((t.position, t.text.clone())));
        out
    }

    #[test]
    fn a_key_is_added_exactly_where_the_phrase_starts() {
        let phrases: &'static Phrases = Box::leak(Box::new(Phrases::new([
            "physical therapy",
            "Chronic Pain Medical Treatment Guidelines",
            "pain medicine",
            "L5-S1 fusion",
            "L4-S1 fusion",
            "the the",
            "therapy",
        ])));
        // A name of one word, and one whose words share a position, get no key.
        assert_eq!(phrases.len(), 5);
        let mut keyed = TextAnalyzer::from(Keyed { inner: ImrTokenizer { stem: true }, phrases });
        let mut plain = analysis::imr_en();
        let mut seed = 7;
        let mut keys_seen = 0;
        for round in 0..3000 {
            let t = text(&mut seed, 1 + round % 40);
            let words = tokens(&mut plain, &t);
            let all = tokens(&mut keyed, &t);
            // The words are as the plain analyzer gives them, in order.
            let (keys, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, w)| w.starts_with(KEY_MARK));
            assert_eq!(rest, words, "{t}");
            // A key wherever every word of its phrase is at its place, and nowhere else.
            let mut expected = Vec::new();
            for (phrase, key) in &phrases.texts {
                for start in 0..=words.last().map_or(0, |(p, _)| *p) {
                    let here = phrase.iter().enumerate().all(|(i, w)| words.contains(&(start + i, w.clone())));
                    if here {
                        expected.push((start, key.clone()));
                    }
                }
            }
            let mut found = keys.clone();
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "{t}");
            keys_seen += found.len();
        }
        assert!(keys_seen > 500, "the texts hold the phrases often: {keys_seen}");
    }

    #[test]
    fn the_builtin_phrases_are_the_vocabularys_names_of_several_words() {
        let p = Phrases::builtin();
        assert!(p.len() > 300, "{}", p.len());
        let (words, key) = p.find("Chronic Pain Medical Treatment Guidelines").expect("a phrase");
        assert_eq!(words, ["chronic", "pain", "medic", "treatment", "guidelin"]);
        assert_eq!(key, "\u{1}chronic pain medic treatment guidelin");
        assert!(p.find("official disability guideline").is_some(), "found by its words as analyzed");
        assert!(p.find("ODG").is_none(), "one word is no phrase");
        assert!(p.find("disability guidelines").is_none(), "a part of a name is no phrase");
    }

    /// An index of `n` decisions whose prose fields are texts of [`POOL`] words, in 3 segments.
    fn store(n: usize) -> Store {
        let store = Store::in_ram();
        let f = &store.fields;
        let mut writer = store.writer(50 << 20).unwrap();
        let mut seed = 11;
        for i in 0..n {
            let mut d = TantivyDocument::default();
            d.add_text(f.procedure, text(&mut seed, 1 + i % 6));
            d.add_text(f.citation, text(&mut seed, 5 + i % 30));
            d.add_text(f.citation, text(&mut seed, 3 + i % 10));
            d.add_text(f.rationale, text(&mut seed, 20 + i % 50));
            d.add_text(f.diagnosis, text(&mut seed, 2 + i % 4));
            writer.add_document(d).unwrap();
            if i % (n / 3) == n / 3 - 1 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        store
    }

    fn top(searcher: &tantivy::Searcher, query: &dyn Query) -> Vec<(f32, DocAddress)> {
        searcher.search(query, &TopDocs::with_limit(100_000).order_by_score()).unwrap()
    }

    #[test]
    fn a_keyed_phrase_finds_and_scores_what_the_phrase_query_does() {
        let store = store(900);
        let searcher = store.reader().unwrap().searcher();
        let schema = store.index.schema();
        let fields: Vec<(Field, f32)> =
            schema::DEFAULT_FIELDS.iter().map(|(n, b)| (schema.get_field(n).unwrap(), *b)).collect();
        let analyzers = store.query_analyzers();
        let mut parser = QueryParser::new(schema.clone(), fields.iter().map(|(f, _)| *f).collect(), analyzers.clone());
        parser.set_conjunction_by_default();
        for &(f, b) in &fields {
            parser.set_field_boost(f, b);
        }
        let known = Completions::default();
        let builder =
            Builder { parser: &parser, searcher: &searcher, known: &known, fields: &fields, analyzers: &analyzers };
        let mut matched = 0;
        for (field, phrase) in [
            (None, "Chronic Pain Medical Treatment Guidelines"),
            (None, "physical therapy"),
            (Some("citation"), "official disability guideline"),
            (Some("rationale"), "functional restoration program"),
            (None, "ac joint"),
        ] {
            let literal = UserInputLiteral {
                field_name: field.map(str::to_string),
                phrase: phrase.to_string(),
                delimiter: Delimiter::DoubleQuotes,
                slop: 0,
                prefix: false,
            };
            let ast = Ast::from(Leaf::Literal(literal));
            let keyed = prefix::build(&builder, ast.clone()).unwrap();
            assert!(format!("{keyed:?}").contains("KeyedPhrase"), "{phrase}: {keyed:?}");
            let phrase_query = parser.build_query_from_user_input_ast(ast).unwrap();
            assert!(format!("{phrase_query:?}").contains("PhraseQuery"), "{phrase_query:?}");
            let (want, got) = (top(&searcher, &*phrase_query), top(&searcher, &*keyed));
            assert_eq!(got, want, "{phrase}");
            assert!(!want.is_empty(), "{phrase} is in some decision");
            matched += want.len();
            // Also without scores (counts, filters).
            let count = |q: &dyn Query| searcher.search(q, &tantivy::collector::Count).unwrap();
            assert_eq!(count(&*keyed), count(&*phrase_query), "{phrase}");
        }
        assert!(matched > 200, "{matched}");
    }

    #[test]
    fn a_phrase_read_with_slop_or_in_a_field_without_keys_is_the_parsers() {
        let store = store(30);
        let searcher = store.reader().unwrap().searcher();
        let schema = store.index.schema();
        let fields = [(store.fields.citation, 1.0), (store.fields.cite_key, 1.0)];
        let analyzers = store.query_analyzers();
        let parser = QueryParser::new(schema, fields.iter().map(|(f, _)| *f).collect(), analyzers.clone());
        let known = Completions::default();
        let builder =
            Builder { parser: &parser, searcher: &searcher, known: &known, fields: &fields, analyzers: &analyzers };
        let literal = |field: Option<&str>, slop: u32| {
            Ast::from(Leaf::Literal(UserInputLiteral {
                field_name: field.map(str::to_string),
                phrase: "physical therapy".to_string(),
                delimiter: Delimiter::DoubleQuotes,
                slop,
                prefix: false,
            }))
        };
        let built = |ast| format!("{:?}", prefix::build(&builder, ast).unwrap());
        assert!(built(literal(Some("citation"), 0)).contains("KeyedPhrase"));
        assert!(!built(literal(Some("citation"), 1)).contains("KeyedPhrase"));
        // cite_key is a raw field: the words are one term there, as the parser reads them.
        assert!(!built(literal(None, 0)).contains("KeyedPhrase"));
        assert!(!built(literal(Some("cite_key"), 0)).contains("KeyedPhrase"));
    }
}
