//! Text clean-up for extracted letters: lines, joins, sentence ends.
//!
//! PDF extractors leave blank lines made of spaces, doubled newlines, form feeds and trailing
//! spaces. None of that carries meaning in these letters, so the parser works on trimmed,
//! non-empty lines and re-joins wrapped text with [`join`].

/// Splits raw text into trimmed, non-empty lines (`\n`, `\r\n`, `\r` and form feeds all break).
///
/// The breaks are ASCII, so the bytes are scanned directly: splitting at a set of chars
/// decodes every char and took half the time of building the flat text.
pub fn lines(raw: &str) -> Vec<&str> {
    let mut out = Vec::new();
    each_line(raw, |line| out.push(line));
    out
}

/// [`lines`] joined by `\n`, written in one pass.
pub fn flat(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    each_line(raw, |line| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    });
    out
}

/// Each trimmed, non-empty line of `raw`, in order.
fn each_line<'a>(raw: &'a str, mut each: impl FnMut(&'a str)) {
    let mut from = 0;
    for i in memchr::memchr3_iter(b'\n', b'\r', b'\x0c', raw.as_bytes()) {
        let line = raw[from..i].trim();
        if !line.is_empty() {
            each(line);
        }
        from = i + 1;
    }
    let line = raw[from..].trim();
    if !line.is_empty() {
        each(line);
    }
}

/// Joins wrapped lines into one string with single spaces.
///
/// A line ending in a hyphen between two lowercase letters (`medi-` / `cally`) is a word broken
/// by the line end and is joined without the hyphen; any other line-end hyphen (`L5-` / `S1`,
/// `Non-` / `MTUS`) is kept and joined without a space.
pub fn join<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.is_empty() {
            push_collapsed(&mut out, line);
            continue;
        }
        let next_lower = line.chars().next().is_some_and(char::is_lowercase);
        if let Some(stem) = out.strip_suffix('-') {
            let before = stem.chars().next_back();
            if before.is_some_and(char::is_lowercase) && next_lower {
                out.pop();
            } else if !before.is_some_and(char::is_alphanumeric) {
                out.push(' ');
            }
        } else {
            out.push(' ');
        }
        push_collapsed(&mut out, line);
    }
    out
}

/// [`join`] over the lines of a multi-line string.
pub fn clean(s: &str) -> String {
    join(lines(s))
}

fn push_collapsed(out: &mut String, s: &str) {
    // Whole runs of non-space are copied at once, and ASCII bytes are classed without decoding
    // a char (splitting at `char::is_whitespace` was 8% of parsing).
    let bytes = s.as_bytes();
    if is_collapsed(bytes) {
        out.push_str(s);
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() {
            let width = space_at(s, i);
            if width == 0 {
                break;
            }
            i += width;
        }
        let run = i;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_whitespace() || b == 0x0b {
                    break;
                }
                i += 1;
            } else {
                match s[i..].chars().next() {
                    Some(c) if !c.is_whitespace() => i += c.len_utf8(),
                    _ => break,
                }
            }
        }
        if i > run {
            // A run after spaces is parted from what came before by one space.
            if run > 0 && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&s[run..i]);
        }
    }
}

/// Whether `s` is ASCII whose only spaces are single `' '`s between words, so that collapsing
/// leaves it as it is (most lines): a branch-free pass the compiler vectorizes.
fn is_collapsed(s: &[u8]) -> bool {
    let (Some(first), Some(last)) = (s.first(), s.last()) else { return true };
    let odd =
        s.iter().fold(0u8, |acc, &b| acc | u8::from(b >= 0x80 || (b.is_ascii_whitespace() && b != b' ') || b == 0x0b));
    let doubled = s.iter().zip(&s[1..]).fold(0u8, |acc, (&a, &b)| acc | u8::from(a == b' ' && b == b' '));
    odd == 0 && doubled == 0 && *first != b' ' && *last != b' '
}

/// The length of the whitespace char at byte `i` of `s` (a char boundary), or 0.
fn space_at(s: &str, i: usize) -> usize {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        usize::from(b.is_ascii_whitespace() || b == 0x0b)
    } else {
        s[i..].chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
    }
}

/// True when the line ends a sentence: `.`, `?` or `!`, possibly inside closing quotes or
/// brackets. Item headings never end so; rationales always do.
pub fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end().trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ']']);
    t.ends_with(['.', '?', '!'])
}

/// Strips a leading item number: `1)`, `(2)`, `3.`.
pub fn strip_number(s: &str) -> &str {
    let t = s.trim_start();
    let t2 = t.strip_prefix('(').unwrap_or(t);
    let digits = t2.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &t2[digits..];
        if let Some(r) = rest.strip_prefix(')').or_else(|| rest.strip_prefix('.')) {
            if r.starts_with(char::is_whitespace) {
                return r.trim_start();
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_blank_and_space_only_lines_and_form_feeds() {
        let raw = "a  \n \n\nb\u{c}c\r\nd\r";
        assert_eq!(lines(raw), vec!["a", "b", "c", "d"]);
        assert_eq!(flat(raw), "a\nb\nc\nd");
        assert_eq!(flat(" \n\u{c}"), "");
    }

    #[test]
    fn join_rejoins_hyphenated_words_only_between_lowercase_letters() {
        assert_eq!(join(["not medi-", "cally necessary"]), "not medically necessary");
        assert_eq!(join(["fusion at L5-", "S1 level"]), "fusion at L5-S1 level");
        assert_eq!(join(["Decision based on Non-", "MTUS Citation"]), "Decision based on Non-MTUS Citation");
        assert_eq!(join(["pain -", "stiffness"]), "pain - stiffness");
    }

    #[test]
    fn join_collapses_internal_whitespace() {
        assert_eq!(
            join(["Priority:   Standard  Application", "Received:\t11/03/2016"]),
            "Priority: Standard Application Received: 11/03/2016"
        );
    }

    #[test]
    fn join_collapses_every_unicode_space_as_splitting_at_chars_does() {
        // What the byte scan must equal: the words between `char::is_whitespace` chars.
        fn by_chars(out: &mut String, s: &str) {
            for (k, piece) in s.split(char::is_whitespace).filter(|p| !p.is_empty()).enumerate() {
                let after_space = k > 0 || s.starts_with(char::is_whitespace);
                if after_space && !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push_str(piece);
            }
        }
        let cases = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "a\u{b}b",
            "a\u{a0}b\u{2003} c\u{3000}",
            "\u{85}é  ü\tx",
            "L5-S1\u{2028}fusion",
            "naïve\u{202f}café",
            "\u{1680}\u{205f}end",
            "x\u{1c}y",
            "a b c",
            "a b  c",
            " a b",
            "a b ",
            "a\tb",
            "a\u{b}",
        ];
        for before in ["", "w", "w ", "w-"] {
            for s in cases {
                let (mut fast, mut slow) = (before.to_string(), before.to_string());
                push_collapsed(&mut fast, s);
                by_chars(&mut slow, s);
                assert_eq!(fast, slow, "{before:?} + {s:?}");
            }
        }
        assert_eq!(join(["a\u{a0}b\u{2003} c", "d\u{b}e"]), "a b c d e");
    }

    #[test]
    fn sentence_ends_see_through_quotes() {
        assert!(ends_sentence("is not medically necessary."));
        assert!(ends_sentence("the \"MRI right knee\" is not necessary.\u{201d}"));
        assert!(!ends_sentence("LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC"));
        assert!(!ends_sentence("Associated surgical service:"));
    }

    #[test]
    fn numbers_are_stripped() {
        assert_eq!(strip_number("1) MRI"), "MRI");
        assert_eq!(strip_number("12. MRI"), "MRI");
        assert_eq!(strip_number("(3) MRI"), "MRI");
        assert_eq!(strip_number("2 times a week"), "2 times a week");
        assert_eq!(strip_number("5.0 mg"), "5.0 mg");
    }
}
