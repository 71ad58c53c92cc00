//! What kind of treatment a disputed item is, and which parts of the body it concerns: the
//! procedure category (`pharmaceuticals` / `opioids`, `surgery` / `spine surgery`, ...) and the
//! body regions (`lumbar spine`, `knee`, ...) that annual-report style tables count by.
//!
//! The vocabulary is data, not code: `data/tables/procedure-categories.tsv` and
//! `data/tables/body-regions.tsv`, which users read and extend (their own rows come first, see
//! [`Classifier::with_extra`]). The only rule in code is the reading of spinal levels
//! (`L4-5`, `C5-C6`, `T12`) into spine regions.
//!
//! Pure: no IO. Every pattern of a table is compiled into one [`RegexSet`], once.

use super::levels::{self, Vertebra};
use regex::{RegexSet, RegexSetBuilder};
use std::sync::LazyLock;

/// The built-in category table.
pub const BUILTIN_CATEGORIES: &str = include_str!("../../data/tables/procedure-categories.tsv");
/// The built-in body-region table.
pub const BUILTIN_REGIONS: &str = include_str!("../../data/tables/body-regions.tsv");

/// Every procedure category, in report order; `other` is what nothing in the table matches.
pub const CATEGORIES: [&str; 11] = [
    "pharmaceuticals",
    "physical medicine",
    "diagnostics",
    "injections",
    "surgery",
    "dme",
    "evaluation and management",
    "programs",
    "behavioral health",
    "home health",
    "other",
];

/// Every body region, in the order [`Classifier::regions`] lists them.
pub const REGIONS: [&str; 12] = [
    "cervical spine",
    "thoracic spine",
    "lumbar spine",
    "shoulder",
    "elbow",
    "wrist and hand",
    "hip",
    "knee",
    "ankle and foot",
    "head",
    "upper extremity",
    "lower extremity",
];

const CERVICAL: usize = 0;
const THORACIC: usize = 1;
const LUMBAR: usize = 2;

/// Names used in errors for the two tables.
const CATEGORY_TABLE: &str = "procedure-categories.tsv";
const REGION_TABLE: &str = "body-regions.tsv";
const EXTRA_CATEGORY_TABLE: &str = "extra procedure-categories table";
const EXTRA_REGION_TABLE: &str = "extra body-regions table";

/// A procedure category and, where the table gives one, its subcategory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub category: String,
    pub subcategory: Option<String>,
}

impl Category {
    fn other() -> Category {
        Category { category: "other".to_string(), subcategory: None }
    }
}

/// A row of a table that cannot be used: which table, which line (1-based; 0 when the table as
/// a whole failed to compile), and why.
#[derive(Debug, thiserror::Error)]
#[error("{table} line {line}: {reason}")]
pub struct TableError {
    pub table: String,
    pub line: usize,
    pub reason: String,
}

/// The two tables, compiled.
pub struct Classifier {
    categories: RegexSet,
    /// What each pattern of `categories` gives, in table order (first match wins).
    category_of: Vec<Category>,
    regions: RegexSet,
    /// The index in [`REGIONS`] of each pattern of `regions`.
    region_of: Vec<usize>,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("category_rows", &self.category_of.len())
            .field("region_rows", &self.region_of.len())
            .finish()
    }
}

/// One usable table row: the regex its pattern compiles to, and what it gives.
struct Row<T> {
    regex: String,
    value: T,
}

impl Classifier {
    /// The built-in tables (compiled once; cheap to call).
    pub fn builtin() -> &'static Classifier {
        static BUILTIN: LazyLock<Classifier> = LazyLock::new(|| {
            Classifier::new(BUILTIN_CATEGORIES, BUILTIN_REGIONS).expect("the built-in tables are valid")
        });
        &BUILTIN
    }

    /// Tables from text, in the format of the built-in ones; they replace the built-in tables.
    pub fn new(categories: &str, regions: &str) -> Result<Classifier, TableError> {
        let categories = category_rows(categories, CATEGORY_TABLE)?;
        let regions = region_rows(regions, REGION_TABLE)?;
        Classifier::compile(categories, regions, CATEGORY_TABLE, REGION_TABLE)
    }

    /// The built-in tables with a user's own rows, which are consulted BEFORE the built-in
    /// rows: an extra category row overrides any built-in row that also matches the item.
    pub fn with_extra(extra_categories: Option<&str>, extra_regions: Option<&str>) -> Result<Classifier, TableError> {
        let mut categories = match extra_categories {
            Some(text) => category_rows(text, EXTRA_CATEGORY_TABLE)?,
            None => Vec::new(),
        };
        categories.extend(category_rows(BUILTIN_CATEGORIES, CATEGORY_TABLE)?);
        let mut regions = match extra_regions {
            Some(text) => region_rows(text, EXTRA_REGION_TABLE)?,
            None => Vec::new(),
        };
        regions.extend(region_rows(BUILTIN_REGIONS, REGION_TABLE)?);
        let name = |extra: Option<&str>, extra_name: &str, builtin: &str| {
            if extra.is_some() {
                format!("{extra_name} with {builtin}")
            } else {
                builtin.to_string()
            }
        };
        Classifier::compile(
            categories,
            regions,
            &name(extra_categories, EXTRA_CATEGORY_TABLE, CATEGORY_TABLE),
            &name(extra_regions, EXTRA_REGION_TABLE, REGION_TABLE),
        )
    }

    fn compile(
        categories: Vec<Row<Category>>,
        regions: Vec<Row<usize>>,
        category_table: &str,
        region_table: &str,
    ) -> Result<Classifier, TableError> {
        let (category_set, category_of) = compile_set(categories, category_table)?;
        let (region_set, region_of) = compile_set(regions, region_table)?;
        Ok(Classifier { categories: category_set, category_of, regions: region_set, region_of })
    }

    /// Category of a disputed item: the first table row found in it; `other` (no subcategory)
    /// when nothing matches.
    pub fn category(&self, item: &str) -> Category {
        match self.categories.matches(item).iter().next() {
            Some(row) => self.category_of[row].clone(),
            None => Category::other(),
        }
    }

    /// Body regions named in the item, de-duplicated, in the order of [`REGIONS`] (the order
    /// of the built-in table), spine regions from spinal levels too; empty when none.
    pub fn regions(&self, item: &str) -> Vec<String> {
        let mut found = [false; REGIONS.len()];
        for row in self.regions.matches(item).iter() {
            found[self.region_of[row]] = true;
        }
        for region in spine_regions(item) {
            found[region] = true;
        }
        REGIONS.iter().zip(found).filter(|(_, hit)| *hit).map(|(name, _)| name.to_string()).collect()
    }
}

fn compile_set<T>(rows: Vec<Row<T>>, table: &str) -> Result<(RegexSet, Vec<T>), TableError> {
    let set = RegexSetBuilder::new(rows.iter().map(|r| &r.regex))
        .case_insensitive(true)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| TableError {
            table: table.to_string(),
            line: 0,
            reason: format!("cannot compile the table: {e}"),
        })?;
    Ok((set, rows.into_iter().map(|r| r.value).collect()))
}

/// Data lines of a table: (1-based line number, tab-separated cells). Blank lines and lines
/// starting with `#` are skipped; a byte-order mark before the first line is ignored.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(n, line)| {
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then(|| (n + 1, line.split('\t').collect()))
    })
}

fn category_rows(text: &str, table: &str) -> Result<Vec<Row<Category>>, TableError> {
    let mut rows = Vec::new();
    for (line, cells) in data_lines(text) {
        let err = |reason: String| TableError { table: table.to_string(), line, reason };
        if !(2..=3).contains(&cells.len()) {
            return Err(err(format!(
                "expected 3 tab-separated columns (pattern, category, subcategory), found {}",
                cells.len()
            )));
        }
        let regex = pattern_regex(cells[0]).map_err(err)?;
        let name = cells[1].trim();
        let category = CATEGORIES.iter().find(|c| c.eq_ignore_ascii_case(name)).ok_or_else(|| {
            err(format!("unknown category \"{name}\" (the categories are: {})", CATEGORIES.join(", ")))
        })?;
        let subcategory = cells.get(2).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        rows.push(Row { regex, value: Category { category: category.to_string(), subcategory } });
    }
    Ok(rows)
}

fn region_rows(text: &str, table: &str) -> Result<Vec<Row<usize>>, TableError> {
    let mut rows = Vec::new();
    for (line, cells) in data_lines(text) {
        let err = |reason: String| TableError { table: table.to_string(), line, reason };
        if cells.len() != 2 {
            return Err(err(format!("expected 2 tab-separated columns (pattern, region), found {}", cells.len())));
        }
        let regex = pattern_regex(cells[0]).map_err(err)?;
        let name = cells[1].trim();
        let region = REGIONS
            .iter()
            .position(|r| r.eq_ignore_ascii_case(name))
            .ok_or_else(|| err(format!("unknown region \"{name}\" (the regions are: {})", REGIONS.join(", "))))?;
        rows.push(Row { regex, value: region });
    }
    Ok(rows)
}

/// What a space, hyphen, slash or full stop in a pattern matches: any run of them, or none.
const SEPARATOR: &str = r"[\s\-/.\x{2010}-\x{2015}]*";

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '/' | '.' | '\u{2010}'..='\u{2015}')
}

/// A word boundary before or after `c`, when `c` is part of a word; nothing otherwise (`#3`
/// needs no boundary before the `#`). ASCII boundaries keep the set on the fast DFA path.
fn boundary(c: char) -> &'static str {
    if c.is_ascii_alphanumeric() || c == '_' {
        r"(?-u:\b)"
    } else if c.is_alphanumeric() {
        r"\b"
    } else {
        ""
    }
}

/// A table pattern as a regex: whole words, `*` at either end for an open end, separators
/// matching each other.
fn pattern_regex(pattern: &str) -> Result<String, String> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err("empty pattern".to_string());
    }
    let (open_start, rest) = match pattern.strip_prefix('*') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let (open_end, core) = match rest.strip_suffix('*') {
        Some(core) => (true, core),
        None => (false, rest),
    };
    if core.contains('*') {
        return Err(format!("pattern \"{pattern}\": a \"*\" may only begin or end a pattern"));
    }
    if !core.chars().any(char::is_alphanumeric) {
        return Err(format!("pattern \"{pattern}\" has no letter or digit"));
    }
    let mut regex = String::new();
    if !open_start {
        regex.push_str(core.chars().next().map_or("", boundary));
    }
    let mut after_separator = false;
    for c in core.chars() {
        if is_separator(c) {
            if !after_separator {
                regex.push_str(SEPARATOR);
            }
            after_separator = true;
        } else {
            regex.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
            after_separator = false;
        }
    }
    if !open_end {
        regex.push_str(core.chars().last().map_or("", boundary));
    }
    Ok(regex)
}

// A vertebra on its own: `T12`, `C7`, `S1`.
re!(VERTEBRA, r"(?i-u:\b)([CTLS])([0-9]{1,2})(?-u:\b)");

/// The spine regions (indexes into [`REGIONS`]) that spinal levels in `item` name: levels and
/// ranges (`L4-5`, `C7-T1`, `L4-S1`) by both ends, and lone vertebrae (`T12`) except T1-T4,
/// which also name MRI sequences (`T2-weighted`) and thyroid tests (`T3`, `T4`).
fn spine_regions(item: &str) -> Vec<usize> {
    if !item.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for level in levels::find(item) {
        out.push(spine_region(level.from));
        out.push(spine_region(level.to));
    }
    for cap in VERTEBRA.captures_iter(item) {
        let letter = cap[1].chars().next().unwrap_or('L');
        let Ok(number) = cap[2].parse::<u8>() else { continue };
        if letter.eq_ignore_ascii_case(&'T') && number <= 4 {
            continue;
        }
        if let Some(v) = Vertebra::new(letter, number) {
            out.push(spine_region(v));
        }
    }
    out
}

fn spine_region(v: Vertebra) -> usize {
    let v = Some(v);
    if v <= Vertebra::new('C', 7) {
        CERVICAL
    } else if v <= Vertebra::new('T', 12) {
        THORACIC
    } else {
        LUMBAR
    }
}
