//! Disputed items: splitting the decisions part of a letter into one `Decision` per item.
//!
//! Layouts B, C and D print each item as a heading ending in `: Upheld` / `: Overturned`
//! (the outcome may stand alone on the next line), followed by three labelled paragraphs.
//! The outcome line is the anchor: the heading is read upwards from it to the line after the
//! previous sentence end, because wrapped headings never end a sentence and rationales always
//! do. A partial authorisation ("X was the original request. Y was authorized ... The
//! remaining IMR eligible portion of the original request, Z is: Upheld") spans sentences, so
//! its heading is read up to the sentence that names the original request.

use super::model::{Decision, Outcome};
use super::text::{self, ends_sentence, strip_number};
use regex::Regex;

re!(OUTCOME_TAIL, r"^(.*?)\s*:\s*(Upheld|Overturned|UPHELD|OVERTURNED)\s*\.?$");
re!(OUTCOME_ALONE, r"^(Upheld|Overturned|UPHELD|OVERTURNED)\s*\.?$");
re!(UR_LABEL, r"(?i)Claims\s+Administrator\s+guideline\s*:");
re!(IMR_LABEL, r"(?i)(?:MAXIMUS|IMR|Expert\s+Reviewer)\s+guideline\s*:");
re!(RATIONALE_LABEL, r"(?i)Decision\s+rationale\s*:");
re!(
    PREAMBLE,
    r"(?i)The\s+Final\s+Determination\s+was\s+based\s+on\s+decisions\s+for\s+the\s+disputed\s+items\s*/\s*services\s+set\s+forth\s+below\s*:"
);
re!(
    PARTIAL,
    r"(?is)^(?P<orig>.+?)\s+was\s+the\s+original\s+request\s*\.\s*(?P<auth>.+?)\s+was\s+authorized\s+by\s+the\s+Claims\s+Administrator\s*\.\s*The\s+remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request\s*,\s*(?P<rem>.+?)(?:\s+is)?\s*$"
);
re!(
    PARTIAL_LEAVING,
    r"(?is)^(?:(?P<orig>.+?)\s+was\s+the\s+original\s+request\s*\.\s*)?The\s+Claims\s+Administrator\s+authorized\s+(?P<auth>.+?)\s*,\s*leaving\s+the\s+original\s+request\s+IMR\s+eligible\s*\.\s*The\s+original\s+request\s*,\s*(?P<rem>.+?)(?:\s+is)?\s*$"
);
// Layout A (2013 notice).
re!(
    NOTICE_DECISION,
    r"(?is)(\d{1,2})\s*\)\s*MAXIMUS\s+Federal\s+Services\s*,?\s*Inc\.?\s+has\s+determined\s+the\s+request\s+for\s+(.+?)\s+is\s*(not\s*)?medically\s*necessary\s+and\s+appropriate"
);
re!(NOTICE_REGARDING, r"(?i)(\d{1,2})\s*\)\s*Regarding\s+the\s+request\s+for\s+");
re!(NOTICE_UR, r"(?i)Medical\s+Treatment\s+Guideline\(s\)\s+Relied\s+Upon\s+by\s+the\s+Claims\s+Administrator\s*:");
re!(NOTICE_IMR, r"(?i)Medical\s+Treatment\s+Guideline\(s\)\s+Relied\s+Upon\s+by\s+the\s+Expert\s+Reviewer\s*:");
re!(NOTICE_RATIONALE, r"(?i)Rationale\s+for\s+the\s+Decision\s*:");

/// Longest heading (in lines) read without the partial-authorisation pattern before we warn.
const MAX_HEADING_LINES: usize = 6;

/// Where one item's outcome was found in a list of lines.
struct OutcomeAt {
    /// Index of the heading's last line (the one that carries or precedes the outcome).
    last: usize,
    /// That last line with the `: Upheld` part removed.
    tail: String,
    outcome: Outcome,
    /// Index of the first line after the outcome.
    body: usize,
}

fn is_label(line: &str) -> bool {
    [&*UR_LABEL, &*IMR_LABEL, &*RATIONALE_LABEL].iter().any(|re| re.find(line).is_some_and(|m| m.start() == 0))
}

/// Whether a line ends as [`OUTCOME_TAIL`] and [`OUTCOME_ALONE`] need: the outcome word, then
/// perhaps spaces and a period.
fn ends_with_outcome(line: &str) -> bool {
    let t = line.strip_suffix('.').unwrap_or(line).trim_end();
    ["Upheld", "Overturned", "UPHELD", "OVERTURNED"].iter().any(|w| t.ends_with(w))
}

fn outcome_lines(lines: &[&str]) -> Vec<OutcomeAt> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // Both patterns end with the outcome word: most lines are ruled out without them.
        if !ends_with_outcome(line) || is_label(line) {
            continue;
        }
        if let Some(c) = OUTCOME_TAIL.captures(line) {
            if let Some(outcome) = Outcome::from_word(&c[2]) {
                out.push(OutcomeAt { last: i, tail: c[1].to_string(), outcome, body: i + 1 });
            }
        } else if let Some(c) = OUTCOME_ALONE.captures(line) {
            let prev = i.checked_sub(1).map(|p| lines[p]);
            if let (Some(prev), Some(outcome)) = (prev, Outcome::from_word(&c[1])) {
                if let Some(tail) = prev.strip_suffix(':') {
                    if out.last().is_none_or(|o: &OutcomeAt| o.body < i) {
                        out.push(OutcomeAt { last: i - 1, tail: tail.trim_end().to_string(), outcome, body: i + 1 });
                    }
                }
            }
        }
    }
    out
}

/// A line that starts a numbered item (`1)`, `2.`): a heading never reaches above it.
fn is_numbered(line: &str) -> bool {
    strip_number(line).len() != line.trim_start().len()
}

fn needs_earlier_sentence(heading: &str) -> bool {
    let h = heading.to_lowercase();
    !h.contains("was the original request")
        && !h.starts_with("the claims administrator authorized")
        && (h.contains("eligible portion") || h.contains("was authorized by") || h.starts_with("the original request"))
}

/// Where the sentence that names the original request ("X was the original request.")
/// starts, when it stands on lines of its own right above a `heading` of the "leaving the
/// original request IMR eligible" form, whose optional first sentence it is.
fn original_request_above(lines: &[&str], floor: usize, j: usize, heading: &str) -> Option<usize> {
    if j <= floor
        || is_label(lines[j - 1])
        || !heading.to_lowercase().starts_with("the claims administrator authorized")
    {
        return None;
    }
    let mut k = j - 1;
    while k > floor && !ends_sentence(lines[k - 1]) && !is_label(lines[k - 1]) && !is_numbered(lines[k]) {
        k -= 1;
    }
    let sentence = text::join(lines[k..j].iter().copied()).to_lowercase();
    let sentence = sentence.trim_end().trim_end_matches('.').trim_end();
    (sentence.ends_with(" was the original request") && !sentence[..sentence.len() - 25].contains(". ")).then_some(k)
}

/// First line of the heading whose last line is `last`, never above `floor`.
fn heading_start(lines: &[&str], floor: usize, last: usize, tail: &str) -> usize {
    let mut j = last;
    for _ in 0..8 {
        while j > floor && !ends_sentence(lines[j - 1]) && !is_label(lines[j - 1]) && !is_numbered(lines[j]) {
            j -= 1;
        }
        let heading = text::join(lines[j..last].iter().copied().chain([tail]));
        if needs_earlier_sentence(&heading) && j > floor && !is_label(lines[j - 1]) {
            j -= 1;
            continue;
        }
        if let Some(k) = original_request_above(lines, floor, j, &heading) {
            j = k;
        }
        break;
    }
    j
}

/// Splits a heading into the disputed item and, for partial authorisations, the original
/// request and the authorised part.
fn read_heading(heading: &str) -> (String, Option<String>, Option<String>) {
    let heading = strip_number(heading).trim();
    if let Some(c) = PARTIAL.captures(heading) {
        return (c["rem"].to_string(), Some(c["orig"].to_string()), Some(c["auth"].to_string()));
    }
    if let Some(c) = PARTIAL_LEAVING.captures(heading) {
        let original = c.name("orig").map_or(&c["rem"], |m| m.as_str());
        return (c["rem"].to_string(), Some(original.to_string()), Some(c["auth"].to_string()));
    }
    (heading.to_string(), None, None)
}

/// The values of labelled paragraphs in `body`: each label's text runs to the next label.
fn labelled_values(body: &str, labels: &[&Regex]) -> Vec<Option<String>> {
    let mut found: Vec<(usize, usize, usize)> =
        labels.iter().enumerate().filter_map(|(k, re)| re.find(body).map(|m| (m.start(), m.end(), k))).collect();
    found.sort_unstable();
    let mut values = vec![None; labels.len()];
    for (n, &(_, end, k)) in found.iter().enumerate() {
        let stop = found.get(n + 1).map_or(body.len(), |f| f.0);
        let v = text::clean(&body[end..stop.max(end)]);
        values[k] = (!v.is_empty()).then_some(v);
    }
    values
}

/// Items of layouts B, C and D (and of unknown layouts that use the same labels).
pub fn labelled(section: &str, warnings: &mut Vec<String>) -> Vec<Decision> {
    let section = PREAMBLE.find(section).map_or(section, |m| &section[m.end()..]);
    let lines: Vec<&str> = section.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect();
    let found = outcome_lines(&lines);
    let mut starts = Vec::with_capacity(found.len());
    let mut floor = 0;
    for (k, o) in found.iter().enumerate() {
        let s = heading_start(&lines, floor, o.last, &o.tail);
        if k == 0 && s > 0 {
            warnings.push(format!(
                "text before the first item was not read: {:?}",
                clip(&text::join(lines[..s].iter().copied()))
            ));
        }
        starts.push(s);
        floor = o.body;
    }
    let mut items = Vec::with_capacity(found.len());
    for (k, o) in found.iter().enumerate() {
        let heading = text::join(lines[starts[k]..o.last].iter().copied().chain([o.tail.as_str()]));
        let (item, original_request, authorized) = read_heading(&heading);
        let n = k + 1;
        if o.last - starts[k] >= MAX_HEADING_LINES && original_request.is_none() {
            warnings
                .push(format!("item {n}: heading runs over {} lines; check where it starts", o.last - starts[k] + 1));
        }
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let mut body_lines = &lines[o.body.min(end)..end];
        let mut cut_off = None;
        if k + 1 == found.len() {
            (body_lines, cut_off) = split_cut_off_item(body_lines);
        }
        let body = body_lines.join("\n");
        let v = labelled_values(&body, &[&UR_LABEL, &IMR_LABEL, &RATIONALE_LABEL]);
        let [ur_guideline, imr_guideline, rationale] = [v[0].clone(), v[1].clone(), v[2].clone()];
        for (value, what) in [
            (&ur_guideline, "Claims Administrator guideline"),
            (&imr_guideline, "MAXIMUS guideline"),
            (&rationale, "Decision rationale"),
        ] {
            if value.is_none() {
                warnings.push(format!("item {n}: no {what}"));
            }
        }
        items.push(Decision {
            item,
            original_request,
            authorized,
            outcome: Some(o.outcome),
            ur_guideline,
            imr_guideline,
            rationale,
            ..Decision::default()
        });
        if let Some(heading) = cut_off {
            let (item, original_request, authorized) = read_heading(&heading);
            warnings.push(format!("item {}: no outcome (the letter ends after {:?})", n + 1, clip(&item)));
            items.push(Decision { item, original_request, authorized, ..Decision::default() });
        }
    }
    if found.is_empty() {
        warnings.push("no disputed items found (no line ends in Upheld or Overturned)".to_string());
    }
    items
}

/// The last item's body may end with the heading of a further item that the letter never
/// decides (the file was cut off). Such a tail is a run of lines after the last rationale
/// sentence that ends with `:` as item headings do before their outcome.
fn split_cut_off_item<'a>(body: &'a [&'a str]) -> (&'a [&'a str], Option<String>) {
    let Some(last) = body.last() else { return (body, None) };
    if !last.ends_with(':') || is_label(last) {
        return (body, None);
    }
    let mut j = body.len() - 1;
    while j > 0 && !ends_sentence(body[j - 1]) && !is_label(body[j - 1]) {
        j -= 1;
    }
    if j == 0 {
        return (body, None);
    }
    let heading = text::join(body[j..].iter().copied());
    let heading = heading.trim_end_matches(':').trim_end().to_string();
    (&body[..j], Some(heading))
}

/// Items of the 2013 notice (layout A): numbered prose decisions, then numbered
/// "Regarding the request for" sections with guidelines and rationale.
pub fn notice(decisions: &str, rationales: &str, warnings: &mut Vec<String>) -> Vec<Decision> {
    let mut items: Vec<(String, Decision)> = NOTICE_DECISION
        .captures_iter(decisions)
        .map(|c| {
            let outcome = if c.get(3).is_some() { Outcome::Upheld } else { Outcome::Overturned };
            let d = Decision { item: text::clean(&c[2]), outcome: Some(outcome), ..Decision::default() };
            (c[1].to_string(), d)
        })
        .collect();
    let marks: Vec<(usize, usize, String)> = NOTICE_REGARDING
        .captures_iter(rationales)
        .map(|c| (c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), c[1].to_string()))
        .collect();
    for (k, (_, end, number)) in marks.iter().enumerate() {
        let stop = marks.get(k + 1).map_or(rationales.len(), |m| m.0);
        let chunk = &rationales[*end..stop];
        let Some((_, d)) = items.iter_mut().find(|(n, _)| n == number) else {
            warnings.push(format!("rationale {number} has no numbered decision"));
            continue;
        };
        let v = labelled_values(chunk, &[&NOTICE_UR, &NOTICE_IMR, &NOTICE_RATIONALE]);
        d.ur_guideline = v[0].clone();
        d.imr_guideline = v[1].clone();
        d.rationale = v[2].clone();
    }
    for (n, d) in &items {
        if d.rationale.is_none() {
            warnings.push(format!("item {n}: no rationale section"));
        }
    }
    if items.is_empty() {
        warnings.push("no numbered decisions found (\"has determined the request for ...\")".to_string());
    }
    items.drain(..).map(|(_, d)| d).collect()
}

/// Items of the "MEDICAL PROFESSIONAL REVIEW" form (layout E): the issue list carries the
/// items and outcomes; one guideline section and one rationale serve every item.
pub fn issue_list(
    issues: &str,
    guideline: Option<String>,
    rationale: Option<String>,
    warnings: &mut Vec<String>,
) -> Vec<Decision> {
    let lines: Vec<&str> = issues.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect();
    let found = outcome_lines(&lines);
    let mut items = Vec::new();
    let mut floor = 0;
    for o in &found {
        let s = heading_start(&lines, floor, o.last, &o.tail);
        push_undecided(&lines[floor..s], &mut items, warnings);
        let heading = text::join(lines[s..o.last].iter().copied().chain([o.tail.as_str()]));
        let (item, original_request, authorized) = read_heading(&heading);
        items.push(Decision { item, original_request, authorized, outcome: Some(o.outcome), ..Decision::default() });
        floor = o.body;
    }
    push_undecided(&lines[floor.min(lines.len())..], &mut items, warnings);
    if items.is_empty() {
        warnings.push("no disputed items found under ISSUE AT DISPUTE".to_string());
    }
    for d in &mut items {
        d.imr_guideline = guideline.clone();
        d.rationale = rationale.clone();
    }
    items
}

/// Issue lines with no outcome word: kept as items with no outcome, one per numbered line.
fn push_undecided(lines: &[&str], items: &mut Vec<Decision>, warnings: &mut Vec<String>) {
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |current: &mut Vec<&str>, items: &mut Vec<Decision>| {
        if !current.is_empty() {
            let item = strip_number(&text::join(current.drain(..))).trim_end_matches(':').trim().to_string();
            warnings.push(format!("item {}: no outcome for {:?}", items.len() + 1, clip(&item)));
            items.push(Decision { item, ..Decision::default() });
        }
    };
    for line in lines {
        if is_numbered(line) {
            flush(&mut current, items);
        }
        current.push(line);
    }
    flush(&mut current, items);
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(section: &str) -> (Vec<Decision>, Vec<String>) {
        let mut w = Vec::new();
        let lines = text::flat(section);
        (labelled(&lines, &mut w), w)
    }

    const C_TWO: &str =
        "The Final Determination was based on decisions for the disputed items/services set forth below:
MRI of the right shoulder without contrast: Upheld
Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.
MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s):
Special Studies.
Decision rationale: There is no red flag. The MRI is not
medically necessary.
Additional physical therapy three times a week for two weeks of the right hip and foot:
Overturned
Claims Administrator guideline: The Claims Administrator did not cite any medical evidence
for its decision.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016.
Decision rationale: Therapy is medically necessary.";

    #[test]
    fn two_items_with_outcome_on_next_line() {
        let (got, w) = items(C_TWO);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].item, "MRI of the right shoulder without contrast");
        assert_eq!(got[0].outcome, Some(Outcome::Upheld));
        assert_eq!(
            got[0].imr_guideline.as_deref(),
            Some("Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies.")
        );
        assert_eq!(got[0].rationale.as_deref(), Some("There is no red flag. The MRI is not medically necessary."));
        assert_eq!(
            got[1].item,
            "Additional physical therapy three times a week for two weeks of the right hip and foot"
        );
        assert_eq!(got[1].outcome, Some(Outcome::Overturned));
        assert_eq!(
            got[1].ur_guideline.as_deref(),
            Some("The Claims Administrator did not cite any medical evidence for its decision.")
        );
    }

    #[test]
    fn wrapped_capital_heading_of_layout_b() {
        let s = "LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC\nFRAGMENTS:  Upheld\nClaims Administrator guideline: Decision based on MTUS ACOEM Page(s): 305-306.\nMAXIMUS guideline: x.\nDecision rationale: Not necessary.";
        let (got, _) = items(s);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].item, "LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC FRAGMENTS");
    }

    #[test]
    fn partial_authorisation_spanning_sentences() {
        let s = "Decision rationale: The first request is not medically necessary.
Baclofen 100mg #30 was the original request. Baclofen 100mg #27 was authorized by the
Claims Administrator. The remaining IMR eligible portion of the original request,
Baclofen 100mg #3: Upheld
Claims Administrator guideline: a.
MAXIMUS guideline: b.
Decision rationale: c.";
        let (got, _) = items(&format!("X: Upheld\nClaims Administrator guideline: a.\nMAXIMUS guideline: b.\n{s}"));
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].item, "Baclofen 100mg #3");
        assert_eq!(got[1].original_request.as_deref(), Some("Baclofen 100mg #30"));
        assert_eq!(got[1].authorized.as_deref(), Some("Baclofen 100mg #27"));
    }

    #[test]
    fn partial_authorisation_with_sentence_ending_at_line_end() {
        let s = "Decision rationale: Earlier item is not medically necessary.
Acupuncture 18 sessions was the original request.
Acupuncture 6 sessions was authorized by the Claims Administrator.
The remaining IMR eligible portion of the original request, Acupuncture 12 sessions is: Upheld
Claims Administrator guideline: a.";
        let (got, _) = items(&format!("Y: Upheld\n{s}"));
        assert_eq!(got[1].item, "Acupuncture 12 sessions");
        assert_eq!(got[1].original_request.as_deref(), Some("Acupuncture 18 sessions"));
        assert_eq!(got[1].authorized.as_deref(), Some("Acupuncture 6 sessions"));
    }

    #[test]
    fn partial_authorisation_leaving_original_request() {
        let s = "The Claims Administrator authorized Acupuncture treatments, 6 sessions, leaving the original request\nIMR eligible. The original request, Acupuncture treatments (unspecified quantity) is:\nUpheld\nClaims Administrator guideline: a.";
        let (got, _) = items(s);
        assert_eq!(got[0].item, "Acupuncture treatments (unspecified quantity)");
        assert_eq!(got[0].authorized.as_deref(), Some("Acupuncture treatments, 6 sessions"));
        let s2 = "Decision rationale: Not necessary.\nAcupuncture (unspecified quantity) was the original request. The Claims\nAdministrator authorized Acupuncture, 6 sessions, leaving the original request\nIMR eligible. The original request, Acupuncture (unspecified quantity) is:\nUpheld\nClaims Administrator guideline: a.";
        let (got2, _) = items(&format!("Z: Upheld\n{s2}"));
        assert_eq!(got2[1].item, "Acupuncture (unspecified quantity)");
        assert_eq!(got2[1].original_request.as_deref(), Some("Acupuncture (unspecified quantity)"));
        assert_eq!(got2[1].authorized.as_deref(), Some("Acupuncture, 6 sessions"));
    }

    #[test]
    fn original_request_sentence_on_a_line_of_its_own() {
        // Regression: the sentence ended the previous item's rationale, or before the first
        // item was dropped with a warning.
        let heading = "Acupuncture 12 sessions was the original request.
The Claims Administrator authorized Acupuncture 6 sessions, leaving the original request IMR
eligible. The original request, Acupuncture 12 sessions is: Upheld
Claims Administrator guideline: a.
MAXIMUS guideline: b.
Decision rationale: c.";
        let (got, w) = items(&format!(
            "MRI: Upheld\nClaims Administrator guideline: a.\nMAXIMUS guideline: b.\nDecision rationale: Not necessary.\n{heading}"
        ));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].rationale.as_deref(), Some("Not necessary."));
        assert_eq!(got[1].item, "Acupuncture 12 sessions");
        assert_eq!(got[1].original_request.as_deref(), Some("Acupuncture 12 sessions"));
        assert_eq!(got[1].authorized.as_deref(), Some("Acupuncture 6 sessions"));

        // The first item, its sentence wrapped over two lines.
        let first =
            heading.replace("Acupuncture 12 sessions was the original", "Acupuncture 12 sessions was\nthe original");
        let (got, w) = items(&first);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].original_request.as_deref(), Some("Acupuncture 12 sessions"));
        assert_eq!(got[0].authorized.as_deref(), Some("Acupuncture 6 sessions"));

        // A rationale that happens to end so is not taken for the next heading's sentence when
        // the heading is not the "leaving" form.
        let (got, _) = items(
            "MRI: Upheld\nDecision rationale: It was the original request.\nX-ray: Upheld\nDecision rationale: c.",
        );
        assert_eq!(got[0].rationale.as_deref(), Some("It was the original request."));
        assert_eq!(got[1].item, "X-ray");
    }

    #[test]
    fn a_heading_with_a_colon_inside_keeps_it() {
        let (got, _) = items("Associated surgical service: Arc sling: Upheld\nClaims Administrator guideline: a.");
        assert_eq!(got[0].item, "Associated surgical service: Arc sling");
    }

    #[test]
    fn cut_off_last_item_is_kept_without_outcome() {
        let s = "MRI: Upheld\nClaims Administrator guideline: a.\nMAXIMUS guideline: b.\nDecision rationale: It is not\nmedically necessary.\nPhysical therapy for the\nlumbar spine:";
        let (got, w) = items(s);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].rationale.as_deref(), Some("It is not medically necessary."));
        assert_eq!(got[1].item, "Physical therapy for the lumbar spine");
        assert_eq!(got[1].outcome, None);
        assert!(w.iter().any(|w| w.contains("item 2: no outcome")), "{w:?}");
    }

    #[test]
    fn notice_items_and_rationales() {
        let dec = "1) MAXIMUS Federal Services, Inc. has determined the request for a 28 day functional\nrestoration program is not medically necessary and appropriate.\n2) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #90 is\nmedically necessary and appropriate.";
        let rat = "1) Regarding the request for a 28 day functional restoration program:\nMedical Treatment Guideline(s) Relied Upon by the Claims Administrator:\nMTUS Chronic Pain.\nMedical Treatment Guideline(s) Relied Upon by the Expert Reviewer:\nMTUS Chronic Pain, page 49.\nRationale for the Decision:\nNot met.\n2) Regarding the request for Norco 10/325mg #90:\nRationale for the Decision:\nMet.";
        let mut w = Vec::new();
        let got = notice(dec, rat, &mut w);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].item, "a 28 day functional restoration program");
        assert_eq!(got[0].outcome, Some(Outcome::Upheld));
        assert_eq!(got[0].imr_guideline.as_deref(), Some("MTUS Chronic Pain, page 49."));
        assert_eq!(got[1].item, "Norco 10/325mg #90");
        assert_eq!(got[1].outcome, Some(Outcome::Overturned));
        assert_eq!(got[1].rationale.as_deref(), Some("Met."));
    }

    #[test]
    fn notice_prose_without_spaces() {
        let mut w = Vec::new();
        let got = notice("1) MAXIMUS Federal Services, Inc. has determined the request for TENS unit is notmedically necessary and appropriate.", "", &mut w);
        assert_eq!(got[0].outcome, Some(Outcome::Upheld));
    }

    #[test]
    fn issue_list_keeps_undecided_items() {
        let mut w = Vec::new();
        let got = issue_list("1. Lumbar epidural steroid injection at\nL4-5: Upheld\n2. Urine drug screen\n3. Norco 10/325mg #60: Overturned", Some("g".into()), None, &mut w);
        let names: Vec<_> = got.iter().map(|d| (d.item.as_str(), d.outcome)).collect();
        assert_eq!(
            names,
            [
                ("Lumbar epidural steroid injection at L4-5", Some(Outcome::Upheld)),
                ("Urine drug screen", None),
                ("Norco 10/325mg #60", Some(Outcome::Overturned))
            ]
        );
        assert_eq!(got[2].imr_guideline.as_deref(), Some("g"));
    }
}
