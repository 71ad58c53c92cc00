//! Words that end in `*` (`fus*`, `"lumbar fus"*`, `case:CM16*`).
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
use tantivy::Searcher;

/// Whether some word of `ast` ends in `*`.
pub fn has_prefix(ast: &Ast) -> bool {
    match ast {
        Ast::Leaf(leaf) => matches!(leaf.as_ref(), Leaf::Literal(l) if l.prefix),
        Ast::Boost(inner, _) => has_prefix(inner),
        Ast::Clause(children) => children.iter().any(|(_, child)| has_prefix(child)),
    }
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

/// The query for `ast` over `fields` (each with its boost): tantivy's `parser` builds every
/// part without a prefix, and each prefix becomes the terms it completes to in `searcher`'s
/// segments.
pub fn build(
    parser: &QueryParser,
    searcher: &Searcher,
    known: &Completions,
    fields: &[(Field, f32)],
    ast: Ast,
) -> Result<Box<dyn Query>, String> {
    if !has_prefix(&ast) {
        return parser.build_query_from_user_input_ast(ast).map_err(|e| e.to_string());
    }
    match ast {
        Ast::Leaf(leaf) => match *leaf {
            Leaf::Literal(literal) => completed(searcher, known, fields, &literal),
            other => parser.build_query_from_user_input_ast(Ast::Leaf(Box::new(other))).map_err(|e| e.to_string()),
        },
        Ast::Boost(inner, boost) => {
            Ok(Box::new(BoostQuery::new(build(parser, searcher, known, fields, *inner)?, boost.into_inner() as f32)))
        }
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
                let query = build(parser, searcher, known, fields, child)?;
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

/// A word or phrase ending in `*`, in its own field or else in each of `fields`: the words
/// before the last as a phrase, the last completed to every term that starts with it.
fn completed(
    searcher: &Searcher,
    known: &Completions,
    fields: &[(Field, f32)],
    literal: &UserInputLiteral,
) -> Result<Box<dyn Query>, String> {
    let schema = searcher.schema();
    let targets: Vec<(Field, f32)> = match &literal.field_name {
        Some(name) => {
            let field = schema.get_field(name).map_err(|_| format!("no field {name:?}"))?;
            let boost = fields.iter().find(|(f, _)| *f == field).map_or(1.0, |(_, b)| *b);
            vec![(field, boost)]
        }
        None => fields.to_vec(),
    };
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
        let mut analyzer = searcher.index().tokenizer_for_field(field).map_err(|e| e.to_string())?;
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
        let query = if boost == 1.0 { query } else { Box::new(BoostQuery::new(query, boost)) };
        parts.push((Occur::Should, query));
    }
    if !any_word {
        return Err(format!("{:?}* has no word to complete", literal.phrase));
    }
    Ok(match parts.len() {
        0 => Box::new(EmptyQuery),
        1 => parts.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::new(parts)),
    })
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
        let mut parser = QueryParser::for_index(&store.index, vec![store.fields.procedure]);
        parser.set_conjunction_by_default();
        let query = build(&parser, &searcher, &Completions::default(), &[(store.fields.procedure, 1.0)], ast)?;
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
