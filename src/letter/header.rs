//! Case-level facts: case number, dates, priority, reviewer, patient, diagnoses.
//!
//! Every reader here works on the letter's "flat" text (trimmed non-empty lines joined by
//! `\n`), so a label wrapped over two lines (`Application` / `Received:`) still matches.

use super::model::{Date, Patient, Reviewer, Sex};
use super::text;

re!(CASE_LABELLED, r"(?i)case\s+(?:number|no\.?|#)\s*:?\s*(CM\d{2}\s*-\s*\d{7})\b");
re!(CASE_ANY, r"\bCM\d{2}-\d{7}\b");
re!(
    DATE_OR_LABEL,
    r"(?xi)
    (?P<assigned>date\s+assigned)\s*:
  | (?P<injury>date\s+of\s+injury|\bDOI)\s*:
  | (?P<decision>decision\s+date|\bdated)\s*:
  | (?P<ur>UR\s+denial\s+date|date\s+of\s+UR\s+decision)\s*:
  | (?P<app>application\s+received|date\s+of\s+IMR\s+application)\s*:
  | (?P<date>\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b)"
);
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
re!(
    DIAGNOSES,
    r"(?i)(?:\bdiagnos[ie]s\s+(?:(?:are|is|were|was)\s+)?(?:documented\s+as|include[sd]?|of|are|were)\s*:?|\bdiagnosed\s+(?:with|as\s+having|as)|\bdiagnos[ie]s\s*:)\s*(.+?)(?:\.(?:\s|$)|;|$)"
);
re!(LIST_SPLIT, r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*");

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
    for c in DATE_OR_LABEL.captures_iter(header) {
        if let Some(d) = c.name("date") {
            if waiting.is_empty() {
                continue;
            }
            let label = waiting.remove(0);
            let date = Date::parse_us(d.as_str());
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
        } else {
            for name in ["assigned", "injury", "decision", "ur", "app"] {
                if c.name(name).is_some() {
                    waiting.push(name);
                }
            }
        }
    }
    out
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

/// Diagnoses named in the summary (`diagnoses include ...`, `diagnosed with ...`,
/// `treated for the diagnoses of ...`), split into a list, de-duplicated.
pub fn diagnoses(summary: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in DIAGNOSES.captures_iter(summary) {
        for d in LIST_SPLIT.split(&c[1]) {
            let d = d.trim().trim_start_matches("the ").trim();
            if d.len() < 3 || out.iter().any(|o| o.eq_ignore_ascii_case(d)) {
                continue;
            }
            out.push(d.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Date> {
        Date::parse_us(s)
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
