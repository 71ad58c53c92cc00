//! A deterministic generator of synthetic IMR Final Determination Letters, with the ground
//! truth of every letter: for benchmarks at 10^5-10^6 letters and for tests that check the
//! parser's and the search's answers at scale.
//!
//! Pure: no IO. Letter `i` of corpus `seed` depends on `(seed, i)` only, so letters can be made
//! in any order, in parallel, and a corpus of N letters is a prefix of a corpus of M > N.
//! The text is made to look like extracted PDF text of the five layouts (see DOMAIN.md), with
//! extraction artifacts that the parser must undo but that never make the truth ambiguous.
//! Everything the letters say was written for this project.

pub mod bench;
mod cite;
pub mod cli;
pub mod corpus;
mod items;
mod layout;
mod rng;
mod vocab;
mod write;

pub use rng::Rng;

use imr_search::letter::{Date, Layout, Outcome, Sex};
use layout::{Case, Day};
use serde::{Deserialize, Serialize};

/// Letters are numbered `0..MAX_LETTERS`: the index is the case number's seven digits.
pub const MAX_LETTERS: u64 = 10_000_000;

/// One generated letter.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `CM16-0001234.txt`: unique per index.
    pub file_name: String,
    pub text: String,
    pub truth: Truth,
}

/// What a correct reader of the letter finds in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    pub file_name: String,
    pub case_number: String,
    pub layout: Layout,
    pub decision_date: Date,
    pub date_of_injury: Date,
    pub age: u8,
    pub sex: Sex,
    pub specialties: Vec<String>,
    pub licensure: Vec<String>,
    pub items: Vec<TruthItem>,
}

/// One disputed item of the truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthItem {
    /// The item as the parser should report it (for a partial authorisation, the remainder).
    pub item: String,
    pub outcome: Outcome,
    /// Canonical spinal levels as `letter::levels` writes them (`L4-L5`, `L5-S1`, a range as
    /// `L4-S1`), in text order.
    pub levels: Vec<String>,
    /// Canonical citation keys of the Claims Administrator's line, in order, each once.
    pub ur_citations: Vec<String>,
    /// Canonical citation keys of the reviewer's line, in order, each once.
    pub imr_citations: Vec<String>,
    /// Procedure category (`data/tables/procedure-categories.tsv`).
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized: Option<String>,
}

/// The layout mix: C 50%, B 25%, D 10%, A 8%, E 7%.
const LAYOUTS: &[(Layout, u32)] = &[(Layout::C, 50), (Layout::B, 25), (Layout::D, 10), (Layout::A, 8), (Layout::E, 7)];

/// Items per letter: most letters 1-3, a long tail to 20.
const ITEM_COUNTS: [u32; 20] = [3600, 2200, 1400, 900, 600, 400, 280, 200, 130, 90, 60, 40, 30, 20, 15, 12, 8, 6, 5, 4];

/// Decision dates per layout (first and last day).
fn date_range(layout: Layout) -> (Day, Day) {
    match layout {
        Layout::A => (Day::from_ymd(2013, 3, 1), Day::from_ymd(2013, 12, 31)),
        Layout::B => (Day::from_ymd(2013, 9, 1), Day::from_ymd(2015, 6, 30)),
        Layout::D => (Day::from_ymd(2015, 1, 1), Day::from_ymd(2015, 12, 31)),
        Layout::E => (Day::from_ymd(2015, 6, 1), Day::from_ymd(2016, 12, 31)),
        _ => (Day::from_ymd(2016, 1, 1), Day::from_ymd(2017, 12, 31)),
    }
}

fn date(day: Day) -> Date {
    let (y, m, d) = day.ymd();
    Date { year: y as u16, month: m as u8, day: d as u8 }
}

/// `CM16-0001234`: the year the application was received, then the letter's index, so case
/// numbers (and file names) are unique for indexes below [`MAX_LETTERS`].
fn case_number(year: u32, index: u64) -> String {
    format!("CM{:02}-{:07}", year % 100, index % MAX_LETTERS)
}

fn distinct<'a>(rng: &mut Rng, pool: &'a [(&'a str, u32)], n: usize) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(n);
    for _ in 0..n * 4 {
        if out.len() == n {
            break;
        }
        let x = *rng.pick_weighted(pool);
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

fn licensure(rng: &mut Rng) -> Vec<&'static str> {
    let other = |rng: &mut Rng| loop {
        let s = *rng.pick_weighted(vocab::STATES);
        if s != "California" {
            return s;
        }
    };
    match rng.below(100) {
        0..=59 => vec!["California"],
        60..=84 => vec![other(rng), "California"],
        85..=94 => vec!["California", other(rng)],
        _ => {
            let a = other(rng);
            let mut b = other(rng);
            if b == a {
                b = if a == "Texas" { "Oregon" } else { "Texas" };
            }
            vec![a, b, "California"]
        }
    }
}

/// Decides everything about letter `index` before any text is written.
fn case(rng: &mut Rng, index: u64) -> Case {
    let layout = *rng.pick_weighted(LAYOUTS);
    let (first, last) = date_range(layout);
    let decision = first.plus(rng.below((last.0 - first.0 + 1) as usize) as i32);
    let ur_denial = decision.plus(-(rng.range(25, 75) as i32));
    let received = ur_denial.plus(rng.range(2, 20) as i32);
    let room = (decision.0 - received.0 - 2).clamp(1, 12);
    let assigned = received.plus(1 + rng.below(room as usize) as i32);
    let injury = decision.plus(-(rng.range(90, 4500) as i32));
    let year = received.ymd().0;
    let n_specialties = match rng.below(100) {
        0..=69 => 1,
        70..=91 => 2,
        _ => 3,
    };
    let region = *rng.pick_weighted(items::REGIONS);
    let mut n = 1 + rng.weighted(&ITEM_COUNTS);
    n = match layout {
        Layout::A => n.min(8),
        Layout::E => n.min(4),
        _ => n,
    };
    let dos = decision.plus(-(rng.range(60, 200) as i32)).ymd();
    let ctx = items::Context {
        region,
        year: decision.ymd().0 as u16,
        partial_ok: matches!(layout, Layout::C | Layout::D),
        dos,
    };
    let list = items::items(n, ctx, rng);
    let overturn = if layout == Layout::E { 50 } else { 105 };
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(list.len());
    for (k, item) in list.iter().enumerate() {
        let follows = item.group == items::Group::Associated && k > 0;
        let o = if follows && rng.chance(950) {
            outcomes[0]
        } else if rng.chance(overturn) {
            Outcome::Overturned
        } else {
            Outcome::Upheld
        };
        outcomes.push(o);
    }
    Case {
        layout,
        case_number: case_number(year, index),
        decision,
        assigned,
        injury,
        ur_denial,
        received,
        expedited: rng.chance(40),
        age: rng.range(21, 72) as u8,
        sex: if rng.chance(560) { Sex::Male } else { Sex::Female },
        specialties: distinct(rng, vocab::SPECIALTIES, n_specialties),
        licensure: licensure(rng),
        region,
        diagnosis: rng.pick(items::info(region).diagnoses),
        items: list,
        outcomes,
        lines: Vec::new(),
        review: None,
        curly: rng.chance(400),
    }
}

/// Generates letter `index` of corpus `seed` (its file name is unique for `index <
/// MAX_LETTERS`).
pub fn letter(seed: u64, index: u64) -> Generated {
    let mut text = String::new();
    let truth = letter_into(seed, index, &mut text);
    Generated { file_name: truth.file_name.clone(), text, truth }
}

/// [`letter`], writing the text into `text` (cleared first) to reuse its allocation.
pub fn letter_into(seed: u64, index: u64, text: &mut String) -> Truth {
    let mut rng = Rng::for_letter(seed, index);
    let mut case = case(&mut rng, index);
    let ctx = cite::Context { era: case.era(), year: case.decision.ymd().0 as u16 };
    if case.layout == Layout::E {
        let bases: Vec<&cite::Basis> = case.items.iter().map(|i| &i.basis).collect();
        case.review = Some(cite::review_paragraph(&bases, ctx, &mut rng));
    } else {
        let lines = case
            .items
            .iter()
            .map(|item| {
                let ur = cite::line(&item.basis, cite::By::Ur, None, ctx, &mut rng);
                let imr = cite::line(&item.basis, cite::By::Imr, Some(&ur), ctx, &mut rng);
                (ur, imr)
            })
            .collect();
        case.lines = lines;
    }
    let mut style = write::Style::random(&mut rng);
    style.double = case.layout == Layout::B && rng.chance(250);
    let mut w = write::Writer::new(style, 8192);
    std::mem::swap(&mut w.out, text);
    w.out.clear();
    layout::write(&mut w, &case, &mut rng);
    std::mem::swap(&mut w.out, text);
    truth(&case)
}

fn truth(case: &Case) -> Truth {
    let items = (0..case.items.len())
        .map(|k| {
            let item = &case.items[k];
            let (ur, imr) = match (&case.review, case.lines.get(k)) {
                (Some(review), _) => (Vec::new(), review.keys.clone()),
                (None, Some((ur, imr))) => (ur.keys.clone(), imr.keys.clone()),
                (None, None) => (Vec::new(), Vec::new()),
            };
            let upper = |s: &String| if case.layout == Layout::B { s.to_uppercase() } else { s.clone() };
            TruthItem {
                item: case.item_text(k),
                outcome: case.outcomes[k],
                levels: item.levels.clone(),
                ur_citations: ur,
                imr_citations: imr,
                category: item.category.to_string(),
                original_request: item.partial.as_ref().map(|p| upper(&p.original)),
                authorized: item.partial.as_ref().map(|p| upper(&p.authorized)),
            }
        })
        .collect();
    Truth {
        file_name: format!("{}.txt", case.case_number),
        case_number: case.case_number.clone(),
        layout: case.layout,
        decision_date: date(case.decision),
        date_of_injury: date(case.injury),
        age: case.age,
        sex: case.sex,
        specialties: case.specialties.iter().map(|s| s.to_string()).collect(),
        licensure: case.licensure.iter().map(|s| s.to_string()).collect(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2016, 2, 29), (2017, 12, 31), (2013, 3, 1)] {
            assert_eq!(Day::from_ymd(y, m, d).ymd(), (y as u32, m, d));
        }
        assert_eq!(Day::from_ymd(1970, 1, 2).0, 1);
    }

    #[test]
    fn same_seed_and_index_same_letter() {
        let a = letter(1, 42);
        let b = letter(1, 42);
        assert_eq!(a.text, b.text);
        assert_eq!(a.truth, b.truth);
        assert_ne!(letter(2, 42).text, a.text);
        assert!(a.file_name.ends_with("-0000042.txt"), "{}", a.file_name);
    }
}
