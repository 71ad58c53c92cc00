//! Disputed items: what was requested (text as the letter prints it), its procedure
//! category, the spinal levels it names, the guidelines that bear on it, and the sentences a
//! rationale about it draws on.

use super::cite::{self, Acoem3, Basis, Extra, Mtus, Odg};
use super::rng::Rng;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Lumbar,
    Cervical,
    Shoulder,
    Elbow,
    Wrist,
    Hip,
    Knee,
    Ankle,
    Head,
}

pub const REGIONS: &[(Region, u32)] = &[
    (Region::Lumbar, 400),
    (Region::Cervical, 150),
    (Region::Shoulder, 120),
    (Region::Knee, 120),
    (Region::Wrist, 70),
    (Region::Elbow, 30),
    (Region::Ankle, 45),
    (Region::Hip, 35),
    (Region::Head, 10),
];

/// What a letter says about a body region.
pub struct RegionInfo {
    /// `the {name}`: "lumbar spine", "shoulder".
    pub name: &'static str,
    /// Sides apply (right / left / bilateral).
    pub sided: bool,
    pub mtus: Option<&'static Mtus>,
    pub odg: &'static Odg,
    pub acoem: &'static Acoem3,
    /// Body parts for prose.
    pub parts: &'static [&'static str],
    pub diagnoses: &'static [&'static str],
    /// The extremities an electrodiagnostic study of this region covers.
    pub limbs: &'static str,
    /// What imaging of the region showed.
    pub imaging: &'static [&'static str],
}

pub fn info(r: Region) -> &'static RegionInfo {
    use Region::*;
    static LUMBAR: RegionInfo = RegionInfo {
        name: "lumbar spine",
        sided: false,
        mtus: Some(&cite::LOW_BACK),
        odg: &cite::ODG_LOW_BACK,
        acoem: &cite::ACOEM_LOW_BACK,
        parts: &["low back", "lumbar spine", "lumbosacral junction", "buttock", "posterior thigh", "lower extremity"],
        diagnoses: &[
            "lumbar radiculopathy",
            "lumbar disc protrusion",
            "lumbar spondylosis",
            "lumbar strain",
            "degenerative disc disease of the lumbar spine",
            "lumbar facet arthropathy",
            "chronic low back pain",
            "failed back surgery syndrome",
            "lumbar spinal stenosis",
        ],
        limbs: "lower extremities",
        imaging: &[
            "a 3 mm disc protrusion at L4-5 with mild foraminal narrowing",
            "multilevel degenerative disc disease without central stenosis",
            "grade 1 anterolisthesis at L4-5",
            "disc space narrowing at L5-S1",
            "mild facet hypertrophy",
        ],
    };
    static CERVICAL: RegionInfo = RegionInfo {
        name: "cervical spine",
        sided: false,
        mtus: Some(&cite::NECK),
        odg: &cite::ODG_NECK,
        acoem: &cite::ACOEM_NECK,
        parts: &["neck", "cervical spine", "trapezius", "upper back", "upper extremity", "scapular region"],
        diagnoses: &[
            "cervical radiculopathy",
            "cervical disc herniation",
            "cervical strain",
            "cervical spondylosis",
            "chronic neck pain",
            "cervicogenic headache",
        ],
        limbs: "upper extremities",
        imaging: &[
            "a 2 mm disc bulge at C5-6",
            "multilevel spondylosis with foraminal narrowing",
            "straightening of the cervical lordosis",
            "disc osteophyte complex at C6-7",
        ],
    };
    static SHOULDER: RegionInfo = RegionInfo {
        name: "shoulder",
        sided: true,
        mtus: Some(&cite::SHOULDER),
        odg: &cite::ODG_SHOULDER,
        acoem: &cite::ACOEM_SHOULDER,
        parts: &["shoulder", "rotator cuff", "acromioclavicular joint", "upper arm", "deltoid"],
        diagnoses: &[
            "rotator cuff tear",
            "shoulder impingement syndrome",
            "adhesive capsulitis",
            "rotator cuff tendinitis",
            "superior labral tear",
            "acromioclavicular joint arthrosis",
        ],
        limbs: "upper extremities",
        imaging: &[
            "a full thickness tear of the supraspinatus tendon",
            "tendinosis of the rotator cuff",
            "a type II acromion with bursitis",
            "a tear of the superior labrum",
        ],
    };
    static ELBOW: RegionInfo = RegionInfo {
        name: "elbow",
        sided: true,
        mtus: Some(&cite::ELBOW),
        odg: &cite::ODG_ELBOW,
        acoem: &cite::ACOEM_ELBOW,
        parts: &["elbow", "lateral epicondyle", "forearm", "cubital tunnel"],
        diagnoses: &["lateral epicondylitis", "medial epicondylitis", "cubital tunnel syndrome", "elbow sprain"],
        limbs: "upper extremities",
        imaging: &["thickening of the common extensor tendon", "a small elbow effusion", "no fracture"],
    };
    static WRIST: RegionInfo = RegionInfo {
        name: "wrist",
        sided: true,
        mtus: Some(&cite::HAND),
        odg: &cite::ODG_HAND,
        acoem: &cite::ACOEM_HAND,
        parts: &["wrist", "hand", "thumb", "fingers", "palm", "carpal tunnel"],
        diagnoses: &[
            "carpal tunnel syndrome",
            "de Quervain tenosynovitis",
            "trigger finger",
            "wrist sprain",
            "hand tendinitis",
        ],
        limbs: "upper extremities",
        imaging: &[
            "a small ganglion cyst",
            "tenosynovitis of the first dorsal compartment",
            "thickening of the flexor retinaculum",
        ],
    };
    static HIP: RegionInfo = RegionInfo {
        name: "hip",
        sided: true,
        mtus: None,
        odg: &cite::ODG_HIP,
        acoem: &cite::ACOEM_LOW_BACK,
        parts: &["hip", "groin", "greater trochanter", "thigh"],
        diagnoses: &["hip osteoarthritis", "trochanteric bursitis", "hip labral tear", "hip strain"],
        limbs: "lower extremities",
        imaging: &["moderate joint space narrowing", "a tear of the anterior labrum", "trochanteric bursitis"],
    };
    static KNEE: RegionInfo = RegionInfo {
        name: "knee",
        sided: true,
        mtus: Some(&cite::KNEE),
        odg: &cite::ODG_KNEE,
        acoem: &cite::ACOEM_KNEE,
        parts: &["knee", "patella", "medial joint line", "lateral joint line", "calf"],
        diagnoses: &[
            "medial meniscus tear",
            "knee osteoarthritis",
            "chondromalacia patella",
            "knee sprain",
            "anterior cruciate ligament tear",
            "patellofemoral pain syndrome",
        ],
        limbs: "lower extremities",
        imaging: &[
            "a horizontal tear of the posterior horn of the medial meniscus",
            "moderate tricompartmental osteoarthritis",
            "grade 2 chondromalacia of the patella",
            "a joint effusion",
        ],
    };
    static ANKLE: RegionInfo = RegionInfo {
        name: "ankle",
        sided: true,
        mtus: Some(&cite::ANKLE),
        odg: &cite::ODG_ANKLE,
        acoem: &cite::ACOEM_ANKLE,
        parts: &["ankle", "foot", "heel", "plantar fascia", "Achilles tendon"],
        diagnoses: &["ankle sprain", "plantar fasciitis", "Achilles tendinitis", "ankle instability", "foot contusion"],
        limbs: "lower extremities",
        imaging: &[
            "thickening of the plantar fascia",
            "a partial tear of the anterior talofibular ligament",
            "a small calcaneal spur",
        ],
    };
    static HEAD: RegionInfo = RegionInfo {
        name: "head",
        sided: false,
        mtus: None,
        odg: &cite::ODG_HEAD,
        acoem: &cite::ACOEM_CHRONIC_PAIN,
        parts: &["head", "scalp", "temple", "jaw"],
        diagnoses: &["post-concussion syndrome", "post-traumatic headache", "cervicogenic headache", "scalp contusion"],
        limbs: "upper extremities",
        imaging: &["no acute intracranial abnormality", "a normal study"],
    };
    match r {
        Lumbar => &LUMBAR,
        Cervical => &CERVICAL,
        Shoulder => &SHOULDER,
        Elbow => &ELBOW,
        Wrist => &WRIST,
        Hip => &HIP,
        Knee => &KNEE,
        Ankle => &ANKLE,
        Head => &HEAD,
    }
}

/// Broad kinds of items, for the mix of a letter and the rationale's reasoning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Drug,
    PhysicalMedicine,
    Diagnostic,
    Injection,
    SpineSurgery,
    JointSurgery,
    Associated,
    Dme,
    Program,
    Visit,
    Behavioral,
    HomeHealth,
}

/// The mix of items across letters (pharmaceuticals lead, as in the DWC reports).
pub const GROUPS: &[(Group, u32)] = &[
    (Group::Drug, 440),
    (Group::PhysicalMedicine, 150),
    (Group::Diagnostic, 120),
    (Group::Injection, 70),
    (Group::Dme, 70),
    (Group::Visit, 40),
    (Group::Program, 30),
    (Group::Behavioral, 25),
    (Group::SpineSurgery, 18),
    (Group::JointSurgery, 22),
    (Group::HomeHealth, 10),
];

/// A partial authorisation: the request as first made and the part authorised.
#[derive(Debug, Clone)]
pub struct Partial {
    pub original: String,
    pub authorized: String,
    /// Written "The Claims Administrator authorized Y, leaving the original request IMR
    /// eligible. The original request, X is: ..." - the whole original request is disputed.
    pub leaving: bool,
}

/// One disputed item.
#[derive(Debug, Clone)]
pub struct Item {
    /// As layouts C, D and E print it.
    pub text: String,
    /// The procedure category the item belongs to (`data/tables/procedure-categories.tsv`).
    pub category: &'static str,
    /// Canonical spinal levels the text names, in order.
    pub levels: Vec<String>,
    /// The levels as the text spells them (empty when none).
    pub spelled: String,
    /// Partial authorisation; `text` is what remains disputed.
    pub partial: Option<Partial>,
    /// Layout A puts an article before it ("an MRI of the lumbar spine").
    pub article: bool,
    pub group: Group,
    pub region: Region,
    pub basis: Basis,
    /// Guideline reasoning for the rationale.
    pub reasons: &'static [&'static str],
    /// How the rationale's last sentence names it, when not by its full text.
    pub generic: &'static str,
}

// ---------------------------------------------------------------------------------------
// Spinal levels

/// A vertebra as region letter and number.
type V = (char, u8);

fn vert_index(v: V) -> u8 {
    match v.0 {
        'C' => v.1,
        'T' => 7 + v.1,
        'L' => 19 + v.1,
        _ => 24 + v.1,
    }
}

fn canonical(a: V, b: V) -> String {
    let mut s = String::with_capacity(6);
    let _ = write!(s, "{}{}-{}{}", a.0, a.1, b.0, b.1);
    s
}

/// Writes a level or range `a`-`b` in one of the spellings letters use.
fn spell(s: &mut String, a: V, b: V, rng: &mut Rng) {
    let adjacent = vert_index(b) == vert_index(a) + 1;
    let same = a.0 == b.0;
    let r = rng.below(100);
    if !adjacent {
        match r {
            0..=59 => {
                let _ = write!(s, "{}{}-{}{}", a.0, a.1, b.0, b.1);
            }
            60..=69 => {
                let _ = write!(s, "{}{}\u{2013}{}{}", a.0, a.1, b.0, b.1);
            }
            70..=79 => {
                let _ = write!(s, "{}{} to {}{}", a.0, a.1, b.0, b.1);
            }
            80..=89 => {
                let _ = write!(s, "{}{} through {}{}", a.0, a.1, b.0, b.1);
            }
            _ if same => {
                let _ = write!(s, "{}{}-{}", a.0, a.1, b.1);
            }
            _ => {
                let _ = write!(s, "{}{}-{}{}", a.0, a.1, b.0, b.1);
            }
        }
        return;
    }
    if same {
        match r {
            0..=39 => {
                let _ = write!(s, "{}{}-{}", a.0, a.1, b.1);
            }
            40..=74 => {
                let _ = write!(s, "{}{}-{}{}", a.0, a.1, b.0, b.1);
            }
            75..=79 => {
                let _ = write!(s, "{}{}/{}", a.0, a.1, b.1);
            }
            80..=84 => {
                let _ = write!(s, "{}{}/{}{}", a.0, a.1, b.0, b.1);
            }
            85..=89 => {
                let _ = write!(s, "{}{}\u{2013}{}", a.0, a.1, b.1);
            }
            90..=94 => {
                let _ = write!(s, "{}{}\u{2013}{}{}", a.0, a.1, b.0, b.1);
            }
            _ => {
                let _ = write!(s, "{}{} {}{}", a.0, a.1, b.0, b.1);
            }
        }
    } else {
        let sep = match r {
            0..=69 => "-",
            70..=79 => "/",
            80..=89 => "\u{2013}",
            _ => " ",
        };
        let _ = write!(s, "{}{}{sep}{}{}", a.0, a.1, b.0, b.1);
    }
}

const LUMBAR_SINGLE: &[((V, V), u32)] =
    &[((('L', 5), ('S', 1)), 40), ((('L', 4), ('L', 5)), 35), ((('L', 3), ('L', 4)), 15), ((('L', 2), ('L', 3)), 5)];
const CERVICAL_SINGLE: &[((V, V), u32)] = &[
    ((('C', 5), ('C', 6)), 35),
    ((('C', 6), ('C', 7)), 30),
    ((('C', 4), ('C', 5)), 15),
    ((('C', 3), ('C', 4)), 8),
    ((('C', 7), ('T', 1)), 4),
];
const LUMBAR_RANGES: &[(V, V)] =
    &[(('L', 4), ('S', 1)), (('L', 4), ('S', 1)), (('L', 3), ('S', 1)), (('L', 3), ('L', 5))];
const CERVICAL_RANGES: &[(V, V)] = &[(('C', 4), ('C', 6)), (('C', 5), ('C', 7)), (('C', 4), ('C', 7))];

const LUMBAR_MULTI: &[&[(V, V)]] = &[
    &[(('L', 4), ('L', 5)), (('L', 5), ('S', 1))],
    &[(('L', 4), ('L', 5)), (('L', 5), ('S', 1))],
    &[(('L', 3), ('L', 4)), (('L', 4), ('L', 5))],
    &[(('L', 2), ('L', 3)), (('L', 3), ('L', 4))],
    &[(('L', 3), ('L', 4)), (('L', 4), ('L', 5)), (('L', 5), ('S', 1))],
];
const CERVICAL_MULTI: &[&[(V, V)]] = &[
    &[(('C', 5), ('C', 6)), (('C', 6), ('C', 7))],
    &[(('C', 5), ('C', 6)), (('C', 6), ('C', 7))],
    &[(('C', 4), ('C', 5)), (('C', 5), ('C', 6))],
    &[(('C', 3), ('C', 4)), (('C', 4), ('C', 5))],
    &[(('C', 4), ('C', 5)), (('C', 5), ('C', 6)), (('C', 6), ('C', 7))],
];

/// Writes the levels of a spinal procedure: one level, two or three adjacent ones written one
/// by one ("L4-5 and L5-S1"), or (when `range_ok`) a range ("L4-S1").
fn levels(s: &mut String, out: &mut Vec<String>, cervical: bool, range_ok: bool, rng: &mut Rng) {
    let r = rng.below(100);
    if range_ok && r >= 86 {
        let (a, b) = rng.pick(if cervical { CERVICAL_RANGES } else { LUMBAR_RANGES });
        spell(s, a, b, rng);
        out.push(canonical(a, b));
    } else if r >= 62 {
        let list = rng.pick(if cervical { CERVICAL_MULTI } else { LUMBAR_MULTI });
        for (k, (a, b)) in list.iter().enumerate() {
            if k > 0 {
                s.push_str(if k + 1 == list.len() { " and " } else { ", " });
            }
            spell(s, *a, *b, rng);
            out.push(canonical(*a, *b));
        }
    } else {
        let (a, b) = *rng.pick_weighted(if cervical { CERVICAL_SINGLE } else { LUMBAR_SINGLE });
        spell(s, a, b, rng);
        out.push(canonical(a, b));
    }
}

/// Replaces `{L}` in a template with spelled levels: the text, the canonical levels, and the
/// levels as spelled.
fn with_levels(template: &str, cervical: bool, range_ok: bool, rng: &mut Rng) -> (String, Vec<String>, String) {
    let mut out = Vec::new();
    let mut spelled = String::with_capacity(24);
    levels(&mut spelled, &mut out, cervical, range_ok, rng);
    let (head, tail) = template.split_once("{L}").unwrap_or((template, ""));
    let mut s = String::with_capacity(template.len() + spelled.len());
    s.push_str(head);
    s.push_str(&spelled);
    s.push_str(tail);
    (s, out, spelled)
}

// ---------------------------------------------------------------------------------------
// Drugs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Opioid,
    Relaxant,
    Nsaid,
    Gi,
    Anticonvulsant,
    Antidepressant,
    Sleep,
    Topical,
    Other,
}

struct Drug {
    name: &'static str,
    strengths: &'static [&'static str],
    counts: &'static [u32],
    class: Class,
}

const DRUGS: &[(Drug, u32)] = &[
    (
        Drug {
            name: "Norco",
            strengths: &["10/325mg", "10/325mg", "5/325mg", "7.5/325mg", "10/325 mg", "10-325mg"],
            counts: &[60, 90, 120, 180, 30],
            class: Class::Opioid,
        },
        90,
    ),
    (
        Drug {
            name: "Hydrocodone/APAP",
            strengths: &["10/325mg", "7.5/325mg", "5/325mg"],
            counts: &[60, 90, 120],
            class: Class::Opioid,
        },
        25,
    ),
    (Drug { name: "Percocet", strengths: &["10/325mg", "5/325mg"], counts: &[60, 90, 120], class: Class::Opioid }, 15),
    (
        Drug {
            name: "Oxycodone",
            strengths: &["5mg", "10mg", "15mg", "30mg"],
            counts: &[60, 90, 120],
            class: Class::Opioid,
        },
        20,
    ),
    (Drug { name: "OxyContin", strengths: &["10mg", "20mg", "40mg"], counts: &[60, 90], class: Class::Opioid }, 8),
    (Drug { name: "Tramadol", strengths: &["50mg", "50 mg"], counts: &[60, 90, 120], class: Class::Opioid }, 30),
    (
        Drug {
            name: "Tramadol ER",
            strengths: &["150mg", "100mg", "200mg"],
            counts: &[30, 60, 90],
            class: Class::Opioid,
        },
        20,
    ),
    (Drug { name: "Ultram", strengths: &["50mg"], counts: &[60, 90], class: Class::Opioid }, 6),
    (Drug { name: "Nucynta", strengths: &["50mg", "75mg"], counts: &[60, 90], class: Class::Opioid }, 6),
    (Drug { name: "MS Contin", strengths: &["15mg", "30mg"], counts: &[60, 90], class: Class::Opioid }, 5),
    (Drug { name: "Butrans patch", strengths: &["10mcg/hr", "20mcg/hr"], counts: &[4, 8], class: Class::Opioid }, 4),
    (
        Drug {
            name: "Cyclobenzaprine",
            strengths: &["7.5mg", "10mg", "5mg"],
            counts: &[30, 60, 90],
            class: Class::Relaxant,
        },
        45,
    ),
    (Drug { name: "Flexeril", strengths: &["10mg", "7.5mg"], counts: &[30, 60], class: Class::Relaxant }, 10),
    (Drug { name: "Tizanidine", strengths: &["4mg", "2mg"], counts: &[60, 90], class: Class::Relaxant }, 15),
    (Drug { name: "Baclofen", strengths: &["10mg", "20mg"], counts: &[60, 90], class: Class::Relaxant }, 6),
    (Drug { name: "Methocarbamol", strengths: &["750mg", "500mg"], counts: &[60, 90], class: Class::Relaxant }, 6),
    (Drug { name: "Soma", strengths: &["350mg"], counts: &[30, 60, 90], class: Class::Relaxant }, 10),
    (Drug { name: "Orphenadrine ER", strengths: &["100mg"], counts: &[60], class: Class::Relaxant }, 4),
    (Drug { name: "Naproxen", strengths: &["550mg", "500mg"], counts: &[60, 90], class: Class::Nsaid }, 25),
    (Drug { name: "Naproxen sodium", strengths: &["550mg"], counts: &[60, 100], class: Class::Nsaid }, 12),
    (Drug { name: "Ibuprofen", strengths: &["800mg", "600mg"], counts: &[60, 90], class: Class::Nsaid }, 10),
    (Drug { name: "Meloxicam", strengths: &["15mg", "7.5mg"], counts: &[30, 60], class: Class::Nsaid }, 10),
    (Drug { name: "Celebrex", strengths: &["200mg", "100mg"], counts: &[30, 60], class: Class::Nsaid }, 8),
    (Drug { name: "Diclofenac sodium ER", strengths: &["100mg"], counts: &[30, 60], class: Class::Nsaid }, 6),
    (Drug { name: "Etodolac", strengths: &["400mg"], counts: &[60], class: Class::Nsaid }, 3),
    (Drug { name: "Nabumetone", strengths: &["750mg", "500mg"], counts: &[60, 90], class: Class::Nsaid }, 4),
    (Drug { name: "Omeprazole", strengths: &["20mg", "20 mg"], counts: &[30, 60, 90], class: Class::Gi }, 30),
    (Drug { name: "Pantoprazole", strengths: &["20mg", "40mg"], counts: &[30, 60], class: Class::Gi }, 10),
    (Drug { name: "Prilosec", strengths: &["20mg"], counts: &[30, 60], class: Class::Gi }, 5),
    (Drug { name: "Ranitidine", strengths: &["150mg"], counts: &[60], class: Class::Gi }, 5),
    (Drug { name: "Ondansetron", strengths: &["4mg", "8mg"], counts: &[10, 20, 30], class: Class::Gi }, 8),
    (Drug { name: "Docusate sodium", strengths: &["100mg", "250mg"], counts: &[60, 100], class: Class::Gi }, 4),
    (
        Drug {
            name: "Gabapentin",
            strengths: &["600mg", "300mg", "800mg"],
            counts: &[60, 90, 120, 180],
            class: Class::Anticonvulsant,
        },
        30,
    ),
    (Drug { name: "Neurontin", strengths: &["600mg", "300mg"], counts: &[90], class: Class::Anticonvulsant }, 5),
    (
        Drug { name: "Lyrica", strengths: &["75mg", "50mg", "150mg"], counts: &[60, 90], class: Class::Anticonvulsant },
        12,
    ),
    (Drug { name: "Topiramate", strengths: &["25mg", "50mg"], counts: &[60], class: Class::Anticonvulsant }, 4),
    (Drug { name: "Duloxetine", strengths: &["30mg", "60mg"], counts: &[30, 60], class: Class::Antidepressant }, 8),
    (Drug { name: "Cymbalta", strengths: &["60mg", "30mg"], counts: &[30], class: Class::Antidepressant }, 6),
    (Drug { name: "Amitriptyline", strengths: &["25mg", "10mg"], counts: &[30, 60], class: Class::Antidepressant }, 5),
    (Drug { name: "Trazodone", strengths: &["50mg", "100mg"], counts: &[30, 60], class: Class::Antidepressant }, 8),
    (Drug { name: "Sertraline", strengths: &["50mg", "100mg"], counts: &[30], class: Class::Antidepressant }, 4),
    (Drug { name: "Zolpidem", strengths: &["10mg", "5mg"], counts: &[30], class: Class::Sleep }, 10),
    (Drug { name: "Ambien", strengths: &["10mg"], counts: &[30], class: Class::Sleep }, 6),
    (Drug { name: "Lunesta", strengths: &["2mg", "3mg"], counts: &[30], class: Class::Sleep }, 3),
    (Drug { name: "Alprazolam", strengths: &["0.5mg", "1mg"], counts: &[30, 60], class: Class::Sleep }, 4),
    (
        Drug { name: "Lidoderm", strengths: &["5% patches", "5% patch"], counts: &[30, 60, 90], class: Class::Topical },
        15,
    ),
    (Drug { name: "Lidocaine", strengths: &["5% patch", "5% ointment"], counts: &[30, 60], class: Class::Topical }, 6),
    (Drug { name: "Terocin", strengths: &["patches", "lotion 120ml"], counts: &[30, 10], class: Class::Topical }, 6),
    (Drug { name: "Voltaren", strengths: &["1% gel 100gm", "gel 1%"], counts: &[1, 2, 3], class: Class::Topical }, 6),
    (Drug { name: "Flector", strengths: &["1.3% patch"], counts: &[30, 60], class: Class::Topical }, 3),
    (
        Drug {
            name: "Flurbiprofen 20%/Baclofen 2%/Lidocaine 5%",
            strengths: &["cream 180gm"],
            counts: &[1],
            class: Class::Topical,
        },
        5,
    ),
    (
        Drug {
            name: "Ketoprofen 10%/Gabapentin 6%/Lidocaine 5%",
            strengths: &["cream 240gm"],
            counts: &[1],
            class: Class::Topical,
        },
        4,
    ),
    (
        Drug {
            name: "Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5%",
            strengths: &["in cream base 180gm"],
            counts: &[1],
            class: Class::Topical,
        },
        3,
    ),
    (Drug { name: "Capsaicin", strengths: &["0.075% cream"], counts: &[1, 2], class: Class::Topical }, 3),
    (Drug { name: "Sumatriptan", strengths: &["50mg", "100mg"], counts: &[9, 18], class: Class::Other }, 3),
    (Drug { name: "Viagra", strengths: &["50mg", "100mg"], counts: &[10, 30], class: Class::Other }, 2),
    (Drug { name: "Theramine", strengths: &["capsules"], counts: &[90, 120], class: Class::Other }, 2),
];

fn drug_basis(class: Class, year: u16) -> Basis {
    use cite::{CHRONIC_PAIN as CP, ODG_MENTAL, ODG_PAIN, OPIOID};
    let mut b = Basis::default();
    match class {
        Class::Opioid => {
            b.mtus = vec![
                (&CP, "Opioids, criteria for use"),
                (&CP, "Opioids, long-term assessment"),
                (&CP, "Opioids, specific drug list"),
                (&CP, "Weaning of Medications"),
            ];
            if year >= 2017 {
                b.mtus.push((&OPIOID, "4.1 Tapering Opioids: Indications for Tapering Opioids"));
                b.mtus.push((
                    &OPIOID,
                    "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment",
                ));
            }
            b.odg = vec![(&ODG_PAIN, "Opioids, criteria for use"), (&ODG_PAIN, "Opioids, long-term assessment")];
            b.extra = vec![Extra::Acoem(&cite::ACOEM_OPIOIDS), Extra::Study];
        }
        Class::Relaxant => {
            b.mtus = vec![(&CP, "Muscle relaxants (for pain)")];
            b.odg = vec![(&ODG_PAIN, "Muscle relaxants (for pain)")];
            b.extra = vec![Extra::Study];
        }
        Class::Nsaid => {
            b.mtus =
                vec![(&CP, "NSAIDs (non-steroidal anti-inflammatory drugs)"), (&CP, "Anti-inflammatory medications")];
            b.odg = vec![(&ODG_PAIN, "NSAIDs (non-steroidal anti-inflammatory drugs)")];
            b.extra = vec![Extra::UpToDate("Nonselective NSAIDs: overview of adverse effects")];
        }
        Class::Gi => {
            b.mtus = vec![(&CP, "NSAIDs, GI symptoms & cardiovascular risk")];
            b.odg = vec![(&ODG_PAIN, "Proton pump inhibitors (PPIs)"), (&ODG_PAIN, "Antiemetics (for opioid nausea)")];
            b.extra = vec![
                Extra::UpToDate("Proton pump inhibitors: overview of use and adverse effects"),
                Extra::Named("Food and Drug Administration, prescribing information", "FDA"),
            ];
        }
        Class::Anticonvulsant => {
            b.mtus = vec![(&CP, "Anti-epilepsy drugs (AEDs)"), (&CP, "Pregabalin (Lyrica)")];
            b.odg = vec![(&ODG_PAIN, "Anti-epilepsy drugs (AEDs) for pain")];
            b.extra = vec![Extra::Study];
        }
        Class::Antidepressant => {
            b.mtus = vec![(&CP, "Antidepressants for chronic pain")];
            b.odg = vec![(&ODG_MENTAL, "Antidepressants for treatment of MDD"), (&ODG_PAIN, "Insomnia treatment")];
            b.extra = vec![Extra::UpToDate("Unipolar depression in adults: choosing initial treatment")];
        }
        Class::Sleep => {
            b.odg = vec![(&ODG_PAIN, "Insomnia treatment"), (&ODG_MENTAL, "Zolpidem (Ambien)")];
            b.extra = vec![
                Extra::UpToDate("Treatment of insomnia in adults"),
                Extra::Named("MedlinePlus, sleep medicines", "MedlinePlus"),
            ];
        }
        Class::Topical => {
            b.mtus = vec![(&CP, "Topical Analgesics"), (&CP, "Lidoderm (lidocaine patch)")];
            b.odg = vec![(&ODG_PAIN, "Compound creams"), (&ODG_PAIN, "Topical analgesics")];
        }
        Class::Other => {
            b.extra = vec![
                Extra::UpToDate("Sildenafil: drug information"),
                Extra::Url("Medication guide for patients"),
                Extra::Named("Food and Drug Administration, medication guide", "FDA"),
            ];
        }
    }
    b
}

const DRUG_REASONS: &[(Class, &[&str])] = &[
    (
        Class::Opioid,
        &[
            "Guidelines support ongoing opioid management only with documented pain relief, functional status, appropriate medication use and side effects at each visit.",
            "Opioids are not recommended as a first line treatment for chronic non-malignant pain, and continued use requires evidence of a meaningful improvement in function.",
            "The four domains of monitoring, namely analgesia, activities of daily living, adverse effects and aberrant drug taking behaviors, should be reviewed and documented.",
            "A taper is advised when there is no overall improvement in function or when the total daily dose exceeds 90 morphine milligram equivalents.",
        ],
    ),
    (
        Class::Relaxant,
        &[
            "Non-sedating muscle relaxants are recommended with caution as a second line option for short-term treatment of acute exacerbations of chronic low back pain.",
            "Efficacy appears to diminish over time, and prolonged use may lead to dependence.",
            "Most guidelines limit muscle relaxants to a course of two to three weeks.",
        ],
    ),
    (
        Class::Nsaid,
        &[
            "Anti-inflammatory drugs are recommended at the lowest effective dose for the shortest period in patients with moderate to severe pain.",
            "Long-term use requires periodic monitoring of blood pressure and of renal and hepatic function.",
            "There is no evidence that one anti-inflammatory drug is more effective than another for chronic back pain.",
        ],
    ),
    (
        Class::Gi,
        &[
            "A proton pump inhibitor is recommended for patients taking anti-inflammatory drugs who are at intermediate or high risk for gastrointestinal events.",
            "Risk factors include age over 65, a history of peptic ulcer or bleeding, and concurrent use of aspirin, corticosteroids or anticoagulants.",
            "Long-term use of these agents carries its own risks, including fractures and nutrient malabsorption.",
        ],
    ),
    (
        Class::Anticonvulsant,
        &[
            "Anti-epilepsy drugs are recommended for neuropathic pain, and a good response is defined as a 50% reduction in pain.",
            "Continued use depends on documentation of pain relief and improvement in function as well as side effects.",
            "There is little evidence to support these agents for axial or mechanical back pain without a neuropathic component.",
        ],
    ),
    (
        Class::Antidepressant,
        &[
            "Tricyclic and serotonin norepinephrine reuptake inhibitor antidepressants are recommended as a first line option for neuropathic pain.",
            "Assessment of treatment efficacy should include pain outcomes, changes in the use of other analgesics, sleep quality and psychological status.",
            "Use for depression requires a documented diagnosis and an assessment of response.",
        ],
    ),
    (
        Class::Sleep,
        &[
            "Hypnotics are recommended only for short-term treatment of insomnia, generally two to six weeks.",
            "Insomnia treatment should follow a careful evaluation of the causes of the sleep disturbance, including sleep hygiene.",
            "These agents can be habit forming and may impair function and memory.",
        ],
    ),
    (
        Class::Topical,
        &[
            "Topical analgesics are largely experimental and are used mainly for neuropathic pain after trials of antidepressants and anticonvulsants have failed.",
            "Any compounded product that contains at least one drug or drug class that is not recommended is itself not recommended.",
            "Topical lidocaine is recommended for localized peripheral pain after a trial of first line therapy.",
        ],
    ),
    (
        Class::Other,
        &[
            "The guidelines do not address this medication, so other evidence based sources were consulted.",
            "The medication is approved for conditions that are not documented in this case.",
        ],
    ),
];

fn reasons_of(class: Class) -> &'static [&'static str] {
    DRUG_REASONS.iter().find(|(c, _)| *c == class).map_or(&[], |(_, r)| r)
}

fn push_count(s: &mut String, n: u32) {
    let _ = write!(s, "{n}");
}

/// A drug request, with its quantity written by `with_count` (so partial authorisations can
/// write the same request with other counts).
fn drug(rng: &mut Rng, year: u16, partial_ok: bool) -> Item {
    let d = rng.pick_weighted(DRUGS);
    let strength = rng.pick(d.strengths);
    let count = rng.pick(d.counts);
    let style = rng.below(100);
    let sig = rng.pick(&["1 tablet by mouth as needed", "one by mouth three times a day", "1 by mouth twice a day"]);
    let with_count = |n: u32| -> String {
        let mut s = String::with_capacity(64);
        if style >= 94 {
            s.push_str("1 prescription of ");
        }
        s.push_str(d.name);
        s.push(' ');
        s.push_str(strength);
        match style {
            0..=61 | 94.. => s.push_str(" #"),
            62..=71 => s.push_str(", #"),
            72..=77 => s.push_str(" # "),
            78..=83 => {
                s.push(' ');
                s.push_str(sig);
                s.push_str(" #");
            }
            84..=87 => s.push_str(" quantity "),
            _ => s.push_str(" #"),
        }
        push_count(&mut s, n);
        if (88..94).contains(&style) {
            s.push_str(", ");
            s.push_str(sig);
        }
        s
    };
    let mut partial = None;
    let text = if partial_ok && count >= 60 && rng.chance(90) {
        let authorized = count / 2;
        let leaving = rng.chance(250);
        partial = Some(Partial { original: with_count(count), authorized: with_count(authorized), leaving });
        with_count(if leaving { count } else { count - authorized })
    } else {
        with_count(count)
    };
    let generic = match d.class {
        Class::Opioid => "the opioid prescription",
        Class::Relaxant => "the muscle relaxant",
        Class::Nsaid => "the anti-inflammatory medication",
        Class::Gi => "the gastrointestinal medication",
        Class::Anticonvulsant => "the anticonvulsant",
        Class::Antidepressant => "the antidepressant",
        Class::Sleep => "the sleep medication",
        Class::Topical => "the topical analgesic",
        Class::Other => "the medication",
    };
    Item {
        text,
        category: "pharmaceuticals",
        levels: Vec::new(),
        spelled: String::new(),
        partial,
        article: false,
        group: Group::Drug,
        region: Region::Lumbar,
        basis: drug_basis(d.class, year),
        reasons: reasons_of(d.class),
        generic,
    }
}

// ---------------------------------------------------------------------------------------
// Everything else

fn side(rng: &mut Rng) -> &'static str {
    rng.pick(&["right", "left", "right", "left", "bilateral"])
}

/// `the right shoulder`, `the lumbar spine`, `the bilateral knees`.
fn body(s: &mut String, region: Region, rng: &mut Rng) {
    let i = info(region);
    s.push_str("the ");
    if i.sided {
        let sd = side(rng);
        s.push_str(sd);
        s.push(' ');
        s.push_str(i.name);
        if sd == "bilateral" {
            s.push('s');
        }
    } else {
        s.push_str(i.name);
    }
}

fn basis(mtus: &[(&'static Mtus, &'static str)], odg: &[(&'static Odg, &'static str)], extra: &[Extra]) -> Basis {
    Basis { mtus: mtus.to_vec(), odg: odg.to_vec(), extra: extra.to_vec() }
}

fn region_mtus(region: Region, section: &'static str) -> Vec<(&'static Mtus, &'static str)> {
    info(region).mtus.map(|m| vec![(m, section)]).unwrap_or_default()
}

const IMAGING_REASONS: &[&str] = &[
    "Imaging is reserved for red flag conditions, a progressive neurologic deficit, or clear evidence of tissue insult in a patient who would consider surgery.",
    "Repeat imaging is not routinely recommended and should be reserved for a significant change in symptoms or findings suggestive of significant pathology.",
    "Reliance on imaging alone to evaluate the source of symptoms carries a significant risk of diagnostic confusion, since many findings are present in people without symptoms.",
];
const ELECTRO_REASONS: &[&str] = &[
    "Electromyography may help identify subtle focal neurologic dysfunction when symptoms last longer than three to four weeks.",
    "Nerve conduction studies are not recommended when the clinical picture is already that of radiculopathy.",
    "Electrodiagnostic testing is supported when the examination and history suggest a peripheral nerve entrapment or neuropathy.",
];
const DRUG_TEST_REASONS: &[&str] = &[
    "Drug testing is recommended as an option to assess for the use or presence of illegal drugs and to monitor patients on long-term opioids.",
    "For patients at low risk of addiction or aberrant behavior, testing within six months of starting treatment and yearly thereafter is recommended.",
];
const THERAPY_REASONS: &[&str] = &[
    "Guidelines allow a fading of treatment frequency from up to three visits per week to one or less, plus active self-directed home physical medicine.",
    "For myalgia and myositis, 9 to 10 visits over 8 weeks are recommended, and for neuralgia and radiculitis, 8 to 10 visits over 4 weeks.",
    "Additional sessions require documentation of objective functional improvement from the prior course.",
    "Active therapy is based on the philosophy that therapeutic exercise is beneficial for restoring flexibility, strength, endurance and function.",
];
const MANIPULATION_REASONS: &[&str] = &[
    "Manual therapy and manipulation are recommended for chronic pain caused by musculoskeletal conditions, with a trial of 6 visits over 2 weeks.",
    "With evidence of objective functional improvement, a total of up to 18 visits over 6 to 8 weeks may be supported.",
    "Elective or maintenance care is not medically necessary.",
];
const ACUPUNCTURE_REASONS: &[&str] = &[
    "Acupuncture is used as an option when pain medication is reduced or not tolerated, or as an adjunct to physical rehabilitation.",
    "The time to produce functional improvement is 3 to 6 treatments, and treatments may be extended if functional improvement is documented.",
];
const INJECTION_REASONS: &[&str] = &[
    "Epidural steroid injections are recommended as an option for radicular pain, defined as pain in a dermatomal distribution with corroborative findings of radiculopathy.",
    "Radiculopathy must be documented by physical examination and corroborated by imaging studies and/or electrodiagnostic testing.",
    "Repeat blocks should be based on continued objective documented pain and functional improvement, including at least 50% pain relief for six to eight weeks.",
    "Facet joint blocks are limited to patients with low back pain that is non-radicular and at no more than two levels bilaterally.",
    "Trigger point injections are recommended only for myofascial pain syndrome with documented circumscribed trigger points with a twitch response.",
];
const JOINT_INJECTION_REASONS: &[&str] = &[
    "Corticosteroid injections are recommended for a short course when conservative treatment has failed.",
    "Hyaluronic acid injections are recommended as an option for severe osteoarthritis that has not responded adequately to standard treatments.",
    "Platelet rich plasma injections remain under study and are not recommended outside of research settings.",
];
const SPINE_SURGERY_REASONS: &[&str] = &[
    "Surgical consultation is indicated for patients with severe and disabling lower leg symptoms in a distribution consistent with abnormalities on imaging, with clear clinical, imaging and electrophysiologic evidence of a lesion.",
    "Spinal fusion is not recommended in the absence of fracture, dislocation, complications of tumor or infection, or instability demonstrated on flexion and extension views.",
    "A psychological screening should be completed before spinal fusion surgery.",
    "There is no good evidence that spinal fusion alone is effective for treating any type of acute low back problem in the absence of spinal instability.",
];
const JOINT_SURGERY_REASONS: &[&str] = &[
    "Surgical consideration is indicated for activity limitation for more than four months, failure to increase range of motion and strength after exercise programs, and clear clinical and imaging evidence of a lesion.",
    "Arthroscopic surgery for degenerative changes is not recommended, since outcomes are no better than those of physical therapy alone.",
    "Carpal tunnel release is supported when symptoms and findings are confirmed by positive electrodiagnostic studies and conservative treatment has failed.",
];
const ASSOCIATED_REASONS: &[&str] = &[
    "The surgery this service was requested for has not been found medically necessary, so the associated service is not needed.",
    "When the primary procedure is supported, the associated services within guideline limits are supported as well.",
    "The recommended hospital length of stay for this procedure is within the number of days requested.",
];
const DME_REASONS: &[&str] = &[
    "A one month home-based trial may be considered as a non-invasive option if used as an adjunct to a program of evidence based functional restoration.",
    "Lumbar supports have not been shown to have any lasting benefit beyond the acute phase of symptom relief.",
    "Durable medical equipment is recommended when it is primarily and customarily used to serve a medical purpose.",
    "Continuous-flow cryotherapy is recommended as an option after surgery, for up to 7 days, but not for non-surgical treatment.",
];
const PROGRAM_REASONS: &[&str] = &[
    "Functional restoration programs are recommended where there is access to programs with proven successful outcomes, for patients with conditions that put them at risk of delayed recovery.",
    "Treatment is not suggested for longer than 2 weeks without evidence of demonstrated efficacy as documented by subjective and objective gains.",
    "Gym memberships are not recommended as a medical prescription unless a home exercise program has not been effective and there is a need for equipment.",
    "Work hardening requires a defined return to work goal agreed to by the employer and employee.",
];
const VISIT_REASONS: &[&str] = &[
    "A referral may be appropriate if the practitioner is uncomfortable with the line of inquiry, with treating a particular cause of delayed recovery, or has difficulty obtaining information.",
    "Office visits are recommended as determined to be medically necessary, and the need for a clinical office visit is individualized based on the patient's concerns, signs and symptoms.",
    "A consultation is intended to aid in the diagnosis, prognosis and therapeutic management of a patient.",
];
const BEHAVIORAL_REASONS: &[&str] = &[
    "Psychological evaluations are recommended for chronic pain problems and should determine if further psychosocial interventions are indicated.",
    "An initial trial of 3 to 4 psychotherapy visits over 2 weeks is recommended, with up to 6 to 10 visits over 5 to 6 weeks with evidence of objective functional improvement.",
    "Behavioral interventions are recommended, and identification and reinforcement of coping skills is often more useful than ongoing medication.",
];
const HOME_HEALTH_REASONS: &[&str] = &[
    "Home health services are recommended only for otherwise recommended medical treatment for patients who are homebound, on a part time or intermittent basis.",
    "Medical treatment does not include homemaker services like shopping, cleaning and laundry, or personal care given by home health aides.",
];
const FCE_REASONS: &[&str] = &[
    "A functional capacity evaluation is recommended prior to admission to a work hardening program, with preference for assessments tailored to a specific job.",
    "The evaluation is not recommended if the sole purpose is to determine a worker's effort or compliance, or if the worker has returned to work.",
];

fn spine_region(region: Region) -> Region {
    if region == Region::Cervical {
        Region::Cervical
    } else {
        Region::Lumbar
    }
}

fn physical_medicine(rng: &mut Rng, region: Region, partial_ok: bool) -> Item {
    use cite::{ACUPUNCTURE, CHRONIC_PAIN as CP, ODG_PAIN, POSTSURGICAL};
    let i = info(region);
    let mut where_ = String::with_capacity(24);
    body(&mut where_, region, rng);
    let kind = rng.weighted(&[50, 12, 20, 14, 4]);
    let (name, reasons, b, generic): (&str, &'static [&'static str], Basis, &'static str) = match kind {
        0 => (
            rng.pick(&[
                "Physical therapy",
                "Physical therapy",
                "Additional physical therapy",
                "Outpatient physical therapy",
            ]),
            THERAPY_REASONS,
            basis(
                &[(&CP, "Physical Medicine"), (&CP, "Physical medicine treatment")],
                &[
                    (i.odg, "Physical therapy"),
                    (&cite::ODG_THERAPY, "Sprains and strains"),
                    (&cite::ODG_PREFACE, "Physical Therapy"),
                ],
                &[],
            ),
            "physical therapy",
        ),
        1 => (
            rng.pick(&["Post-operative physical therapy", "Postoperative physical therapy"]),
            THERAPY_REASONS,
            basis(&[(&POSTSURGICAL, "Postsurgical Treatment Guidelines")], &[(i.odg, "Physical therapy")], &[]),
            "postoperative therapy",
        ),
        2 => (
            rng.pick(&["Chiropractic treatment", "Chiropractic manipulative therapy", "Chiropractic care"]),
            MANIPULATION_REASONS,
            basis(
                &[(&CP, "Manual therapy & manipulation")],
                &[(i.odg, "Manipulation"), (&cite::ODG_CHIROPRACTIC, "Manipulation")],
                &[],
            ),
            "chiropractic treatment",
        ),
        3 => (
            rng.pick(&["Acupuncture", "Acupuncture", "Additional acupuncture"]),
            ACUPUNCTURE_REASONS,
            basis(&[(&ACUPUNCTURE, "")], &[(&ODG_PAIN, "Acupuncture")], &[Extra::Study]),
            "acupuncture",
        ),
        _ => (
            rng.pick(&["Aquatic therapy", "Massage therapy", "Occupational therapy"]),
            THERAPY_REASONS,
            basis(&[(&CP, "Aquatic therapy")], &[(i.odg, "Physical therapy")], &[]),
            "the therapy",
        ),
    };
    let (per_week, weeks) = rng.pick(&[(2u32, 6u32), (2, 4), (3, 4), (1, 6), (2, 3), (3, 6), (2, 8)]);
    let sessions = per_week * weeks;
    let style = rng.below(100);
    let mut partial = None;
    let text = if partial_ok && style < 12 && sessions >= 8 {
        let with = |n: u32| -> String {
            let mut s = String::with_capacity(48);
            s.push_str(name);
            s.push(' ');
            push_count(&mut s, n);
            s.push_str(" sessions");
            s
        };
        let auth = sessions / 2;
        let leaving = rng.chance(250);
        partial = Some(Partial { original: with(sessions), authorized: with(auth), leaving });
        with(if leaving { sessions } else { sessions - auth })
    } else {
        let mut s = String::with_capacity(80);
        s.push_str(name);
        match style {
            0..=44 => {
                let _ = write!(s, " {per_week} times a week for {weeks} weeks for ");
                s.push_str(&where_);
            }
            45..=59 => {
                let _ = write!(s, " {sessions} sessions for ");
                s.push_str(&where_);
            }
            60..=69 => {
                let _ = write!(s, " {per_week}x{weeks} for ");
                s.push_str(&where_);
            }
            70..=79 => {
                let _ = write!(s, " {per_week} times a week for {weeks} weeks ({sessions} sessions)");
            }
            80..=85 => {
                let _ = write!(s, ", {sessions} visits, ");
                s.push_str(&where_[4..]);
            }
            86..=91 => {
                let _ = write!(s, " {} times a week for {} weeks for ", word(per_week), word(weeks));
                s.push_str(&where_);
            }
            92..=95 => {
                // "Six physical therapy visits for the lumbar spine"
                s.clear();
                let _ = write!(s, "{} {} visits for ", capitalised(word(sessions)), lower_first(name));
                s.push_str(&where_);
            }
            _ => {
                let _ = write!(s, " x {sessions} sessions");
            }
        }
        s
    };
    Item {
        text,
        category: "physical medicine",
        levels: Vec::new(),
        spelled: String::new(),
        partial,
        article: false,
        group: Group::PhysicalMedicine,
        region,
        basis: b,
        reasons,
        generic,
    }
}

fn diagnostic(rng: &mut Rng, region: Region) -> Item {
    use cite::{CHRONIC_PAIN as CP, GENERAL, ODG_FITNESS, ODG_PAIN};
    let i = info(region);
    let kind = rng.weighted(&[55, 15, 18, 6, 6]);
    let mut s = String::with_capacity(64);
    let (b, reasons, generic, article) = match kind {
        0 => {
            let (modality, topic) = rng.pick(&[
                ("MRI of ", "MRIs (magnetic resonance imaging)"),
                ("MRI of ", "MRIs (magnetic resonance imaging)"),
                ("Repeat MRI of ", "MRIs (magnetic resonance imaging)"),
                ("CT scan of ", "Computed tomography (CT)"),
                ("X-rays of ", "Radiography (x-rays)"),
                ("Ultrasound of ", "Ultrasound, diagnostic"),
            ]);
            s.push_str(modality);
            body(&mut s, region, rng);
            if modality.starts_with("MRI") && rng.chance(400) {
                s.push_str(if rng.chance(700) { " without contrast" } else { " with and without contrast" });
            }
            (
                basis(&region_mtus(region, "Special Studies"), &[(i.odg, topic)], &[Extra::Acoem(i.acoem)]),
                IMAGING_REASONS,
                "the imaging study",
                true,
            )
        }
        1 => {
            s.push_str(rng.pick(&[
                "EMG/NCV of the bilateral ",
                "NCV of the bilateral ",
                "EMG of the bilateral ",
                "EMG/NCS of the ",
            ]));
            s.push_str(i.limbs);
            let r = spine_region(if i.limbs == "upper extremities" { Region::Cervical } else { Region::Lumbar });
            (
                basis(
                    &region_mtus(r, "Special Studies"),
                    &[(info(r).odg, "EMGs (electromyography)"), (info(r).odg, "Nerve conduction studies (NCS)")],
                    &[],
                ),
                ELECTRO_REASONS,
                "the electrodiagnostic testing",
                true,
            )
        }
        2 => {
            s.push_str(rng.pick(&[
                "Urine drug screen",
                "Urine toxicology screen",
                "Urine drug testing",
                "Random urine drug test",
            ]));
            (
                basis(&[(&CP, "Drug testing")], &[(&ODG_PAIN, "Urine drug testing (UDT)")], &[]),
                DRUG_TEST_REASONS,
                "urine drug testing",
                true,
            )
        }
        3 => {
            s.push_str(rng.pick(&[
                "Labs: CBC, CMP",
                "Lab work: hepatic and renal function panel",
                "Laboratory testing: CBC",
            ]));
            (
                basis(
                    &[(&CP, "NSAIDs, specific drug list & adverse effects")],
                    &[],
                    &[Extra::Named("MedlinePlus, comprehensive metabolic panel", "MedlinePlus")],
                ),
                DRUG_TEST_REASONS,
                "the laboratory testing",
                false,
            )
        }
        _ => {
            s.push_str("Functional capacity evaluation");
            (
                basis(
                    &[(&GENERAL, "Independent Medical Examinations and Consultations")],
                    &[(&ODG_FITNESS, "Functional capacity evaluation (FCE)")],
                    &[],
                ),
                FCE_REASONS,
                "the functional capacity evaluation",
                true,
            )
        }
    };
    Item {
        text: s,
        category: "diagnostics",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article,
        group: Group::Diagnostic,
        region,
        basis: b,
        reasons,
        generic,
    }
}

const LUMBAR_INJECTIONS: &[&str] = &[
    "Lumbar epidural steroid injection at {L}",
    "Right {L} transforaminal epidural steroid injection",
    "Left {L} transforaminal epidural steroid injection",
    "Bilateral {L} transforaminal epidural steroid injections",
    "Lumbar epidural steroid injection {L} under fluoroscopy",
    "Bilateral {L} facet joint injections",
    "Medial branch blocks at {L} bilaterally",
    "Radiofrequency ablation of the right {L} medial branches",
];
const CERVICAL_INJECTIONS: &[&str] = &[
    "Cervical epidural steroid injection at {L}",
    "Interlaminar epidural steroid injection {L}",
    "Cervical facet injections at {L}",
    "Right {L} medial branch block",
];

fn injection(rng: &mut Rng, region: Region) -> Item {
    use cite::{CHRONIC_PAIN as CP, ODG_PAIN};
    let i = info(region);
    let spinal = matches!(region, Region::Lumbar | Region::Cervical) && rng.chance(800);
    if spinal {
        let cervical = region == Region::Cervical;
        let t = rng.pick(if cervical { CERVICAL_INJECTIONS } else { LUMBAR_INJECTIONS });
        let (text, levels, spelled) = with_levels(t, cervical, false, rng);
        let facet = t.contains("facet") || t.contains("medial") || t.contains("ablation");
        let b = if facet {
            basis(
                &region_mtus(region, "Summary of Recommendations"),
                &[
                    (i.odg, "Facet joint diagnostic blocks (injections)"),
                    (i.odg, "Facet joint radiofrequency neurotomy"),
                ],
                &[Extra::Study],
            )
        } else {
            basis(
                &[(&CP, "Epidural steroid injections (ESIs)")],
                &[(i.odg, "Epidural steroid injections (ESIs), therapeutic")],
                &[Extra::Named(
                    "American Society of Anesthesiologists, practice guidelines for chronic pain management",
                    "American Society of Anesthesiologists",
                )],
            )
        };
        return Item {
            text,
            category: "injections",
            levels,
            spelled,
            partial: None,
            article: true,
            group: Group::Injection,
            region,
            basis: b,
            reasons: INJECTION_REASONS,
            generic: "the injection",
        };
    }
    let mut s = String::with_capacity(64);
    let b = if !i.sided || rng.chance(250) {
        s.push_str(rng.pick(&[
            "Trigger point injections x 4",
            "Trigger point injections to the trapezius muscles",
            "Trigger point injections, 3 sites",
        ]));
        basis(&[(&CP, "Trigger point injections")], &[(&ODG_PAIN, "Trigger point injections")], &[])
    } else {
        let (what, topic) = rng.pick(&[
            ("Corticosteroid injection to ", "Steroid injections"),
            ("Ultrasound guided cortisone injection of ", "Steroid injections"),
            ("Synvisc-One injection for ", "Hyaluronic acid injections"),
            ("Platelet rich plasma injection to ", "Platelet-rich plasma (PRP)"),
        ]);
        s.push_str(what);
        body(&mut s, region, rng);
        basis(&region_mtus(region, "Initial Care"), &[(i.odg, topic)], &[])
    };
    Item {
        text: s,
        category: "injections",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: true,
        group: Group::Injection,
        region,
        reasons: if b_is_tpi(&b) { INJECTION_REASONS } else { JOINT_INJECTION_REASONS },
        basis: b,
        generic: "the injection",
    }
}

fn b_is_tpi(b: &Basis) -> bool {
    b.odg.first().is_some_and(|o| o.1 == "Trigger point injections")
}

const LUMBAR_SURGERY: &[(&str, bool)] = &[
    ("{L} fusion", true),
    ("Lumbar fusion at {L}", true),
    ("Posterior lumbar interbody fusion at {L}", true),
    ("Anterior lumbar interbody fusion {L}", true),
    ("Anterior and posterior lumbar fusion with instrumentation at {L}", true),
    ("Transforaminal lumbar interbody fusion at {L}", true),
    ("Lumbar decompression and fusion at {L}", true),
    ("Lumbar spine surgery, {L} fusion and excision of disc fragments", true),
    ("Revision lumbar fusion {L} with removal of hardware", true),
    ("Lumbar laminectomy and discectomy at {L}", false),
    ("Microdiscectomy at {L}", false),
    ("Right {L} hemilaminotomy and microdiscectomy", false),
    ("Lumbar laminectomy {L}", false),
    ("Artificial disc replacement at {L}", false),
    ("Lumbar foraminotomy at {L}", false),
];
const CERVICAL_SURGERY: &[(&str, bool)] = &[
    ("Anterior cervical discectomy and fusion at {L}", true),
    ("Anterior cervical discectomy and fusion {L} with plating", true),
    ("Cervical fusion {L}", true),
    ("Cervical disc arthroplasty at {L}", false),
    ("Posterior cervical foraminotomy at {L}", false),
    ("Cervical laminoplasty {L}", false),
];

/// A spinal operation; the flag says whether it is a fusion.
fn spine_surgery(rng: &mut Rng, region: Region) -> (Item, bool) {
    let cervical = region == Region::Cervical;
    let region = spine_region(region);
    let i = info(region);
    let (t, fusion) = rng.pick(if cervical { CERVICAL_SURGERY } else { LUMBAR_SURGERY });
    let (text, levels, spelled) = with_levels(t, cervical, fusion, rng);
    let topic = if fusion {
        if cervical {
            "Fusion, anterior cervical"
        } else {
            "Fusion (spinal)"
        }
    } else if cervical {
        "Discectomy-laminectomy-laminoplasty"
    } else {
        "Discectomy/laminectomy"
    };
    let item = Item {
        text,
        category: "surgery",
        levels,
        spelled,
        partial: None,
        article: !t.starts_with('{') && !t.starts_with("Lumbar spine surgery"),
        group: Group::SpineSurgery,
        region,
        basis: basis(
            &region_mtus(region, "Surgical Considerations"),
            &[(i.odg, topic)],
            &[Extra::Study, Extra::Acoem(i.acoem)],
        ),
        reasons: SPINE_SURGERY_REASONS,
        generic: "the requested surgery",
    };
    (item, fusion)
}

fn joint_surgery(rng: &mut Rng, region: Region) -> Item {
    let region = match region {
        Region::Lumbar | Region::Cervical | Region::Head => rng.pick(&[Region::Shoulder, Region::Knee, Region::Wrist]),
        r => r,
    };
    let i = info(region);
    let (names, topic, odg): (&[&str], &str, &'static Odg) = match region {
        Region::Shoulder => (
            &[
                "arthroscopy with subacromial decompression",
                "arthroscopic rotator cuff repair",
                "arthroscopy with labral repair and debridement",
                "manipulation under anesthesia",
            ],
            "Surgery for impingement syndrome",
            i.odg,
        ),
        Region::Knee => (
            &[
                "arthroscopy with partial medial meniscectomy",
                "arthroscopy with partial medial and lateral meniscectomy and chondroplasty",
                "total knee arthroplasty",
                "anterior cruciate ligament reconstruction",
            ],
            "Meniscectomy",
            i.odg,
        ),
        Region::Wrist => (
            &[
                "carpal tunnel release",
                "trigger finger release",
                "first dorsal compartment release",
                "wrist arthroscopy",
            ],
            "Carpal tunnel release surgery (CTR)",
            &cite::ODG_CARPAL,
        ),
        Region::Elbow => (
            &["lateral epicondylar release", "ulnar nerve transposition", "elbow arthroscopy with debridement"],
            "Surgery for epicondylitis",
            i.odg,
        ),
        Region::Hip => (&["total hip arthroplasty", "hip arthroscopy with labral repair"], "Arthroplasty", i.odg),
        _ => (
            &["ankle arthroscopy with debridement", "plantar fascia release", "lateral ankle ligament reconstruction"],
            "Ankle surgery",
            i.odg,
        ),
    };
    let mut s = String::with_capacity(64);
    let sd = rng.pick(&["Right", "Left"]);
    s.push_str(sd);
    s.push(' ');
    let name = rng.pick(names);
    if !name.contains(i.name) && !name.contains("carpal") && !name.contains("finger") && !name.contains("plantar") {
        s.push_str(i.name);
        s.push(' ');
    }
    s.push_str(name);
    Item {
        text: s,
        category: "surgery",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: true,
        group: Group::JointSurgery,
        region,
        basis: basis(&region_mtus(region, "Surgical Considerations"), &[(odg, topic)], &[Extra::Study]),
        reasons: JOINT_SURGERY_REASONS,
        generic: "the requested surgery",
    }
}

/// A service that goes with a surgery (`Associated surgical service: ...`), sometimes naming
/// the surgery's levels.
pub fn associated(rng: &mut Rng, surgery: &Item, fusion: bool) -> Item {
    use cite::{ODG_KNEE, ODG_LOW_BACK};
    let i = info(surgery.region);
    let walking = "Walking aids (canes, crutches, braces, orthoses, & walkers)";
    let k = rng.below(9);
    let (what, b) = match k {
        0 => (
            "Assistant surgeon",
            basis(
                &[],
                &[],
                &[Extra::Named(
                    "American College of Surgeons, Physicians as Assistants at Surgery, 2016 update",
                    "American College of Surgeons",
                )],
            ),
        ),
        1 => ("2 day inpatient stay", basis(&[], &[(&ODG_LOW_BACK, "Hospital length of stay (LOS)")], &[])),
        2 => ("3 day inpatient stay", basis(&[], &[(&ODG_LOW_BACK, "Hospital length of stay (LOS)")], &[])),
        3 => ("Pre-operative medical clearance", basis(&[], &[(&ODG_LOW_BACK, "Preoperative testing, general")], &[])),
        4 => ("Cold therapy unit, 7 day rental", basis(&[], &[(i.odg, "Continuous-flow cryotherapy")], &[])),
        5 => ("Front wheeled walker", basis(&[], &[(&ODG_KNEE, walking)], &[])),
        6 => ("Crutches", basis(&[], &[(&ODG_KNEE, walking)], &[])),
        7 => ("Post-operative brace", basis(&[], &[(&ODG_LOW_BACK, "Back brace, post operative (fusion)")], &[])),
        _ => (
            "Post-operative physical therapy 12 sessions",
            basis(&[(&cite::POSTSURGICAL, "")], &[(i.odg, "Physical therapy")], &[]),
        ),
    };
    let mut text = String::with_capacity(64);
    text.push_str(if rng.chance(900) { "Associated surgical service: " } else { "Associated Surgical Service: " });
    text.push_str(what);
    let mut levels = Vec::new();
    let mut spelled = String::new();
    if fusion && (k == 1 || k == 2) && rng.chance(350) && !surgery.spelled.is_empty() {
        // "... for L5-S1 fusion": the item names the surgery's levels as the surgery does.
        text.push_str(" for ");
        text.push_str(&surgery.spelled);
        text.push_str(" fusion");
        levels = surgery.levels.clone();
        spelled = surgery.spelled.clone();
    }
    Item {
        text,
        category: "surgery",
        levels,
        spelled,
        partial: None,
        article: false,
        group: Group::Associated,
        region: surgery.region,
        basis: b,
        reasons: ASSOCIATED_REASONS,
        generic: "the associated service",
    }
}

fn dme(rng: &mut Rng, region: Region) -> Item {
    use cite::{CHRONIC_PAIN as CP, ODG_KNEE, ODG_LOW_BACK, ODG_NECK, ODG_PAIN};
    let i = info(region);
    let tens = "TENS, chronic pain (transcutaneous electrical nerve stimulation)";
    let walking = "Walking aids (canes, crutches, braces, orthoses, & walkers)";
    let (text, b) = match rng.below(15) {
        0 => ("TENS unit", basis(&[(&CP, tens)], &[(&ODG_PAIN, tens)], &[])),
        1 => ("TENS unit with supplies, 3 month rental", basis(&[(&CP, tens)], &[], &[])),
        2 => ("Purchase of a TENS unit", basis(&[(&CP, tens)], &[], &[])),
        3 => {
            ("Interferential unit 30 day trial", basis(&[(&CP, "Interferential Current Stimulation (ICS)")], &[], &[]))
        }
        4 => ("H-wave device 30 day trial", basis(&[(&CP, "H-wave stimulation (HWT)")], &[], &[])),
        5 => (
            "Lumbar support brace",
            basis(&[(&cite::LOW_BACK, "Initial Care")], &[(&ODG_LOW_BACK, "Lumbar supports")], &[]),
        ),
        6 => {
            ("LSO back brace", basis(&[(&cite::LOW_BACK, "Initial Care")], &[(&ODG_LOW_BACK, "Lumbar supports")], &[]))
        }
        7 => (
            "Cervical traction unit",
            basis(&[(&cite::NECK, "Summary of Recommendations")], &[(&ODG_NECK, "Traction")], &[]),
        ),
        8 => (
            "Hinged knee brace",
            basis(&[(&cite::KNEE, "Summary of Recommendations")], &[(&ODG_KNEE, "Knee brace")], &[]),
        ),
        9 => ("Cold therapy unit", basis(&[], &[(i.odg, "Continuous-flow cryotherapy")], &[])),
        10 => ("Home exercise kit", basis(&[], &[(&ODG_KNEE, "Exercise equipment")], &[])),
        11 => ("Cane", basis(&[], &[(&ODG_KNEE, walking)], &[])),
        12 => ("Front wheeled walker", basis(&[], &[(&ODG_KNEE, walking)], &[])),
        13 => ("Orthopedic mattress", basis(&[], &[(&ODG_LOW_BACK, "Mattress selection")], &[])),
        _ => ("Wrist splint", basis(&[(&cite::HAND, "Initial Care")], &[(&cite::ODG_HAND, "Splints")], &[])),
    };
    Item {
        text: text.to_string(),
        category: "dme",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: true,
        group: Group::Dme,
        region,
        basis: b,
        reasons: DME_REASONS,
        generic: "the equipment",
    }
}

fn program(rng: &mut Rng) -> Item {
    use cite::{CHRONIC_PAIN as CP, ODG_FITNESS, ODG_LOW_BACK, ODG_PAIN};
    let frp = "Functional restoration programs (FRPs)";
    let cpp = "Chronic pain programs (functional restoration programs)";
    let (text, b) = match rng.below(7) {
        0 => ("Functional restoration program 160 hours", basis(&[(&CP, cpp)], &[(&ODG_PAIN, frp)], &[])),
        1 => ("Functional restoration program, 10 days", basis(&[(&CP, frp)], &[(&ODG_PAIN, frp)], &[])),
        2 => ("Functional restoration program evaluation", basis(&[(&CP, cpp)], &[], &[])),
        3 => ("Gym membership for 6 months", basis(&[], &[(&ODG_LOW_BACK, "Gym memberships")], &[])),
        4 => ("12 month gym membership", basis(&[], &[(&ODG_LOW_BACK, "Gym memberships")], &[])),
        5 => (
            "Work hardening program 10 sessions",
            basis(
                &[(&CP, "Work conditioning, work hardening")],
                &[(&ODG_FITNESS, "Work conditioning, work hardening")],
                &[],
            ),
        ),
        _ => (
            "Weight loss program",
            basis(&[], &[], &[Extra::Study, Extra::Url("Weight management programs for adults")]),
        ),
    };
    Item {
        text: text.to_string(),
        category: "programs",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: !text.starts_with("12"),
        group: Group::Program,
        region: Region::Lumbar,
        basis: b,
        reasons: PROGRAM_REASONS,
        generic: "the program",
    }
}

fn visit(rng: &mut Rng) -> Item {
    use cite::{GENERAL, ODG_PAIN};
    let text = rng.pick(&[
        "Follow-up visit with pain management",
        "Orthopedic surgeon consultation",
        "Consultation with a spine surgeon",
        "Neurology consultation",
        "Office visit with the primary treating physician",
        "Referral to a pain management specialist",
        "Internal medicine consultation",
        "Follow up visit in 4 weeks",
    ]);
    let section = if text.starts_with("Follow") || text.starts_with("Office") {
        "Follow-up Visits"
    } else {
        "Independent Medical Examinations and Consultations"
    };
    Item {
        text: text.to_string(),
        category: "evaluation and management",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: !text.starts_with("Referral") && !text.starts_with("Consultation"),
        group: Group::Visit,
        region: Region::Lumbar,
        basis: basis(&[(&GENERAL, section)], &[(&ODG_PAIN, "Office visits")], &[]),
        reasons: VISIT_REASONS,
        generic: "the visit",
    }
}

fn behavioral(rng: &mut Rng) -> Item {
    use cite::{CHRONIC_PAIN as CP, ODG_MENTAL, STRESS};
    let text = rng.pick(&[
        "Psychological evaluation",
        "Cognitive behavioral therapy 6 sessions",
        "Psychotherapy 8 sessions",
        "Biofeedback 6 sessions",
        "Psychological testing",
    ]);
    Item {
        text: text.to_string(),
        category: "behavioral health",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: text.starts_with("Psychological e"),
        group: Group::Behavioral,
        region: Region::Head,
        basis: basis(
            &[(&CP, "Psychological evaluations"), (&CP, "Behavioral interventions"), (&STRESS, "Follow-up")],
            &[(&ODG_MENTAL, "Cognitive therapy for depression"), (&ODG_MENTAL, "Psychotherapy guidelines")],
            &[],
        ),
        reasons: BEHAVIORAL_REASONS,
        generic: "the psychological treatment",
    }
}

fn home_health(rng: &mut Rng) -> Item {
    use cite::CHRONIC_PAIN as CP;
    let text = rng.pick(&[
        "Home health care 4 hours a day, 5 days a week for 4 weeks",
        "Home health aide 3 hours a day 7 days a week",
        "Home health evaluation",
    ]);
    Item {
        text: text.to_string(),
        category: "home health",
        levels: Vec::new(),
        spelled: String::new(),
        partial: None,
        article: false,
        group: Group::HomeHealth,
        region: Region::Lumbar,
        basis: basis(&[(&CP, "Home health services")], &[], &[]),
        reasons: HOME_HEALTH_REASONS,
        generic: "home health care",
    }
}

/// Small numbers in words, as letters often write session counts.
fn word(n: u32) -> &'static str {
    const WORDS: [&str; 25] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "twenty-one",
        "twenty-two",
        "twenty-three",
        "twenty-four",
    ];
    WORDS.get(n as usize).copied().unwrap_or("several")
}

fn capitalised(w: &str) -> String {
    let mut s = String::with_capacity(w.len());
    let mut chars = w.chars();
    if let Some(c) = chars.next() {
        s.push(c.to_ascii_uppercase());
    }
    s.extend(chars);
    s
}

/// A retrospective request: the item as given, marked with its date of service.
fn retrospective(item: &mut Item, dos: (u32, u32, u32), rng: &mut Rng) {
    let (m, d, y) = dos;
    let mut s = String::with_capacity(item.text.len() + 40);
    match rng.below(4) {
        0 => {
            s.push_str("Retrospective: ");
            s.push_str(&item.text);
            let _ = write!(s, " (DOS {m:02}/{d:02}/{y})");
        }
        1 => {
            s.push_str("Retrospective request for ");
            s.push_str(&item.text);
            let _ = write!(s, " DOS {m}/{d}/{y}");
        }
        2 => {
            s.push_str("Retrospective ");
            s.push_str(&lower_first(&item.text));
            let _ = write!(s, ", DOS: {m:02}/{d:02}/{y}");
        }
        _ => {
            s.push_str(&item.text);
            let _ = write!(s, " (retrospective DOS {m:02}/{d:02}/{y})");
        }
    }
    item.text = s;
    item.article = false;
}

/// The text with its first letter in lower case, unless the first word is an acronym or a
/// name ("MRI", "TENS", "Norco" stays).
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    let (Some(a), Some(b)) = (chars.next(), chars.next()) else { return s.to_string() };
    let first_word = s.split(' ').next().unwrap_or(s);
    let keep = !b.is_lowercase() || a.is_ascii_digit() || PROPER.iter().any(|p| first_word.starts_with(p));
    if keep {
        s.to_string()
    } else {
        let mut out = String::with_capacity(s.len());
        out.push(a.to_ascii_lowercase());
        out.push_str(&s[a.len_utf8()..]);
        out
    }
}

/// Words that keep their capital (drug and device names, places).
const PROPER: &[&str] = &[
    "Norco",
    "Percocet",
    "Oxy",
    "Tramadol",
    "Ultram",
    "Nucynta",
    "Butrans",
    "Flexeril",
    "Tizanidine",
    "Soma",
    "Celebrex",
    "Omeprazole",
    "Prilosec",
    "Neurontin",
    "Lyrica",
    "Cymbalta",
    "Ambien",
    "Lunesta",
    "Lidoderm",
    "Terocin",
    "Voltaren",
    "Flector",
    "Viagra",
    "Theramine",
    "Synvisc",
    "Hydrocodone",
    "Cyclobenzaprine",
    "Gabapentin",
    "Naproxen",
    "Ibuprofen",
    "Meloxicam",
    "Diclofenac",
    "Etodolac",
    "Nabumetone",
    "Pantoprazole",
    "Ranitidine",
    "Ondansetron",
    "Docusate",
    "Topiramate",
    "Duloxetine",
    "Amitriptyline",
    "Trazodone",
    "Sertraline",
    "Zolpidem",
    "Alprazolam",
    "Lidocaine",
    "Flurbiprofen",
    "Ketoprofen",
    "Capsaicin",
    "Sumatriptan",
    "Baclofen",
    "Methocarbamol",
    "Orphenadrine",
    "Oxycodone",
    "OxyContin",
    "Right",
    "Left",
    "Bilateral",
    "Associated",
];

/// Letter-wide facts items depend on.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub region: Region,
    pub year: u16,
    /// Partial authorisations are written (layouts C and D).
    pub partial_ok: bool,
    /// A date of service for retrospective requests (month, day, year).
    pub dos: (u32, u32, u32),
}

/// The items of one letter: `n` of them, a surgery leading its associated services now and
/// then, the rest drawn from the mix of groups.
pub fn items(n: usize, ctx: Context, rng: &mut Rng) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(n);
    let surgical = rng.chance(if n == 1 { 90 } else { 140 });
    if surgical {
        let spine = matches!(ctx.region, Region::Lumbar | Region::Cervical) && rng.chance(700);
        let (lead, fusion) =
            if spine { spine_surgery(rng, ctx.region) } else { (joint_surgery(rng, ctx.region), false) };
        let extra = (n - 1).min(rng.below(5));
        out.push(lead);
        for _ in 0..extra {
            let a = associated(rng, &out[0], fusion);
            out.push(a);
        }
    }
    while out.len() < n {
        let region = if rng.chance(800) { ctx.region } else { *rng.pick_weighted(REGIONS) };
        let group = *rng.pick_weighted(GROUPS);
        let mut item = match group {
            Group::Drug => drug(rng, ctx.year, ctx.partial_ok),
            Group::PhysicalMedicine => physical_medicine(rng, region, ctx.partial_ok),
            Group::Diagnostic => diagnostic(rng, region),
            Group::Injection => injection(rng, region),
            Group::SpineSurgery => spine_surgery(rng, region).0,
            Group::JointSurgery => joint_surgery(rng, region),
            Group::Dme => dme(rng, region),
            Group::Program => program(rng),
            Group::Visit => visit(rng),
            Group::Behavioral => behavioral(rng),
            Group::HomeHealth => home_health(rng),
            // GROUPS never draws associated services: they only follow a surgery, above.
            Group::Associated => visit(rng),
        };
        if item.partial.is_none()
            && rng.chance(60)
            && matches!(item.group, Group::Drug | Group::Diagnostic | Group::Injection)
        {
            retrospective(&mut item, ctx.dos, rng);
        }
        out.push(item);
    }
    out
}
