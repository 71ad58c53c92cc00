//! Whole-letter tests: one per layout, then one per extraction artifact applied to a letter.

use super::*;

const LAYOUT_C: &str = "
Case Number:  CM16-0900001   
Date Assigned:  11/09/2016  Date of Injury:   10/13/2016 
Decision Date:  12/09/2016  UR Denial Date:   11/03/2016 
Priority:   Standard  Application 
Received:   11/03/2016 

  HOW THE IMR FINAL DETERMINATION WAS MADE 
MAXIMUS Federal Services sent the complete case file to an expert reviewer.
The Expert Reviewer has the following credentials: 
State(s) of Licensure: California,North Carolina 
Certification(s)/Specialty: Family Practice   

CLINICAL CASE SUMMARY 
The expert reviewer developed the following clinical case summary based on a review of the 
case file, including all medical records: 
 
The injured worker is a 48 year old male with neck pain. Diagnoses include cervical strain
and shoulder impingement. On 11-3-16, utilization review denied the requests.
  IMR ISSUES, DECISIONS AND RATIONALES 
The Final Determination was based on decisions for the disputed items/services set forth below: 
 
MRI of the right shoulder without contrast: Upheld 
 
Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.  
 
MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): 
Special Studies.  
 
Decision rationale: There is no red flag. The MRI is not medically
necessary. 
 
Acupuncture 18 sessions was the original request. Acupuncture 6 sessions was authorized by the
Claims Administrator. The remaining IMR eligible portion of the original request, Acupuncture
12 sessions is: 
Overturned
 
Claims Administrator guideline: Decision based on MTUS Acupuncture Treatment 2007.
MAXIMUS guideline: Decision based on MTUS Acupuncture Treatment 2007.
Decision rationale: Functional gains are documented. The request is medically necessary.
";

fn outcomes(l: &Letter) -> Vec<(&str, Option<Outcome>)> {
    l.items.iter().map(|d| (d.item.as_str(), d.outcome)).collect()
}

#[test]
fn layout_c_letter() {
    let l = parse(LAYOUT_C);
    assert_eq!(l.layout, Layout::C);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.case_number.as_deref(), Some("CM16-0900001"));
    assert_eq!(l.date_assigned, Date::new(2016, 11, 9));
    assert_eq!(l.date_of_injury, Date::new(2016, 10, 13));
    assert_eq!(l.decision_date, Date::new(2016, 12, 9));
    assert_eq!(l.ur_denial_date, Date::new(2016, 11, 3));
    assert_eq!(l.application_received, Date::new(2016, 11, 3));
    assert_eq!(l.priority.as_deref(), Some("Standard"));
    assert_eq!(l.reviewer.licensure, ["California", "North Carolina"]);
    assert_eq!(l.reviewer.specialties, ["Family Practice"]);
    assert_eq!(l.patient, Patient { age: Some(48), sex: Some(Sex::Male) });
    assert_eq!(l.diagnoses, ["cervical strain", "shoulder impingement"]);
    assert!(l.clinical_summary.as_deref().unwrap().starts_with("The injured worker is a 48 year old male"));
    assert_eq!(
        outcomes(&l),
        [
            ("MRI of the right shoulder without contrast", Some(Outcome::Upheld)),
            ("Acupuncture 12 sessions", Some(Outcome::Overturned))
        ]
    );
    assert_eq!(l.items[1].original_request.as_deref(), Some("Acupuncture 18 sessions"));
    assert_eq!(l.items[1].authorized.as_deref(), Some("Acupuncture 6 sessions"));
    assert_eq!(l.items[0].rationale.as_deref(), Some("There is no red flag. The MRI is not medically necessary."));
}

const LAYOUT_B: &str = " HOW THE IMR FINAL DETERMINATION WAS MADE 

MAXIMUS Federal Services sent the complete case file to an expert reviewer. The expert 

reviewer is Board Certified in Orthopedic Surgery and is licensed to practice in New York. 

 

CLINICAL CASE SUMMARY 

The patient is a 27-year-old male who has chronic low back pain. 

 

IMR ISSUES, DECISIONS AND RATIONALES 

The Final Determination was based on decisions for the disputed items/services set forth below: 

 

LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC 

FRAGMENTS:  Upheld 

 

Claims Administrator guideline: Decision based on MTUS ACOEM Page(s): 305-306.   

 

MAXIMUS guideline: Decision based on MTUS ACOEM Chapter 12 Low Back Complaints 

Page(s): 307.

 

Decision rationale: Lumbar fusion is not medically necessary. 
";

#[test]
fn layout_b_letter_with_doubled_newlines() {
    let l = parse(LAYOUT_B);
    assert_eq!(l.layout, Layout::B);
    assert_eq!(l.reviewer.specialties, ["Orthopedic Surgery"]);
    assert_eq!(l.reviewer.licensure, ["New York"]);
    assert_eq!(l.patient, Patient { age: Some(27), sex: Some(Sex::Male) });
    assert_eq!(
        outcomes(&l),
        [("LUMBAR SPINE SURGERY, L5-S1 FUSION AND EXCISIONS OF DISC FRAGMENTS", Some(Outcome::Upheld))]
    );
    assert_eq!(
        l.items[0].imr_guideline.as_deref(),
        Some("Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 307.")
    );
    // No header in this letter: the missing facts are warned about, not invented.
    assert!(l.warnings.contains(&"no case number".to_string()), "{:?}", l.warnings);
}

const LAYOUT_A: &str = "MAXIMUS FEDERAL SERVICES, INC. Notice of Independent Medical
Review Determination Dated: 9/26/2013
IMR Case Number: CM13-0900002 Date of Injury: 3/14/2011
Date of UR Decision: 8/1/2013
Date of IMR Application: 8/9/2013
Dear Mr. Doe: MAXIMUS Federal Services has completed the review.
1) MAXIMUS Federal Services, Inc. has determined the request for a 28 day functional
restoration program is not medically necessary and appropriate.
2) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #90
is medically necessary and appropriate.
INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE
Medical Qualifications of the Expert Reviewer:
The physician reviewer is Board Certified in Occupational Medicine and is licensed to
practice in California.
Case Summary:
The employee is a 52-year-old woman injured in 2011.
1) Regarding the request for a 28 day functional restoration program:
Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:
MTUS Chronic Pain Medical Treatment Guidelines, pages 30-32.
Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:
MTUS Chronic Pain Medical Treatment Guidelines, page 49.
Rationale for the Decision:
Criteria are not met.
2) Regarding the request for Norco 10/325mg #90:
Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:
None.
Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:
MTUS Chronic Pain Medical Treatment Guidelines, Opioids, pages 74-96.
Rationale for the Decision:
Function improved on opioids.
";

#[test]
fn layout_a_notice() {
    let l = parse(LAYOUT_A);
    assert_eq!(l.layout, Layout::A);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.case_number.as_deref(), Some("CM13-0900002"));
    assert_eq!(l.decision_date, Date::new(2013, 9, 26));
    assert_eq!(l.date_of_injury, Date::new(2011, 3, 14));
    assert_eq!(l.ur_denial_date, Date::new(2013, 8, 1));
    assert_eq!(l.application_received, Date::new(2013, 8, 9));
    assert_eq!(l.reviewer.specialties, ["Occupational Medicine"]);
    assert_eq!(l.reviewer.licensure, ["California"]);
    assert_eq!(l.patient, Patient { age: Some(52), sex: Some(Sex::Female) });
    assert_eq!(
        outcomes(&l),
        [
            ("a 28 day functional restoration program", Some(Outcome::Upheld)),
            ("Norco 10/325mg #90", Some(Outcome::Overturned))
        ]
    );
    assert_eq!(
        l.items[1].imr_guideline.as_deref(),
        Some("MTUS Chronic Pain Medical Treatment Guidelines, Opioids, pages 74-96.")
    );
    assert_eq!(l.items[0].rationale.as_deref(), Some("Criteria are not met."));
    assert_eq!(l.clinical_summary.as_deref(), Some("The employee is a 52-year-old woman injured in 2011."));
}

const LAYOUT_D: &str = "MAXIMUS FEDERAL SERVICES, INC.
Independent Medical Review
Case Number: CM15-0900003
Date of Injury: 01/02/2014
Decision Date: 06/30/2015
HOW THE IMR FINAL DETERMINATION WAS MADE
State(s) of Licensure: Texas, California
Certification(s)/Specialty: Anesthesiology, Pain Management
DOCUMENTS REVIEWED
Utilization Review Determination dated 5/2/2015
CLINICAL CASE SUMMARY
The applicant is a 36-year-old female with low back pain.
IMR DECISION(S) AND RATIONALE(S)
Lumbar epidural steroid injection at L4-5 and L5-
S1: Upheld
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009.
Decision rationale: Radiculopathy is not corroborated. Not medically necessary.
";

#[test]
fn layout_d_letter() {
    let l = parse(LAYOUT_D);
    assert_eq!(l.layout, Layout::D);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.reviewer.specialties, ["Anesthesiology", "Pain Management"]);
    assert_eq!(l.reviewer.licensure, ["Texas", "California"]);
    assert_eq!(outcomes(&l), [("Lumbar epidural steroid injection at L4-5 and L5-S1", Some(Outcome::Upheld))]);
    assert_eq!(l.clinical_summary.as_deref(), Some("The applicant is a 36-year-old female with low back pain."));
}

const LAYOUT_E: &str = "MEDICAL PROFESSIONAL REVIEW
Case Number: CM15-0900004
Date of Injury: 02/03/2012
Decision Date: 04/05/2015
ISSUE AT DISPUTE:
1. Physical therapy 12 sessions for the
lumbar spine: Upheld
2. Norco 10/325mg #60: Overturned
CASE SUMMARY:
A 60 year old man with chronic low back pain.
DOCUMENTS REVIEWED FOR DETERMINATION:
Progress notes.
MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY
PROFESSIONAL REVIEWER AND WHY:
MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine.
RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY
NECESSARY:
Prior therapy gave no gains.
MEDICAL REVIEWER QUALIFICATIONS:
Certification(s)/Specialty: Physical Medicine & Rehabilitation
State(s) of Licensure: Arizona
";

#[test]
fn layout_e_review_with_wrapped_headings() {
    let l = parse(LAYOUT_E);
    assert_eq!(l.layout, Layout::E);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(
        outcomes(&l),
        [
            ("Physical therapy 12 sessions for the lumbar spine", Some(Outcome::Upheld)),
            ("Norco 10/325mg #60", Some(Outcome::Overturned))
        ]
    );
    assert_eq!(
        l.items[1].imr_guideline.as_deref(),
        Some("MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine.")
    );
    assert_eq!(l.items[0].ur_guideline, None);
    assert_eq!(l.items[0].rationale.as_deref(), Some("Prior therapy gave no gains."));
    assert_eq!(l.reviewer.specialties, ["Physical Medicine & Rehabilitation"]);
    assert_eq!(l.reviewer.licensure, ["Arizona"]);
    assert_eq!(l.patient, Patient { age: Some(60), sex: Some(Sex::Male) });
    assert_eq!(l.clinical_summary.as_deref(), Some("A 60 year old man with chronic low back pain."));
}

#[test]
fn unknown_layout_keeps_its_text_and_says_so() {
    let raw = "DEPARTMENT OF SOMETHING\nAppeal decision for claim 123.\nThe request is denied.";
    let l = parse(raw);
    assert_eq!(l.layout, Layout::Unknown);
    assert!(l.items.is_empty());
    assert_eq!(l.text, "DEPARTMENT OF SOMETHING\nAppeal decision for claim 123.\nThe request is denied.");
    assert!(l.warnings.iter().any(|w| w.contains("layout not recognised")));
}

#[test]
fn empty_text_is_an_unknown_letter_not_a_crash() {
    let l = parse("");
    assert_eq!(l.layout, Layout::Unknown);
    assert!(l.items.is_empty());
}

/// The same letter through each artifact must parse to the same record.
fn same_as_clean(raw: &str) {
    let clean = parse(LAYOUT_C);
    let got = parse(raw);
    assert_eq!(got.warnings, clean.warnings);
    assert_eq!(got.items, clean.items);
    assert_eq!(got.case_number, clean.case_number);
    assert_eq!(got.decision_date, clean.decision_date);
    assert_eq!(got.reviewer, clean.reviewer);
    assert_eq!(got.patient, clean.patient);
}

#[test]
fn artifact_doubled_newlines() {
    same_as_clean(&LAYOUT_C.replace('\n', "\n\n"));
}

#[test]
fn artifact_crlf_and_trailing_spaces() {
    same_as_clean(&LAYOUT_C.replace('\n', "   \r\n"));
}

#[test]
fn artifact_form_feed_mid_sentence() {
    same_as_clean(&LAYOUT_C.replace("The MRI is not medically\n", "The MRI is not medically\n\u{c}\n"));
    same_as_clean(&LAYOUT_C.replace("no red flag. The MRI", "no red flag.\u{c}The MRI"));
}

#[test]
fn artifact_hyphenated_word_at_line_end() {
    same_as_clean(&LAYOUT_C.replace("The MRI is not medically\nnecessary.", "The MRI is not medi-\ncally necessary."));
}

#[test]
fn artifact_wrapped_heading_and_item() {
    same_as_clean(
        &LAYOUT_C.replace("IMR ISSUES, DECISIONS AND RATIONALES", "IMR ISSUES, DECISIONS\nAND RATIONALES").replace(
            "MRI of the right shoulder without contrast: Upheld",
            "MRI of the right shoulder\nwithout contrast: Upheld",
        ),
    );
}

#[test]
fn artifact_outcome_alone_on_next_line() {
    same_as_clean(&LAYOUT_C.replace("without contrast: Upheld", "without contrast:\n\nUpheld"));
}

#[test]
fn artifact_header_labels_and_values_reordered() {
    same_as_clean(&LAYOUT_C.replace(
        "Date Assigned:  11/09/2016  Date of Injury:   10/13/2016 \nDecision Date:  12/09/2016  UR Denial Date:   11/03/2016",
        "Date Assigned: Date of Injury:\n11/09/2016 10/13/2016\nDecision Date: UR Denial Date:\n12/09/2016 11/03/2016",
    ));
}

// Regressions: one small letter per layout that carries the misreadings found by comparing
// the parser with the generator's truth (tests/suite/generator.rs), each read right.

const REGRESSIONS_C: &str = "Case Number: CM16-0900005
Date Assigned: 11/09/2016 Date of Injury: 10/13/2016
Decision Date: 12/09/2016 UR Denial Date: 11/03/2016
HOW THE IMR FINAL DETERMINATION WAS MADE
State(s) of Licensure: California
Certification(s)/Specialty: Orthopedic Surgery
CLINICAL CASE SUMMARY
The injured worker is a 45-year-old right hand dominant male who reported an injury.
IMR ISSUES, DECISIONS AND RATIONALES
Acupuncture 12 sessions was the original request.
The Claims Administrator authorized Acupuncture 6 sessions, leaving the original request IMR
eligible. The original request, Acupuncture 12 sessions is: Upheld
Claims Administrator guideline: Decision based on Non-MTUS Citation study by van Tulder LM,
Chou R, Acupuncture for low back pain, Spine, 2005.
MAXIMUS guideline: Decision based on Non-MTUS Citation Acupuncture, http://www.ncbi.
nlm.nih.gov/pubmed/12345.
Decision rationale: Gains are not documented. The request is not medically necessary.
Lumbar fusion L4-L5-S1 and decompression at L3 - 4: Upheld
Claims Administrator guideline: Decision based on Non-MTUS Citation study by Deyo and
Weinstein, Low back pain, 2001.
MAXIMUS guideline: Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 3rd Edition
(2011), Hip and Groin Disorders Chapter, pages 512-514.
Decision rationale: Instability is not shown. The request is not medically necessary.
";

fn keys_by(d: &Decision, by: citations::CitedBy) -> Vec<&str> {
    d.citations.iter().filter(|c| c.cited_by == by).map(|c| c.key.as_str()).collect()
}

#[test]
fn regressions_in_a_layout_c_letter() {
    use citations::CitedBy::{Imr, Ur};
    let l = parse(REGRESSIONS_C);
    assert_eq!(l.layout, Layout::C);
    // The original request's sentence on a line of its own was dropped with this warning.
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    // "right hand dominant" between the age and the sex lost the sex.
    assert_eq!(l.patient, Patient { age: Some(45), sex: Some(Sex::Male) });
    assert_eq!(l.items.len(), 2);
    let (a, b) = (&l.items[0], &l.items[1]);
    assert_eq!(a.item, "Acupuncture 12 sessions");
    assert_eq!(a.original_request.as_deref(), Some("Acupuncture 12 sessions"));
    assert_eq!(a.authorized.as_deref(), Some("Acupuncture 6 sessions"));
    // Study authors: the particle kept, no letters lost, no "and" taken for initials.
    assert_eq!(keys_by(a, Ur), ["Study: van Tulder LM"]);
    assert_eq!(keys_by(b, Ur), ["Study: Deyo"]);
    // The host broken across lines after a dot.
    assert_eq!(keys_by(a, Imr), ["URL: www.ncbi.nlm.nih.gov"]);
    // ACOEM's Hip and Groin chapter.
    assert_eq!(keys_by(b, Imr), ["ACOEM 3rd ed. Hip and Groin Disorders"]);
    // Chained and spaced spinal levels.
    let lv: Vec<String> = levels::find(&b.item).iter().map(levels::Level::canonical).collect();
    assert_eq!(lv, ["L4-S1", "L3-L4"]);
}

const REGRESSIONS_A: &str = "MAXIMUS FEDERAL SERVICES, INC. Notice of Independent Medical
Review Determination Dated: 9/26/2013
IMR Case Number: CM13-0900006 Date of Injury: 3/14/2011
Date of UR Decision: 8/1/2013
Date of IMR Application: 8/9/2013
1) MAXIMUS Federal Services, Inc. has determined the request for Norco 10/325mg #90 is not
medically necessary and appropriate.
INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE
Medical Qualifications of the Expert Reviewer:
The physician reviewer is Board Certified in Occupational Medicine and is licensed to
practice in California.
Case Summary:
The employee is a 45 yo female injured in 2011.
1) Regarding the request for Norco 10/325mg #90:
Medical Treatment Guideline(s) Relied Upon by the Claims Administrator:
The Claims Administrator based its decision on the ACOEM Practice Guidelines, 3rd Edition
(2011), Opioids Chapter, which is not part of the MTUS.
Medical Treatment Guideline(s) Relied Upon by the Expert Reviewer:
The Expert Reviewer based his or her decision on the Chronic Pain Medical Treatment
Guidelines (2009), Opioids, criteria for use, pages 76-80, which is part of the MTUS.
Rationale for the Decision:
Function did not improve.
";

#[test]
fn regressions_in_a_layout_a_notice() {
    use citations::CitedBy::{Imr, Ur};
    let l = parse(REGRESSIONS_A);
    assert_eq!(l.layout, Layout::A);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.patient, Patient { age: Some(45), sex: Some(Sex::Female) });
    // "which is not part of the MTUS" made this "MTUS (chapter not named)".
    assert_eq!(keys_by(&l.items[0], Ur), ["ACOEM 3rd ed. Opioids"]);
    assert_eq!(keys_by(&l.items[0], Imr), ["MTUS Chronic Pain Medical Treatment"]);
}
