//! Writing one letter in one of the five layouts (A-E, see DOMAIN.md): header, reviewer,
//! clinical summary, and the disputed items with their outcomes, guideline lines and
//! rationales.

use super::cite::{self, Era};
use super::items::{self, Item};
use super::rng::Rng;
use super::vocab::{self, VOCABULARY};
use super::write::{Mode, Writer};
use imr_search::letter::{Layout, Outcome, Sex};
use std::fmt::Write as _;

/// A calendar day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i32);

impl Day {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Day {
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (u32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + i32::from(m <= 2)) as u32;
        (y, m, d)
    }

    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }
}

/// How a date is printed.
#[derive(Debug, Clone, Copy)]
pub enum DateStyle {
    /// `01/21/2017`
    Padded,
    /// `1/21/2017`
    Short,
    /// `January 21, 2017`
    Long,
    /// `1-21-17`
    Dashed,
}

pub fn push_date(s: &mut String, day: Day, style: DateStyle) {
    let (y, m, d) = day.ymd();
    let _ = match style {
        DateStyle::Padded => write!(s, "{m:02}/{d:02}/{y}"),
        DateStyle::Short => write!(s, "{m}/{d}/{y}"),
        DateStyle::Long => write!(s, "{} {d}, {y}", vocab::MONTHS[(m - 1) as usize]),
        DateStyle::Dashed => write!(s, "{m}-{d}-{:02}", y % 100),
    };
}

/// The facts of one case, decided before any text is written.
pub struct Case {
    pub layout: Layout,
    pub case_number: String,
    pub decision: Day,
    pub assigned: Day,
    pub injury: Day,
    pub ur_denial: Day,
    pub received: Day,
    pub expedited: bool,
    pub age: u8,
    pub sex: Sex,
    pub specialties: Vec<&'static str>,
    pub licensure: Vec<&'static str>,
    pub region: items::Region,
    /// The main diagnosis, for rationales.
    pub diagnosis: &'static str,
    pub items: Vec<Item>,
    pub outcomes: Vec<Outcome>,
    /// Per item: the Claims Administrator's and the reviewer's guideline lines (layouts A-D).
    pub lines: Vec<(cite::Line, cite::Line)>,
    /// Layout E: the one guideline paragraph.
    pub review: Option<cite::Line>,
    /// Curly quotes and apostrophes in prose.
    pub curly: bool,
}

impl Case {
    pub fn era(&self) -> Era {
        match self.layout {
            Layout::A => Era::Notice,
            Layout::B => Era::Pages,
            Layout::E => Era::Review,
            _ => Era::Sections,
        }
    }

    /// The item text as this layout prints it (and as the parser should report it).
    pub fn item_text(&self, k: usize) -> String {
        let item = &self.items[k];
        match self.layout {
            Layout::A => notice_item(item),
            Layout::B => item.text.to_uppercase(),
            _ => item.text.clone(),
        }
    }

    fn he(&self) -> &'static str {
        if self.sex == Sex::Male {
            "he"
        } else {
            "she"
        }
    }

    fn his(&self) -> &'static str {
        if self.sex == Sex::Male {
            "his"
        } else {
            "her"
        }
    }
}

/// Layout A names items in prose: "an MRI of the lumbar spine", "Norco 10/325mg #90".
fn notice_item(item: &Item) -> String {
    let lowered = items::lower_first(&item.text);
    let plural = item.text.contains("injections") || item.text.contains("blocks") || item.text.starts_with("X-rays");
    if !item.article || plural {
        return lowered;
    }
    let first = lowered.split(' ').next().unwrap_or("");
    let vowel_sound = (first.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U'])
        && !first.starts_with("ur"))
        || ["MRI", "EMG", "NCV", "H-wave", "LSO", "X-ray"].iter().any(|p| first.starts_with(p));
    let mut s = String::with_capacity(lowered.len() + 3);
    s.push_str(if vowel_sound { "an " } else { "a " });
    s.push_str(&lowered);
    s
}

// ---------------------------------------------------------------------------------------
// Prose

fn cap_first(s: &mut String, from: usize) {
    if let Some(b) = s.as_bytes().get(from) {
        if b.is_ascii_lowercase() {
            let up = (b.to_ascii_uppercase() as char).to_string();
            s.replace_range(from..from + 1, &up);
        }
    }
}

fn sep(s: &mut String) {
    if !s.is_empty() && !s.ends_with(' ') {
        s.push(' ');
    }
}

/// Writes `template` with its marks filled in (see `vocab::FILLERS`).
fn expand(para: &mut String, template: &str, case: &Case, rng: &mut Rng) {
    let v = &*VOCABULARY;
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            para.push(c);
            continue;
        }
        match chars.next() {
            Some('N') => para.push_str(v.noun(rng)),
            Some('A') => para.push_str(v.adjective(rng)),
            Some('D') => {
                let d = case.decision.plus(-(rng.below(400) as i32) - 20);
                push_date(para, d, if rng.chance(500) { DateStyle::Short } else { DateStyle::Padded });
            }
            Some('P') => para.push_str(if case.sex == Sex::Male { "He" } else { "She" }),
            Some('p') => para.push_str(case.he()),
            Some('h') => para.push_str(case.his()),
            Some('n') => {
                let _ = write!(para, "{}", rng.range(2, 9));
            }
            Some('B') => para.push_str(rng.pick(items::info(case.region).parts)),
            Some(other) => para.push(other),
            None => {}
        }
    }
}

/// One sentence of clinical detail from the Zipf vocabulary.
fn filler(para: &mut String, case: &Case, rng: &mut Rng) {
    let template = rng.pick(vocab::FILLERS);
    sep(para);
    let start = para.len();
    expand(para, template, case, rng);
    cap_first(para, start);
    // Now and then the extractor loses a space between two words.
    if rng.chance(25) {
        if let Some(i) = para[start..].find(" the ").map(|i| start + i) {
            para.replace_range(i..i + 1, "");
        }
    }
}

/// `k` different entries of `pool`, in drawing order.
fn some_of(rng: &mut Rng, pool: &'static [&'static str], k: usize) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::with_capacity(k);
    for _ in 0..k * 3 {
        if out.len() == k {
            break;
        }
        let x = rng.pick(pool);
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

fn quote(case: &Case, open: bool) -> &'static str {
    match (case.curly, open) {
        (true, true) => "\u{201c}",
        (true, false) => "\u{201d}",
        (false, _) => "\"",
    }
}

fn apostrophe(case: &Case) -> &'static str {
    if case.curly {
        "\u{2019}"
    } else {
        "'"
    }
}

const QUOTES: &[&str] = &[
    "the same every day, no matter what I do",
    "like a knife in my lower back",
    "worse at the end of every shift",
    "better with the medication but never gone",
    "I cannot sleep more than three hours",
    "ready to get back to work",
];

/// The clinical case summary (one to three paragraphs).
pub fn summary(w: &mut Writer, case: &Case, rng: &mut Rng) {
    let info = items::info(case.region);
    let p = &mut w.para;
    let he = case.he();
    let sex_word = match (case.sex, rng.below(3)) {
        (Sex::Male, 0) => "man",
        (Sex::Male, _) => "male",
        (Sex::Female, 0) => "woman",
        (Sex::Female, _) => "female",
    };
    let hyphen = rng.chance(500);
    let handed = match rng.below(100) {
        0..=2 => "right hand dominant ",
        3..=6 => "right-handed ",
        _ => "",
    };
    let age = |p: &mut String| {
        if hyphen {
            let _ = write!(p, "{}-year-old {handed}{sex_word}", case.age);
        } else {
            let _ = write!(p, "{} year old {handed}{sex_word}", case.age);
        }
    };
    let doi_style = rng.pick(&[DateStyle::Short, DateStyle::Long, DateStyle::Dashed, DateStyle::Padded]);
    let occupation = rng.pick(vocab::OCCUPATIONS);
    let mechanism = rng.pick(vocab::MECHANISMS);
    match rng.below(4) {
        0 => {
            p.push_str("The injured worker is a ");
            age(p);
            p.push_str(" who reported an industrial injury on ");
            push_date(p, case.injury, doi_style);
            p.push_str(". The mechanism of injury was ");
            p.push_str(mechanism);
            p.push('.');
        }
        1 => {
            p.push_str("The patient is a ");
            age(p);
            p.push_str(" with a date of injury of ");
            push_date(p, case.injury, doi_style);
            let _ = write!(p, ". The injury occurred while {he} was {mechanism} at work as a {occupation}.");
        }
        2 => {
            p.push_str("According to the records, the applicant is a ");
            age(p);
            let _ = write!(p, " who was working as a {occupation} on ");
            push_date(p, case.injury, doi_style);
            let _ = write!(p, " when {he} was injured while {mechanism}.");
        }
        _ => {
            p.push_str("This ");
            age(p);
            let _ = write!(p, " {occupation} sustained an industrial injury on ");
            push_date(p, case.injury, doi_style);
            let _ = write!(p, " while {mechanism}.");
        }
    }
    // One diagnosis sentence.
    let n = 1 + rng.below(3);
    let mut dx: Vec<&str> = Vec::with_capacity(n + 1);
    dx.push(case.diagnosis);
    for _ in 1..n {
        let d = rng.pick(info.diagnoses);
        if !dx.contains(&d) {
            dx.push(d);
        }
    }
    if rng.chance(300) {
        dx.push(rng.pick(&["depression", "insomnia", "anxiety", "chronic pain syndrome", "gastritis", "hypertension"]));
    }
    sep(p);
    p.push_str(rng.pick(&[
        "The injured worker is being treated for ",
        "Diagnoses include ",
        "The working diagnoses are ",
        "The diagnoses are documented as ",
    ]));
    for (k, d) in dx.iter().enumerate() {
        if k > 0 {
            p.push_str(if k + 1 == dx.len() { " and " } else { ", " });
        }
        p.push_str(d);
    }
    p.push('.');
    sep(p);
    p.push_str("Treatment to date has included ");
    let k = 2 + rng.below(3);
    let treatments = some_of(rng, vocab::TREATMENTS, k);
    join_list(p, &treatments, " and ");
    p.push('.');
    let fillers = rng.range(2, 5);
    for _ in 0..fillers {
        filler(p, case, rng);
    }
    w.flush(rng, Mode::Prose);
    if rng.chance(400) {
        w.blank(rng);
    }
    let p = &mut w.para;
    p.push_str("At the most recent progress visit on ");
    push_date(p, case.ur_denial.plus(-(rng.below(40) as i32) - 3), DateStyle::Short);
    let _ = write!(p, ", {he} reported ");
    let symptom = rng.pick(vocab::SYMPTOMS);
    expand(p, symptom, case, rng);
    p.push_str(". On examination, there was ");
    let k = 2 + rng.below(2);
    let findings = some_of(rng, vocab::FINDINGS, k);
    for (j, f) in findings.iter().enumerate() {
        if j > 0 {
            p.push_str(if j + 1 == findings.len() { " and " } else { ", " });
        }
        expand(p, f, case, rng);
    }
    p.push('.');
    if rng.chance(600) {
        let _ = write!(p, " An MRI of the {} ", info.name);
        p.push_str(if rng.chance(500) { "dated " } else { "from " });
        push_date(p, case.injury.plus(30 + rng.below(300) as i32), DateStyle::Short);
        let found = if rng.chance(700) { rng.pick(info.imaging) } else { rng.pick(vocab::IMAGING_FINDINGS) };
        let _ = write!(p, " showed {found}.");
    }
    if rng.chance(300) {
        let (o, c) = (quote(case, true), quote(case, false));
        let _ = write!(
            p,
            " {} described the pain as {o}{}{c} and said it was worse with activity.",
            cap(he),
            rng.pick(QUOTES)
        );
    }
    if rng.chance(250) {
        let (o, c) = (quote(case, true), quote(case, false));
        let _ = write!(
            p,
            " The treating physician{} report notes that the claimant is {o}motivated to return to work.{c}",
            apostrophe(case)
        );
    }
    let fillers = rng.range(3, 8);
    for _ in 0..fillers {
        filler(p, case, rng);
    }
    sep(p);
    match rng.below(3) {
        0 => {
            p.push_str("Utilization review dated ");
            push_date(p, case.ur_denial, DateStyle::Short);
            p.push_str(
                " did not certify the requested treatment, and an application for independent medical review followed.",
            );
        }
        1 => {
            p.push_str("The disputed treatment was requested by the treating physician and was denied by utilization review on ");
            push_date(p, case.ur_denial, DateStyle::Short);
            p.push('.');
        }
        _ => {
            p.push_str("On ");
            push_date(p, case.ur_denial, DateStyle::Dashed);
            p.push_str(", the request was non-certified by Utilization Review.");
        }
    }
    w.flush(rng, Mode::Prose);
}

fn cap(s: &str) -> &'static str {
    if s == "he" {
        "He"
    } else {
        "She"
    }
}

/// The rationale's sentences (no label): guideline reasoning, the record, the conclusion.
fn rationale_body(p: &mut String, case: &Case, k: usize, rng: &mut Rng) {
    let item = &case.items[k];
    let outcome = case.outcomes[k];
    let n = 2 + rng.below(2);
    let first = rng.below(item.reasons.len().max(1));
    for j in 0..n.min(item.reasons.len()) {
        sep(p);
        p.push_str(item.reasons[(first + j) % item.reasons.len()]);
    }
    sep(p);
    p.push_str("In this case, ");
    let _ = write!(p, "the claimant is a {} year old with {}.", case.age, rng.pick(items::info(item.region).diagnoses));
    let pool = if outcome == Outcome::Upheld { vocab::LACKS } else { vocab::MEETS };
    for _ in 0..1 + rng.below(2) {
        sep(p);
        p.push_str(rng.pick(pool));
    }
    for _ in 0..rng.range(1, 5) {
        filler(p, case, rng);
    }
    sep(p);
    let name = if rng.chance(600) { items::lower_first(&item.text) } else { item.generic.to_string() };
    let not = if outcome == Outcome::Upheld {
        if rng.chance(20) {
            "notmedically"
        } else {
            "not medically"
        }
    } else {
        "medically"
    };
    if case.layout == Layout::A {
        let _ = write!(p, "The request for {name} is {not} necessary and appropriate.");
        return;
    }
    match rng.below(3) {
        0 => {
            let lead = rng.pick(vocab::CONCLUSION_LEADS);
            let start = p.len();
            let _ = write!(p, "{lead}the request for {name} is {not} necessary.");
            cap_first(p, start);
        }
        1 => {
            let _ = write!(p, "The request for {name} is therefore {not} necessary.");
        }
        _ => {
            let start = p.len();
            let _ =
                write!(p, "{}{name} is {not} necessary.", rng.pick(&["Therefore, ", "Consequently, ", "As such, "]));
            cap_first(p, start);
        }
    }
}

fn outcome_word(o: Outcome, upper: bool) -> &'static str {
    match (o, upper) {
        (Outcome::Upheld, false) => "Upheld",
        (Outcome::Overturned, false) => "Overturned",
        (Outcome::Upheld, true) => "UPHELD",
        (Outcome::Overturned, true) => "OVERTURNED",
    }
}

/// `Item: Upheld` (or the outcome alone on the next line), or the partial-authorisation
/// sentences that end in `... is: Upheld`.
fn item_heading(w: &mut Writer, case: &Case, k: usize, rng: &mut Rng) {
    let item = &case.items[k];
    let text = case.item_text(k);
    match &item.partial {
        Some(p) if p.leaving => {
            if rng.chance(500) {
                let _ = write!(w.para, "{} was the original request. ", p.original);
            }
            let _ = write!(
                w.para,
                "The Claims Administrator authorized {}, leaving the original request IMR eligible. The original request, {text} is:",
                p.authorized
            );
        }
        Some(p) => {
            let _ = write!(
                w.para,
                "{} was the original request. {} was authorized by the Claims Administrator. The remaining IMR eligible portion of the original request, {text} is:",
                p.original, p.authorized
            );
        }
        None => {
            w.para.push_str(&text);
            w.para.push(':');
        }
    }
    let p = &mut w.para;
    let alone = rng.chance(120);
    if !alone {
        p.push_str(if rng.chance(500) { "  " } else { " " });
        p.push_str(outcome_word(case.outcomes[k], rng.chance(30)));
    }
    w.flush(rng, Mode::Heading);
    if alone {
        w.line(rng, outcome_word(case.outcomes[k], false));
    }
}

fn maybe_blank(w: &mut Writer, rng: &mut Rng, per_mille: u32) {
    if rng.chance(per_mille) {
        w.blank(rng);
    }
}

/// Layouts B, C and D: the labelled item sections.
fn labelled_items(w: &mut Writer, case: &Case, rng: &mut Rng) {
    let gap = rng.pick(&[0u32, 600, 1000]);
    for k in 0..case.items.len() {
        item_heading(w, case, k, rng);
        maybe_blank(w, rng, gap);
        let (ur, imr) = &case.lines[k];
        w.para.push_str("Claims Administrator guideline: ");
        w.para.push_str(&ur.text);
        w.flush(rng, Mode::Prose);
        maybe_blank(w, rng, gap);
        w.para.push_str("MAXIMUS guideline: ");
        w.para.push_str(&imr.text);
        w.flush(rng, Mode::Prose);
        maybe_blank(w, rng, gap);
        w.para.push_str("Decision rationale: ");
        let mut p = std::mem::take(&mut w.para);
        rationale_body(&mut p, case, k, rng);
        w.para = p;
        w.flush(rng, Mode::Prose);
        maybe_blank(w, rng, gap);
    }
}

const HOW_MADE_1: &str = "MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no affiliation with the employer, employee, providers or the claims administrator.";
const HOW_MADE_2: &str = "He/she has been in active clinical practice for more than five years and is currently working at least 24 hours a week in active practice. The expert reviewer was selected based on his/her clinical experience, education, background, and expertise in the same or similar specialties that evaluate and/or treat the medical condition and disputed items/services. He/she is familiar with governing laws and regulations, including the strength of evidence hierarchy that applies to Independent Medical Review determinations.";
const PREAMBLE: &str =
    "The Final Determination was based on decisions for the disputed items/services set forth below:";
const SUMMARY_INTRO: &str = "The expert reviewer developed the following clinical case summary based on a review of the case file, including all medical records:";

fn join_list(s: &mut String, xs: &[&str], last: &str) {
    for (k, x) in xs.iter().enumerate() {
        if k > 0 {
            s.push_str(if k + 1 == xs.len() { last } else { ", " });
        }
        s.push_str(x);
    }
}

/// The reviewer as the prose of layouts A and B gives it.
fn reviewer_prose(p: &mut String, case: &Case) {
    p.push_str("Board Certified in ");
    join_list(p, &case.specialties, ", ");
    p.push_str(" and is licensed to practice in ");
    join_list(p, &case.licensure, " and ");
    p.push('.');
}

/// `State(s) of Licensure:` and `Certification(s)/Specialty:` lines; a long list wraps after
/// a comma, as the letters do.
fn credential_line(w: &mut Writer, rng: &mut Rng, label: &str, xs: &[&str], tight: bool) {
    let mut s = String::with_capacity(80);
    s.push_str(label);
    s.push(' ');
    for (k, x) in xs.iter().enumerate() {
        if k > 0 {
            s.push_str(if tight { "," } else { ", " });
        }
        s.push_str(x);
    }
    if s.len() > w.style.width {
        let cut = s[..w.style.width].rfind(", ").or_else(|| s[..w.style.width].rfind("& ").map(|i| i + 1));
        if let Some(cut) = cut {
            let (a, b) = s.split_at(cut + 1);
            let (a, b) = (a.to_string(), b.trim_start().to_string());
            w.line(rng, &a);
            w.line(rng, &b);
            return;
        }
    }
    w.line(rng, &s);
}

fn credentials(w: &mut Writer, case: &Case, rng: &mut Rng, licensure_first: bool) {
    let tight = rng.chance(500);
    if licensure_first {
        credential_line(w, rng, "State(s) of Licensure:", &case.licensure, tight);
        credential_line(w, rng, "Certification(s)/Specialty:", &case.specialties, false);
    } else {
        credential_line(w, rng, "Certification(s)/Specialty:", &case.specialties, false);
        credential_line(w, rng, "State(s) of Licensure:", &case.licensure, tight);
    }
}

fn heading(w: &mut Writer, rng: &mut Rng, text: &str) {
    let mut s = String::with_capacity(text.len() + 4);
    if rng.chance(400) {
        s.push_str(if rng.chance(500) { " " } else { "  " });
    }
    s.push_str(text);
    w.line(rng, &s);
}

fn labelled_date(s: &mut String, label: &str, day: Day, style: DateStyle, pad: &str) {
    s.push_str(label);
    s.push_str(pad);
    push_date(s, day, style);
}

/// The header of layouts B, C and D, in one of the orders extractors produce.
fn header(w: &mut Writer, case: &Case, rng: &mut Rng, style: DateStyle) {
    let priority = if case.expedited { "Expedited" } else { "Standard" };
    let form = if case.layout == Layout::C { rng.below(10) } else { 9 };
    let mut s = String::with_capacity(80);
    match form {
        0..=5 => {
            // Two to a line, as pdf text extraction of the 2016 form gives it.
            if rng.chance(500) {
                w.blank(rng);
            }
            let _ = write!(s, "Case Number:  {}", case.case_number);
            w.line(rng, &s);
            s.clear();
            labelled_date(&mut s, "Date Assigned:", case.assigned, style, "  ");
            labelled_date(&mut s, "  Date of Injury:", case.injury, style, "   ");
            w.line(rng, &s);
            s.clear();
            labelled_date(&mut s, "Decision Date:", case.decision, style, "  ");
            labelled_date(&mut s, "  UR Denial Date:", case.ur_denial, style, "   ");
            w.line(rng, &s);
            s.clear();
            let _ = write!(s, "Priority:   {priority}  Application");
            w.line(rng, &s);
            s.clear();
            labelled_date(&mut s, "Received:", case.received, style, "   ");
            w.line(rng, &s);
        }
        6..=7 => {
            // Labels first, values after.
            let _ = write!(s, "Case Number: {} Date Assigned: Date of Injury:", case.case_number);
            w.line(rng, &s);
            s.clear();
            push_date(&mut s, case.assigned, style);
            s.push(' ');
            push_date(&mut s, case.injury, style);
            w.line(rng, &s);
            w.line(rng, "Decision Date: UR Denial Date:");
            s.clear();
            push_date(&mut s, case.decision, style);
            s.push(' ');
            push_date(&mut s, case.ur_denial, style);
            w.line(rng, &s);
            s.clear();
            let _ = write!(s, "Priority: {priority} Application Received:");
            w.line(rng, &s);
            s.clear();
            push_date(&mut s, case.received, style);
            w.line(rng, &s);
        }
        _ => {
            let spaced = case.layout == Layout::B && rng.chance(500);
            let _ = write!(s, "Case Number: {}", case.case_number);
            w.line(rng, &s);
            for (label, day) in [
                ("Date Assigned: ", case.assigned),
                ("Date of Injury: ", case.injury),
                ("Decision Date: ", case.decision),
                ("UR Denial Date: ", case.ur_denial),
            ] {
                if spaced {
                    w.blank(rng);
                }
                s.clear();
                labelled_date(&mut s, label, day, style, "");
                w.line(rng, &s);
            }
            if spaced {
                w.blank(rng);
            }
            s.clear();
            let _ = write!(s, "Priority: {priority}");
            w.line(rng, &s);
            if spaced {
                w.blank(rng);
            }
            s.clear();
            labelled_date(&mut s, "Application Received: ", case.received, style, "");
            w.line(rng, &s);
        }
    }
}

fn how_made(w: &mut Writer, case: &Case, rng: &mut Rng) {
    heading(w, rng, "HOW THE IMR FINAL DETERMINATION WAS MADE");
    maybe_blank(w, rng, 600);
    w.para.push_str(HOW_MADE_1);
    if case.layout == Layout::B {
        w.para.push_str(" The expert reviewer is ");
        let mut p = std::mem::take(&mut w.para);
        reviewer_prose(&mut p, case);
        w.para = p;
    }
    w.para.push(' ');
    w.para.push_str(HOW_MADE_2);
    w.flush(rng, Mode::Plain);
    if case.layout != Layout::B {
        maybe_blank(w, rng, 800);
        w.line(rng, "The Expert Reviewer has the following credentials:");
        credentials(w, case, rng, true);
    }
    maybe_blank(w, rng, 800);
}

fn clinical_summary(w: &mut Writer, case: &Case, rng: &mut Rng) {
    heading(w, rng, "CLINICAL CASE SUMMARY");
    maybe_blank(w, rng, 500);
    w.para.push_str(SUMMARY_INTRO);
    w.flush(rng, Mode::Plain);
    maybe_blank(w, rng, 700);
    summary(w, case, rng);
    maybe_blank(w, rng, 500);
}

fn documents(w: &mut Writer, case: &Case, rng: &mut Rng, bullet: &str) {
    let mut s = String::with_capacity(100);
    let mut doc = |w: &mut Writer, rng: &mut Rng, what: &str, day: Day, until: Option<Day>| {
        s.clear();
        s.push_str(bullet);
        s.push_str(what);
        s.push_str(" dated ");
        push_date(&mut s, day, DateStyle::Padded);
        if let Some(u) = until {
            s.push_str(" through ");
            push_date(&mut s, u, DateStyle::Padded);
        }
        w.line(rng, &s);
    };
    doc(w, rng, "Application for Independent Medical Review", case.received, None);
    doc(w, rng, "Utilization Review Determination", case.ur_denial, None);
    let rfa = case.ur_denial.plus(-(rng.range(3, 12) as i32));
    doc(w, rng, "Request for authorization", rfa, None);
    let from = case.ur_denial.plus(-(rng.range(60, 300) as i32));
    doc(w, rng, "Progress reports from the primary treating physician", from, Some(case.ur_denial.plus(-14)));
    for what in [
        "Physical therapy daily notes",
        "MRI report",
        "Qualified medical examination report",
        "Pharmacy records",
        "Operative report",
        "Electrodiagnostic study report",
    ] {
        if rng.chance(300) {
            let day = case.injury.plus(rng.range(20, 200) as i32);
            doc(w, rng, what, day, None);
        }
    }
}

/// Writes the whole letter.
pub fn write(w: &mut Writer, case: &Case, rng: &mut Rng) {
    match case.layout {
        Layout::A => notice(w, case, rng),
        Layout::E => review(w, case, rng),
        Layout::D => {
            w.line(rng, "MAXIMUS FEDERAL SERVICES, INC.");
            w.line(rng, "Independent Medical Review");
            w.blank(rng);
            header(w, case, rng, DateStyle::Padded);
            maybe_blank(w, rng, 800);
            how_made(w, case, rng);
            heading(w, rng, "DOCUMENTS REVIEWED");
            documents(w, case, rng, "");
            maybe_blank(w, rng, 800);
            clinical_summary(w, case, rng);
            heading(w, rng, "IMR DECISION(S) AND RATIONALE(S)");
            w.para.push_str(PREAMBLE);
            w.flush(rng, Mode::Plain);
            maybe_blank(w, rng, 700);
            labelled_items(w, case, rng);
        }
        _ => {
            let style = if case.layout == Layout::B && rng.chance(500) { DateStyle::Short } else { DateStyle::Padded };
            header(w, case, rng, style);
            maybe_blank(w, rng, 800);
            how_made(w, case, rng);
            clinical_summary(w, case, rng);
            heading(w, rng, "IMR ISSUES, DECISIONS AND RATIONALES");
            maybe_blank(w, rng, 500);
            w.para.push_str(PREAMBLE);
            w.flush(rng, Mode::Plain);
            maybe_blank(w, rng, 700);
            labelled_items(w, case, rng);
        }
    }
}

/// Layout A: the 2013 notice.
fn notice(w: &mut Writer, case: &Case, rng: &mut Rng) {
    let mut s = String::with_capacity(80);
    w.line(rng, "MAXIMUS FEDERAL SERVICES, INC.");
    w.line(rng, "Notice of Independent Medical Review Determination");
    labelled_date(&mut s, "Dated: ", case.decision, DateStyle::Short, "");
    w.line(rng, &s);
    w.blank(rng);
    s.clear();
    let _ = write!(s, "IMR Case Number: {}", case.case_number);
    w.line(rng, &s);
    for (label, day) in [
        ("Date of Injury: ", case.injury),
        ("Date of UR Decision: ", case.ur_denial),
        ("Date of IMR Application: ", case.received),
    ] {
        s.clear();
        labelled_date(&mut s, label, day, DateStyle::Short, "");
        w.line(rng, &s);
    }
    w.blank(rng);
    w.para.push_str("MAXIMUS Federal Services, Inc. has completed the Independent Medical Review of the disputed items listed in the application referenced above. The review was performed by a physician who is qualified to evaluate the medical condition and the treatment at issue, and the determination for each disputed item is set out below.");
    w.flush(rng, Mode::Plain);
    w.blank(rng);
    for k in 0..case.items.len() {
        let not = match case.outcomes[k] {
            Outcome::Upheld if rng.chance(15) => "notmedically",
            Outcome::Upheld => "not medically",
            Outcome::Overturned => "medically",
        };
        let _ = write!(
            w.para,
            "{}) MAXIMUS Federal Services, Inc. has determined the request for {} is {not} necessary and appropriate.",
            k + 1,
            case.item_text(k)
        );
        w.flush(rng, Mode::Heading);
        maybe_blank(w, rng, 800);
    }
    w.para.push_str("This determination is final and binding on the claims administrator. It may be appealed only as provided in Labor Code section 4610.6(h), by filing a verified appeal with the Workers' Compensation Appeals Board within 30 days of the date of this notice.");
    w.flush(rng, Mode::Plain);
    w.blank(rng);
    heading(w, rng, "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE");
    w.blank(rng);
    w.line(rng, "Medical Qualifications of the Expert Reviewer:");
    w.para.push_str("The physician reviewer is ");
    let mut p = std::mem::take(&mut w.para);
    reviewer_prose(&mut p, case);
    w.para = p;
    w.para.push_str(" The physician reviewer has been in active clinical practice for more than five years and is currently working at least 24 hours a week in active practice.");
    w.flush(rng, Mode::Plain);
    w.blank(rng);
    w.line(rng, "Case Summary:");
    summary(w, case, rng);
    w.blank(rng);
    for k in 0..case.items.len() {
        let _ = write!(w.para, "{}) Regarding the request for {}:", k + 1, case.item_text(k));
        w.flush(rng, Mode::Plain);
        let (ur, imr) = &case.lines[k];
        w.line(rng, "Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:");
        w.para.push_str(&ur.text);
        w.flush(rng, Mode::Prose);
        w.line(rng, "Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:");
        w.para.push_str(&imr.text);
        w.flush(rng, Mode::Prose);
        w.line(rng, "Rationale for the Decision:");
        let mut p = std::mem::take(&mut w.para);
        rationale_body(&mut p, case, k, rng);
        w.para = p;
        w.flush(rng, Mode::Prose);
        w.blank(rng);
    }
}

/// Layout E: the medical professional review form.
fn review(w: &mut Writer, case: &Case, rng: &mut Rng) {
    let mut s = String::with_capacity(80);
    w.line(rng, "MEDICAL PROFESSIONAL REVIEW");
    w.blank(rng);
    let _ = write!(s, "Case Number: {}", case.case_number);
    w.line(rng, &s);
    for (label, day) in
        [("Date of Injury: ", case.injury), ("Decision Date: ", case.decision), ("UR Denial Date: ", case.ur_denial)]
    {
        s.clear();
        labelled_date(&mut s, label, day, DateStyle::Padded, "");
        w.line(rng, &s);
    }
    w.blank(rng);
    w.line(rng, "ISSUE AT DISPUTE:");
    for k in 0..case.items.len() {
        let alone = rng.chance(300);
        let _ = write!(w.para, "{}. {}:", k + 1, case.item_text(k));
        if !alone {
            w.para.push(' ');
            w.para.push_str(outcome_word(case.outcomes[k], false));
        }
        w.flush(rng, Mode::Heading);
        if alone {
            w.line(rng, outcome_word(case.outcomes[k], false));
        }
    }
    w.blank(rng);
    w.line(rng, "CASE SUMMARY:");
    summary(w, case, rng);
    w.blank(rng);
    w.line(rng, "DOCUMENTS REVIEWED FOR DETERMINATION:");
    documents(w, case, rng, "- ");
    w.blank(rng);
    w.para.push_str("MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY:");
    w.flush(rng, Mode::Plain);
    if let Some(review) = &case.review {
        w.para.push_str(&review.text);
        w.flush(rng, Mode::Prose);
    }
    w.blank(rng);
    w.para.push_str("RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:");
    w.flush(rng, Mode::Plain);
    for k in 0..case.items.len() {
        let mut p = std::mem::take(&mut w.para);
        rationale_body(&mut p, case, k, rng);
        w.para = p;
        w.flush(rng, Mode::Prose);
        if k + 1 < case.items.len() {
            w.blank(rng);
        }
    }
    w.blank(rng);
    w.line(rng, "MEDICAL REVIEWER QUALIFICATIONS:");
    let licensure_first = rng.chance(400);
    credentials(w, case, rng, licensure_first);
}
