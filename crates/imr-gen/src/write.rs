//! Laying generated text out as a PDF extractor would leave it: lines wrapped at 80-100
//! columns, trailing spaces, lines of a single space, doubled newlines, CRLF, words
//! hyphenated across lines and form feeds mid-sentence.
//!
//! Every artifact here is one the parser undoes exactly (it trims lines, drops blank ones,
//! breaks at form feeds and rejoins `lower-` / `lower` hyphenations), so none of them can change
//! what the ground truth says. Words are only hyphenated when they are all lower-case ASCII
//! letters, which is what makes the rejoin exact.

use super::rng::Rng;

/// How one letter's text is laid out.
#[derive(Debug, Clone)]
pub struct Style {
    /// Wrap column (bytes).
    pub width: usize,
    pub crlf: bool,
    /// A blank line after every line (as some extractors print).
    pub double: bool,
    /// Chance (per mille) of trailing spaces at a line end.
    pub trailing: u32,
    /// Chance (per mille) that a long lower-case word at a wrap point is hyphenated.
    pub hyphen: u32,
    /// Chance (per mille) that a prose line ends in a form feed (a page break).
    pub formfeed: u32,
}

impl Style {
    pub fn random(rng: &mut Rng) -> Style {
        Style {
            width: rng.range(80, 100) as usize,
            crlf: rng.chance(120),
            double: false,
            trailing: rng.pick(&[0, 150, 400, 700]),
            hyphen: rng.pick(&[0, 40, 120, 250]),
            formfeed: rng.pick(&[0, 8, 15, 25]),
        }
    }
}

/// How a paragraph may be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Wrapped, hyphenated, page breaks allowed: summaries, rationales, guideline lines.
    Prose,
    /// Wrapped and (rarely) hyphenated: item headings and numbered decisions.
    Heading,
    /// Wrapped only: text the parser reads with patterns on the raw lines (reviewer prose,
    /// boilerplate).
    Plain,
}

/// Words never hyphenated: the parser reads them with patterns on the unjoined lines.
const PROTECTED: [&str; 15] = [
    "notmedically",
    "guideline",
    "rationale",
    "medically",
    "necessary",
    "appropriate",
    "determined",
    "original",
    "authorized",
    "remaining",
    "eligible",
    "portion",
    "administrator",
    "regarding",
    "licensed",
];

/// The letter being written (`out`) and the paragraph being built (`para`).
pub struct Writer {
    pub out: String,
    pub para: String,
    pub style: Style,
}

impl Writer {
    pub fn new(style: Style, capacity: usize) -> Writer {
        Writer { out: String::with_capacity(capacity), para: String::with_capacity(2048), style }
    }

    fn eol(&mut self, rng: &mut Rng) {
        if self.style.trailing > 0 && rng.chance(self.style.trailing) {
            let n = 1 + rng.below(3);
            for _ in 0..n {
                self.out.push(' ');
            }
        }
        self.newline();
    }

    fn newline(&mut self) {
        self.out.push_str(if self.style.crlf { "\r\n" } else { "\n" });
        if self.style.double {
            self.out.push_str(if self.style.crlf { "\r\n" } else { "\n" });
        }
    }

    /// One line as given.
    pub fn line(&mut self, rng: &mut Rng, s: &str) {
        self.out.push_str(s);
        self.eol(rng);
    }

    /// An empty line, or one made of a single space.
    pub fn blank(&mut self, rng: &mut Rng) {
        if rng.chance(300) {
            self.out.push(' ');
        }
        self.newline();
    }

    /// Wraps `para` into `out` and clears it. Words are split at single spaces; a `\n` inside
    /// a word breaks the line there.
    pub fn flush(&mut self, rng: &mut Rng, mode: Mode) {
        let para = std::mem::take(&mut self.para);
        let width = self.style.width;
        let mut col = 0usize;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let len = word.len();
            if col > 0 && col + 1 + len > width {
                let room = width.saturating_sub(col + 2);
                if mode != Mode::Plain && room >= 3 && len >= 8 && self.hyphenate(rng, word, mode) {
                    let k = room.min(len - 3);
                    self.out.push(' ');
                    self.out.push_str(&word[..k]);
                    self.out.push('-');
                    self.end_line(rng, mode);
                    self.out.push_str(&word[k..]);
                    col = len - k;
                    continue;
                }
                self.end_line(rng, mode);
                col = 0;
            }
            if col > 0 {
                self.out.push(' ');
                col += 1;
            }
            // A word may carry its own line break (an address broken across lines).
            let mut pieces = word.split('\n');
            let first = pieces.next().unwrap_or("");
            self.out.push_str(first);
            col += first.len();
            for piece in pieces {
                self.eol(rng);
                self.out.push_str(piece);
                col = piece.len();
            }
        }
        if col > 0 {
            self.eol(rng);
        }
        self.para = para;
        self.para.clear();
    }

    fn end_line(&mut self, rng: &mut Rng, mode: Mode) {
        if mode == Mode::Prose && self.style.formfeed > 0 && rng.chance(self.style.formfeed) {
            self.out.push('\u{c}');
        } else {
            self.eol(rng);
        }
    }

    fn hyphenate(&self, rng: &mut Rng, word: &str, mode: Mode) -> bool {
        let chance = if mode == Mode::Heading { self.style.hyphen / 4 } else { self.style.hyphen };
        chance > 0 && word.bytes().all(|b| b.is_ascii_lowercase()) && rng.chance(chance) && !PROTECTED.contains(&word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imr_search::letter::text;

    #[test]
    fn wrapping_and_hyphenation_are_undone_by_the_parser_join() {
        let mut rng = Rng::new(5);
        for width in [30, 50, 80] {
            let style = Style { width, crlf: false, double: false, trailing: 500, hyphen: 1000, formfeed: 100 };
            let mut w = Writer::new(style, 1000);
            let para = "Physical therapy for the lumbar spine two times weekly, considering extraordinarily \
                        complicated circumstances L5-S1 and C5\u{2013}6 with documentation.";
            w.para.push_str(para);
            w.flush(&mut rng, Mode::Prose);
            assert_eq!(text::clean(&w.out), para, "{}", w.out);
            assert!(w.out.split(['\n', '\u{c}']).all(|l| l.trim_end().len() <= width), "{}", w.out);
        }
    }
}
