//! PURE letter parsing: extracted text in, `Letter` out. No IO, no index types.
//!
//! `parse` never fails: a letter it cannot read keeps its full text, is flagged
//! `Layout::Unknown`, and says what went wrong in `warnings`.

/// `re!(NAME, pattern)`: a lazily compiled, program-lifetime regex (patterns are constants,
/// so `expect` cannot fire at run time once the tests have run them).
macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($pat).expect("valid regex"));
    };
}

pub mod citations;
pub mod classify;
pub mod conditions;
pub mod header;
pub mod items;
pub mod levels;
pub mod model;
pub mod text;

pub use model::{Date, Decision, Layout, Letter, Outcome, Patient, Reviewer, Sex};

use regex::Regex;
use std::sync::LazyLock;

/// Bumped whenever a change to the parser can change what it reads from a letter.
pub const PARSER_VERSION: u32 = 2;

/// Section headings, as printed (upper case), with any whitespace (line wraps) between words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heading {
    HowMade,
    DocumentsReviewed,
    ClinicalSummary,
    IssuesC,
    IssuesD,
    NoticeTitle,
    NoticeRationale,
    NoticeQualifications,
    NoticeSummary,
    ReviewTitle,
    ReviewIssue,
    ReviewSummary,
    ReviewDocuments,
    ReviewGuideline,
    ReviewRationale,
    ReviewQualifications,
}

static HEADINGS: LazyLock<Vec<(Heading, Regex)>> = LazyLock::new(|| {
    use Heading::*;
    let w = |s: &str| s.split(' ').collect::<Vec<_>>().join(r"\s+");
    [
        (HowMade, w("HOW THE IMR FINAL DETERMINATION WAS MADE")),
        (DocumentsReviewed, format!(r"{}\s*:?(?:\s|$)", w("DOCUMENTS REVIEWED"))),
        (ClinicalSummary, w("CLINICAL CASE SUMMARY")),
        (IssuesC, w(r"IMR ISSUES,? DECISIONS AND RATIONALES")),
        (IssuesD, w(r"IMR DECISION\(S\) AND RATIONALE\(S\)")),
        (NoticeTitle, format!("(?i){}", w("Notice of Independent Medical Review Determination"))),
        (NoticeRationale, w("INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE")),
        (NoticeQualifications, format!(r"(?i){}\s*:", w("Medical Qualifications of the Expert Reviewer"))),
        // Searched without its `(?m)^` (see `Sections::find`): anchored, the pattern cost as much
        // as all the other headings together.
        (NoticeSummary, r"Case\s+Summary\s*:".to_string()),
        (ReviewTitle, w("MEDICAL PROFESSIONAL REVIEW")),
        (ReviewIssue, format!(r"{}\s*:", w("ISSUE AT DISPUTE"))),
        (ReviewSummary, r"(?m)^CASE\s+SUMMARY\s*:".to_string()),
        (ReviewDocuments, format!(r"{}\s*:", w("DOCUMENTS REVIEWED FOR DETERMINATION"))),
        (
            ReviewGuideline,
            format!(r"{}\s*:", w(r"MEDICAL TREATMENT GUIDELINE\(S\) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY")),
        ),
        (
            ReviewRationale,
            format!(
                r"{}\s*:",
                w(r"RATIONALE FOR WHY THE REQUESTED TREATMENT\s*/\s*SERVICE IS\s*/\s*WAS NOT MEDICALLY NECESSARY")
            ),
        ),
        (ReviewQualifications, format!(r"{}\s*:", w("MEDICAL REVIEWER QUALIFICATIONS"))),
    ]
    .into_iter()
    .map(|(h, p)| (h, Regex::new(&p).expect("valid heading regex")))
    .collect()
});

re!(
    SUMMARY_BOILERPLATE,
    r"(?i)^\s*The\s+expert\s+reviewer\s+developed\s+the\s+following\s+clinical\s+case\s+summary\s+based\s+on\s+a\s+review\s+of\s+the\s+case\s+file,?\s+including\s+all\s+medical\s+records\s*:"
);
re!(FIRST_NOTICE_DECISION, r"(?i)\d{1,2}\s*\)\s*MAXIMUS\s+Federal\s+Services");
re!(FIRST_REGARDING, r"(?i)\d{1,2}\s*\)\s*Regarding\s+the\s+request\s+for");

/// The headings found in a letter, first occurrence of each, in text order.
struct Sections<'a> {
    flat: &'a str,
    found: Vec<(Heading, usize, usize)>,
}

impl<'a> Sections<'a> {
    fn find(flat: &'a str) -> Sections<'a> {
        let mut found: Vec<(Heading, usize, usize)> = Vec::new();
        for (h, re) in HEADINGS.iter() {
            let m = if *h == Heading::NoticeSummary {
                // Only at the start of a line. A match elsewhere cannot hide one that does start a
                // line: no `Case` starts inside `Case Summary:`.
                re.find_iter(flat).find(|m| m.start() == 0 || flat.as_bytes()[m.start() - 1] == b'\n')
            } else {
                re.find(flat)
            };
            if let Some(m) = m {
                found.push((*h, m.start(), m.end()));
            }
        }
        found.sort_by_key(|f| f.1);
        // A heading found inside another (CASE SUMMARY in CLINICAL CASE SUMMARY, DOCUMENTS
        // REVIEWED in DOCUMENTS REVIEWED FOR DETERMINATION) is not a heading of its own.
        let spans = found.clone();
        found.retain(|f| !spans.iter().any(|g| g != f && g.1 <= f.1 && f.2 <= g.2 && (g.2 - g.1) > (f.2 - f.1)));
        Sections { flat, found }
    }

    fn has(&self, h: Heading) -> bool {
        self.found.iter().any(|f| f.0 == h)
    }

    fn start(&self, h: Heading) -> Option<usize> {
        self.found.iter().find(|f| f.0 == h).map(|f| f.1)
    }

    /// Text after the heading up to the next heading (or the end).
    fn body(&self, h: Heading) -> Option<&'a str> {
        let k = self.found.iter().position(|f| f.0 == h)?;
        let end = self.found.get(k + 1).map_or(self.flat.len(), |f| f.1);
        Some(&self.flat[self.found[k].2..end])
    }

    /// Text before the first section heading (a form's title line does not end the header).
    fn head(&self) -> &'a str {
        let first = self.found.iter().find(|f| !matches!(f.0, Heading::NoticeTitle | Heading::ReviewTitle));
        &self.flat[..first.map_or(self.flat.len(), |f| f.1)]
    }
}

fn detect(s: &Sections, flat: &str) -> Layout {
    use Heading::*;
    if s.has(NoticeTitle) || s.has(NoticeRationale) || FIRST_NOTICE_DECISION.is_match(flat) {
        Layout::A
    } else if s.has(ReviewIssue) || (s.has(ReviewTitle) && (s.has(ReviewGuideline) || s.has(ReviewRationale))) {
        Layout::E
    } else if s.has(IssuesD) || (s.has(DocumentsReviewed) && s.has(HowMade)) {
        Layout::D
    } else if s.has(IssuesC) {
        if flat.contains("Certification(s)") || flat.contains("State(s) of Licensure") {
            Layout::C
        } else {
            Layout::B
        }
    } else {
        Layout::Unknown
    }
}

/// The data tables the parser reads names from: citation variants and the procedure
/// category / body region classification.
#[derive(Clone, Copy)]
pub struct Tables<'a> {
    pub citations: &'a citations::Table,
    pub classifier: &'a classify::Classifier,
    pub conditions: &'a conditions::Conditions,
}

impl Tables<'static> {
    /// The tables built into the binary (`data/tables/`).
    pub fn builtin() -> Tables<'static> {
        Tables {
            citations: citations::Table::builtin(),
            classifier: classify::Classifier::builtin(),
            conditions: conditions::Conditions::builtin(),
        }
    }
}

/// Parses one letter's extracted text with the built-in tables. Never fails; see
/// `Letter::warnings`.
pub fn parse(raw: &str) -> Letter {
    parse_with(raw, &Tables::builtin())
}

/// [`parse`] with given tables (the built-in ones plus a user's rows).
pub fn parse_with(raw: &str, tables: &Tables) -> Letter {
    let flat = text::flat(raw);
    let sections = Sections::find(&flat);
    let layout = detect(&sections, &flat);
    let mut warnings = Vec::new();

    let header_end = match layout {
        Layout::A => {
            let first = FIRST_NOTICE_DECISION.find(&flat).map(|m| m.start());
            first.unwrap_or(sections.head().len()).min(sections.start(Heading::NoticeRationale).unwrap_or(flat.len()))
        }
        Layout::Unknown => floor_char_boundary(&flat, 3000),
        _ => sections.head().len(),
    };
    let header_text = &flat[..header_end];
    // Labelled dates first; the ones missing may be written in sentences (the 2013 notice).
    let labelled = header::dates(header_text);
    let dates = if labelled.lacks_a_prose_date() { labelled.or(header::prose_dates(&flat)) } else { labelled };

    let summary_heading = match layout {
        Layout::A => Heading::NoticeSummary,
        Layout::E => Heading::ReviewSummary,
        _ => Heading::ClinicalSummary,
    };
    let clinical_summary = sections.body(summary_heading).map(|body| {
        let body = match layout {
            Layout::A => FIRST_REGARDING.find(body).map_or(body, |m| &body[..m.start()]),
            _ => body,
        };
        let body = SUMMARY_BOILERPLATE.find(body).map_or(body, |m| &body[m.end()..]);
        text::clean(body)
    });
    let clinical_summary = clinical_summary.filter(|s| !s.is_empty());

    let mut items = match layout {
        Layout::A => {
            let rationale_start = sections.start(Heading::NoticeRationale).unwrap_or(flat.len());
            let decisions = &flat[header_end.min(rationale_start)..rationale_start];
            let rationales =
                FIRST_REGARDING.find(&flat[rationale_start..]).map_or("", |m| &flat[rationale_start + m.start()..]);
            items::notice(decisions, rationales, &mut warnings)
        }
        Layout::B | Layout::C | Layout::D => {
            let heading =
                if layout == Layout::D && sections.has(Heading::IssuesD) { Heading::IssuesD } else { Heading::IssuesC };
            match sections.start(heading) {
                Some(start) => {
                    // Items run to the end of the letter: nothing follows the items section,
                    // and item text may contain words that look like later headings.
                    let body_start = sections.found.iter().find(|f| f.0 == heading).map_or(start, |f| f.2);
                    items::labelled(&flat[body_start..], &mut warnings)
                }
                None => {
                    warnings.push("no decisions section".to_string());
                    items::labelled(&flat, &mut warnings)
                }
            }
        }
        Layout::E => {
            let guideline = sections.body(Heading::ReviewGuideline).map(text::clean).filter(|s| !s.is_empty());
            let rationale = sections.body(Heading::ReviewRationale).map(text::clean).filter(|s| !s.is_empty());
            let issues = sections.body(Heading::ReviewIssue).unwrap_or("");
            items::issue_list(issues, guideline, rationale, &mut warnings)
        }
        Layout::Unknown => {
            let mut ignored = Vec::new();
            let found = items::labelled(&flat, &mut ignored);
            warnings.push("layout not recognised: the letter is kept as full text".to_string());
            if !found.is_empty() {
                warnings.push(format!("{} item(s) read from outcome lines despite the unknown layout", found.len()));
            }
            found
        }
    };

    for d in &mut items {
        d.citations = citations::for_item(d.ur_guideline.as_deref(), d.imr_guideline.as_deref(), tables.citations);
        let c = tables.classifier.category(&d.item);
        d.category = Some(c.category);
        d.subcategory = c.subcategory;
        d.body_regions = tables.classifier.regions(&d.item);
    }

    let case_number = header::case_number(header_text).or_else(|| header::case_number(&flat));
    if layout != Layout::Unknown {
        if case_number.is_none() {
            warnings.push("no case number".to_string());
        }
        if dates.decision.is_none() {
            warnings.push("no decision date".to_string());
        }
        if clinical_summary.is_none() {
            warnings.push("no clinical case summary".to_string());
        }
    }
    let reviewer = header::reviewer(&flat);
    if layout != Layout::Unknown && reviewer.specialties.is_empty() {
        warnings.push("no reviewer specialty".to_string());
    }
    let patient = header::patient(clinical_summary.as_deref().unwrap_or(&flat));
    let diagnoses = clinical_summary.as_deref().map(header::diagnoses).unwrap_or_default();
    let conditions = tables.conditions.of(&diagnoses, tables.classifier);

    Letter {
        layout,
        case_number,
        date_assigned: dates.assigned,
        date_of_injury: dates.injury,
        decision_date: dates.decision,
        ur_denial_date: dates.ur_denial,
        application_received: dates.application_received,
        priority: header::priority(header_text),
        reviewer,
        patient,
        diagnoses,
        conditions,
        clinical_summary,
        items,
        warnings,
        text: flat,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests;
