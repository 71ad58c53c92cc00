//! THE index schema: field names, their options and analyzers, and the version stamps.
//!
//! One document per disputed item (decision), carrying its letter's fields, so an item's
//! outcome is never confused with another item's. The case summary is the exception: it is
//! indexed once, on the letter's first document, and a query on it is joined to the letter's
//! decisions (`join.rs`). A letter with no readable items gets one document (item 0) holding
//! its full text, so it is still found and counted.
//! `schema/index-schema.json` is the golden copy; a test fails when this drifts from it.

use crate::analysis::{IMR_EN, IMR_PLAIN};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::tokenizer::RAW_TOKENIZER_NAME;

/// Bumped whenever a field, an option or an analyzer changes.
pub const SCHEMA_VERSION: u32 = 9;

pub const CASE_NUMBER: &str = "case_number";
pub const ITEM_NO: &str = "item_no";
pub const ITEM_COUNT: &str = "item_count";
pub const PROCEDURE: &str = "procedure";
pub const DIAGNOSIS: &str = "diagnosis";
pub const OUTCOME: &str = "outcome";
pub const CITATION: &str = "citation";
pub const RATIONALE: &str = "rationale";
pub const SUMMARY: &str = "summary";
pub const TEXT: &str = "text";
pub const DECISION_DATE: &str = "decision_date";
pub const SPECIALTY: &str = "specialty";
pub const LICENSURE: &str = "licensure";
pub const AGE: &str = "age";
pub const SEX: &str = "sex";
pub const LAYOUT: &str = "layout";
pub const PATH: &str = "path";
pub const LETTER: &str = "letter";
pub const DECISION: &str = "decision";
pub const CITE_KEY: &str = "cite_key";
pub const CITE_UR: &str = "cite_ur";
pub const CITE_IMR: &str = "cite_imr";
pub const CATEGORY: &str = "category";
pub const SUBCATEGORY: &str = "subcategory";
pub const BODY_REGION: &str = "body_region";
/// The canonical conditions of the letter's diagnoses (`conditions.tsv`).
pub const CONDITION: &str = "condition";
pub const YEAR: &str = "year";
pub const FILE_SIZE: &str = "file_size";
pub const FILE_MTIME: &str = "file_mtime";
pub const CONTENT_HASH: &str = "content_hash";
pub const CASE_ORDER: &str = "case_order";

/// `outcome` value of the document that stands for a letter with no readable item.
pub const NO_ITEM_OUTCOME: &str = "none";

/// Every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub case_number: Field,
    pub item_no: Field,
    pub item_count: Field,
    pub procedure: Field,
    pub diagnosis: Field,
    pub outcome: Field,
    pub citation: Field,
    pub rationale: Field,
    pub summary: Field,
    pub text: Field,
    pub decision_date: Field,
    pub specialty: Field,
    pub licensure: Field,
    pub age: Field,
    pub sex: Field,
    pub layout: Field,
    pub path: Field,
    pub letter: Field,
    pub decision: Field,
    pub cite_key: Field,
    pub cite_ur: Field,
    pub cite_imr: Field,
    pub category: Field,
    pub subcategory: Field,
    pub body_region: Field,
    pub condition: Field,
    pub year: Field,
    pub file_size: Field,
    pub file_mtime: Field,
    pub content_hash: Field,
    pub case_order: Field,
}

/// The fields a plain word searches, with their boosts: the item and the diagnosis count
/// most. The case summary is left out: it tells the story of every item in the letter, so a
/// word in it says nothing about one decision (search it with `summary:` or `--anywhere`).
pub const DEFAULT_FIELDS: [(&str, f32); 5] =
    [(PROCEDURE, 4.0), (DIAGNOSIS, 2.5), (CITATION, 1.5), (RATIONALE, 1.0), (TEXT, 1.0)];

/// The default fields plus the case summary, for `--anywhere`.
pub const ANYWHERE_FIELDS: [(&str, f32); 6] =
    [(PROCEDURE, 4.0), (DIAGNOSIS, 2.5), (CITATION, 1.5), (RATIONALE, 1.0), (TEXT, 1.0), (SUMMARY, 0.7)];

/// Searchable text, with positions for phrases; not stored.
fn searchable(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// Searchable and stored text.
fn prose(analyzer: &str) -> TextOptions {
    searchable(analyzer).set_stored()
}

/// A case number's place among case numbers, as a number: each char a digit of base 38
/// (`-`, `0`-`9`, `A`-`Z` in byte order, 0 for no char), twelve chars in all, so numbers
/// compare as the strings do. None for a case number with another char or over 12 chars.
pub fn case_order(case: &str) -> Option<u64> {
    if case.len() > 12 {
        return None;
    }
    let mut order = 0u64;
    for i in 0..12 {
        let digit = match case.as_bytes().get(i) {
            None => 0,
            Some(b'-') => 1,
            Some(&c @ b'0'..=b'9') => 2 + u64::from(c - b'0'),
            Some(&c @ b'A'..=b'Z') => 12 + u64::from(c - b'A'),
            Some(_) => return None,
        };
        order = order * 38 + digit;
    }
    Some(order)
}

/// Builds the schema and its resolved fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword = STRING | STORED | FAST;
    let number = INDEXED | STORED | FAST;
    let fields = Fields {
        case_number: b.add_text_field(CASE_NUMBER, keyword.clone()),
        item_no: b.add_u64_field(ITEM_NO, number.clone()),
        // Fast: the summary's join checks a letter's run of documents against it.
        item_count: b.add_u64_field(ITEM_COUNT, STORED | FAST),
        // Item text, guidelines and rationale are stored once, in `decision`.
        procedure: b.add_text_field(PROCEDURE, searchable(IMR_EN)),
        diagnosis: b.add_text_field(DIAGNOSIS, prose(IMR_EN)),
        outcome: b.add_text_field(OUTCOME, keyword.clone()),
        citation: b.add_text_field(CITATION, searchable(IMR_EN)),
        rationale: b.add_text_field(RATIONALE, searchable(IMR_EN)),
        // Not stored: the letter JSON holds it once. Indexed on the letter's first document only.
        summary: b.add_text_field(SUMMARY, searchable(IMR_EN)),
        text: b.add_text_field(TEXT, prose(IMR_EN)),
        decision_date: b.add_date_field(
            DECISION_DATE,
            DateOptions::from(INDEXED).set_stored().set_fast().set_precision(DateTimePrecision::Seconds),
        ),
        specialty: b.add_text_field(SPECIALTY, prose(IMR_PLAIN).set_fast(RAW_TOKENIZER_NAME)),
        licensure: b.add_text_field(LICENSURE, prose(IMR_PLAIN).set_fast(RAW_TOKENIZER_NAME)),
        age: b.add_u64_field(AGE, number.clone()),
        sex: b.add_text_field(SEX, keyword.clone()),
        layout: b.add_text_field(LAYOUT, keyword.clone()),
        path: b.add_text_field(PATH, STRING | STORED | FAST),
        letter: b.add_text_field(LETTER, STORED),
        decision: b.add_text_field(DECISION, STORED),
        cite_key: b.add_text_field(CITE_KEY, STRING | FAST),
        cite_ur: b.add_text_field(CITE_UR, STRING | FAST),
        cite_imr: b.add_text_field(CITE_IMR, STRING | FAST),
        category: b.add_text_field(CATEGORY, keyword.clone()),
        subcategory: b.add_text_field(SUBCATEGORY, keyword.clone()),
        body_region: b.add_text_field(BODY_REGION, keyword.clone()),
        condition: b.add_text_field(CONDITION, keyword.clone()),
        year: b.add_u64_field(YEAR, number),
        file_size: b.add_u64_field(FILE_SIZE, STORED | FAST),
        file_mtime: b.add_u64_field(FILE_MTIME, STORED | FAST),
        content_hash: b.add_text_field(CONTENT_HASH, STRING | STORED | FAST),
        // Equal scores are ordered by case number: as a number, without reading a dictionary.
        case_order: b.add_u64_field(CASE_ORDER, FAST),
    };
    (b.build(), fields)
}

#[cfg(test)]
mod tests {
    /// The vocabulary's names of several words are keyed in the index (`src/phrases.rs`): an
    /// index built with other names lacks their keys, so changing them changes the schema.
    const PHRASES_FINGERPRINT: u64 = 10_306_560_644_078_331_102;

    #[test]
    fn the_phrase_keys_are_pinned_with_the_schema_version() {
        let now = crate::phrases::fingerprint(crate::phrases::Phrases::builtin());
        assert_eq!(
            now, PHRASES_FINGERPRINT,
            "the vocabulary's names of several words changed: bump SCHEMA_VERSION, then set PHRASES_FINGERPRINT to {now}"
        );
    }

    #[test]
    fn case_orders_compare_as_case_numbers_do() {
        let cases = [
            "",
            "-",
            "0",
            "CM16",
            "CM16-",
            "CM16-0",
            "CM16-0000001",
            "CM16-0000010",
            "CM16-1",
            "CM16-9999999",
            "CM17",
            "CM9",
            "CMZZ-ZZZZZZZ",
            "ZZZZZZZZZZZZ",
            "1",
            "A",
            "A-",
            "A0",
        ];
        for a in cases {
            for b in cases {
                let (x, y) = (super::case_order(a).unwrap(), super::case_order(b).unwrap());
                assert_eq!(x.cmp(&y), a.cmp(b), "{a:?} {b:?}");
            }
        }
        for other in ["cm16-0000001", "CM16-00000011", "CM16 0000001", "CM16/0000001", "CM16-000000\u{e9}"] {
            assert_eq!(super::case_order(other), None, "{other}");
        }
    }

    #[test]
    fn the_schema_matches_its_golden_copy() {
        let (schema, _) = super::build();
        let now = serde_json::to_string_pretty(&schema).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/index-schema.json");
        if std::env::var_os("IMR_BLESS").is_some() {
            std::fs::write(path, format!("{now}\n")).unwrap();
        }
        let golden = std::fs::read_to_string(path).expect("schema/index-schema.json");
        assert_eq!(
            golden.trim_end(),
            now,
            "the index schema changed: bump SCHEMA_VERSION, update schema/README.md, then run with IMR_BLESS=1"
        );
    }
}
