//! Case-level facts: case number, dates, priority, reviewer, patient, diagnoses.
//!
//! Every reader here works on the letter's "flat" text (trimmed non-empty lines joined by
//! `\n`), so a label wrapped over two lines (`Application` / `Received:`) still matches.

use super::model::{Date, Patient, Reviewer, Sex};
use super::text;
use std::sync::LazyLock;

re!(CASE_LABELLED, r"(?i)case\s+(?:number|no\.?|#)\s*:?\s*(CM\d{2}\s*-\s*\d{7})\b");
re!(CASE_ANY, r"\bCM\d{2}-\d{7}\b");
// A date label (the first five patterns, in `DATE_LABELS` order) or a date. One search with
// one pattern per alternative: the pattern that matched names the label, so no capture
// groups are read (leftmost-first over the patterns is leftmost-first over an alternation).
static DATE_OR_LABEL: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| {
    regex_automata::meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .build_many(&[
            r"date\s+assigned\s*:",
            r"(?:date\s+of\s+injury|\bDOI)\s*:",
            r"(?:decision\s+date|\bdated)\s*:",
            r"(?:UR\s+denial\s+date|date\s+of\s+UR\s+decision)\s*:",
            r"(?:application\s+received|date\s+of\s+IMR\s+application)\s*:",
            r"\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b",
        ])
        .expect("valid date patterns")
});
const DATE_LABELS: [&str; 5] = ["assigned", "injury", "decision", "ur", "app"];
re!(PRIORITY, r"(?i)\bpriority\s*:\s*(standard|expedited|regular|urgent)\b");
re!(LICENSURE, r"(?i)state\(s\)\s+of\s+licensure\s*:");
re!(SPECIALTY, r"(?i)certification\(s\)\s*/\s*specialty\s*:");
re!(
    BOARD,
    r"(?is)\bboard\s+certified\s+in\s+(.+?)(?:\s+and\s+(?:is\s+)?licensed\b|\s*[.;]|\s+with\s+a\s+subspecialty)"
);
re!(LICENSED_IN, r"(?is)\blicensed\s+to\s+practice\s+in\s+(.+?)\s*(?:\.(?:\s|$)|;|$)");
// `48 year old`, `36-year-old`, `45 yr old`, `45 y/o`, `45 y.o.`, `45 yo`; then up to four
// describing words (`right hand dominant`, `right-hand-dominant`, `obese`) before the sex,
// which `patient` checks are descriptions and not the next clause.
re!(
    AGE_SEX,
    r"(?i)\b(\d{1,3})\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old\b|y\s*/\s*o\b|y\.\s*o\.?|yo\b)(?:[\s,]+((?:[a-z]+(?:-[a-z]+)*\s+){0,4}?)(male|female|man|woman|gentleman|lady|boy|girl)\b)?"
);
// Where a letter names the patient's conditions, and the list that follows (to the sentence's
// end): `diagnoses include`, `diagnoses are documented as`, `diagnosed with`, `is being
// treated for`, `is undergoing treatment for`, `treated for the diagnoses of`, `has filed a
// claim for`.
const DIAGNOSES_PATTERN: &str = r"(?xi)
    (?: \bdiagnos[ie]s\b [^.:;]{0,40}?
          (?: \b(?:are|were|is|was)(?:\s+(?:documented|noted|listed|reported|given)\s+(?:as|is|are|to\s+include))?
            | \b(?:documented|noted|listed)\s+(?:as|is|are|was|were|to\s+include)
            | \binclude[sd]?
            | \bof ) \s*:?
      | \bdiagnos[ie]s\s*:
      | \bdiagnosed\s+(?:with|as\s+having|as)
      | \b(?:being|been|is|was|were|are|currently|still)\s+(?:\w+\s+)?treated\s+for
            (?:\s+(?:the\s+)?diagnos[ie]s\s+of)?\s*:?
      | \b(?:undergoing|receiving|under|ongoing|continued|continuing|sought|seeking|received|in)\s+(?:\w+\s+)?treatments?\s+for
            (?:\s+(?:the\s+)?diagnos[ie]s\s+of)?\s*:?
      | \bfiled\s+a\s+claim\s+for )
    \s*(.+?)(?:\.(?:\s|$)|$)";
re!(DIAGNOSES, DIAGNOSES_PATTERN);
/// [`DIAGNOSES`] with ASCII word boundaries, word and space classes and case, and with chars
/// still read as chars (`.` and `[^.:;]{0,40}`). Under Unicode `\b` the lazy DFA gives up at
/// the first non-ASCII byte it meets and a far slower engine reads on; this form keeps the DFA.
/// It matches exactly as [`DIAGNOSES`] in text whose non-ASCII chars are neither word chars nor
/// spaces (curly quotes, dashes: see [`plain_beyond_ascii`]).
static DIAGNOSES_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    let pattern = DIAGNOSES_PATTERN.replace("(.+?)", "((?u:.)+?)").replace("[^.:;]", "(?u:[^.:;])");
    regex::bytes::Regex::new(&format!("(?-u){pattern}")).expect("valid regex")
});
re!(NON_ASCII_WORD_OR_SPACE, r"[[\w\s]&&[^\x00-\x7F]]");

/// Whether every non-ASCII char of `text` is neither a word char nor a space, so that ASCII
/// `\b`, `\w`, `\s` and case rules read it as the Unicode ones do.
fn plain_beyond_ascii(text: &str) -> bool {
    text.is_ascii() || !NON_ASCII_WORD_OR_SPACE.is_match(text)
}
// Where a list's last condition ends: what follows tells how or when it happened.
re!(
    DIAGNOSES_STOP,
    r"(?i)\s+(?:reportedly|allegedly|which|who|that\s+(?:was|were|is|are|occurred)|since|on\s+\d|dated|as\s+a\s+result|secondary\s+to|due\s+to|attributed|associated\s+with|sustained|following\s+an?\s+(?:industrial|work)|after\s+an?\s|from\s+an?\s+(?:industrial|work))\b.*$"
);
// Coding suffixes that are not part of a condition (`lumbar strain, initial encounter`).
re!(ENCOUNTER, r"(?i),?\s+(?:initial|subsequent)\s+encounter\b|,?\s+sequelae?\b");
// Commas and `and` that belong inside one condition (`strain of muscle, fascia and tendon`,
// `cartilage and/or meniscus`).
re!(INSIDE, r"(?i)\bmuscles?\s*,\s*fascia\s*,?\s*(?:(?:and|or)\s+)?tendons?\b|\band\s*[/-]?\s*or\b");
// What a list names that is not a condition.
re!(
    NOT_CONDITION,
    r"(?i)^(?:an?\s+)?(?:(?:industrial|work[- ]related|occupational|cumulative\s+trauma)\s+(?:injury|injuries|fall|accident)|injury|injuries|pain\s+management|other|unspecified|unknown|pending|deferred|unclear|none|not\b.*)$"
);
re!(US_DATE, r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}");
re!(LEADING_ARTICLES, r"(?i)^(?:(?:the|a|an|with|and|or)\s+)+");
re!(LIST_SPLIT, r"\s*,\s*(?:(?:and|or)\s+)?|\s+and\s+|\s*;\s*|\s+as\s+well\s+as\s+");

/// The case number (`CM16-0213037`), from its label or, failing that, anywhere in the text.
pub fn case_number(flat: &str) -> Option<String> {
    if let Some(c) = CASE_LABELLED.captures(flat) {
        return Some(c[1].chars().filter(|c| !c.is_whitespace()).collect());
    }
    CASE_ANY.find(flat).map(|m| m.as_str().to_string())
}

/// Header dates, in any order: labels queue up and each date fills the oldest waiting label,
/// so both `Label: date Label: date` and `Label: Label: date date` read right.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Dates {
    pub assigned: Option<Date>,
    pub injury: Option<Date>,
    pub decision: Option<Date>,
    pub ur_denial: Option<Date>,
    pub application_received: Option<Date>,
}

pub fn dates(header: &str) -> Dates {
    let mut out = Dates::default();
    let mut waiting: Vec<&str> = Vec::new();
    for m in DATE_OR_LABEL.find_iter(header) {
        if let Some(&label) = DATE_LABELS.get(m.pattern().as_usize()) {
            waiting.push(label);
            continue;
        }
        if waiting.is_empty() {
            continue;
        }
        let label = waiting.remove(0);
        let date = Date::parse_us(&header[m.range()]);
        let slot = match label {
            "assigned" => &mut out.assigned,
            "injury" => &mut out.injury,
            "decision" => &mut out.decision,
            "ur" => &mut out.ur_denial,
            _ => &mut out.application_received,
        };
        if slot.is_none() {
            *slot = date;
        }
    }
    out
}

// Dates written in sentences (the 2013 notice, and summaries): which date, then the date, as
// `1/2/2016`, `1-2-16` or `January 2, 2016`.
re!(
    PROSE_DATE,
    r"(?xi)
    (?: (?P<app> application\s+for\s+independent\s+medical\s+review (?:\s*\(IMR\))? \s+was\s+(?:filed|received|submitted)
             | (?-i:IMR)\s+application\s+(?:was\s+)?(?:filed|received|submitted) )
      | (?P<ur> (?:utilization\s+review|(?-i:UR))\s+(?:denial|decision|determination)\s+(?:letter\s+)?(?:was\s+)?(?:dated|issued|of) )
      | (?P<assigned> notice\s+of\s+assignment\b [^.]{0,200}? \b(?:was\s+)?(?:provided|sent|issued|mailed)\b [^.]{0,80}? )
      | (?P<injury> (?:sustained|suffered|reported)\s+an?\s+(?:industrial|work[- ]related|occupational)\s+injury ) )
    \s+(?:on\s+)?(?:or\s+about\s+)?
    (?P<date> \d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b
      | (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b )"
);

/// `January 2, 2016`, `Jan. 2 2016`, or a US numeric date.
fn prose_date(s: &str) -> Option<Date> {
    if let Some(d) = Date::parse_us(s) {
        return Some(d);
    }
    let words: Vec<&str> =
        s.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|w| !w.is_empty()).collect();
    let [month, day, year] = words[..] else { return None };
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let m = MONTHS.iter().position(|p| month.to_lowercase().starts_with(p))? + 1;
    Date::new(year.parse().ok()?, u8::try_from(m).ok()?, day.parse().ok()?)
}

/// Dates written in sentences anywhere in the letter: `An application for Independent Medical
/// Review was filed on 9/6/2013 disputing the Utilization Review Denial dated 8/30/2013. A
/// Notice of Assignment ... was provided to the above parties on 9/23/2013`, `sustained an
/// industrial injury on 10-13-16`. The first of each kind counts.
pub fn prose_dates(text: &str) -> Dates {
    let mut out = Dates::default();
    for c in PROSE_DATE.captures_iter(text) {
        let Some(date) = c.name("date").and_then(|d| prose_date(d.as_str())) else { continue };
        let slot = if c.name("app").is_some() {
            &mut out.application_received
        } else if c.name("ur").is_some() {
            &mut out.ur_denial
        } else if c.name("assigned").is_some() {
            &mut out.assigned
        } else {
            &mut out.injury
        };
        slot.get_or_insert(date);
    }
    out
}

impl Dates {
    /// Whether a date that [`prose_dates`] may find is missing (else the prose is not read).
    pub fn lacks_a_prose_date(&self) -> bool {
        self.application_received.is_none()
            || self.ur_denial.is_none()
            || self.assigned.is_none()
            || self.injury.is_none()
    }

    /// These dates, with the ones missing taken from `other`.
    pub fn or(self, other: Dates) -> Dates {
        Dates {
            assigned: self.assigned.or(other.assigned),
            injury: self.injury.or(other.injury),
            decision: self.decision.or(other.decision),
            ur_denial: self.ur_denial.or(other.ur_denial),
            application_received: self.application_received.or(other.application_received),
        }
    }
}

pub fn priority(header: &str) -> Option<String> {
    PRIORITY.captures(header).map(|c| {
        let w = &c[1];
        let mut s = w[..1].to_uppercase();
        s.push_str(&w[1..].to_lowercase());
        s
    })
}

/// The reviewer's specialties and licence states: from the `State(s) of Licensure:` and
/// `Certification(s)/Specialty:` lines (layouts C, D, E) or from the prose of layouts A and B
/// (`Board Certified in Orthopedic Surgery and is licensed to practice in New York`).
pub fn reviewer(flat: &str) -> Reviewer {
    let mut r = Reviewer::default();
    if let Some(m) = SPECIALTY.find(flat) {
        r.specialties = split_list(&labelled_value(&flat[m.end()..]), false);
    }
    if let Some(m) = LICENSURE.find(flat) {
        r.licensure = split_list(&labelled_value(&flat[m.end()..]), true);
    }
    if r.specialties.is_empty() {
        if let Some(c) = BOARD.captures(flat) {
            r.specialties = split_list(&text::clean(&c[1]), true);
        }
    }
    if r.licensure.is_empty() {
        if let Some(c) = LICENSED_IN.captures(flat) {
            r.licensure = split_list(&text::clean(&c[1]), true);
        }
    }
    r
}

/// The value after a label: its line, plus following lines that continue a wrapped list (the
/// line ends in `&`, `,`, `and`, `/`, or the next line is a short title-case fragment).
fn labelled_value(rest: &str) -> String {
    let mut lines = rest.split('\n');
    let mut taken = vec![lines.next().unwrap_or("").trim()];
    for next in lines {
        let last = taken.last().copied().unwrap_or("");
        let open = last.is_empty() || last.ends_with(['&', ',', '/', '-']) || last.ends_with(" and");
        if open || is_list_fragment(next) {
            taken.push(next.trim());
        } else {
            break;
        }
    }
    text::join(taken)
}

fn is_list_fragment(line: &str) -> bool {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    !line.is_empty()
        && line.len() <= 40
        && words.len() <= 4
        && !line.contains(':')
        && !text::ends_sentence(line)
        && line.chars().any(char::is_lowercase)
        && words.iter().all(|w| w.starts_with(|c: char| c.is_uppercase() || c == '&'))
}

fn split_list(s: &str, split_and: bool) -> Vec<String> {
    let s = s.trim().trim_end_matches(['.', ';', ',']);
    let parts: Vec<&str> = if split_and { LIST_SPLIT.split(s).collect() } else { s.split([',', ';']).collect() };
    parts.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

/// Age and sex from the first `48 year old male` / `36-year-old female` / `45 y/o right hand
/// dominant male` in the text.
pub fn patient(summary: &str) -> Patient {
    let Some(c) = AGE_SEX.captures(summary) else {
        return Patient::default();
    };
    let age = c[1].parse::<u8>().ok().filter(|a| (1..=110).contains(a));
    // Words between the age and the sex describe the patient; a verb or a preposition means
    // the sex word belongs to something else ("a 45 year old who treated a male patient").
    const NOT_DESCRIBING: &[&str] =
        &["who", "whom", "whose", "with", "was", "is", "has", "had", "that", "which", "of", "in", "on", "at", "for"];
    let described = c.get(2).is_none_or(|words| {
        words.as_str().split_whitespace().all(|w| !NOT_DESCRIBING.contains(&w.to_lowercase().as_str()))
    });
    let sex = c.get(3).filter(|_| described).map(|s| s.as_str().to_lowercase()).and_then(|s| match s.as_str() {
        "male" | "man" | "gentleman" | "boy" => Some(Sex::Male),
        "female" | "woman" | "lady" | "girl" => Some(Sex::Female),
        _ => None,
    });
    Patient { age, sex }
}

/// Sides, and the body's parts and regions, as lists share them: in `cervical, thoracic and
/// lumbar strain` the first two pieces are only regions, and take the condition of the third.
const SIDES: [&str; 3] = ["left", "right", "bilateral"];
const REGION_WORDS: [&str; 40] = [
    "limb",
    "limbs",
    "extremity",
    "extremities",
    "cervical",
    "thoracic",
    "lumbar",
    "lumbosacral",
    "back",
    "neck",
    "low",
    "lower",
    "upper",
    "mid",
    "shoulder",
    "shoulders",
    "knee",
    "knees",
    "hip",
    "hips",
    "wrist",
    "wrists",
    "hand",
    "hands",
    "elbow",
    "elbows",
    "ankle",
    "ankles",
    "foot",
    "feet",
    "arm",
    "arms",
    "leg",
    "legs",
    "head",
    "spine",
    "pelvis",
    "chest",
    "medial",
    "lateral",
];

fn is_side(w: &str) -> bool {
    SIDES.iter().any(|s| w.eq_ignore_ascii_case(s))
}

fn is_region(w: &str) -> bool {
    is_side(w) || w.eq_ignore_ascii_case("the") || REGION_WORDS.iter().any(|r| w.eq_ignore_ascii_case(r))
}

/// Words that only qualify the condition before them (`major depressive disorder, single
/// episode, moderate`).
const QUALIFIERS: [&str; 12] = [
    "single",
    "recurrent",
    "episode",
    "mild",
    "moderate",
    "severe",
    "acute",
    "chronic",
    "unspecified",
    "intractable",
    "not",
    "subsequent",
];

fn qualifier_only(piece: &str) -> bool {
    let mut words = piece.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| QUALIFIERS.iter().any(|q| w.eq_ignore_ascii_case(q)))
}

// An ICD-10 code with its dot (`M54.5`, `S33.5XXA`), perhaps after `ICD-10`.
re!(ICD10, r"\b[A-TV-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}\b");

fn region_only(piece: &str) -> bool {
    let mut words = piece.split_whitespace().peekable();
    words.peek().is_some() && words.all(is_region)
}

/// Diagnoses named in the summary (`diagnoses include ...`, `diagnosed with ...`, `is being
/// treated for ...`, `is undergoing treatment for ...`), each list split into single
/// conditions with side and region kept, de-duplicated. Every diagnosis is text of the letter.
pub fn diagnoses(summary: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for list in diagnoses_lists(summary) {
        let list = ENCOUNTER.replace_all(list, "");
        let list = DIAGNOSES_STOP.replace(&list, "");
        // A list that uses semicolons is split at them first; a place after a comma inside one
        // of its parts belongs to that part (`carpal tunnel syndrome, left upper limb; ...`).
        let whole: Vec<String> = if list.contains(';') {
            list.split(';').flat_map(|part| conditions_of(part, ", ")).collect()
        } else {
            conditions_of(&list, " and ")
        };
        for d in whole {
            let n = d.chars().count();
            if !(3..=120).contains(&n) || NOT_CONDITION.is_match(&d) || US_DATE.is_match(&d) {
                continue;
            }
            if out.iter().any(|o| o.eq_ignore_ascii_case(&d)) {
                continue;
            }
            out.push(d);
        }
    }
    // ICD-10 codes the summary writes, wherever it writes them, unless a diagnosis holds them.
    for code in ICD10.find_iter(summary) {
        let code = code.as_str();
        if !out.iter().any(|d| d.contains(code)) {
            out.push(code.to_string());
        }
    }
    out
}

// Every form of DIAGNOSES holds one of these words, and what comes before it in a match is
// only letters, digits and spaces.
re!(DIAGNOSES_WORD, r"(?i)diagnos|treat|claim");

/// The lists (group 1) that `DIAGNOSES.captures_iter(summary)` gives, without running the
/// pattern from every common word ("is", "in", "under"): each search starts where a match
/// holding the next [`DIAGNOSES_WORD`] could start at the earliest, walking back from the word
/// over everything but ASCII punctuation.
fn diagnoses_lists(summary: &str) -> Vec<&str> {
    // (end of the match, start and end of the list) of the first match from `start`.
    let ascii = plain_beyond_ascii(summary);
    let captures_at = |start: usize| -> Option<(usize, usize, usize)> {
        if ascii {
            let c = DIAGNOSES_ASCII.captures_at(summary.as_bytes(), start)?;
            Some((c.get(0)?.end(), c.get(1)?.start(), c.get(1)?.end()))
        } else {
            let c = DIAGNOSES.captures_at(summary, start)?;
            Some((c.get(0)?.end(), c.get(1)?.start(), c.get(1)?.end()))
        }
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(word) = DIAGNOSES_WORD.find_at(summary, at) {
        let before = &summary[at..word.start()];
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_ascii_punctuation() && c != '_')
            .map_or(at, |(i, c)| at + i + c.len_utf8());
        let Some((end, list_start, list_end)) = captures_at(start) else { break };
        // A match is never empty; a search from past it starts after it, as captures_iter.
        at = end.max(start + 1).min(summary.len());
        out.push(&summary[list_start..list_end]);
        if at >= summary.len() {
            break;
        }
    }
    out
}

/// One list split into conditions at commas and `and` (except inside the phrases that hold
/// them). A piece of regions only takes the condition of the next whole piece (`right, left
/// shoulder sprain`: a side alone takes what follows the next piece's side), or else belongs to
/// the piece before, joined by `joiner` (`contusion to the lower back and pelvis`).
fn conditions_of(list: &str, joiner: &str) -> Vec<String> {
    let inside: Vec<(usize, usize)> = INSIDE.find_iter(list).map(|m| (m.start(), m.end())).collect();
    let mut pieces: Vec<String> = Vec::new();
    let mut start = 0;
    for sep in LIST_SPLIT.find_iter(list) {
        if inside.iter().any(|&(a, b)| sep.start() < b && sep.end() > a) {
            continue;
        }
        pieces.push(list[start..sep.start()].to_string());
        start = sep.end();
    }
    pieces.push(list[start..].to_string());
    let pieces: Vec<String> = pieces
        .iter()
        .map(|p| LEADING_ARTICLES.replace(p.trim().trim_matches([' ', ':', '-']), "").trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let mut whole: Vec<String> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if qualifier_only(p) {
            if let Some(last) = whole.last_mut() {
                last.push_str(", ");
                last.push_str(p);
            }
            continue;
        }
        if !region_only(p) {
            whole.push(p.clone());
            continue;
        }
        let next = pieces[i + 1..].iter().find(|q| !region_only(q));
        let next_words: Vec<&str> = next.map(|q| q.split_whitespace().collect()).unwrap_or_default();
        let lead = next_words.iter().take_while(|w| is_region(w)).count();
        if lead > 0 && lead < next_words.len() {
            let skip = if p.split_whitespace().all(is_side) {
                next_words.iter().take_while(|w| is_side(w)).count()
            } else {
                lead
            };
            whole.push(format!("{p} {}", next_words[skip..].join(" ")));
        } else if let Some(last) = whole.last_mut() {
            last.push_str(joiner);
            last.push_str(p);
        }
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Date> {
        Date::parse_us(s)
    }

    #[test]
    fn the_ascii_form_of_the_diagnoses_pattern_reads_as_the_unicode_one() {
        for text in [
            "The patient\u{2019}s diagnoses include \u{201c}lumbar strain\u{201d} and knee pain. Next.",
            "She is being treated for neck pain \u{2013} chronic. He filed a claim for \u{2018}back\u{2019} pain",
            // 31 chars but 41 bytes between "diagnoses" and "are": chars are counted as chars.
            "Her diagnoses \u{2014} \u{201c}per the doctor\u{2019}s notes\u{201d} \u{2014} are: neck pain.",
        ] {
            assert!(plain_beyond_ascii(text), "{text}");
            let unicode: Vec<String> = DIAGNOSES.captures_iter(text).map(|c| c[1].to_string()).collect();
            let ascii: Vec<String> = DIAGNOSES_ASCII
                .captures_iter(text.as_bytes())
                .map(|c| String::from_utf8_lossy(&c[1]).into_owned())
                .collect();
            assert!(!unicode.is_empty(), "{text}");
            assert_eq!(ascii, unicode, "{text}");
        }
        // Letters and spaces beyond ASCII take the Unicode pattern.
        assert!(!plain_beyond_ascii("diagnosed with caf\u{e9} pain"));
        assert!(!plain_beyond_ascii("diagnosed with\u{a0}neck pain"));
    }

    #[test]
    fn case_number_from_label_or_anywhere() {
        assert_eq!(case_number("Case Number:  CM16-0213037").as_deref(), Some("CM16-0213037"));
        assert_eq!(case_number("IMR Case Number: CM13-0012345").as_deref(), Some("CM13-0012345"));
        assert_eq!(case_number("re CM17-0011543 below").as_deref(), Some("CM17-0011543"));
        assert_eq!(case_number("no number"), None);
    }

    #[test]
    fn dates_in_layout_c_header_with_wrapped_label() {
        let h = "Case Number: CM16-0213037\nDate Assigned: 11/09/2016 Date of Injury: 10/13/2016\nDecision Date: 12/09/2016 UR Denial Date: 11/03/2016\nPriority: Standard Application\nReceived: 11/03/2016";
        let got = dates(h);
        assert_eq!(got.assigned, d("11/09/2016"));
        assert_eq!(got.injury, d("10/13/2016"));
        assert_eq!(got.decision, d("12/09/2016"));
        assert_eq!(got.ur_denial, d("11/03/2016"));
        assert_eq!(got.application_received, d("11/03/2016"));
        assert_eq!(priority(h).as_deref(), Some("Standard"));
    }

    #[test]
    fn dates_when_labels_come_before_their_values() {
        let h = "Date Assigned: Date of Injury:\n11/09/2016 10/13/2016";
        let got = dates(h);
        assert_eq!(got.assigned, d("11/09/2016"));
        assert_eq!(got.injury, d("10/13/2016"));
    }

    #[test]
    fn dates_of_the_2013_notice() {
        let h = "Dated: 9/26/2013\nIMR Case Number: CM13-0012345\nDate of Injury: 3/14/2011\nDate of UR Decision: 8/1/2013\nDate of IMR Application: 8/9/2013";
        let got = dates(h);
        assert_eq!(got.decision, d("2013-09-26"));
        assert_eq!(got.injury, d("2011-03-14"));
        assert_eq!(got.ur_denial, d("2013-08-01"));
        assert_eq!(got.application_received, d("2013-08-09"));
    }

    #[test]
    fn reviewer_lines_with_wrapped_specialty() {
        let f = "State(s) of Licensure: Texas,New York,California\nCertification(s)/Specialty: Preventive Medicine, Occupational Medicine, Public Health &\nGeneral Preventive Medicine\nCLINICAL CASE SUMMARY";
        let r = reviewer(f);
        assert_eq!(r.licensure, ["Texas", "New York", "California"]);
        assert_eq!(
            r.specialties,
            ["Preventive Medicine", "Occupational Medicine", "Public Health & General Preventive Medicine"]
        );
        let f2 = "Certification(s)/Specialty: Physical Medicine & Rehabilitation, Pain Management, Occupational\nMedicine\nCLINICAL CASE SUMMARY";
        assert_eq!(
            reviewer(f2).specialties,
            ["Physical Medicine & Rehabilitation", "Pain Management", "Occupational Medicine"]
        );
    }

    #[test]
    fn reviewer_in_prose() {
        let f = "The expert\nreviewer is Board Certified in Orthopedic Surgery and is licensed to practice in New York.\nHe/she has been";
        let r = reviewer(f);
        assert_eq!(r.specialties, ["Orthopedic Surgery"]);
        assert_eq!(r.licensure, ["New York"]);
        let f2 = "is Board Certified in Physical Medicine & Rehabilitation, Pain Management and is licensed to practice in Texas and California.";
        let r2 = reviewer(f2);
        assert_eq!(r2.specialties, ["Physical Medicine & Rehabilitation", "Pain Management"]);
        assert_eq!(r2.licensure, ["Texas", "California"]);
        let f3 = "is Board Certified in Physical Medicine & Rehabilitation, Pain\nManagement and is licensed to practice in Oregon and\nCalifornia. He/she has";
        let r3 = reviewer(f3);
        assert_eq!(r3.specialties, ["Physical Medicine & Rehabilitation", "Pain Management"]);
        assert_eq!(r3.licensure, ["Oregon", "California"]);
    }

    #[test]
    fn patient_age_and_sex_spellings() {
        assert_eq!(patient("is a 48 year old male who").age, Some(48));
        assert_eq!(patient("a 36-year-old female").sex, Some(Sex::Female));
        assert_eq!(patient("a 52-year-old woman").sex, Some(Sex::Female));
        assert_eq!(patient("a 60 year old right-handed male").sex, Some(Sex::Male));
        assert_eq!(patient("nothing here"), Patient::default());
    }

    #[test]
    fn dates_written_in_sentences() {
        let text = "An application for Independent Medical Review was filed on 9/6/2013 disputing the Utilization Review Denial dated 8/30/2013. A Notice of Assignment and Request for Information was provided to the above parties on 9/23/2013. The patient sustained an industrial injury on March 4, 2011.";
        let got = prose_dates(text);
        assert_eq!(got.application_received, d("9/6/2013"));
        assert_eq!(got.ur_denial, d("8/30/2013"));
        assert_eq!(got.assigned, d("9/23/2013"));
        assert_eq!(got.injury, d("3/4/2011"));
        assert_eq!(got.decision, None);
        let summary = "The injured worker is a 48 year old male who sustained an industrial injury on 10-13-16. The UR decision dated 11/3/2016 denied it.";
        let got = prose_dates(summary);
        assert_eq!(got.injury, d("10/13/2016"));
        assert_eq!(got.ur_denial, d("11/3/2016"));
        // A labelled header date wins over a sentence.
        let header = Dates { injury: d("10/12/2016"), ..Dates::default() };
        assert_eq!(header.or(got).injury, d("10/12/2016"));
        assert_eq!(prose_dates("filed on 13/45/2013 and dated nothing"), Dates::default());
    }

    #[test]
    fn diagnoses_in_every_phrasing() {
        let cases: [(&str, &[&str]); 17] = [
            ("He is being treated for lumbar strain. X.", &["lumbar strain"]),
            (
                "The worker is undergoing treatment for contusion of face and acute cervical sprain. X.",
                &["contusion of face", "acute cervical sprain"],
            ),
            ("She is undergoing treatments for low back pain, lumbar radiculopathy and muscle weakness. X.", &["low back pain", "lumbar radiculopathy", "muscle weakness"]),
            ("She has been treated for right knee pain. X.", &["right knee pain"]),
            ("The patient was treated for: right shoulder tendinitis. X.", &["right shoulder tendinitis"]),
            ("The current diagnoses are documented as cervicalgia; and pain in thoracic spine. X.", &["cervicalgia", "pain in thoracic spine"]),
            ("The diagnosis is lumbar spine sprain/strain. X.", &["lumbar spine sprain/strain"]),
            ("Records show diagnosis that include tenosynovitis right wrist, and carpal tunnel syndrome right wrist. X.", &["tenosynovitis right wrist", "carpal tunnel syndrome right wrist"]),
            ("Diagnoses, and-or impressions, were noted to include: low back injury; sacroiliac joint sprain. X.", &["low back injury", "sacroiliac joint sprain"]),
            ("He has filed a claim for knee pain reportedly associated with an industrial injury of 10/2016. X.", &["knee pain"]),
            ("She is in treatment for strain of muscle, fascia and tendon of the lower back, initial encounter. X.", &["strain of muscle, fascia and tendon of the lower back"]),
            ("Diagnoses include a spinal contusion secondary to a fall on 9/1/16. X.", &["spinal contusion"]),
            ("He was treated for strain of muscle and or tendon of wrist, knee strain. X.", &["strain of muscle and or tendon of wrist", "knee strain"]),
            (
                "Diagnoses include major depressive disorder, single episode, moderate, and generalized anxiety disorder. X.",
                &["major depressive disorder, single episode, moderate", "generalized anxiety disorder"],
            ),
            (
                "Diagnoses include M54.5 low back pain, lumbar radiculopathy (M54.16). A code S33.5XXA is noted. X.",
                &["M54.5 low back pain", "lumbar radiculopathy (M54.16)", "S33.5XXA"],
            ),
            (
                "Diagnoses include carpal tunnel syndrome, left upper limb; other synovitis and tenosynovitis, left hand; low back pain. X.",
                &["carpal tunnel syndrome, left upper limb", "other synovitis", "tenosynovitis, left hand", "low back pain"],
            ),
            (
                "Diagnoses include mild cervical strain, bilateral hand paresthesia; low back strain; left lumbar radiculopathy. X.",
                &["mild cervical strain", "bilateral hand paresthesia", "low back strain", "left lumbar radiculopathy"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(diagnoses(text), want, "{text}");
        }
    }

    #[test]
    fn regions_shared_in_a_list_go_to_each_condition() {
        assert_eq!(
            diagnoses("He is being treated for cervical, thoracic and lumbar myoligamentous injury. X."),
            ["cervical myoligamentous injury", "thoracic myoligamentous injury", "lumbar myoligamentous injury"]
        );
        assert_eq!(
            diagnoses("The diagnoses are documented as lumbar, hip, and neck strain. X."),
            ["lumbar strain", "hip strain", "neck strain"]
        );
        assert_eq!(
            diagnoses("She is undergoing treatment for back and left shoulder pain. X."),
            ["back pain", "left shoulder pain"]
        );
        assert_eq!(
            diagnoses("Diagnoses include lumbago, left, right sided sciatica. X."),
            ["lumbago", "left sided sciatica", "right sided sciatica"]
        );
        assert_eq!(
            diagnoses("Diagnoses include right and left shoulder joint sprain. X."),
            ["right shoulder joint sprain", "left shoulder joint sprain"]
        );
        assert_eq!(
            diagnoses("Diagnoses include left knee medial and lateral meniscus tear. X."),
            ["left knee medial meniscus tear", "lateral meniscus tear"]
        );
        assert_eq!(
            diagnoses(
                "He is undergoing treatment for contusion to the lower back and pelvis, contusion of the left knee. X."
            ),
            ["contusion to the lower back and pelvis", "contusion of the left knee"]
        );
    }

    #[test]
    fn what_is_not_a_condition_is_left_out() {
        assert_eq!(diagnoses("Diagnoses include work related fall, blunt head trauma. X."), ["blunt head trauma"]);
        assert_eq!(diagnoses("The diagnosis was not documented. X."), Vec::<String>::new());
        assert_eq!(diagnoses("He was treated for an industrial injury. X."), Vec::<String>::new());
        assert_eq!(diagnoses("Diagnoses include open fracture, repair on 10-22-16. X."), ["open fracture"]);
        assert_eq!(diagnoses("The request was for treatment. Nothing else."), Vec::<String>::new());
    }

    #[test]
    fn patient_in_the_short_and_long_forms() {
        // Regression: `y/o` and `yo` gave no age, and three describing words (`right hand
        // dominant`) no sex.
        let (male, female) = (Sex::Male, Sex::Female);
        for (s, want) in [
            ("The patient is a 45 y/o male with low back pain.", male),
            ("The patient is a 45 yo female with neck pain.", female),
            ("This 45 y.o. female reported a fall.", female),
            ("A 45yo man.", male),
            ("He is a 45 yr old male.", male),
            ("The injured worker is a 45-year-old right hand dominant male who fell.", male),
            ("The injured worker is a 45 year old right-hand-dominant female who fell.", female),
            ("The injured worker is a 45 year old obese right hand dominant woman.", female),
            ("The injured worker is a 45 year-old male.", male),
        ] {
            assert_eq!(patient(s), Patient { age: Some(45), sex: Some(want) }, "{s}");
        }
        // The sex word of another clause is not the patient's.
        assert_eq!(patient("a 45 year old who was assisting a male patient"), Patient { age: Some(45), sex: None });
        assert_eq!(patient("a 45 year old with a male nurse"), Patient { age: Some(45), sex: None });
        // Not an age: `you`, `yoga`.
        assert_eq!(patient("45 you male"), Patient::default());
        assert_eq!(patient("45 yoga sessions"), Patient::default());
    }

    #[test]
    fn diagnoses_phrasings() {
        assert_eq!(
            diagnoses("She was diagnosed as having cervical strain, and insomnia. X."),
            ["cervical strain", "insomnia"]
        );
        assert_eq!(diagnoses("The diagnoses are documented as lumbar sprain. X."), ["lumbar sprain"]);
        let s = "The injured worker was being treated for the diagnoses of right shoulder contusion, neck strain and right arm paresthesias. Later she was diagnosed with lumbar radiculopathy.";
        assert_eq!(
            diagnoses(s),
            ["right shoulder contusion", "neck strain", "right arm paresthesias", "lumbar radiculopathy"]
        );
    }
}
