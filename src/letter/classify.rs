//! What kind of treatment a disputed item is, and which parts of the body it concerns: the
//! procedure category (`pharmaceuticals` / `opioids`, `surgery` / `spine surgery`, ...) and the
//! body regions (`lumbar spine`, `knee`, ...) that annual-report style tables count by.
//!
//! The vocabulary is data, not code: `data/tables/procedure-categories.tsv` and
//! `data/tables/body-regions.tsv`, which users read and extend (their own rows come first, see
//! [`Classifier::with_extra`]). The only rule in code is the reading of spinal levels
//! (`L4-5`, `C5-C6`, `T12`) into spine regions.
//!
//! Pure: no IO. Every pattern of a table is compiled into one [`RegexSet`], once. Patterns are
//! compiled in lower case and items are lower-cased before matching: a case-insensitive set of
//! a thousand patterns takes far longer to compile (about 0.3 s against 0.02 s).

use super::levels::{self, Vertebra};
use regex::{RegexSet, RegexSetBuilder};
use std::sync::LazyLock;

/// The built-in category table.
pub const BUILTIN_CATEGORIES: &str = include_str!("../../data/tables/procedure-categories.tsv");
/// The built-in body-region table.
pub const BUILTIN_REGIONS: &str = include_str!("../../data/tables/body-regions.tsv");

/// Every procedure category, in report order; `other` is what nothing in the table matches.
pub const CATEGORIES: [&str; 11] = [
    "pharmaceuticals",
    "physical medicine",
    "diagnostics",
    "injections",
    "surgery",
    "dme",
    "evaluation and management",
    "programs",
    "behavioral health",
    "home health",
    "other",
];

/// Every body region, in the order [`Classifier::regions`] lists them.
pub const REGIONS: [&str; 12] = [
    "cervical spine",
    "thoracic spine",
    "lumbar spine",
    "shoulder",
    "elbow",
    "wrist and hand",
    "hip",
    "knee",
    "ankle and foot",
    "head",
    "upper extremity",
    "lower extremity",
];

const CERVICAL: usize = 0;
const THORACIC: usize = 1;
const LUMBAR: usize = 2;

/// Names used in errors for the two tables.
const CATEGORY_TABLE: &str = "procedure-categories.tsv";
const REGION_TABLE: &str = "body-regions.tsv";
const EXTRA_CATEGORY_TABLE: &str = "extra procedure-categories table";
const EXTRA_REGION_TABLE: &str = "extra body-regions table";

/// A procedure category and, where the table gives one, its subcategory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub category: String,
    pub subcategory: Option<String>,
}

impl Category {
    fn other() -> Category {
        Category { category: "other".to_string(), subcategory: None }
    }
}

/// A row of a table that cannot be used: which table, which line (1-based; 0 when the table as
/// a whole failed to compile), and why.
#[derive(Debug, thiserror::Error)]
#[error("{table} line {line}: {reason}")]
pub struct TableError {
    pub table: String,
    pub line: usize,
    pub reason: String,
}

/// The two tables, compiled.
pub struct Classifier {
    categories: RegexSet,
    /// What each pattern of `categories` gives, in table order (first match wins).
    category_of: Vec<Category>,
    regions: RegexSet,
    /// The index in [`REGIONS`] of each pattern of `regions`.
    region_of: Vec<usize>,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("category_rows", &self.category_of.len())
            .field("region_rows", &self.region_of.len())
            .finish()
    }
}

/// One usable table row: the regex its pattern compiles to, and what it gives.
pub(super) struct Row<T> {
    pub(super) regex: String,
    pub(super) value: T,
}

impl Classifier {
    /// The built-in tables (compiled once; cheap to call).
    pub fn builtin() -> &'static Classifier {
        static BUILTIN: LazyLock<Classifier> = LazyLock::new(|| {
            Classifier::new(BUILTIN_CATEGORIES, BUILTIN_REGIONS).expect("the built-in tables are valid")
        });
        &BUILTIN
    }

    /// Tables from text, in the format of the built-in ones; they replace the built-in tables.
    pub fn new(categories: &str, regions: &str) -> Result<Classifier, TableError> {
        let categories = category_rows(categories, CATEGORY_TABLE)?;
        let regions = region_rows(regions, REGION_TABLE)?;
        Classifier::compile(categories, regions, CATEGORY_TABLE, REGION_TABLE)
    }

    /// The built-in tables with a user's own rows, which are consulted BEFORE the built-in
    /// rows: an extra category row overrides any built-in row that also matches the item.
    pub fn with_extra(extra_categories: Option<&str>, extra_regions: Option<&str>) -> Result<Classifier, TableError> {
        let mut categories = match extra_categories {
            Some(text) => category_rows(text, EXTRA_CATEGORY_TABLE)?,
            None => Vec::new(),
        };
        categories.extend(category_rows(BUILTIN_CATEGORIES, CATEGORY_TABLE)?);
        let mut regions = match extra_regions {
            Some(text) => region_rows(text, EXTRA_REGION_TABLE)?,
            None => Vec::new(),
        };
        regions.extend(region_rows(BUILTIN_REGIONS, REGION_TABLE)?);
        let name = |extra: Option<&str>, extra_name: &str, builtin: &str| {
            if extra.is_some() {
                format!("{extra_name} with {builtin}")
            } else {
                builtin.to_string()
            }
        };
        Classifier::compile(
            categories,
            regions,
            &name(extra_categories, EXTRA_CATEGORY_TABLE, CATEGORY_TABLE),
            &name(extra_regions, EXTRA_REGION_TABLE, REGION_TABLE),
        )
    }

    fn compile(
        categories: Vec<Row<Category>>,
        regions: Vec<Row<usize>>,
        category_table: &str,
        region_table: &str,
    ) -> Result<Classifier, TableError> {
        let (category_set, category_of) = compile_set(categories, category_table)?;
        let (region_set, region_of) = compile_set(regions, region_table)?;
        Ok(Classifier { categories: category_set, category_of, regions: region_set, region_of })
    }

    /// Category of a disputed item: the first table row found in it; `other` (no subcategory)
    /// when nothing matches.
    pub fn category(&self, item: &str) -> Category {
        match self.categories.matches(&item.to_lowercase()).iter().next() {
            Some(row) => self.category_of[row].clone(),
            None => Category::other(),
        }
    }

    /// Body regions named in the item, de-duplicated, in the order of [`REGIONS`] (the order
    /// of the built-in table), spine regions from spinal levels too; empty when none.
    pub fn regions(&self, item: &str) -> Vec<String> {
        let mut found = [false; REGIONS.len()];
        for row in self.regions.matches(&item.to_lowercase()).iter() {
            found[self.region_of[row]] = true;
        }
        for region in spine_regions(item) {
            found[region] = true;
        }
        REGIONS.iter().zip(found).filter(|(_, hit)| *hit).map(|(name, _)| name.to_string()).collect()
    }
}

pub(super) fn compile_set<T>(rows: Vec<Row<T>>, table: &str) -> Result<(RegexSet, Vec<T>), TableError> {
    let set = RegexSetBuilder::new(rows.iter().map(|r| &r.regex))
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| TableError {
            table: table.to_string(),
            line: 0,
            reason: format!("cannot compile the table: {e}"),
        })?;
    Ok((set, rows.into_iter().map(|r| r.value).collect()))
}

/// Data lines of a table: (1-based line number, tab-separated cells). Blank lines and lines
/// starting with `#` are skipped; a byte-order mark before the first line is ignored.
pub(super) fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(n, line)| {
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then(|| (n + 1, line.split('\t').collect()))
    })
}

fn category_rows(text: &str, table: &str) -> Result<Vec<Row<Category>>, TableError> {
    let mut rows = Vec::new();
    for (line, cells) in data_lines(text) {
        let err = |reason: String| TableError { table: table.to_string(), line, reason };
        if !(2..=3).contains(&cells.len()) {
            return Err(err(format!(
                "expected 3 tab-separated columns (pattern, category, subcategory), found {}",
                cells.len()
            )));
        }
        let regex = pattern_regex(cells[0]).map_err(err)?;
        let name = cells[1].trim();
        let category = CATEGORIES.iter().find(|c| c.eq_ignore_ascii_case(name)).ok_or_else(|| {
            err(format!("unknown category \"{name}\" (the categories are: {})", CATEGORIES.join(", ")))
        })?;
        let subcategory = cells.get(2).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        rows.push(Row { regex, value: Category { category: category.to_string(), subcategory } });
    }
    Ok(rows)
}

fn region_rows(text: &str, table: &str) -> Result<Vec<Row<usize>>, TableError> {
    let mut rows = Vec::new();
    for (line, cells) in data_lines(text) {
        let err = |reason: String| TableError { table: table.to_string(), line, reason };
        if cells.len() != 2 {
            return Err(err(format!("expected 2 tab-separated columns (pattern, region), found {}", cells.len())));
        }
        let regex = pattern_regex(cells[0]).map_err(err)?;
        let name = cells[1].trim();
        let region = REGIONS
            .iter()
            .position(|r| r.eq_ignore_ascii_case(name))
            .ok_or_else(|| err(format!("unknown region \"{name}\" (the regions are: {})", REGIONS.join(", "))))?;
        rows.push(Row { regex, value: region });
    }
    Ok(rows)
}

/// What a space, hyphen, slash or full stop in a pattern matches: any run of them, or none.
const SEPARATOR: &str = r"[\s\-/.\x{2010}-\x{2015}]*";

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '/' | '.' | '\u{2010}'..='\u{2015}')
}

/// A word boundary before or after `c`, when `c` is part of a word; nothing otherwise (`#3`
/// needs no boundary before the `#`). ASCII boundaries keep the set on the fast DFA path.
fn boundary(c: char) -> &'static str {
    if c.is_ascii_alphanumeric() || c == '_' {
        r"(?-u:\b)"
    } else if c.is_alphanumeric() {
        r"\b"
    } else {
        ""
    }
}

/// A table pattern as a regex: whole words, `*` at either end for an open end, separators
/// matching each other.
pub(super) fn pattern_regex(pattern: &str) -> Result<String, String> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err("empty pattern".to_string());
    }
    let (open_start, rest) = match pattern.strip_prefix('*') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let (open_end, core) = match rest.strip_suffix('*') {
        Some(core) => (true, core),
        None => (false, rest),
    };
    if core.contains('*') {
        return Err(format!("pattern \"{pattern}\": a \"*\" may only begin or end a pattern"));
    }
    if !core.chars().any(char::is_alphanumeric) {
        return Err(format!("pattern \"{pattern}\" has no letter or digit"));
    }
    let mut regex = String::new();
    if !open_start {
        regex.push_str(core.chars().next().map_or("", boundary));
    }
    let mut after_separator = false;
    for c in core.chars() {
        if is_separator(c) {
            if !after_separator {
                regex.push_str(SEPARATOR);
            }
            after_separator = true;
        } else {
            regex.push_str(&regex::escape(&c.to_lowercase().to_string()));
            after_separator = false;
        }
    }
    if !open_end {
        regex.push_str(core.chars().last().map_or("", boundary));
    }
    Ok(regex)
}

// A vertebra on its own: `T12`, `C7`, `S1`.
re!(VERTEBRA, r"(?i-u:\b)([CTLS])([0-9]{1,2})(?-u:\b)");

/// The spine regions (indexes into [`REGIONS`]) that spinal levels in `item` name: levels and
/// ranges (`L4-5`, `C7-T1`, `L4-S1`) by both ends, and lone vertebrae (`T12`) except T1-T4,
/// which also name MRI sequences (`T2-weighted`) and thyroid tests (`T3`, `T4`).
fn spine_regions(item: &str) -> Vec<usize> {
    if !item.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for level in levels::find(item) {
        out.push(spine_region(level.from));
        out.push(spine_region(level.to));
    }
    for cap in VERTEBRA.captures_iter(item) {
        let letter = cap[1].chars().next().unwrap_or('L');
        let Ok(number) = cap[2].parse::<u8>() else { continue };
        if letter.eq_ignore_ascii_case(&'T') && number <= 4 {
            continue;
        }
        if let Some(v) = Vertebra::new(letter, number) {
            out.push(spine_region(v));
        }
    }
    out
}

fn spine_region(v: Vertebra) -> usize {
    let v = Some(v);
    if v <= Vertebra::new('C', 7) {
        CERVICAL
    } else if v <= Vertebra::new('T', 12) {
        THORACIC
    } else {
        LUMBAR
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// (category, subcategory or "", regions) of an item with the built-in tables.
    fn classify(item: &str) -> (String, String, Vec<String>) {
        let c = Classifier::builtin();
        let k = c.category(item);
        (k.category, k.subcategory.unwrap_or_default(), c.regions(item))
    }

    #[track_caller]
    fn check(item: &str, category: &str, subcategory: &str, regions: &[&str]) {
        assert_eq!(classify(item), (category.to_string(), subcategory.to_string(), strings(regions)), "{item}");
    }

    #[track_caller]
    fn check_category(item: &str, category: &str, subcategory: &str) {
        let k = Classifier::builtin().category(item);
        assert_eq!((k.category.as_str(), k.subcategory.as_deref().unwrap_or("")), (category, subcategory), "{item}");
    }

    #[track_caller]
    fn check_regions(item: &str, regions: &[&str]) {
        assert_eq!(Classifier::builtin().regions(item), strings(regions), "{item}");
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn built_in_tables_compile_and_use_every_name() {
        let c = Classifier::builtin();
        for category in CATEGORIES {
            assert!(c.category_of.iter().any(|k| k.category == category), "no row gives {category}");
        }
        for (i, region) in REGIONS.iter().enumerate() {
            assert!(c.region_of.contains(&i), "no row gives {region}");
        }
        // Regions first appear in the table in REGIONS order, so "table order" and that order agree.
        let mut first_seen = Vec::new();
        for &r in &c.region_of {
            if !first_seen.contains(&r) {
                first_seen.push(r);
            }
        }
        assert_eq!(first_seen, (0..REGIONS.len()).collect::<Vec<_>>());
    }

    #[test]
    fn traps() {
        check_category("Associated surgical service: Physical Therapy", "surgery", "associated surgical services");
        check_category(
            "Associated surgical service: Physical Therapy sessions, 12",
            "surgery",
            "associated surgical services",
        );
        check_category("Post-op physical therapy 2 times a week for 4 weeks", "physical medicine", "physical therapy");
        check_category("Postoperative physical therapy 6 sessions", "physical medicine", "physical therapy");
        check_category("Pre-op labs: CBC", "diagnostics", "labs and drug testing");
        check_category("Pre-op labs: PT/PTT", "diagnostics", "labs and drug testing");
        check_category("Pre-op urinalysis", "diagnostics", "labs and drug testing");
        check_category("Pre-op chest x-ray", "diagnostics", "imaging");
        check_category("Pre-op Clearance", "surgery", "associated surgical services");
        check_category("Labs to include: EKG", "diagnostics", "other tests");
        check_category("Labs to include: Chest X-ray", "diagnostics", "imaging");
        check_category("MRI/CT of the spine and pelvis", "diagnostics", "imaging");
        check_category(
            "Consult with hip replacement specialist to evaluation for a total hip arthroplasty",
            "evaluation and management",
            "consultations and referrals",
        );
        check_category(
            "Spine surgery evaluation for the lumbar",
            "evaluation and management",
            "consultations and referrals",
        );
        check_category(
            "Right knee arthroscopy with evaluation of ACL, medical meniscectomy",
            "surgery",
            "joint surgery",
        );
        check_category(
            "Lumbar epidural steroid injection with pain interventionist consult and treatment",
            "injections",
            "epidural steroid injections",
        );
        check_category(
            "Post-op Norco 5/325mg #60, 1-2 tabs orally every 4-6 hrs as needed",
            "pharmaceuticals",
            "opioids",
        );
        check_category("Psychiatric consultation", "behavioral health", "evaluation and testing");
        check_category(
            "Medication management consultation",
            "evaluation and management",
            "consultations and referrals",
        );
        check_category(
            "Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5% in cream base",
            "pharmaceuticals",
            "topicals and compounds",
        );
        check_category(
            "Dextromethorphan 5%/Amitriptyline 5%/Lidocaine/Capsaicin 0.025%, 120grams #1",
            "pharmaceuticals",
            "topicals and compounds",
        );
        check_category("Butrans 10mcg/hr patch #4", "pharmaceuticals", "opioids");
        check_category("Retrospective E-stim (DOS 12/29/16)", "physical medicine", "modalities");
        check_category("E-stim unit, 30 day rental", "dme", "electrotherapy devices");
        check_category("TENS unit patches", "dme", "electrotherapy devices");
        check_category("Ultrasound therapy 6 sessions", "physical medicine", "modalities");
        check_category("Ultrasound-guided injection of the right shoulder", "injections", "other injections");
        check_category("Transportation to and from medical appointments", "other", "transportation");
        check_category(
            "Daily RN for 4 weeks for wound care and monitoring of wound healing and home safety, medication management",
            "home health",
            "",
        );
    }

    #[test]
    fn retrospective_and_dates_do_not_change_the_category() {
        for (plain, dated) in [
            ("TENS unit, purchase, lumbar spine", "Retrospective TENS unit, purchase, lumbar spine (DOS 12/29/16)"),
            ("urine drug screen", "Retrospective: urine drug screen (DOS 12/13/2016)"),
            ("Cyclobenzaprine 5mg tab #30", "Retrospective Cyclobenzaprine 5mg tab #30 DOS: 11/14/16"),
            ("CT scan of the cervical spine", "Retrospective CT scan of the cervical spine (DOS 11/18/16)"),
        ] {
            assert_eq!(classify(plain), classify(dated), "{dated}");
            assert_ne!(classify(plain).0, "other", "{plain}");
        }
    }

    #[test]
    fn one_item_of_each_category() {
        check("Norco 10/325mg #90", "pharmaceuticals", "opioids", &[]);
        check("Physical therapy 2 times a week for 6 weeks", "physical medicine", "physical therapy", &[]);
        check("MRI of the right shoulder without contrast", "diagnostics", "imaging", &["shoulder"]);
        check(
            "Lumbar epidural steroid injection at L4-5",
            "injections",
            "epidural steroid injections",
            &["lumbar spine"],
        );
        check("L4-5 fusion", "surgery", "spine surgery", &["lumbar spine"]);
        check("Hospital bed for an unspecified rental", "dme", "home and mobility equipment", &[]);
        check("Follow up office visit times 2", "evaluation and management", "follow-up visits", &[]);
        check("Functional restoration program 10 days", "programs", "functional restoration", &[]);
        check("Psychological evaluation", "behavioral health", "evaluation and testing", &[]);
        check("Home health aide 4 hours a day", "home health", "", &[]);
        check("Xyzzy", "other", "", &[]);
        check("", "other", "", &[]);
    }

    #[test]
    fn subcategories() {
        for (item, category, subcategory) in [
            // Pharmaceuticals, brand and generic.
            ("Hydrocodone/APAP 10/325mg #120", "pharmaceuticals", "opioids"),
            ("Ultram ER 100mg #60", "pharmaceuticals", "opioids"),
            ("Tylenol #3 #60", "pharmaceuticals", "opioids"),
            ("OXYCONTIN 20MG #60", "pharmaceuticals", "opioids"),
            ("Synapryn (10mg/1ml oral suspension) 500ml", "pharmaceuticals", "opioids"),
            ("Flexeril 10mg #90", "pharmaceuticals", "muscle relaxants"),
            ("Orphenadrine Citrate ER 100mg tabs #30", "pharmaceuticals", "muscle relaxants"),
            ("Lorzone 750mg one by mouth three times a day #45", "pharmaceuticals", "muscle relaxants"),
            ("Meloxicam (Mobic) 7.5mg #30", "pharmaceuticals", "nsaids"),
            ("Motrin 600mg #40", "pharmaceuticals", "nsaids"),
            ("Ketoprofen 75mg #60", "pharmaceuticals", "nsaids"),
            ("Ketoprofen 10% cream 120gm", "pharmaceuticals", "topicals and compounds"),
            ("Salonpas pad #60", "pharmaceuticals", "topicals and compounds"),
            ("Terocin lotion 120ml", "pharmaceuticals", "topicals and compounds"),
            ("Lidocaine 5% patch #1", "pharmaceuticals", "topicals and compounds"),
            ("Lyrica 75mg #60", "pharmaceuticals", "anticonvulsants"),
            ("Neurontin 300mg #90", "pharmaceuticals", "anticonvulsants"),
            ("Nortriptyline HCL 25mg, #30", "pharmaceuticals", "antidepressants"),
            ("Trazodone 50mg #30", "pharmaceuticals", "antidepressants"),
            ("Prilosec 20mg #90", "pharmaceuticals", "proton pump inhibitors"),
            ("Pepcid 20mg", "pharmaceuticals", "proton pump inhibitors"),
            ("Ambien 10mg #30", "pharmaceuticals", "sleep aids"),
            ("Three months coverage of Viagra 50mg", "pharmaceuticals", "other drugs"),
            ("Unheardofdrug 20mg #30", "pharmaceuticals", "other drugs"),
            // Physical medicine.
            ("Chiropractic physiotherapy treatment 6 visits", "physical medicine", "chiropractic"),
            ("Acupuncture treatments (unspecified quantity)", "physical medicine", "acupuncture"),
            ("Occupational therapy for six sessions", "physical medicine", "occupational therapy"),
            ("Ice/Heat pads therapy times 6", "physical medicine", "modalities"),
            ("Spinolator therapy (traction) times 6", "physical medicine", "modalities"),
            // Diagnostics.
            ("EMG/NCS of the bilateral upper extremities", "diagnostics", "electrodiagnostics"),
            ("Electroencephalogram", "diagnostics", "electrodiagnostics"),
            ("Urine drug testing", "diagnostics", "labs and drug testing"),
            ("Electrocardiogram times 3", "diagnostics", "other tests"),
            ("Jamar grip test", "diagnostics", "functional testing"),
            ("Bone scan of the whole body", "diagnostics", "imaging"),
            // Injections.
            ("Bilateral L4-L5 facet joint injections", "injections", "facet and medial branch blocks"),
            ("Right C3-C4 medial branch radiofrequency neurotomy", "injections", "radiofrequency ablation"),
            ("Trigger point injections x 4", "injections", "trigger point injections"),
            ("Platelet rich plasma injection to the left elbow", "injections", "regenerative injections"),
            ("Right shoulder cortisone injection", "injections", "joint and soft tissue injections"),
            ("Right greater occipital nerve block", "injections", "nerve blocks"),
            // Surgery.
            ("Lumbar decompression L4-L5 and L5-S1", "surgery", "spine surgery"),
            ("Right total knee arthroplasty", "surgery", "joint surgery"),
            ("Right shoulder arthroscopy RCR (rotator cuff repair) and decompression", "surgery", "joint surgery"),
            ("Left carpal tunnel release", "surgery", "hand and nerve surgery"),
            ("Spinal cord stimulator trial", "surgery", "spinal cord stimulators and pumps"),
            ("Medical Clearance", "surgery", "associated surgical services"),
            ("PA assist", "surgery", "associated surgical services"),
            ("Right ankle ORIF", "surgery", "other surgery"),
            // DME.
            ("H-wave device 30 day home trial", "dme", "electrotherapy devices"),
            ("Cold therapy unit, 7 day rental", "dme", "cold and heat therapy"),
            ("Lumbar support brace", "dme", "braces and supports"),
            ("Large gloves", "dme", "supplies"),
            ("Bilateral hearing aids", "dme", "hearing aids"),
            // Evaluation and management, programs, behavioral health.
            ("Referral to pain management specialist", "evaluation and management", "consultations and referrals"),
            ("Orthopedic consultation", "evaluation and management", "consultations and referrals"),
            ("Work hardening program 10 sessions", "programs", "work hardening"),
            ("Weight loss program 10 weeks", "programs", "weight loss"),
            ("Gym membership", "programs", "gym and pool"),
            ("Cognitive behavioral therapy 6 sessions", "behavioral health", "psychotherapy"),
            ("Four sessions of biofeedback", "behavioral health", "biofeedback"),
        ] {
            check_category(item, category, subcategory);
        }
    }

    #[test]
    fn regions() {
        check_regions("MRI of the neck and right hand", &["cervical spine", "wrist and hand"]);
        check_regions(
            "Acupuncture 3 times a week for 2 weeks, neck, right hand and head",
            &["cervical spine", "wrist and hand", "head"],
        );
        check_regions("X-rays of the thoracic spine", &["thoracic spine"]);
        check_regions("Chiropractic care for the low back", &["lumbar spine"]);
        check_regions("Right shoulder arthroscopy with rotator cuff repair", &["shoulder"]);
        check_regions("Platelet rich plasma injection to the left lateral epicondyle", &["elbow"]);
        check_regions("Two physical therapy visits for the left hand/finger", &["wrist and hand"]);
        check_regions("MRI without contrast of the right hip", &["hip"]);
        check_regions("Right knee arthroscopy with evaluation of ACL, medical meniscectomy", &["knee"]);
        check_regions("MRI of the right foot", &["ankle and foot"]);
        check_regions("MRI of the right ankle", &["ankle and foot"]);
        check_regions("CT scan of the head", &["head"]);
        check_regions("NCS/EMG RUE", &["upper extremity"]);
        check_regions("EMG/NCV of the bilateral upper extremities", &["upper extremity"]);
        check_regions("EMG/NCV of the bilateral lower extremities", &["lower extremity"]);
        check_regions("PT/OT 18 sessions left hand, right lower leg", &["wrist and hand", "lower extremity"]);
        check_regions(
            "Retrospective TENS unit, purchase, lumbar spine, left hip, lower leg, and knee (DOS 12/29/16)",
            &["lumbar spine", "hip", "knee", "lower extremity"],
        );
        // Listed in region order, not in the order the item names them; each once.
        check_regions("Physical therapy for the knee, the shoulder and the knee again", &["shoulder", "knee"]);
        check_regions("Norco 10/325mg #90", &[]);
    }

    #[test]
    fn spinal_levels_name_the_spine_region() {
        check_regions("Fusion at L4-5", &["lumbar spine"]);
        check_regions("Microdiscectomy at L5/S1", &["lumbar spine"]);
        check_regions("Transforaminal epidural steroid injection at right L5 S1", &["lumbar spine"]);
        check_regions("Posterior lumbar interbody fusion L4\u{2013}S1", &["lumbar spine"]);
        check_regions("Anterior discectomy and fusion C5-6 and C6-7", &["cervical spine"]);
        check_regions("Kyphoplasty T12", &["thoracic spine"]);
        check_regions("Decompression T12-L1", &["thoracic spine", "lumbar spine"]);
        check_regions("Fusion C7-T1", &["cervical spine", "thoracic spine"]);
        check_regions("Epidural injection T3-4", &["thoracic spine"]);
        // Lone T1-T4 are MRI sequences and thyroid tests, not vertebrae.
        check_regions("Brain MRI with T2-weighted images", &["head"]);
        check_regions("Labs: TSH, T3, T4", &[]);
        // Not levels: counts, strengths, dates.
        check_regions("Norco 10/325mg #90 (DOS 12/13/2016)", &[]);
    }

    #[test]
    fn patterns_are_whole_words_with_open_ends_and_loose_separators() {
        let c = Classifier::new(
            "pt\tphysical medicine\tphysical therapy\ncyclobenzaprin*\tpharmaceuticals\tmuscle relaxants\n\
             *mg\tpharmaceuticals\tother drugs\nx-ray\tdiagnostics\timaging\ntylenol #3\tpharmaceuticals\topioids\n",
            "",
        )
        .unwrap();
        let cat = |item: &str| c.category(item).subcategory.unwrap_or_else(|| "-".to_string());
        assert_eq!(cat("PT 2x6"), "physical therapy");
        assert_eq!(cat("Pt. education"), "physical therapy");
        assert_eq!(cat("Ptosis repair"), "-", "a pattern is a whole word");
        assert_eq!(cat("Cyclobenzaprine"), "muscle relaxants", "trailing * is a prefix");
        assert_eq!(cat("Cyclobenzaprin"), "muscle relaxants");
        assert_eq!(cat("Tabradol 500ml"), "-");
        assert_eq!(cat("Unknown 10mg"), "other drugs", "leading * is a suffix");
        for spelling in ["X-Ray", "x ray", "XRAY", "X/ray", "x - ray"] {
            assert_eq!(cat(spelling), "imaging", "{spelling}");
        }
        assert_eq!(cat("Tylenol #3"), "opioids");
        assert_eq!(cat("TYLENOL #30"), "-");
        assert_eq!(c.regions("knee"), Vec::<String>::new(), "an empty region table names no region");
        assert_eq!(c.regions("L4-5"), ["lumbar spine"], "levels are read without a table");
    }

    #[test]
    fn first_row_wins_and_extra_rows_come_first() {
        let c = Classifier::new("physical therapy\tphysical medicine\n", "").unwrap();
        assert_eq!(c.category("Physical therapy").subcategory, None, "an empty or absent subcategory is None");
        let c = Classifier::new(
            "therapy\tbehavioral health\t\nphysical therapy\tphysical medicine\tphysical therapy\n",
            "",
        )
        .unwrap();
        assert_eq!(c.category("Physical therapy").category, "behavioral health", "the first row wins, not the longest");

        let extra = "# my rows\n\ngym*\tphysical medicine\tphysical therapy\nwidget\tdme\tgadgets\n";
        let c = Classifier::with_extra(Some(extra), Some("widget\tknee\n")).unwrap();
        assert_eq!(
            c.category("Gym membership"),
            Category { category: "physical medicine".into(), subcategory: Some("physical therapy".into()) }
        );
        assert_eq!(c.category("Widget").subcategory.as_deref(), Some("gadgets"));
        assert_eq!(c.category("Norco 10/325mg #90").subcategory.as_deref(), Some("opioids"), "built-in rows follow");
        assert_eq!(c.regions("Widget for the shoulder"), ["shoulder", "knee"]);
        let plain = Classifier::with_extra(None, None).unwrap();
        assert_eq!(plain.category("Gym membership").category, "programs");
    }

    #[test]
    fn bad_rows_are_errors_naming_table_and_line() {
        let err = |categories: &str, regions: &str| Classifier::new(categories, regions).unwrap_err();

        let e = err("# comment\n\nmri\tdiagnostics\timaging\nct diagnostics\n", "");
        assert_eq!((e.table.as_str(), e.line), ("procedure-categories.tsv", 4));
        assert!(e.reason.contains("3 tab-separated columns") && e.reason.contains("found 1"), "{e}");
        assert_eq!(e.to_string(), format!("procedure-categories.tsv line 4: {}", e.reason));

        let e = err("mri\tdiagnostics\timaging\textra\n", "");
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("found 4"), "{e}");

        let e = err("mri\tdiagnostic\timaging\n", "");
        assert!(e.reason.contains("unknown category \"diagnostic\""), "{e}");

        let e = err("mri\tdiagnostics\n \tdiagnostics\timaging\n", "");
        assert_eq!((e.line, e.reason.as_str()), (2, "empty pattern"));

        let e = err("cyclo*benzaprine\tpharmaceuticals\n", "");
        assert!(e.reason.contains("may only begin or end"), "{e}");

        let e = err("*\tpharmaceuticals\n", "");
        assert!(e.reason.contains("no letter or digit"), "{e}");

        let e = err("", "knee\n");
        assert_eq!((e.table.as_str(), e.line), ("body-regions.tsv", 1));
        assert!(e.reason.contains("2 tab-separated columns"), "{e}");

        let e = err("", "knee\tknees\n");
        assert!(e.reason.contains("unknown region \"knees\""), "{e}");

        let e = Classifier::with_extra(Some("ok\tdme\nbad\tnope\n"), None).unwrap_err();
        assert_eq!((e.table.as_str(), e.line), (EXTRA_CATEGORY_TABLE, 2));
        let e = Classifier::with_extra(None, Some("\u{feff}elbow\telbow\n\tknee\n")).unwrap_err();
        assert_eq!((e.table.as_str(), e.line), (EXTRA_REGION_TABLE, 2));

        // Names are matched without regard to case and surrounding spaces; CRLF and a BOM are fine.
        let c = Classifier::new("\u{feff}mri\t Diagnostics \t imaging \r\n", "knee\tKnee\r\n").unwrap();
        assert_eq!(c.category("MRI"), Category { category: "diagnostics".into(), subcategory: Some("imaging".into()) });
        assert_eq!(c.regions("knee"), ["knee"]);
    }

    fn sample_items() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/expected.jsonl");
        let text = std::fs::read_to_string(path).expect("data/expected.jsonl");
        let mut items = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let letter: Value = serde_json::from_str(line).expect("a JSON line");
            for item in letter["items"].as_array().into_iter().flatten() {
                items.push(item["item"].as_str().expect("item text").to_string());
            }
        }
        items
    }

    /// Sample items that are rightly `other`, with the reason. None at present.
    const KNOWN_OTHER: &[(&str, &str)] = &[];

    #[test]
    fn every_sample_item_has_a_category() {
        let items = sample_items();
        assert!(items.len() >= 100, "{} items", items.len());
        let unclassified: Vec<&String> = items
            .iter()
            .filter(|i| Classifier::builtin().category(i).category == "other")
            .filter(|i| !KNOWN_OTHER.iter().any(|(known, _)| known == i))
            .collect();
        assert!(unclassified.is_empty(), "sample items in no category: {unclassified:#?}");
        for (known, reason) in KNOWN_OTHER {
            assert!(items.iter().any(|i| i == known), "{known} is not a sample item");
            assert_eq!(Classifier::builtin().category(known).category, "other", "{known} ({reason})");
        }
    }

    #[test]
    fn golden_sample_items() {
        let golden: &[(&str, &str, &str, &[&str])] = &[
            ("an MRI of the lumbar spine", "diagnostics", "imaging", &["lumbar spine"]),
            ("Norco 10/325mg #90", "pharmaceuticals", "opioids", &[]),
            ("Cyclobenzaprine 7.5mg #60", "pharmaceuticals", "muscle relaxants", &[]),
            ("Omeprazole 20mg #60", "pharmaceuticals", "proton pump inhibitors", &[]),
            (
                "a lumbar epidural steroid injection at L4-5 and L5-S1",
                "injections",
                "epidural steroid injections",
                &["lumbar spine"],
            ),
            (
                "12 sessions of physical therapy for the lumbar spine",
                "physical medicine",
                "physical therapy",
                &["lumbar spine"],
            ),
            ("a functional restoration program for 160 hours", "programs", "functional restoration", &[]),
            ("a TENS unit for home use", "dme", "electrotherapy devices", &[]),
            ("Lidoderm 5% patches #30", "pharmaceuticals", "topicals and compounds", &[]),
            ("a right carpal tunnel release", "surgery", "hand and nerve surgery", &["wrist and hand"]),
            ("post-operative occupational therapy, 12 sessions", "physical medicine", "occupational therapy", &[]),
            ("Tramadol ER 150mg #30", "pharmaceuticals", "opioids", &[]),
            ("Gabapentin 600mg #90", "pharmaceuticals", "anticonvulsants", &[]),
            ("a urine drug screen", "diagnostics", "labs and drug testing", &[]),
            ("a psychological evaluation", "behavioral health", "evaluation and testing", &[]),
            (
                "an anterior cervical discectomy and fusion at C5-6 and C6-7",
                "surgery",
                "spine surgery",
                &["cervical spine"],
            ),
            ("a 2 day inpatient stay", "surgery", "associated surgical services", &[]),
            ("RETROSPECTIVE TORADOL 60MG INTRAMUSCULAR INJECTION (DOS 10/2/2013)", "pharmaceuticals", "nsaids", &[]),
            ("LUMBAR BRACE", "dme", "braces and supports", &["lumbar spine"]),
            (
                "MICRODISCECTOMY AT L5/S1 WITH RIGHT SIDED FORAMINOTOMY AND EXCISION OF FREE DISC FRAGMENT",
                "surgery",
                "spine surgery",
                &["lumbar spine"],
            ),
            ("PREOPERATIVE MEDICAL CLEARANCE", "surgery", "associated surgical services", &[]),
            (
                "POSTOPERATIVE PHYSICAL THERAPY 2 X 6 FOR THE LUMBAR SPINE",
                "physical medicine",
                "physical therapy",
                &["lumbar spine"],
            ),
            ("SOMA 350MG #60", "pharmaceuticals", "muscle relaxants", &[]),
            ("TOPICAL COMPOUND FLURBIPROFEN 20%/LIDOCAINE 5% 180GM", "pharmaceuticals", "topicals and compounds", &[]),
            ("URINE TOXICOLOGY SCREEN", "diagnostics", "labs and drug testing", &[]),
            ("WORK HARDENING PROGRAM 10 SESSIONS", "programs", "work hardening", &[]),
            ("FUNCTIONAL CAPACITY EVALUATION", "diagnostics", "functional testing", &[]),
            ("RIGHT SHOULDER ARTHROSCOPY WITH SUBACROMIAL DECOMPRESSION", "surgery", "joint surgery", &["shoulder"]),
            ("COLD THERAPY UNIT, 7 DAY RENTAL", "dme", "cold and heat therapy", &[]),
            ("ULTRASLING", "dme", "braces and supports", &["shoulder"]),
            ("CHIROPRACTIC TREATMENT 6 SESSIONS", "physical medicine", "chiropractic", &[]),
            (
                "ACUPUNCTURE 2 TIMES A WEEK FOR 4 WEEKS FOR THE CERVICAL SPINE",
                "physical medicine",
                "acupuncture",
                &["cervical spine"],
            ),
            ("EMG/NCV OF THE BILATERAL UPPER EXTREMITIES", "diagnostics", "electrodiagnostics", &["upper extremity"]),
            ("CERVICAL PILLOW", "dme", "braces and supports", &["cervical spine"]),
            ("ORTHOPEDIC SPINE SURGEON CONSULTATION", "evaluation and management", "consultations and referrals", &[]),
            ("COLACE 100MG #60", "pharmaceuticals", "other drugs", &[]),
            ("ZOLPIDEM 10MG #30", "pharmaceuticals", "sleep aids", &[]),
            ("PSYCHOLOGY CONSULTATION AND TREATMENT", "behavioral health", "evaluation and testing", &[]),
            ("SPINAL CORD STIMULATOR TRIAL", "surgery", "spinal cord stimulators and pumps", &[]),
            (
                "L4-5 AND L5-S1 RADIOFREQUENCY ABLATION, BILATERAL",
                "injections",
                "radiofrequency ablation",
                &["lumbar spine"],
            ),
            ("ARTHROSCOPIC PARTIAL LATERAL MENISCECTOMY, LEFT KNEE", "surgery", "joint surgery", &["knee"]),
            (
                "Retrospective: Ketorolac 60mg intramuscular injection (DOS 09/28/2016)",
                "pharmaceuticals",
                "nsaids",
                &[],
            ),
            ("Flurbiprofen 20%/Baclofen 2%/Lidocaine 5% cream 180gm", "pharmaceuticals", "topicals and compounds", &[]),
            ("Referral to pain management specialist", "evaluation and management", "consultations and referrals", &[]),
            ("Posterior lumbar interbody fusion L4\u{2013}S1", "surgery", "spine surgery", &["lumbar spine"]),
            ("Associated surgical service: Lumbar brace", "surgery", "associated surgical services", &["lumbar spine"]),
            ("Associated surgical service: Assistant surgeon", "surgery", "associated surgical services", &[]),
            (
                "Transforaminal epidural steroid injection at right L5 S1 under fluoroscopic guidance",
                "injections",
                "epidural steroid injections",
                &["lumbar spine"],
            ),
            (
                "Bilateral medial branch blocks at L4-L5",
                "injections",
                "facet and medial branch blocks",
                &["lumbar spine"],
            ),
            (
                "Chiropractic manipulation 2 times a week for 4 weeks for the cervical and lumbar spine",
                "physical medicine",
                "chiropractic",
                &["cervical spine", "lumbar spine"],
            ),
            ("Home exercise kit", "dme", "other equipment", &[]),
            (
                "Home health aide 4 hours per day, 5 days per week for 6 weeks for assistance with bathing, \
                 dressing, meal preparation, transportation to appointments and light housekeeping",
                "home health",
                "",
                &[],
            ),
            (
                "Platelet rich plasma injection to the left lateral epicondyle",
                "injections",
                "regenerative injections",
                &["elbow"],
            ),
            (
                "Trigger point injections to the bilateral trapezius muscles",
                "injections",
                "trigger point injections",
                &["cervical spine"],
            ),
            ("MRI of the right ankle", "diagnostics", "imaging", &["ankle and foot"]),
            ("X-ray of the cervical spine, 3 views", "diagnostics", "imaging", &["cervical spine"]),
            ("Duloxetine 30mg #30", "pharmaceuticals", "antidepressants", &[]),
            ("Sleep study (polysomnography)", "diagnostics", "other tests", &[]),
            ("Follow-up visit with pain management", "evaluation and management", "follow-up visits", &[]),
            ("Cognitive behavioral therapy 6 sessions", "behavioral health", "psychotherapy", &[]),
            ("Temazepam 15mg #30", "pharmaceuticals", "sleep aids", &[]),
            ("H-wave device 30 day home trial", "dme", "electrotherapy devices", &[]),
            (
                "Associated surgical service: Wrist splint",
                "surgery",
                "associated surgical services",
                &["wrist and hand"],
            ),
            ("Lumbar decompression L4-L5 and L5-S1", "surgery", "spine surgery", &["lumbar spine"]),
            ("Right shoulder arthroscopy with rotator cuff repair", "surgery", "joint surgery", &["shoulder"]),
            ("Synvisc injections x3 left knee", "injections", "joint and soft tissue injections", &["knee"]),
            ("Ketoprofen 10% cream 120gm", "pharmaceuticals", "topicals and compounds", &[]),
            (
                "Chiropractic manipulative therapy 2 times a week for 6 weeks for the neck and upper back",
                "physical medicine",
                "chiropractic",
                &["cervical spine", "thoracic spine"],
            ),
            ("Associated surgical service: Crutches", "surgery", "associated surgical services", &[]),
        ];
        assert!(golden.len() >= 40);
        let items = sample_items();
        for (item, category, subcategory, regions) in golden {
            assert!(items.iter().any(|i| i == item), "not a sample item: {item}");
            check(item, category, subcategory, regions);
        }
    }
}
