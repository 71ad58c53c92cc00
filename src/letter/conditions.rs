//! The condition each diagnosis names (`right shoulder strain` is a `strain/sprain` of the
//! `shoulder`): the keys `imr report outcomes --by diagnosis` counts by and `diagnosis:` finds.
//!
//! The vocabulary is data: `data/tables/conditions.tsv` (first matching row wins), with a
//! user's own rows first; regions come from the body-region table. Pure: no IO.

use super::classify::{compile_set, data_lines, pattern_regex, Classifier, Row, TableError};
use regex::RegexSet;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The built-in table.
pub const BUILTIN_CONDITIONS: &str = include_str!("../../data/tables/conditions.tsv");
const TABLE: &str = "conditions.tsv";
const EXTRA_TABLE: &str = "extra conditions table";

/// What a diagnosis no row names is counted as.
pub const OTHER: &str = "other";

/// One diagnosis of a letter, with its condition and the body regions it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// The diagnosis as the letter words it.
    pub diagnosis: String,
    /// Its canonical condition (`other` when no row names it).
    pub condition: String,
    /// The body regions it names (as the items' regions).
    pub regions: Vec<String>,
}

/// The compiled table.
pub struct Conditions {
    set: RegexSet,
    condition_of: Vec<String>,
}

impl std::fmt::Debug for Conditions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Conditions({} rows)", self.condition_of.len())
    }
}

fn rows(text: &str, table: &str) -> Result<Vec<Row<String>>, TableError> {
    let mut out = Vec::new();
    for (line, cells) in data_lines(text) {
        let err = |reason: String| TableError { table: table.to_string(), line, reason };
        if cells.len() != 2 || cells[1].trim().is_empty() {
            return Err(err(format!("expected 2 tab-separated columns (pattern, condition), found {}", cells.len())));
        }
        let regex = pattern_regex(cells[0]).map_err(err)?;
        out.push(Row { regex, value: cells[1].trim().to_lowercase() });
    }
    Ok(out)
}

impl Conditions {
    /// The built-in table (compiled once).
    pub fn builtin() -> &'static Conditions {
        static BUILTIN: LazyLock<Conditions> =
            LazyLock::new(|| Conditions::new(BUILTIN_CONDITIONS).expect("the built-in conditions table is valid"));
        &BUILTIN
    }

    /// A table from text, in the format of the built-in one.
    pub fn new(text: &str) -> Result<Conditions, TableError> {
        let (set, condition_of) = compile_set(rows(text, TABLE)?, TABLE)?;
        Ok(Conditions { set, condition_of })
    }

    /// A user's rows, tried before the built-in ones.
    pub fn with_extra(extra: &str) -> Result<Conditions, TableError> {
        let mut all = rows(extra, EXTRA_TABLE)?;
        all.extend(rows(BUILTIN_CONDITIONS, TABLE)?);
        let (set, condition_of) = compile_set(all, &format!("{EXTRA_TABLE} with {TABLE}"))?;
        Ok(Conditions { set, condition_of })
    }

    /// The condition a diagnosis names: the first row found in it, else `other`.
    pub fn condition(&self, diagnosis: &str) -> String {
        match self.set.matches(&diagnosis.to_lowercase()).iter().next() {
            Some(row) => self.condition_of[row].clone(),
            None => OTHER.to_string(),
        }
    }

    /// Every diagnosis with its condition and regions.
    pub fn of(&self, diagnoses: &[String], regions: &Classifier) -> Vec<Condition> {
        diagnoses
            .iter()
            .map(|d| Condition { diagnosis: d.clone(), condition: self.condition(d), regions: regions.regions(d) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnoses_get_their_condition_and_region() {
        let c = Conditions::builtin();
        for (diagnosis, condition) in [
            ("right shoulder strain", "strain/sprain"),
            ("cervical, thoracic myoligamentous injury", "strain/sprain"),
            ("carpal tunnel syndrome right wrist", "carpal tunnel syndrome"),
            ("left lumbar radiculopathy", "radiculopathy"),
            ("3mm disc protrusion at L4-5 with lateral recess", "disc protrusion/herniation"),
            ("other intervertebral disc displacement of the lumbar region", "disc protrusion/herniation"),
            ("current right knee medial meniscus tear", "meniscus tear"),
            ("closed fracture of multiple ribs", "fracture"),
            ("major depressive disorder", "depression/anxiety"),
            ("cervicalgia", "neck pain"),
            ("right foot pain", "pain (other)"),
            ("male erectile disorder", "erectile dysfunction"),
            ("scapulothoracic syndrome", OTHER),
            ("M54.5", "low back pain"),
            ("S33.5XXA", "strain/sprain"),
            ("M47.816", "degenerative disc disease"),
            ("lumbar radiculopathy (M54.16)", "radiculopathy"),
            ("G56.01", "carpal tunnel syndrome"),
        ] {
            assert_eq!(c.condition(diagnosis), condition, "{diagnosis}");
        }
        let got = c.of(&["right shoulder strain".to_string()], Classifier::builtin());
        assert_eq!(got[0].regions, ["shoulder"]);
    }

    #[test]
    fn a_users_rows_come_first_and_bad_rows_are_named() {
        let c = Conditions::with_extra("scapulothoracic\tscapular dyskinesis\nstrain*\tmy strain\n").unwrap();
        assert_eq!(c.condition("scapulothoracic syndrome"), "scapular dyskinesis");
        assert_eq!(c.condition("neck strain"), "my strain");
        let e = Conditions::with_extra("# mine\nstrain\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "extra conditions table line 2: expected 2 tab-separated columns (pattern, condition), found 1"
        );
    }
}
