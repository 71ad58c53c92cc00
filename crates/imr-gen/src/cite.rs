//! Guideline lines: what an item's Claims Administrator and IMR reviewer cited, written in
//! the spelling of the letter's era, with the canonical key of every source (the keys of
//! `data/tables/citations.tsv` as `src/letter/citations.rs` builds them).

use super::rng::Rng;
use super::vocab;

/// How the guideline lines of a letter are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 2013 notice (layout A): prose, "which is part of the MTUS".
    Notice,
    /// 2013-2015 (layout B): `MTUS ACOEM Page(s): 305-306`.
    Pages,
    /// 2015-2017 (layouts C, D): `MTUS Low Back Complaints 2004, Section(s): ...`.
    Sections,
    /// The review form (layout E): one guideline paragraph, `California MTUS, ...`.
    Review,
}

/// An MTUS guideline or chapter.
#[derive(Debug)]
pub struct Mtus {
    /// As the 2016 letters name it (`Low Back Complaints`).
    pub name: &'static str,
    pub key: &'static str,
    pub years: &'static [u16],
    /// ACOEM 2nd edition chapter number, its title as the 2013 notice prints it, and pages.
    pub acoem: Option<(u8, &'static str, u16, u16)>,
}

pub static LOW_BACK: Mtus = Mtus {
    name: "Low Back Complaints",
    key: "MTUS Low Back Complaints",
    years: &[2004],
    acoem: Some((12, "Low Back Complaints", 287, 326)),
};
pub static NECK: Mtus = Mtus {
    name: "Neck and Upper Back Complaints",
    key: "MTUS Neck and Upper Back Complaints",
    years: &[2004],
    acoem: Some((8, "Neck and Upper Back Complaints", 165, 194)),
};
pub static SHOULDER: Mtus = Mtus {
    name: "Shoulder Complaints",
    key: "MTUS Shoulder Complaints",
    years: &[2004],
    acoem: Some((9, "Shoulder Complaints", 195, 226)),
};
pub static ELBOW: Mtus = Mtus {
    name: "Elbow Complaints",
    key: "MTUS Elbow Complaints",
    years: &[2007],
    acoem: Some((10, "Elbow Complaints", 227, 252)),
};
pub static HAND: Mtus = Mtus {
    name: "Forearm, Wrist, and Hand Complaints",
    key: "MTUS Forearm, Wrist, and Hand Complaints",
    years: &[2004],
    acoem: Some((11, "Forearm, Wrist, and Hand Complaints", 253, 286)),
};
pub static KNEE: Mtus = Mtus {
    name: "Knee Complaints",
    key: "MTUS Knee Complaints",
    years: &[2004],
    acoem: Some((13, "Knee Complaints", 327, 360)),
};
pub static ANKLE: Mtus = Mtus {
    name: "Ankle and Foot Complaints",
    key: "MTUS Ankle and Foot Complaints",
    years: &[2004],
    acoem: Some((14, "Ankle and Foot Complaints", 361, 400)),
};
pub static GENERAL: Mtus = Mtus {
    name: "General Approaches",
    key: "MTUS General Approaches",
    years: &[2004],
    acoem: Some((7, "Independent Medical Examinations and Consultations", 127, 164)),
};
pub static STRESS: Mtus = Mtus {
    name: "Stress-Related Conditions",
    key: "MTUS Stress-Related Conditions",
    years: &[2004],
    acoem: Some((15, "Stress Related Conditions", 0, 0)),
};
pub static CHRONIC_PAIN: Mtus = Mtus {
    name: "Chronic Pain Medical Treatment",
    key: "MTUS Chronic Pain Medical Treatment",
    years: &[2009, 2016],
    acoem: None,
};
pub static OPIOID: Mtus = Mtus { name: "Opioid Treatment", key: "MTUS Opioid Treatment", years: &[2016], acoem: None };
pub static POSTSURGICAL: Mtus =
    Mtus { name: "Postsurgical Treatment", key: "MTUS Postsurgical Treatment", years: &[2009], acoem: None };
pub static ACUPUNCTURE: Mtus =
    Mtus { name: "Acupuncture Treatment", key: "MTUS Acupuncture Treatment", years: &[2007], acoem: None };

/// An Official Disability Guidelines chapter: spellings the table maps to one key.
#[derive(Debug)]
pub struct Odg {
    pub spellings: &'static [&'static str],
    pub key: &'static str,
    /// A guideline of its own rather than a body chapter ("Chiropractic Guidelines").
    pub whole: bool,
}

pub static ODG_LOW_BACK: Odg = Odg {
    spellings: &["Low Back", "Low Back", "Low Back - Lumbar & Thoracic (Acute & Chronic)", "Lumbar & Thoracic"],
    key: "ODG Low Back",
    whole: false,
};
pub static ODG_NECK: Odg =
    Odg { spellings: &["Neck and Upper Back", "Neck & Upper Back"], key: "ODG Neck and Upper Back", whole: false };
pub static ODG_SHOULDER: Odg =
    Odg { spellings: &["Shoulder", "Shoulder (Acute & Chronic)"], key: "ODG Shoulder", whole: false };
pub static ODG_ELBOW: Odg = Odg { spellings: &["Elbow", "Elbow (Acute & Chronic)"], key: "ODG Elbow", whole: false };
pub static ODG_HAND: Odg = Odg {
    spellings: &["Forearm, Wrist, & Hand", "Forearm, Wrist and Hand"],
    key: "ODG Forearm, Wrist and Hand",
    whole: false,
};
pub static ODG_CARPAL: Odg =
    Odg { spellings: &["Carpal Tunnel Syndrome"], key: "ODG Carpal Tunnel Syndrome", whole: false };
pub static ODG_HIP: Odg =
    Odg { spellings: &["Hip & Pelvis", "Hip and Pelvis"], key: "ODG Hip and Pelvis", whole: false };
pub static ODG_KNEE: Odg =
    Odg { spellings: &["Knee & Leg", "Knee and Leg", "Knee"], key: "ODG Knee and Leg", whole: false };
pub static ODG_ANKLE: Odg =
    Odg { spellings: &["Ankle & Foot", "Ankle and Foot"], key: "ODG Ankle and Foot", whole: false };
pub static ODG_PAIN: Odg = Odg {
    spellings: &["Pain (Chronic)", "Pain (Chronic)", "Pain", "Chronic Pain"],
    key: "ODG Pain (Chronic)",
    whole: false,
};
pub static ODG_MENTAL: Odg = Odg {
    spellings: &["Mental Illness & Stress", "Mental Illness and Stress"],
    key: "ODG Mental Illness and Stress",
    whole: false,
};
pub static ODG_HEAD: Odg = Odg { spellings: &["Head"], key: "ODG Head", whole: false };
pub static ODG_THERAPY: Odg = Odg {
    spellings: &["Physical Therapy Guidelines", "Physical/Occupational Therapy Guidelines"],
    key: "ODG Physical Therapy Guidelines",
    whole: true,
};
pub static ODG_CHIROPRACTIC: Odg = Odg {
    spellings: &["Chiropractic Guidelines", "Chiropractic guidelines"],
    key: "ODG Chiropractic Guidelines",
    whole: true,
};
pub static ODG_PREFACE: Odg = Odg { spellings: &["Preface"], key: "ODG Preface", whole: true };
pub static ODG_FITNESS: Odg = Odg { spellings: &["Fitness for Duty"], key: "ODG Fitness for Duty", whole: false };

/// An ACOEM 3rd edition chapter (outside the MTUS).
#[derive(Debug)]
pub struct Acoem3 {
    pub name: &'static str,
    pub key: &'static str,
}

pub static ACOEM_CHRONIC_PAIN: Acoem3 = Acoem3 { name: "Chronic Pain", key: "ACOEM 3rd ed. Chronic Pain" };
pub static ACOEM_LOW_BACK: Acoem3 = Acoem3 { name: "Low Back Disorders", key: "ACOEM 3rd ed. Low Back Disorders" };
pub static ACOEM_NECK: Acoem3 = Acoem3 {
    name: "Cervical and Thoracic Spine Disorders",
    key: "ACOEM 3rd ed. Cervical and Thoracic Spine Disorders",
};
pub static ACOEM_SHOULDER: Acoem3 = Acoem3 { name: "Shoulder Disorders", key: "ACOEM 3rd ed. Shoulder Disorders" };
pub static ACOEM_KNEE: Acoem3 = Acoem3 { name: "Knee Disorders", key: "ACOEM 3rd ed. Knee Disorders" };
pub static ACOEM_HAND: Acoem3 =
    Acoem3 { name: "Hand, Wrist, and Forearm Disorders", key: "ACOEM 3rd ed. Hand, Wrist, and Forearm Disorders" };
pub static ACOEM_ELBOW: Acoem3 = Acoem3 { name: "Elbow Disorders", key: "ACOEM 3rd ed. Elbow Disorders" };
pub static ACOEM_ANKLE: Acoem3 =
    Acoem3 { name: "Ankle and Foot Disorders", key: "ACOEM 3rd ed. Ankle and Foot Disorders" };
pub static ACOEM_OPIOIDS: Acoem3 = Acoem3 { name: "Opioids", key: "ACOEM 3rd ed. Opioids" };

/// A source outside the MTUS and ODG.
#[derive(Debug, Clone, Copy)]
pub enum Extra {
    /// UpToDate, with a topic.
    UpToDate(&'static str),
    Acoem(&'static Acoem3),
    /// A study (authors drawn at random).
    Study,
    /// A web page (host drawn at random), with a title.
    Url(&'static str),
    /// A named body: text, key.
    Named(&'static str, &'static str),
}

/// What an item's guideline lines draw on.
#[derive(Debug, Clone, Default)]
pub struct Basis {
    /// MTUS chapter and section.
    pub mtus: Vec<(&'static Mtus, &'static str)>,
    /// ODG chapter and topic.
    pub odg: Vec<(&'static Odg, &'static str)>,
    pub extra: Vec<Extra>,
}

/// One guideline line: the text after its label, and the keys it cites in order.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub text: String,
    pub keys: Vec<String>,
}

impl Line {
    fn key(&mut self, k: &str) {
        if !self.keys.iter().any(|x| x == k) {
            self.keys.push(k.to_string());
        }
    }

    fn sentence(&mut self) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
    }
}

/// Who is citing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Ur,
    Imr,
}

/// Letter-wide facts that change the spelling: the era and the decision year.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub era: Era,
    pub year: u16,
}

fn push_num(s: &mut String, n: u32) {
    use std::fmt::Write;
    let _ = write!(s, "{n}");
}

fn mtus_year(m: &Mtus, ctx: Context, rng: &mut Rng) -> u16 {
    match m.years {
        [2009, 2016] if ctx.year >= 2017 => 2016,
        [2009, 2016] if ctx.year == 2016 => rng.pick(&[2009, 2016]),
        [2009, 2016] => 2009,
        years => years[0],
    }
}

fn pages(rng: &mut Rng, lo: u16, hi: u16) -> String {
    let a = rng.range(u32::from(lo), u32::from(hi).saturating_sub(2).max(u32::from(lo)));
    let mut s = String::new();
    push_num(&mut s, a);
    if rng.chance(550) {
        s.push('-');
        push_num(&mut s, a + 1 + rng.below(2) as u32);
    }
    s
}

/// Pages of the Chronic Pain guideline for a section (fixed by the section's first letter so
/// the same section keeps its pages).
fn chronic_pain_pages(section: &str) -> String {
    let h = section.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let first = 10 + h % 110;
    let mut s = String::new();
    push_num(&mut s, first);
    s.push('-');
    push_num(&mut s, first + 1 + h % 4);
    s
}

/// Writes one MTUS citation (no "Decision based on" prefix) in the era's spelling.
fn mtus_text(line: &mut Line, m: &'static Mtus, section: &str, ctx: Context, rng: &mut Rng) {
    let t = &mut line.text;
    match ctx.era {
        Era::Sections => {
            t.push_str(m.name);
            t.push(' ');
            push_num(t, u32::from(mtus_year(m, ctx, rng)));
            if !section.is_empty() && rng.chance(850) {
                t.push_str(", Section(s): ");
                t.push_str(section);
            }
        }
        Era::Pages => match m.acoem {
            Some((_, _, lo, hi)) if lo > 0 && rng.chance(500) => {
                t.push_str("ACOEM Page(s): ");
                t.push_str(&pages(rng, lo, hi));
            }
            Some((n, title, lo, hi)) => {
                t.push_str("ACOEM Chapter ");
                push_num(t, u32::from(n));
                t.push(' ');
                t.push_str(title);
                if lo > 0 {
                    t.push_str(" Page(s): ");
                    t.push_str(&pages(rng, lo, hi));
                }
            }
            None => {
                t.push_str(m.name);
                t.push_str(" Guidelines");
                if std::ptr::eq(m, &CHRONIC_PAIN) && !section.is_empty() {
                    t.push(' ');
                    t.push_str(section);
                    t.push_str(" Page(s): ");
                    t.push_str(&chronic_pain_pages(section));
                }
            }
        },
        Era::Notice | Era::Review => match m.acoem {
            Some((n, title, lo, hi)) => {
                t.push_str("ACOEM Occupational Medicine Practice Guidelines, 2nd Edition (2004), Chapter ");
                push_num(t, u32::from(n));
                t.push_str(", ");
                t.push_str(title);
                if lo > 0 {
                    let p = pages(rng, lo, hi);
                    t.push_str(if p.contains('-') { ", pages " } else { ", page " });
                    t.push_str(&p);
                }
            }
            None => {
                t.push_str(if std::ptr::eq(m, &ACUPUNCTURE) { "Acupuncture Medical Treatment" } else { m.name });
                t.push_str(" Guidelines (");
                push_num(t, u32::from(m.years[0]));
                t.push(')');
                if !section.is_empty() {
                    t.push_str(", ");
                    t.push_str(section);
                    if std::ptr::eq(m, &CHRONIC_PAIN) {
                        t.push_str(", pages ");
                        t.push_str(&chronic_pain_pages(section));
                    }
                }
            }
        },
    }
    line.key(m.key);
}

/// Writes one ODG citation (from "Official Disability Guidelines" / "ODG" on).
fn odg_text(line: &mut Line, o: &'static Odg, topic: &str, ctx: Context, rng: &mut Rng) {
    let ch = rng.pick(o.spellings);
    let t = &mut line.text;
    if o.whole {
        // Guidelines that are not body chapters: "ODG Chiropractic Guidelines",
        // "Official Disability Guidelines (ODG), Physical Therapy Guidelines: ...".
        t.push_str(rng.pick(&["ODG ", "Official Disability Guidelines (ODG), ", "Official Disability Guidelines, "]));
        t.push_str(ch);
        if rng.chance(500) {
            t.push_str(if ch == "Preface" { " - " } else { ": " });
            t.push_str(topic);
        }
        line.key(o.key);
        return;
    }
    let form = match ctx.era {
        Era::Notice => rng.pick(&[0u8, 1, 7]),
        Era::Review => 2,
        Era::Pages => rng.pick(&[1u8, 2, 3, 3, 0]),
        Era::Sections => rng.below(11) as u8,
    };
    match form {
        0 => {
            t.push_str("Official Disability Guidelines (ODG) ");
            t.push_str(ch);
            t.push_str(", ");
        }
        1 => {
            t.push_str("ODG ");
            t.push_str(ch);
            t.push_str(" Chapter, ");
        }
        2 => {
            t.push_str("Official Disability Guidelines: ");
            t.push_str(ch);
            t.push_str(", ");
        }
        3 => {
            t.push_str("ODG-TWC ");
            t.push_str(ch);
            t.push_str(" Procedure Summary, ");
        }
        4 => {
            t.push_str("Official Disability Guidelines, ");
            push_num(t, u32::from(ctx.year.saturating_sub(rng.below(2) as u16)));
            t.push_str(", Web Version, ");
            t.push_str(ch);
            t.push_str(", ");
        }
        5 | 6 => {
            t.push_str(if form == 5 { "Official Disability Guidelines, " } else { "ODG " });
            t.push_str(ch);
            t.push_str(" (updated ");
            let (m, d) = (rng.range(1, 12), rng.range(1, 28));
            if m < 10 {
                t.push('0');
            }
            push_num(t, m);
            t.push('/');
            if d < 10 {
                t.push('0');
            }
            push_num(t, d);
            t.push('/');
            push_num(t, u32::from(ctx.year % 100).saturating_sub(rng.below(2) as u32));
            t.push_str("), ");
        }
        8 => {
            // The chapter alone.
            t.push_str(rng.pick(&["ODG ", "Official Disability Guidelines (ODG), "]));
            t.push_str(ch);
            if rng.chance(500) {
                t.push_str(" Chapter");
            }
            line.key(o.key);
            return;
        }
        9 => {
            t.push_str("Official Disability Guidelines: ");
            t.push_str(ch);
            t.push_str(" - ");
        }
        10 => {
            t.push_str("Official Disability Guidelines (ODG) ");
            t.push_str(ch);
            t.push_str(" (");
            t.push_str(topic);
            t.push(')');
            line.key(o.key);
            return;
        }
        _ => {
            t.push_str("Official Disability Guidelines (ODG), ");
            t.push_str(ch);
            t.push_str(" Chapter, ");
        }
    }
    t.push_str(topic);
    line.key(o.key);
}

fn extra_text(line: &mut Line, e: Extra, ctx: Context, rng: &mut Rng) {
    match e {
        Extra::UpToDate(topic) => {
            if rng.chance(700) {
                line.text.push_str("UpToDate, ");
                line.text.push_str(topic);
            } else {
                line.text.push_str(topic);
                line.text.push_str(", accessed from UpToDate.com on ");
                push_num(&mut line.text, rng.range(1, 12));
                line.text.push('/');
                push_num(&mut line.text, rng.range(1, 28));
                line.text.push('/');
                push_num(&mut line.text, u32::from(ctx.year));
            }
            line.key("UpToDate");
        }
        Extra::Acoem(a) => {
            let t = &mut line.text;
            if rng.chance(200) {
                t.push_str("ACOEM Occupational Medicine Practice Guidelines, 3rd ed., ");
                t.push_str(a.name);
                t.push_str(", pg. ");
                push_num(t, rng.range(20, 900));
                line.key(a.key);
                return;
            }
            if rng.chance(600) {
                t.push_str("ACOEM Practice Guidelines, 3rd Edition (2011), ");
                t.push_str(a.name);
                t.push_str(" Chapter");
            } else {
                t.push_str("ACOEM Occupational Medicine Practice Guidelines, 3rd Edition, ");
                t.push_str(a.name);
            }
            t.push_str(", pages ");
            let p = rng.range(300, 1100);
            push_num(t, p);
            t.push('-');
            push_num(t, p + rng.range(1, 6));
            line.key(a.key);
        }
        Extra::Study => {
            let first = rng.pick(vocab::SURNAMES);
            let initials = initials(rng);
            let second = rng.pick(vocab::SURNAMES);
            let second_initials = initials_of(rng);
            let title = rng.pick(vocab::STUDY_TITLES);
            let journal = rng.pick(vocab::JOURNALS);
            let year = rng.range(1998, u32::from(ctx.year) - 1);
            let t = &mut line.text;
            t.push_str("study by ");
            t.push_str(first);
            t.push(' ');
            t.push_str(&initials);
            t.push_str(", ");
            t.push_str(second);
            t.push(' ');
            t.push_str(second_initials);
            t.push_str(", ");
            t.push_str(title);
            t.push_str(", ");
            t.push_str(journal);
            t.push_str(", ");
            push_num(t, year);
            line.key(&format!("Study: {first} {initials}"));
        }
        Extra::Url(title) => {
            let host = rng.pick(vocab::URL_HOSTS);
            let t = &mut line.text;
            t.push_str(title);
            t.push_str(", ");
            let scheme = !host.starts_with("www.") || rng.chance(600);
            // Long addresses break across lines: after the scheme, after a slash, or now and
            // then inside the host name.
            let brk = rng.below(100);
            if scheme {
                t.push_str("http://");
                if brk < 15 {
                    t.push('\n');
                }
            }
            match host.match_indices('.').nth(1).filter(|_| brk >= 90) {
                Some((dot, _)) => {
                    t.push_str(&host[..=dot]);
                    t.push('\n');
                    t.push_str(&host[dot + 1..]);
                }
                None => t.push_str(host),
            }
            t.push_str("/guide/");
            if (15..40).contains(&brk) {
                t.push('\n');
            }
            push_num(t, rng.range(100, 99999));
            t.push('/');
            t.push_str(rng.pick(&["summary.html", "index.htm", "overview", "full.pdf"]));
            line.key(&format!("URL: {host}"));
        }
        Extra::Named(text, key) => {
            line.text.push_str(text);
            line.key(key);
        }
    }
}

fn initials(rng: &mut Rng) -> String {
    initials_of(rng).to_string()
}

fn initials_of(rng: &mut Rng) -> &'static str {
    rng.pick(&["R", "J", "MJ", "AL", "T", "EJ", "K", "SD", "P", "WC", "JA", "LM", "B", "DC", "H"])
}

/// The Claims Administrator's (`By::Ur`) or the reviewer's (`By::Imr`) line for one item,
/// in layouts A-D. `ur` is the Claims Administrator's line when writing the reviewer's.
pub fn line(basis: &Basis, by: By, ur: Option<&Line>, ctx: Context, rng: &mut Rng) -> Line {
    let mut line = Line::default();
    let who = if by == By::Ur { "The Claims Administrator" } else { "The Expert Reviewer" };
    if by == By::Ur && rng.chance(170) {
        line.text.push_str("The Claims Administrator did not cite any medical evidence for its decision.");
        line.key("No evidence cited");
        return line;
    }
    if by == By::Imr && ctx.era != Era::Notice && rng.chance(25) {
        line.text.push_str("The Expert Reviewer did not cite any medical evidence for its decision.");
        line.key("No evidence cited");
        return line;
    }
    if by == By::Imr && ctx.era == Era::Notice {
        if let Some(ur) = ur.filter(|_| rng.chance(250)) {
            line.text.push_str(
                "The Expert Reviewer found that the guidelines relied upon by the Claims Administrator were relevant and appropriate for the issue at dispute.",
            );
            line.keys = ur.keys.clone();
            return line;
        }
    }
    let use_mtus = !basis.mtus.is_empty() && (by == By::Imr || rng.chance(800));
    let use_odg = !basis.odg.is_empty() && (!use_mtus || rng.chance(if by == By::Ur { 550 } else { 200 }));
    let use_extra = !basis.extra.is_empty() && (rng.chance(150) || (!use_mtus && !use_odg));
    if !use_mtus && !use_odg && !use_extra {
        // Nothing to cite for this kind of item in this era: say so, as the letters do.
        line.text.push_str("The Claims Administrator did not cite any medical evidence for its decision.");
        if by == By::Imr {
            line.text.clear();
            line.text.push_str("The Expert Reviewer did not cite any medical evidence for its decision.");
        }
        line.key("No evidence cited");
        return line;
    }
    match ctx.era {
        Era::Notice => {
            line.text.push_str(who);
            line.text.push_str(if by == By::Ur {
                " based its decision on the "
            } else {
                " based his or her decision on the "
            });
            if use_mtus {
                let (m, s) = basis.mtus[rng.below(basis.mtus.len())];
                mtus_text(&mut line, m, s, ctx, rng);
                line.text.push_str(", which is part of the MTUS");
                if use_odg {
                    line.text.push_str(", and on the ");
                }
            }
            if use_odg {
                let (o, topic) = basis.odg[rng.below(basis.odg.len())];
                odg_text(&mut line, o, topic, ctx, rng);
                line.text.push_str(", which is not part of the MTUS");
            }
            line.text.push('.');
            let acoem = basis.extra.iter().find_map(|e| if let Extra::Acoem(a) = e { Some(*a) } else { None });
            if let Some(a) = acoem.filter(|_| rng.chance(40)) {
                line.text.clear();
                line.keys.clear();
                line.text.push_str(who);
                line.text.push_str(if by == By::Ur {
                    " based its decision on the "
                } else {
                    " based his or her decision on the "
                });
                line.text.push_str("ACOEM Practice Guidelines, 3rd Edition (2011), ");
                line.text.push_str(a.name);
                line.text.push_str(" Chapter, which is not part of the MTUS.");
                line.key(a.key);
            } else if use_extra && !use_mtus && !use_odg {
                // The notice never cites a non-guideline source on its own; fall back.
                line.text.clear();
                line.keys.clear();
                line.text.push_str(who);
                line.text.push_str(" did not cite any medical evidence for its decision.");
                line.key("No evidence cited");
            }
        }
        Era::Pages | Era::Sections | Era::Review => {
            if use_mtus {
                line.text.push_str("Decision based on MTUS ");
                let n = if basis.mtus.len() > 1 && ctx.era == Era::Sections && rng.chance(250) { 2 } else { 1 };
                let first = rng.below(basis.mtus.len());
                for k in 0..n {
                    let (m, s) = basis.mtus[(first + k) % basis.mtus.len()];
                    if k > 0 {
                        line.text.push_str(", and ");
                    }
                    mtus_text(&mut line, m, s, ctx, rng);
                }
                line.text.push('.');
            } else if rng.chance(500) && ctx.era == Era::Sections {
                line.sentence();
                line.text.push_str(who);
                line.text.push_str(" based their decision on recommendation(s) outside of the MTUS Guidelines.");
            }
            if use_odg {
                line.sentence();
                line.text.push_str("Decision based on Non-MTUS Citation ");
                let (o, topic) = basis.odg[rng.below(basis.odg.len())];
                odg_text(&mut line, o, topic, ctx, rng);
                line.text.push('.');
            }
            if use_extra {
                line.sentence();
                line.text.push_str("Decision based on Non-MTUS Citation ");
                let e = basis.extra[rng.below(basis.extra.len())];
                extra_text(&mut line, e, ctx, rng);
                line.text.push('.');
            }
        }
    }
    line
}

/// The single guideline paragraph of the review form (layout E), for all its items.
pub fn review_paragraph(bases: &[&Basis], ctx: Context, rng: &mut Rng) -> Line {
    let mut line = Line::default();
    for b in bases {
        if let Some(&(m, s)) = b.mtus.first() {
            line.sentence();
            line.text.push_str("California MTUS, ");
            mtus_text(&mut line, m, s, ctx, rng);
            line.text.push('.');
        }
        if let Some(&(o, topic)) = b.odg.first().filter(|_| rng.chance(650) || b.mtus.is_empty()) {
            line.sentence();
            odg_text(&mut line, o, topic, ctx, rng);
            line.text.push('.');
        }
    }
    if line.keys.is_empty() {
        line.text.push_str("Official Disability Guidelines: Pain (Chronic), Opioids, criteria for use.");
        line.key("ODG Pain (Chronic)");
    }
    line.sentence();
    line.text.push_str(
        "These guidelines were used because they are the sections of the MTUS that address the requested treatment, and the ODG was consulted where the MTUS does not address the request.",
    );
    line
}
