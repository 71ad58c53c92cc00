//! Words that end in `*` (`fus*`, `"lumbar fus"*`, `case:CM16*`), and phrases with a key.
//!
//! A phrase that is one of the vocabulary's names of several words is answered from its key
//! (`src/phrases.rs`) in every field it is searched in, when all of them are prose.
//!
//! tantivy's query parser refuses a prefix of one word, and completes the last word of a
//! longer one to at most 50 terms. Here a prefix is completed to every term of the index that
//! starts with it, read from each segment's term dictionary when the query is built, so it
//! finds every decision it names and its words are highlighted in snippets. The rest of the
//! query tree is still built by tantivy's parser, which this module calls for every part
//! that holds no prefix.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, Query, QueryParser, QueryParserError, TermSetQuery,
};
use tantivy::query_grammar::{Occur as UserOccur, UserInputAst as Ast, UserInputLeaf as Leaf, UserInputLiteral};
use tantivy::schema::{Field, FieldType, Term};
use tantivy::tokenizer::TokenizerManager;
use tantivy::Searcher;

use crate::analysis;
use crate::phrases::{KeyedPhrase, Phrases};

/// Whether some word of `ast` ends in `*`, or some part is a phrase with a key
/// (`src/phrases.rs`): the parts this module builds.
pub fn has_own(ast: &Ast) -> bool {
    match ast {
        Ast::Leaf(leaf) => matches!(leaf.as_ref(), Leaf::Literal(l) if l.prefix || keyed_words(l).is_some()),
        Ast::Boost(inner, _) => has_own(inner),
        Ast::Clause(children) => children.iter().any(|(_, child)| has_own(child)),
    }
}

/// The words and key of the phrase `literal` is, when it is one with a key, read exactly.
fn keyed_words(literal: &UserInputLiteral) -> Option<(&'static [String], &'static str)> {
    if literal.prefix || literal.slop != 0 {
        return None;
    }
    Phrases::builtin().find(&literal.phrase)
}

/// Each prefix's completions in a field, read from the term dictionaries once for all the
/// queries one plan builds from the same words.
#[derive(Default)]
pub struct Completions(RefCell<HashMap<(Field, String), Vec<Term>>>);

impl Completions {
    /// Every term of `field` in the searcher's segments that starts with `prefix`.
    fn of(&self, searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Vec<Term>> {
        let key = (field, prefix.to_string());
        if let Some(found) = self.0.borrow().get(&key) {
            return Ok(found.clone());
        }
        let found = completions(searcher, field, prefix)?;
        self.0.borrow_mut().insert(key, found.clone());
        Ok(found)
    }
}

/// What [`build`] reads a query with: tantivy's parser, the searcher, the prefixes completed
/// so far, the fields (each with its boost) and the analyzers of queries.
pub struct Builder<'a> {
    pub parser: &'a QueryParser,
    pub searcher: &'a Searcher,
    pub known: &'a Completions,
    pub fields: &'a [(Field, f32)],
    pub analyzers: &'a TokenizerManager,
}

/// The query for `ast`: tantivy's parser builds every part without a prefix or a phrase key,
/// each prefix becomes the terms it completes to in the searcher's segments, and each phrase
/// with a key reads the key.
pub fn build(b: &Builder, ast: Ast) -> Result<Box<dyn Query>, String> {
    if !has_own(&ast) {
        return b.parser.build_query_from_user_input_ast(ast).map_err(|e| e.to_string());
    }
    match ast {
        Ast::Leaf(leaf) => match *leaf {
            Leaf::Literal(literal) if literal.prefix => completed(b, &literal),
            Leaf::Literal(literal) => match keyed(b, &literal)? {
                Some(query) => Ok(query),
                None => b
                    .parser
                    .build_query_from_user_input_ast(Ast::from(Leaf::Literal(literal)))
                    .map_err(|e| e.to_string()),
            },
            other => b.parser.build_query_from_user_input_ast(Ast::Leaf(Box::new(other))).map_err(|e| e.to_string()),
        },
        Ast::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(build(b, *inner)?, boost.into_inner() as f32))),
        Ast::Clause(children) => {
            let mut clauses = Vec::with_capacity(children.len());
            for (occur, child) in children {
                let occur = match occur {
                    // The parser reads words joined by nothing as all required.
                    None | Some(UserOccur::Must) => Occur::Must,
                    Some(UserOccur::Should) => Occur::Should,
                    Some(UserOccur::MustNot) => Occur::MustNot,
                };
                let completes = has_prefix(&child);
                let query = build(b, child)?;
                // A part with no words left (`&`, `""`) is dropped, as the parser drops it.
                if !completes && query.downcast_ref::<EmptyQuery>().is_some() {
                    continue;
                }
                clauses.push((occur, query));
            }
            if clauses.is_empty() {
                return Ok(Box::new(EmptyQuery));
            }
            if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                return Err(QueryParserError::AllButQueryForbidden.to_string());
            }
            Ok(Box::new(BooleanQuery::new(clauses)))
        }
    }
}

/// Whether some word of `ast` ends in `*`.
fn has_prefix(ast: &Ast) -> bool {
    match ast {
        Ast::Leaf(leaf) => matches!(leaf.as_ref(), Leaf::Literal(l) if l.prefix),
        Ast::Boost(inner, _) => has_prefix(inner),
        Ast::Clause(children) => children.iter().any(|(_, child)| has_prefix(child)),
    }
}

/// The fields `literal` is searched in, each with its boost: its own, else every field.
fn targets(b: &Builder, literal: &UserInputLiteral) -> Result<Vec<(Field, f32)>, String> {
    Ok(match &literal.field_name {
        Some(name) => {
            let field = b.searcher.schema().get_field(name).map_err(|_| format!("no field {name:?}"))?;
            let boost = b.fields.iter().find(|(f, _)| *f == field).map_or(1.0, |(_, boost)| *boost);
            vec![(field, boost)]
        }
        None => b.fields.to_vec(),
    })
}

/// One query per field, as the parser joins them: alone, or any of them.
fn any_field(mut parts: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    match parts.len() {
        0 => Box::new(EmptyQuery),
        1 => parts.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::new(parts)),
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// A phrase with a key (`src/phrases.rs`) in its own field or else in each of `fields`, when
/// every one of them is prose indexed with keys; none (the parser builds it) otherwise.
fn keyed(b: &Builder, literal: &UserInputLiteral) -> Result<Option<Box<dyn Query>>, String> {
    let Some((words, key)) = keyed_words(literal) else { return Ok(None) };
    let schema = b.searcher.schema();
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in targets(b, literal)? {
        let prose = match schema.get_field_entry(field).field_type() {
            FieldType::Str(options) => options
                .get_indexing_options()
                .is_some_and(|i| i.tokenizer() == analysis::IMR_EN && i.index_option().has_positions()),
            _ => false,
        };
        if !prose {
            return Ok(None);
        }
        parts.push((Occur::Should, boosted(Box::new(KeyedPhrase::new(field, words, key)), boost)));
    }
    Ok(Some(any_field(parts)))
}

/// A word or phrase ending in `*`, in its own field or else in each of `fields`: the words
/// before the last as a phrase, the last completed to every term that starts with it.
fn completed(b: &Builder, literal: &UserInputLiteral) -> Result<Box<dyn Query>, String> {
    let (searcher, known) = (b.searcher, b.known);
    let schema = searcher.schema();
    let targets = targets(b, literal)?;
    let mut any_word = false;
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in targets {
        let entry = schema.get_field_entry(field);
        let indexing = match entry.field_type() {
            FieldType::Str(options) => options.get_indexing_options(),
            _ => None,
        };
        let Some(indexing) = indexing else {
            if literal.field_name.is_some() {
                return Err(format!("{}: a word ending in * needs a text field", entry.name()));
            }
            continue;
        };
        let mut analyzer =
            b.analyzers.get(indexing.tokenizer()).ok_or_else(|| format!("no analyzer for {}", entry.name()))?;
        let mut words: Vec<(usize, String)> = Vec::new();
        analyzer.token_stream(&literal.phrase).process(&mut |token| words.push((token.position, token.text.clone())));
        let Some((position, last)) = words.pop() else { continue };
        any_word = true;
        let completions = known.of(searcher, field, &last).map_err(|e| e.to_string())?;
        if completions.is_empty() {
            continue;
        }
        let query: Box<dyn Query> = if words.is_empty() {
            Box::new(TermSetQuery::new(completions))
        } else {
            if !indexing.index_option().has_positions() {
                return Err(format!("{}: a phrase needs a field indexed with positions", entry.name()));
            }
            let mut terms: Vec<(usize, Term)> =
                words.into_iter().map(|(p, w)| (p, Term::from_field_text(field, &w))).collect();
            terms.push((position, Term::from_field_text(field, &last)));
            let mut phrase = PhrasePrefixQuery::new_with_offset(terms);
            phrase.set_max_expansions(u32::try_from(completions.len()).unwrap_or(u32::MAX));
            Box::new(phrase)
        };
        parts.push((Occur::Should, boosted(query, boost)));
    }
    if !any_word {
        return Err(format!("{:?}* has no word to complete", literal.phrase));
    }
    Ok(any_field(parts))
}

/// Every term of `field` in the searcher's segments that starts with `prefix`, once each.
fn completions(searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Vec<Term>> {
    let mut found: BTreeSet<Vec<u8>> = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().range().ge(prefix.as_bytes()).into_stream()?;
        while stream.advance() {
            if !stream.key().starts_with(prefix.as_bytes()) {
                break;
            }
            if !found.contains(stream.key()) {
                found.insert(stream.key().to_vec());
            }
        }
    }
    Ok(found
        .into_iter()
        .filter_map(|key| String::from_utf8(key).ok())
        .map(|word| Term::from_field_text(field, &word))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use tantivy::collector::Count;
    use tantivy::query_grammar::{Delimiter, UserInputLiteral as Literal};
    use tantivy::TantivyDocument;

    fn word(field: Option<&str>, phrase: &str, prefix: bool) -> Ast {
        Ast::from(Leaf::Literal(Literal {
            field_name: field.map(str::to_string),
            phrase: phrase.to_string(),
            delimiter: if phrase.contains(' ') { Delimiter::DoubleQuotes } else { Delimiter::None },
            slop: 0,
            prefix,
        }))
    }

    /// Sixty items named "spinal fusaa" to "spinal fushh", 55 in one segment (past tantivy's
    /// 50 completions a segment) and 5 in another, and one named "knee" in a third.
    fn store() -> Store {
        let store = Store::in_ram();
        let f = store.fields;
        let mut writer: tantivy::IndexWriter = store.index.writer_with_num_threads(1, 15_000_000).unwrap();
        for run in [0..55, 55..60] {
            for n in run {
                let mut d = TantivyDocument::default();
                let suffix: String =
                    [b'a' + (n / 26) as u8, b'a' + (n % 26) as u8].iter().map(|&b| b as char).collect();
                d.add_text(f.procedure, format!("spinal fus{suffix}"));
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
        }
        let mut d = TantivyDocument::default();
        d.add_text(f.procedure, "knee");
        writer.add_document(d).unwrap();
        writer.commit().unwrap();
        store
    }

    fn count(store: &Store, ast: Ast) -> Result<usize, String> {
        let searcher = store.reader().unwrap().searcher();
        let analyzers = store.query_analyzers();
        let mut parser = QueryParser::new(store.index.schema(), vec![store.fields.procedure], analyzers.clone());
        parser.set_conjunction_by_default();
        let known = Completions::default();
        let fields = [(store.fields.procedure, 1.0)];
        let b = Builder { parser: &parser, searcher: &searcher, known: &known, fields: &fields, analyzers: &analyzers };
        let query = build(&b, ast)?;
        Ok(searcher.search(&*query, &Count).unwrap())
    }

    #[test]
    fn a_word_or_phrase_ending_in_a_star_finds_every_completion_in_every_segment() {
        let store = store();
        assert_eq!(store.reader().unwrap().searcher().segment_readers().len(), 3);
        assert_eq!(count(&store, word(None, "fus", true)), Ok(60));
        assert_eq!(count(&store, word(Some("procedure"), "fus", true)), Ok(60));
        assert_eq!(count(&store, word(None, "spinal fus", true)), Ok(60));
        assert_eq!(count(&store, word(None, "spinal fusb", true)), Ok(26));
        assert_eq!(count(&store, word(None, "knee fus", true)), Ok(0));
        assert_eq!(count(&store, word(None, "xyz", true)), Ok(0));
        // Inside a tree: an alternative, and an exclusion.
        let either = Ast::Clause(vec![
            (Some(UserOccur::Should), word(None, "kne", true)),
            (Some(UserOccur::Should), word(None, "fusaa", false)),
        ]);
        assert_eq!(count(&store, either), Ok(2));
        let but = Ast::Clause(vec![
            (None, word(None, "spinal", false)),
            (Some(UserOccur::MustNot), word(None, "fusa", true)),
        ]);
        assert_eq!(count(&store, but), Ok(34));
        // A part with no words is dropped; a prefix that completes to nothing is kept.
        let nothing = Ast::Clause(vec![(None, word(None, "spinal", true)), (None, word(None, "&", false))]);
        assert_eq!(count(&store, nothing), Ok(60));
        let none = Ast::Clause(vec![(None, word(None, "spinal", false)), (None, word(None, "xyz", true))]);
        assert_eq!(count(&store, none), Ok(0));
        let only_not = Ast::Clause(vec![(Some(UserOccur::MustNot), word(None, "fus", true))]);
        assert!(count(&store, only_not).is_err());
        assert!(count(&store, word(None, "--", true)).is_err());
    }
}
