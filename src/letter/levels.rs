//! Spinal levels: finding `L5-S1`, `L5/S1`, `L5–S1`, `L5 S1`, `L4-5`, `C5-C6`, `L4-S1` in
//! text and writing each in one canonical form (`L4-L5`), with the adjacent levels a range
//! spans (`L4-S1` spans `L4-L5` and `L5-S1`). The index analyzer and the query reader both
//! use this, so every spelling meets every other.

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
/// space (only when the second part has its region letter: `L5 S1`, never `L5 2`), or
/// ` to ` / ` through `. The second part may drop its letter (`L4-5`, `C5-6`).
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

/// Reads `[region][number]` at `i`: the vertebra and the index after it.
fn vertebra_at(b: &[u8], i: usize, region: Option<u8>) -> Option<(Vertebra, usize)> {
    let (r, mut j) = match region {
        Some(r) => (r, i),
        None => (*b.get(i)?, i + 1),
    };
    let digits_start = j;
    while j < b.len() && b[j].is_ascii_digit() && j - digits_start < 2 {
        j += 1;
    }
    if j == digits_start || word_char_at(b, j) {
        return None;
    }
    let n: u8 = std::str::from_utf8(&b[digits_start..j]).ok()?.parse().ok()?;
    Some((Vertebra::new(r as char, n)?, j))
}

fn level_at(text: &str, i: usize) -> Option<Level> {
    let b = text.as_bytes();
    let (first, j) = vertebra_at(b, i, None)?;
    let rest = &text[j..];
    // Separator, and whether the second part must carry its region letter.
    let (sep_len, letter_required) = if let Some(c) = rest.chars().next() {
        match c {
            '-' | '/' | '\u{2013}' | '\u{2014}' | '\u{2010}' | '\u{2011}' => (c.len_utf8(), false),
            ' ' => {
                let lower = rest.to_ascii_lowercase();
                if lower.starts_with(" to ") {
                    (4, true)
                } else if lower.starts_with(" through ") {
                    (9, true)
                } else {
                    (1, true)
                }
            }
            _ => return None,
        }
    } else {
        return None;
    };
    let k = j + sep_len;
    let next = *b.get(k)?;
    let (second, end) = if next.is_ascii_alphabetic() {
        vertebra_at(b, k, None)?
    } else if !letter_required && next.is_ascii_digit() {
        vertebra_at(b, k, Some(b[i].to_ascii_uppercase()))?
    } else {
        return None;
    };
    let (from, to) = if first < second { (first, second) } else { (second, first) };
    (from != to).then_some(Level { start: i, end, from, to })
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
    fn normalise_rewrites_in_place() {
        assert_eq!(normalise("L5 S1 fusion, l4-5 ESI, C5\u{2013}6"), "L5-S1 fusion, L4-L5 ESI, C5-C6");
        assert_eq!(normalise("no levels \u{e9}"), "no levels \u{e9}");
    }
}
