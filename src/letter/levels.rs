//! Spinal levels: finding `L5-S1`, `L5/S1`, `L5–S1`, `L5 S1`, `L5S1`, `L4-5`, `L4 - 5`,
//! `C5-C6`, `L4-S1`, `L4-L5-S1` in text and writing each in one canonical form (`L4-L5`),
//! with the adjacent levels a range spans (`L4-S1` spans `L4-L5` and `L5-S1`). The index
//! analyzer and the query reader both use this, so every spelling meets every other.

use std::fmt;

/// One vertebra, numbered down the spine: C1..C7 = 1..7, T1..T12 = 8..19, L1..L5 = 20..24,
/// S1..S5 = 25..29.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Vertebra(u8);

impl Vertebra {
    pub fn new(region: char, number: u8) -> Option<Vertebra> {
        let (base, max) = match region.to_ascii_uppercase() {
            'C' => (0, 7),
            'T' => (7, 12),
            'L' => (19, 5),
            'S' => (24, 5),
            _ => return None,
        };
        (1..=max).contains(&number).then_some(Vertebra(base + number))
    }

    fn parts(self) -> (char, u8) {
        match self.0 {
            1..=7 => ('C', self.0),
            8..=19 => ('T', self.0 - 7),
            20..=24 => ('L', self.0 - 19),
            _ => ('S', self.0 - 24),
        }
    }
}

impl fmt::Display for Vertebra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (r, n) = self.parts();
        write!(f, "{r}{n}")
    }
}

/// A level (two adjacent vertebrae) or a range of levels, found at `start..end` in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub start: usize,
    pub end: usize,
    pub from: Vertebra,
    pub to: Vertebra,
}

/// Ranges wider than this many levels are kept as written, without listing what they span.
const MAX_SPAN: u8 = 6;

impl Level {
    /// `L4-L5`: both vertebrae with their region letter, upper first.
    pub fn canonical(&self) -> String {
        format!("{}-{}", self.from, self.to)
    }

    /// The adjacent levels inside a range (`L4-S1` -> `L4-L5`, `L5-S1`); empty for a single level.
    pub fn spanned(&self) -> Vec<String> {
        let width = self.to.0 - self.from.0;
        if !(2..=MAX_SPAN).contains(&width) {
            return Vec::new();
        }
        (self.from.0..self.to.0).map(|v| format!("{}-{}", Vertebra(v), Vertebra(v + 1))).collect()
    }
}

/// Every spinal level or range in `text`, in order. Separators: `-`, `–`, `—`, `/`, one
/// space (only when the second part has its region letter: `L5 S1`, never `L5 2`), a dash
/// with spaces (only downwards: `L4 - 5`, never `L5 - 2`), ` to ` / ` through `, or none
/// (`L5S1`, downwards). The second part may drop its letter (`L4-5`, `C5-6`). Adjacent
/// levels chained with dashes are one range (`L4-L5-S1` and `L4-5-S1` are `L4-S1`).
pub fn find(text: &str) -> Vec<Level> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let at_word_start = i == 0 || !is_word_byte(b[i - 1]);
        if at_word_start && matches!(c.to_ascii_uppercase(), b'C' | b'T' | b'L' | b'S') {
            if let Some(level) = level_at(text, i) {
                i = level.end;
                out.push(level);
                continue;
            }
        }
        i += 1;
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// True when a letter or digit (of any script) starts at byte `j`.
fn word_char_at(b: &[u8], j: usize) -> bool {
    match b.get(j) {
        None => false,
        Some(c) if c.is_ascii() => c.is_ascii_alphanumeric(),
        Some(_) => std::str::from_utf8(&b[j..b.len().min(j + 4)])
            .or_else(|e| std::str::from_utf8(&b[j..j + e.valid_up_to()]))
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_alphanumeric),
    }
}

/// Reads `[region][number]` at `i` (the region given, or the letter at `i`): the vertebra and
/// the index after its digits, whatever follows them.
fn vertebra_digits(b: &[u8], i: usize, region: Option<u8>) -> Option<(Vertebra, usize)> {
    let (r, mut j) = match region {
        Some(r) => (r, i),
        None => (*b.get(i)?, i + 1),
    };
    let digits_start = j;
    while j < b.len() && b[j].is_ascii_digit() && j - digits_start < 2 {
        j += 1;
    }
    if j == digits_start || b.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let n: u8 = std::str::from_utf8(&b[digits_start..j]).ok()?.parse().ok()?;
    Some((Vertebra::new(r as char, n)?, j))
}

/// [`vertebra_digits`] where the vertebra must end a word (`L5` in `L5-S1`, not in `L5x`).
fn vertebra_at(b: &[u8], i: usize, region: Option<u8>) -> Option<(Vertebra, usize)> {
    vertebra_digits(b, i, region).filter(|&(_, j)| !word_char_at(b, j))
}

/// A dash between the parts of a level: hyphen, en dash, em dash, Unicode hyphens.
fn dash_len(rest: &str) -> Option<usize> {
    let c = rest.chars().next()?;
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2010}' | '\u{2011}').then(|| c.len_utf8())
}

fn level_at(text: &str, i: usize) -> Option<Level> {
    let b = text.as_bytes();
    let (first, j) = vertebra_digits(b, i, None)?;
    // No separator: `L5S1`, `C6C7`, written downwards.
    if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
        let (second, end) = vertebra_at(b, j, None)?;
        return (first < second).then_some(Level { start: i, end, from: first, to: second });
    }
    if word_char_at(b, j) {
        return None;
    }
    let rest = &text[j..];
    // The separator; whether the second part must carry its region letter; whether it must
    // come below the first (the spaced forms, so that `L5 - 2 mm` is no level); and whether
    // more parts may follow (`L4-L5-S1`).
    let (sep_len, letter_required, downwards, chained) = if let Some(n) = dash_len(rest) {
        let spaced = rest[n..].starts_with(' ');
        (n + usize::from(spaced), false, spaced, !spaced)
    } else if rest.starts_with('/') {
        (1, false, false, false)
    } else if let Some(after_space) = rest.strip_prefix(' ') {
        let lower = rest.to_ascii_lowercase();
        if lower.starts_with(" to ") {
            (4, true, false, false)
        } else if lower.starts_with(" through ") {
            (9, true, false, false)
        } else if let Some(n) = dash_len(after_space) {
            // `L4 - 5`, `L4 -5`, `L5 \u{2013} S1`.
            (1 + n + usize::from(after_space[n..].starts_with(' ')), false, true, false)
        } else {
            (1, true, false, false)
        }
    } else {
        return None;
    };
    let k = j + sep_len;
    let (second, mut end) = part_at(b, k, b[i], letter_required)?;
    if downwards && second <= first {
        return None;
    }
    let (from, mut to) = if first < second { (first, second) } else { (second, first) };
    if from == to {
        return None;
    }
    // `L4-L5-S1`, `C5-6-7`: each further part one vertebra further down makes a range.
    if chained && first < second && second.0 == first.0 + 1 {
        while let Some(n) = dash_len(&text[end..]) {
            match part_at(b, end + n, to.parts().0 as u8, false) {
                Some((next, e)) if next.0 == to.0 + 1 => {
                    to = next;
                    end = e;
                }
                _ => break,
            }
        }
    }
    Some(Level { start: i, end, from, to })
}

/// The second (or a further) part of a level at `k`: a vertebra with its region letter or,
/// unless `letter_required`, a bare number in the region of the first part (`region`).
fn part_at(b: &[u8], k: usize, region: u8, letter_required: bool) -> Option<(Vertebra, usize)> {
    let next = *b.get(k)?;
    if next.is_ascii_alphabetic() {
        vertebra_at(b, k, None)
    } else if !letter_required && next.is_ascii_digit() {
        vertebra_at(b, k, Some(region.to_ascii_uppercase()))
    } else {
        None
    }
}

/// `text` with every level written canonically (`L5 S1` -> `L5-S1`, `l4-5` -> `L4-L5`).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for l in find(text) {
        out.push_str(&text[last..l.start]);
        out.push_str(&l.canonical());
        last = l.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Vec<String> {
        find(text).iter().map(Level::canonical).collect()
    }

    #[test]
    fn every_spelling_of_l5_s1_is_one_level() {
        for s in ["L5-S1", "L5/S1", "L5\u{2013}S1", "L5 S1", "l5-s1", "L5\u{2014}S1", "S1-L5", "L5 to S1"] {
            assert_eq!(canon(&format!("fusion at {s} level")), ["L5-S1"], "{s}");
        }
    }

    #[test]
    fn short_forms_take_the_first_region() {
        assert_eq!(canon("L4-5 and C5-6"), ["L4-L5", "C5-C6"]);
        assert_eq!(canon("L4-L5, C5-C6, T12-L1, C7-T1"), ["L4-L5", "C5-C6", "T12-L1", "C7-T1"]);
    }

    #[test]
    fn ranges_list_the_levels_they_span() {
        let l = find("L4-S1 fusion")[0];
        assert_eq!(l.canonical(), "L4-S1");
        assert_eq!(l.spanned(), ["L4-L5", "L5-S1"]);
        assert_eq!(find("C5-T1")[0].spanned(), ["C5-C6", "C6-C7", "C7-T1"]);
        assert!(find("L5-S1")[0].spanned().is_empty());
    }

    #[test]
    fn things_that_are_not_levels() {
        for s in
            ["L5 2 mm", "CL5-S1", "L5", "L8-9", "C5-C5", "S1 dermatome", "T1-weighted", "L5-S1x", "Lidocaine 5%", "L 5"]
        {
            assert!(find(s).is_empty(), "{s}: {:?}", find(s));
        }
        assert_eq!(canon("CM16-0213037 at L5-S1"), ["L5-S1"]);
    }

    #[test]
    fn chained_levels_are_one_range() {
        // Regression: `L4-L5-S1` gave `L4-L5` only.
        for s in ["L4-L5-S1", "L4-5-S1", "l4-l5-s1", "L4\u{2013}L5\u{2013}S1"] {
            let found = find(&format!("fusion at {s} with instrumentation"));
            assert_eq!(found.len(), 1, "{s}: {found:?}");
            assert_eq!(found[0].canonical(), "L4-S1", "{s}");
            assert_eq!(found[0].spanned(), ["L4-L5", "L5-S1"], "{s}");
        }
        let l = find("ACDF C4-5-6-7")[0];
        assert_eq!(
            (l.canonical(), l.spanned()),
            ("C4-C7".to_string(), vec!["C4-C5".into(), "C5-C6".into(), "C6-C7".into()])
        );
        assert_eq!(canon("C6-C7-T1"), ["C6-T1"]);
        assert_eq!(canon("L3-L4-L5-S1 decompression"), ["L3-S1"]);
        // Only a part one vertebra further down goes on the chain.
        assert_eq!(canon("L4-5-10 mm"), ["L4-L5"]);
        assert_eq!(canon("L4-L5-L3"), ["L4-L5"]);
        assert_eq!(canon("L5-S1-2016"), ["L5-S1"]);
        assert_eq!(canon("L3-S1-S2"), ["L3-S1"]);
    }

    #[test]
    fn a_dash_with_spaces_and_no_separator() {
        // Regression: `L4 - 5` and `L5S1` were not read.
        for (s, want) in [
            ("L4 - 5", "L4-L5"),
            ("L4 -5", "L4-L5"),
            ("L4- 5", "L4-L5"),
            ("L5 - S1", "L5-S1"),
            ("C5 \u{2013} 6", "C5-C6"),
            ("L5S1", "L5-S1"),
            ("l5s1", "L5-S1"),
            ("C6C7", "C6-C7"),
            ("T12L1", "T12-L1"),
        ] {
            assert_eq!(canon(&format!("injection at {s} level")), [want], "{s}");
        }
        let l = find("fusion L4S1")[0];
        assert_eq!((l.canonical(), l.spanned().len()), ("L4-S1".to_string(), 2));
        assert_eq!(normalise("L4 - 5 and L5S1"), "L4-L5 and L5-S1");
    }

    #[test]
    fn spaced_and_joined_forms_that_are_not_levels() {
        for s in [
            "L5 - 2 mm",
            "L5 - L5",
            "S1 - L5",
            "S1L5",
            "L5S1x",
            "L5S",
            "S1 nerve root",
            "S1 - nerve root",
            "L5 2",
            "L5 -- S1",
            "C3PO",
            "XL5S1",
            "L5S12",
        ] {
            assert!(find(s).is_empty(), "{s}: {:?}", find(s));
        }
    }

    #[test]
    fn normalise_rewrites_in_place() {
        assert_eq!(normalise("L5 S1 fusion, l4-5 ESI, C5\u{2013}6"), "L5-S1 fusion, L4-L5 ESI, C5-C6");
        assert_eq!(normalise("no levels \u{e9}"), "no levels \u{e9}");
    }
}
