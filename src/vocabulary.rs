//! The field's vocabulary: groups of names that mean one thing (a drug's generic and brand
//! names, an abbreviation and its spelled-out forms, two wordings of one procedure), read from
//! `data/tables/vocabulary.tsv` and a user's `$IMR_TABLES/vocabulary.tsv`.
//!
//! A name is found in a query by its words as the index reads them (lower case, English stems,
//! spinal levels), so `Epidural steroid injections` finds the row naming `epidural steroid
//! injection`, and `H-wave` the row naming `H wave`. A name leads only to the other names on its
//! own row: rows never chain.

use crate::letter::classify::TableError;
use std::collections::HashMap;
use std::sync::LazyLock;
use tantivy::tokenizer::TokenStream;

const BUILTIN_TABLE: &str = include_str!("../data/tables/vocabulary.tsv");

/// What a row's names are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Drug,
    Abbreviation,
    Procedure,
    /// A body region.
    Region,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Drug => "drug",
            Kind::Abbreviation => "abbreviation",
            Kind::Procedure => "procedure",
            Kind::Region => "region",
        }
    }
}

/// One row: names that mean the same thing, the canonical one first.
#[derive(Debug, Clone)]
pub struct Group {
    pub kind: Kind,
    pub names: Vec<String>,
}

/// The compiled table.
pub struct Vocabulary {
    groups: Vec<Group>,
    /// A name's words, as the index reads them -> its row.
    by_key: HashMap<Vec<String>, usize>,
    /// The most words any name has.
    longest: usize,
}

/// A name's words as the index reads them.
pub fn key(text: &str) -> Vec<String> {
    let mut analyzer = crate::analysis::imr_en();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        // A spinal range yields several texts at one position; the first stands for it.
        if out.len() == token.position {
            out.push(token.text.clone());
        }
    }
    out
}

/// Words a name may not be: the query grammar's operators.
const OPERATORS: [&str; 4] = ["AND", "OR", "NOT", "TO"];

impl Vocabulary {
    /// The built-in table.
    pub fn builtin() -> &'static Vocabulary {
        static BUILTIN: LazyLock<Vocabulary> = LazyLock::new(|| {
            Vocabulary::new(&[(BUILTIN_TABLE, "data/tables/vocabulary.tsv")])
                .unwrap_or_else(|e| panic!("the built-in vocabulary is invalid: {e}"))
        });
        &BUILTIN
    }

    /// A user's table: its rows first, then the built-in ones. Within one file a name may
    /// appear on one row only; a user's row takes a name from the built-in row naming it.
    pub fn with_extra(extra: &str, name: &str) -> Result<Vocabulary, TableError> {
        Vocabulary::new(&[(extra, name), (BUILTIN_TABLE, "data/tables/vocabulary.tsv")])
    }

    /// Tables in order of precedence, each with the name its errors give.
    fn new(tables: &[(&str, &str)]) -> Result<Vocabulary, TableError> {
        let mut groups: Vec<Group> = Vec::new();
        let mut by_key: HashMap<Vec<String>, usize> = HashMap::new();
        for (text, table) in tables {
            // Where each key was seen in this file, to name both lines of a repeat.
            let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
            for (n, line) in text.lines().enumerate() {
                let err = |reason: String| TableError { table: table.to_string(), line: n + 1, reason };
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
                if cols.len() != 2 {
                    return Err(err(format!("expected 2 tab-separated columns (kind, names), found {}", cols.len())));
                }
                let kind = match cols[0] {
                    "drug" => Kind::Drug,
                    "abbreviation" => Kind::Abbreviation,
                    "procedure" => Kind::Procedure,
                    "region" => Kind::Region,
                    other => {
                        return Err(err(format!(
                            "unknown kind {other:?}: write drug, abbreviation, procedure or region"
                        )))
                    }
                };
                let names: Vec<String> = cols[1].split('|').map(|s| s.trim().to_string()).collect();
                if names.len() < 2 || names.iter().any(String::is_empty) {
                    return Err(err("a row needs two or more names separated by ` | `".to_string()));
                }
                let row = groups.len();
                let mut kept = Vec::new();
                for name in names {
                    if let Some(op) = name.split_whitespace().find(|w| OPERATORS.contains(w)) {
                        return Err(err(format!("{name:?}: {op} is a query operator, not a name")));
                    }
                    let k = key(&name);
                    if k.is_empty() {
                        return Err(err(format!("{name:?} has no letter or digit")));
                    }
                    if let Some(first) = seen.insert(k.clone(), n + 1) {
                        return Err(err(format!("{name:?} is already a name on line {first}")));
                    }
                    if by_key.contains_key(&k) {
                        continue; // a user's row took it
                    }
                    by_key.insert(k, row);
                    kept.push(name);
                }
                if kept.len() >= 2 {
                    groups.push(Group { kind, names: kept });
                } else {
                    for k in kept.iter().map(|n| key(n)) {
                        by_key.remove(&k);
                    }
                }
            }
        }
        let longest = by_key.keys().map(Vec::len).max().unwrap_or(0);
        Ok(Vocabulary { groups, by_key, longest })
    }

    /// The row naming exactly these words (as [`key`] gives them).
    pub fn group(&self, words: &[String]) -> Option<&Group> {
        self.by_key.get(words).map(|&row| &self.groups[row])
    }

    /// The most words (indexed tokens) a name has.
    pub fn longest(&self) -> usize {
        self.longest
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} rows)", self.groups.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Vec<String> {
        key(s)
    }

    #[test]
    fn the_builtin_table_is_valid_and_large_enough() {
        let v = Vocabulary::builtin();
        let count = |kind| v.groups().iter().filter(|g| g.kind == kind).count();
        assert!(count(Kind::Drug) >= 200, "{} drug rows", count(Kind::Drug));
        assert!(count(Kind::Abbreviation) >= 100, "{} abbreviation rows", count(Kind::Abbreviation));
        for (brand, generic) in [
            ("Norco", "hydrocodone"),
            ("Vicodin", "hydrocodone"),
            ("Percocet", "oxycodone"),
            ("Ultracet", "tramadol"),
            ("Flexeril", "cyclobenzaprine"),
            ("Voltaren", "diclofenac"),
            ("Flector", "diclofenac"),
            ("Prilosec", "omeprazole"),
            ("Neurontin", "gabapentin"),
            ("Lyrica", "pregabalin"),
            ("Celebrex", "celecoxib"),
            ("Soma", "carisoprodol"),
            ("EMG", "electromyography"),
        ] {
            let g = v.group(&k(brand)).unwrap_or_else(|| panic!("{brand} has no row"));
            assert!(g.names.iter().any(|n| n.eq_ignore_ascii_case(generic)), "{brand}: {:?}", g.names);
        }
    }

    #[test]
    fn names_are_found_by_their_indexed_words() {
        let v = Vocabulary::with_extra("procedure\tepidural steroid injection | ESI\n", "mine.tsv").unwrap();
        assert!(v.group(&k("Epidural Steroid Injections")).is_some());
        assert_eq!(k("H-wave"), k("h wave"));
    }

    #[test]
    fn bad_rows_are_named_by_file_and_line() {
        let bad = |text: &str| Vocabulary::with_extra(text, "mine.tsv").expect_err("accepted").to_string();
        assert!(bad("# a comment\n\ndrug\tnorco\n").starts_with("mine.tsv line 3: a row needs two"));
        assert!(bad("pill\tnorco | hydrocodone\n").contains("line 1: unknown kind \"pill\""));
        assert!(bad("drug\tnorco | hydrocodone\tx\n").contains("expected 2 tab-separated columns"));
        assert!(bad("drug\tnorco | hydrocodone\ndrug\tNORCO | vicodin\n")
            .contains("line 2: \"NORCO\" is already a name on line 1"));
        assert!(bad("abbreviation\tsomething | A OR B\n").contains("OR is a query operator"));
        assert!(bad("drug\t## | hydrocodone\n").contains("no letter or digit"));
    }

    #[test]
    fn a_users_row_comes_first_and_takes_its_names() {
        let v = Vocabulary::with_extra("drug\tnorco | mynorco\n", "mine.tsv").unwrap();
        let g = v.group(&k("norco")).unwrap();
        assert_eq!(g.names, ["norco", "mynorco"]);
        // The built-in hydrocodone row keeps its other names.
        let h = v.group(&k("hydrocodone")).unwrap();
        assert!(!h.names.iter().any(|n| n.eq_ignore_ascii_case("norco")), "{:?}", h.names);
        assert!(h.names.len() >= 2);
    }
}
