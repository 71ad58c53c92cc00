//! The parsed letter: one `Letter` per file, one `Decision` per disputed item.
//!
//! These types are the project's data contract: `imr parse` prints them as JSON, and the
//! index is built from them. Field names here are the JSON keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which form the letter was written on (see DOMAIN.md, "Layouts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layout {
    /// 2013 "Notice of Independent Medical Review Determination", numbered prose decisions.
    A,
    /// 2013-2015, reviewer described in prose, items in capitals.
    B,
    /// 2016-2017+, "Case Number" header, licensure and specialty lines.
    C,
    /// ~2015, with a "DOCUMENTS REVIEWED" section.
    D,
    /// "MEDICAL PROFESSIONAL REVIEW" form.
    E,
    /// No known layout: the letter keeps its full text and is flagged.
    #[serde(rename = "unknown")]
    Unknown,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::A => "A",
            Layout::B => "B",
            Layout::C => "C",
            Layout::D => "D",
            Layout::E => "E",
            Layout::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What IMR decided about the UR decision for one item.
///
/// `Upheld`: the UR denial stands (treatment not medically necessary).
/// `Overturned`: the denial is reversed (treatment medically necessary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Upheld,
    Overturned,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::Overturned => "overturned",
        }
    }

    /// Reads the outcome word as the letters print it (`Upheld`, `OVERTURNED`, ...).
    pub fn from_word(word: &str) -> Option<Outcome> {
        if word.eq_ignore_ascii_case("upheld") {
            Some(Outcome::Upheld)
        } else if word.eq_ignore_ascii_case("overturned") {
            Some(Outcome::Overturned)
        } else {
            None
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar date as printed in a letter; serialised as ISO `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A checked date: month 1-12, day within the month (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days && (1900..=2199).contains(&year)).then_some(Date { year, month, day })
    }

    /// Parses `M/D/YYYY`, `MM/DD/YY`, `M-D-YYYY` and ISO `YYYY-MM-DD`.
    pub fn parse_us(s: &str) -> Option<Date> {
        let s = s.trim();
        let parts: Vec<&str> = s.split(['/', '-']).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let num = |p: &str| p.parse::<u32>().ok();
        if parts[0].len() == 4 {
            let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
            return Date::new(u16::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?);
        }
        let (m, d, y) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        let y = match parts[2].len() {
            2 if y < 70 => 2000 + y,
            2 => 1900 + y,
            4 => y,
            _ => return None,
        };
        Date::new(u16::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_us(&s).ok_or_else(|| serde::de::Error::custom(format!("bad date {s:?}")))
    }
}

/// The expert reviewer: the only facts a letter gives (names are confidential by statute).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer {
    pub specialties: Vec<String>,
    pub licensure: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub age: Option<u8>,
    pub sex: Option<Sex>,
}

/// One disputed item and what IMR decided about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The disputed item as written; for a partial authorisation, the disputed remainder.
    pub item: String,
    /// Partial authorisation: the request as first made.
    pub original_request: Option<String>,
    /// Partial authorisation: the part the claims administrator authorised.
    pub authorized: Option<String>,
    /// `None` only when the letter does not say (a cut-off letter); a warning says so.
    pub outcome: Option<Outcome>,
    /// The Claims Administrator's (UR) guideline line.
    pub ur_guideline: Option<String>,
    /// The IMR reviewer's ("MAXIMUS") guideline line.
    pub imr_guideline: Option<String>,
    pub rationale: Option<String>,
    /// The guidelines cited for this item, by the claims administrator and by IMR.
    #[serde(default)]
    pub citations: Vec<super::citations::Citation>,
    /// The item's procedure category (`data/tables/procedure-categories.tsv`).
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub subcategory: Option<String>,
    /// Body regions the item names (`data/tables/body-regions.tsv`, and spinal levels).
    #[serde(default)]
    pub body_regions: Vec<String>,
}

/// One Final Determination Letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub layout: Layout,
    pub case_number: Option<String>,
    pub date_assigned: Option<Date>,
    pub date_of_injury: Option<Date>,
    pub decision_date: Option<Date>,
    pub ur_denial_date: Option<Date>,
    pub application_received: Option<Date>,
    pub priority: Option<String>,
    pub reviewer: Reviewer,
    pub patient: Patient,
    pub diagnoses: Vec<String>,
    /// Each diagnosis with its canonical condition and body regions (`conditions.tsv`).
    #[serde(default)]
    pub conditions: Vec<super::conditions::Condition>,
    pub clinical_summary: Option<String>,
    pub items: Vec<Decision>,
    /// What the parser could not read cleanly; never silently dropped.
    pub warnings: Vec<String>,
    /// The whole letter text after artifact clean-up (blank lines dropped, lines trimmed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}
