//! Guideline citations: each guideline line of an item -> typed citations with one canonical
//! key per guideline chapter (all spellings of "ODG Low Back" count together), the topic or
//! section, year and pages where given, who cited it, and the raw text.
//!
//! The grammar (statements such as `Decision based on MTUS <chapter> <year>, Section(s): ...`,
//! `Decision based on Non-MTUS Citation ...`, the 2013 prose forms) is code; the names of
//! chapters and sources are data: `data/tables/citations.tsv`, which users can read and
//! extend (see [`Table::with_extra`]).

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The built-in variant table.
pub const BUILTIN_TABLE: &str = include_str!("../../data/tables/citations.tsv");

/// What kind of source a citation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An MTUS chapter (ACOEM 2nd edition chapters and the other MTUS guidelines).
    MtusChapter,
    /// An MTUS page reference resolved to its chapter (`MTUS ACOEM Page(s): 305-306`).
    MtusPages,
    /// The MTUS Chronic Pain Medical Treatment Guidelines.
    MtusChronicPain,
    /// The MTUS Opioid Treatment Guidelines (2016), with their numbered sections.
    MtusOpioid,
    /// Official Disability Guidelines, by chapter.
    Odg,
    /// ACOEM Practice Guidelines outside the MTUS (3rd edition on).
    Acoem,
    /// A study (authors, title).
    Study,
    /// UpToDate.
    Uptodate,
    /// A web address.
    Url,
    /// Another named source.
    Other,
    /// "did not cite any medical evidence".
    None,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MtusChapter => "mtus_chapter",
            Kind::MtusPages => "mtus_pages",
            Kind::MtusChronicPain => "mtus_chronic_pain",
            Kind::MtusOpioid => "mtus_opioid",
            Kind::Odg => "odg",
            Kind::Acoem => "acoem",
            Kind::Study => "study",
            Kind::Uptodate => "uptodate",
            Kind::Url => "url",
            Kind::Other => "other",
            Kind::None => "none",
        }
    }
}

/// Who cited: the claims administrator's utilization review, or the IMR reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CitedBy {
    Ur,
    Imr,
}

impl CitedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            CitedBy::Ur => "ur",
            CitedBy::Imr => "imr",
        }
    }
}

/// The kind of a canonical key (keys are built with their kind's prefix).
pub fn kind_of(key: &str) -> Kind {
    if key == NO_EVIDENCE {
        Kind::None
    } else if key.starts_with("MTUS Chronic Pain") {
        Kind::MtusChronicPain
    } else if key.starts_with("MTUS Opioid") {
        Kind::MtusOpioid
    } else if key.starts_with("MTUS") {
        Kind::MtusChapter
    } else if key.starts_with("ODG") {
        Kind::Odg
    } else if key.starts_with("ACOEM") {
        Kind::Acoem
    } else if key.starts_with("Study") {
        Kind::Study
    } else if key == "UpToDate" {
        Kind::Uptodate
    } else if key.starts_with("URL: ") {
        Kind::Url
    } else {
        Kind::Other
    }
}

/// The key of "no evidence cited".
pub const NO_EVIDENCE: &str = "No evidence cited";

/// One cited source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Canonical key: `MTUS Low Back Complaints`, `ODG Low Back`, `ACOEM 3rd ed. Chronic Pain`,
    /// `UpToDate`, `Study: Chou R`, `URL: www.example.org`, `No evidence cited`.
    pub key: String,
    pub kind: Kind,
    pub cited_by: CitedBy,
    /// The section or topic within the chapter, as written (tidied).
    pub topic: Option<String>,
    pub year: Option<u16>,
    pub pages: Option<String>,
    /// The text this citation was read from.
    pub raw: String,
}

pub use super::classify::TableError;

struct Names {
    set: RegexSet,
    rows: Vec<(Regex, String)>,
}

/// The compiled variant table.
pub struct Table {
    mtus: Names,
    odg: Names,
    acoem: Names,
    source: Names,
    pages: Vec<(u32, u32, String)>,
}

impl Table {
    /// The built-in table, compiled once.
    pub fn builtin() -> &'static Table {
        static T: LazyLock<Table> =
            LazyLock::new(|| Table::new(BUILTIN_TABLE, "citations.tsv").expect("valid built-in table"));
        &T
    }

    /// A table from text in the `citations.tsv` format; `name` is used in errors.
    pub fn new(text: &str, name: &str) -> Result<Table, TableError> {
        let mut rows: [Vec<(String, String)>; 4] = Default::default();
        let mut pages = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let err = |reason: String| TableError { table: name.to_string(), line: n + 1, reason };
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            if cols.len() != 3 || cols.iter().any(|c| c.is_empty()) {
                return Err(err(format!("expected 3 tab-separated columns, found {}", cols.len())));
            }
            let slot = match cols[0] {
                "mtus" => 0,
                "odg" => 1,
                "acoem" => 2,
                "source" => 3,
                "mtus_pages" => {
                    let (a, b) = cols[1].split_once('-').unwrap_or((cols[1], cols[1]));
                    let (a, b) = (a.trim().parse::<u32>(), b.trim().parse::<u32>());
                    match (a, b) {
                        (Ok(a), Ok(b)) if a <= b => pages.push((a, b, cols[2].to_string())),
                        _ => return Err(err(format!("bad page range {:?}", cols[1]))),
                    }
                    continue;
                }
                other => return Err(err(format!("unknown kind {other:?} (mtus, odg, acoem, source, mtus_pages)"))),
            };
            if let Err(e) = Regex::new(cols[1]) {
                return Err(err(format!("bad pattern {:?}: {e}", cols[1])));
            }
            rows[slot].push((cols[1].replace(' ', r"\s+"), cols[2].to_string()));
        }
        let compile = |rows: &[(String, String)]| -> Result<Names, TableError> {
            let bad = |e: regex::Error| TableError { table: name.to_string(), line: 0, reason: e.to_string() };
            // A word boundary closes a pattern that ends in a letter or digit; one that ends in
            // punctuation (`pain \(chronic\)`) ends where it ends.
            let patterns: Vec<String> = rows
                .iter()
                .map(|(p, _)| {
                    let close = if p.ends_with(|c: char| c.is_alphanumeric()) { r"\b" } else { "" };
                    format!(r"\b(?:{p}){close}")
                })
                .collect();
            let set = RegexSetBuilder::new(&patterns).case_insensitive(true).build().map_err(bad)?;
            let mut compiled = Vec::with_capacity(rows.len());
            for (pattern, (_, canonical)) in patterns.iter().zip(rows) {
                compiled
                    .push((RegexBuilder::new(pattern).case_insensitive(true).build().map_err(bad)?, canonical.clone()));
            }
            Ok(Names { set, rows: compiled })
        };
        let [mtus, odg, acoem, source] = rows;
        Ok(Table {
            mtus: compile(&mtus)?,
            odg: compile(&odg)?,
            acoem: compile(&acoem)?,
            source: compile(&source)?,
            pages,
        })
    }

    /// The built-in table with a user's rows tried first.
    pub fn with_extra(extra: &str, name: &str) -> Result<Table, TableError> {
        Table::new(extra, name)?;
        Table::new(&format!("{extra}\n{BUILTIN_TABLE}"), name)
    }
}

impl Names {
    /// Every match, in text order; where matches overlap, the earlier one (then the earlier
    /// table row) wins.
    fn find_all(&self, text: &str) -> Vec<(usize, usize, &str)> {
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for row in self.set.matches(text).iter() {
            for m in self.rows[row].0.find_iter(text) {
                found.push((m.start(), row, m.end()));
            }
        }
        found.sort_unstable();
        let mut out: Vec<(usize, usize, &str)> = Vec::new();
        for (start, row, end) in found {
            if out.last().is_some_and(|l| start < l.1) {
                continue;
            }
            out.push((start, end, self.rows[row].1.as_str()));
        }
        out
    }

    /// The first of [`Names::find_all`]: of each matching row's first match, the earliest
    /// (then the earlier row), without finding every later match.
    fn find(&self, text: &str) -> Option<(usize, usize, &str)> {
        let first = self.set.matches(text).into_iter().filter_map(|row| {
            let m = self.rows[row].0.find(text)?;
            Some((m.start(), row, m.end()))
        });
        first.min().map(|(start, row, end)| (start, end, self.rows[row].1.as_str()))
    }
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| RegexBuilder::new($pat).case_insensitive(true).build().expect("valid regex"));
    };
}

// Where one cited statement starts. The last alternative starts after its period.
re!(
    STATEMENT,
    r"Decision\s+based\s+on\b|The\s+Claims\s+Administrator\s+(?:based|did\s+not)\b|The\s+Expert\s+Reviewer\s+(?:based|did\s+not|found)\b|California\s+MTUS\s*,|\band\s+Other\s+Medical\s+Treatment\s+Guidelines\b|\.\s+(?:Official\s+Disability\s+Guidelines|ODG\b|These\s+guidelines\s+were\s+used)"
);
re!(NONE, r"did\s+not\s+cite\s+any\s+(?:medical\s+)?evidence");
re!(SAME_AS_UR, r"guidelines?\s+relied\s+upon\s+by\s+the\s+Claims\s+Administrator\s+(?:were|was)\s+relevant");
re!(
    OUTSIDE_ONLY,
    r"^\s*The\s+(?:Claims\s+Administrator|Expert\s+Reviewer)\s+based\s+(?:their|its|his\s+or\s+her)\s+decision\s+on\s+recommendation\(s\)\s+outside\s+of\s+the\s+MTUS"
);
re!(
    NON_MTUS,
    r"^\s*(?:Decision\s+based\s+on\s+Non-?\s*MTUS\s+Citation|and\s+Other\s+Medical\s+Treatment\s+Guidelines)\s*:?\s*"
);
re!(EXPLANATION, r"^\s*These\s+guidelines\s+were\s+used\b");
re!(NOT_PART_OF_MTUS, r"\bwhich\s+(?:is|are)\s+not\s+(?:a\s+)?part\s+of\s+the\s+MTUS\b");
re!(IS_PART_OF_MTUS, r"\bwhich\s+(?:is|are)\s+(?:a\s+)?part\s+of\s+the\s+MTUS\b");
re!(PART_OF_MTUS, r",?\s*which\s+(?:is|are)\s+(?:not\s+)?(?:a\s+)?part\s+of\s+the\s+MTUS\b.*$");
re!(CHAPTER_FOLLOW, r"^\s*(?:\(?\s*(?:19|20)\d\d\b|Guidelines\b)");
re!(
    PREFIX,
    r"^\s*(?:Decision\s+based\s+on\s+(?:the\s+)?(?:MTUS\b\s*)?|California\s+MTUS\s*,\s*|The\s+(?:Claims\s+Administrator|Expert\s+Reviewer)\s+(?:based\s+(?:its|their|his\s+or\s+her)\s+decision\s+on\s+(?:the\s+)?|found\s+that\s+the\s+MTUS\s+does\s+not\s+address\s+the\s+issue\s+at\s+dispute\s+and\s+relied\s+on\s+(?:the\s+)?))"
);
re!(ODG, r"\bOfficial\s+Disability\s+Guidelines\b(?:\s*\(ODG\))?|\b(?-i:ODG)(?:-TWC)?\b");
re!(
    MTUS_WORD,
    r"\bMTUS\b|\bACOEM\s+Occupational\s+Medicine\s+Practice\s+Guidelines\s*,?\s*2nd|Chronic\s+Pain\s+Medical\s+Treatment\s+Guidelines\s*\(2009\)"
);
re!(ACOEM, r"\bACOEM\b");
re!(UPTODATE, r"\bUp\s*To\s*Date\b");
re!(STUDY, r"\bstudy\s+by\s+|\bet\s+al\b");
re!(URL, r"\b(?:https?\s*:\s*/\s*/\s*|www\.)[^\s,;]+");
re!(YEAR, r"\b(19[89]\d|20[0-4]\d)\b");
re!(PAGES, r"\bpages?\s*(?:\(s\))?\s*:?\s*(\d+(?:\s*[-\u2013]\s*\d+)?(?:\s*(?:,|and)\s*\d+(?:\s*[-\u2013]\s*\d+)?)*)");
re!(SECTION, r"Section\(s\)\s*:\s*");
re!(EDITION, r"\b(\d)(?:st|nd|rd|th)\s+(?:Edition|ed\.?)");
// The first author: name particles (`van`, `de la`), a capitalised surname, and initials
// when they follow. Case matters here ("Deyo and Weinstein" has no initials "and"), so the
// pattern turns off the case-insensitive flag every `re!` sets, except for the particles,
// which are written `van` or `Van`.
re!(
    FIRST_AUTHOR,
    r"study\s+by\s+(?-i:((?:(?i:van|von|de|der|den|del|della|di|da|du|dos|das|la|le|ten|ter)\s+){0,2}[A-Z][A-Za-z'\u00c0-\u017f-]+(?:\s+[A-Z]{1,3}\b)?))"
);
re!(
    UPDATED,
    r"\((?:updated|last\s+updated)[^)]*\)|\(online\s+version\)|\(acute\s+(?:and|&)\s+chronic\)|\bprocedure\s+summary\b|\bchapter\b|\bweb\s+version\b|\b20\d\d\b|\bonline\s+edition\b"
);

/// The citations of one item: its Claims Administrator line and its IMR reviewer line. An IMR
/// line that says the Claims Administrator's guidelines "were relevant and appropriate" cites
/// those same guidelines.
pub fn for_item(ur: Option<&str>, imr: Option<&str>, table: &Table) -> Vec<Citation> {
    let mut out = ur.map(|t| extract(t, CitedBy::Ur, table)).unwrap_or_default();
    if let Some(imr) = imr {
        let mut mine = extract(imr, CitedBy::Imr, table);
        if mine.is_empty() && SAME_AS_UR.is_match(imr) {
            let raw = crate::letter::text::clean(imr);
            mine = out.iter().map(|c| Citation { cited_by: CitedBy::Imr, raw: raw.clone(), ..c.clone() }).collect();
        }
        out.extend(mine);
    }
    out
}

/// The citations in one guideline line.
pub fn extract(line: &str, cited_by: CitedBy, table: &Table) -> Vec<Citation> {
    let line = line.trim();
    let mut starts: Vec<usize> = STATEMENT
        .find_iter(line)
        .map(|m| if m.as_str().starts_with('.') { m.start() + 1 } else { m.start() })
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut out: Vec<Citation> = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(line.len());
        let statement = line[s..e].trim();
        if statement.is_empty() {
            continue;
        }
        for c in statement_citations(statement, cited_by, table) {
            if !out.iter().any(|o| o.key == c.key && o.topic == c.topic && o.cited_by == c.cited_by) {
                out.push(c);
            }
        }
    }
    out
}

fn statement_citations(statement: &str, cited_by: CitedBy, table: &Table) -> Vec<Citation> {
    let raw = statement.trim_end_matches(['.', ' ']).to_string();
    let cite = |key: String, kind: Kind, topic: Option<String>, year: Option<u16>, pages: Option<String>, raw: &str| {
        Citation {
            key,
            kind,
            cited_by,
            topic,
            year,
            pages,
            raw: raw.trim().trim_end_matches(['.', ',', ' ']).to_string(),
        }
    };
    if NONE.is_match(statement) {
        return vec![cite(NO_EVIDENCE.to_string(), Kind::None, None, None, None, &raw)];
    }
    if OUTSIDE_ONLY.is_match(statement) || SAME_AS_UR.is_match(statement) || EXPLANATION.is_match(statement) {
        return Vec::new();
    }
    let non_mtus = NON_MTUS.find(statement);
    let body = match non_mtus {
        Some(m) => &statement[m.end()..],
        None => PREFIX.find(statement).map_or(statement, |m| &statement[m.end()..]),
    };
    let mut out = Vec::new();
    if let Some(first) = ODG.find(body) {
        // ODG parts: from each mention of ODG to the next; `;` separates chapters within one.
        let marks: Vec<usize> = ODG.find_iter(body).map(|m| m.start()).collect();
        for (k, &at) in marks.iter().enumerate() {
            let part = &body[at..marks.get(k + 1).copied().unwrap_or(body.len())];
            for (n, piece) in part.split(';').enumerate() {
                // After `;` an unnamed chapter is a topic list going on, not a chapter.
                if let Some((key, topic)) = odg(piece, table).filter(|(k, _)| n == 0 || !k.starts_with("ODG (")) {
                    if !out.iter().any(|c: &Citation| c.key == key) {
                        out.push(cite(key, Kind::Odg, topic, year(piece), pages(piece), piece));
                    }
                }
            }
        }
        // What came before the first ODG mention (an MTUS chapter, say) is read on its own.
        let before = body[..first.start()].trim().trim_end_matches(|c: char| c == ',' || c == '.' || c.is_whitespace());
        let before = before.strip_suffix(" and the").or_else(|| before.strip_suffix(" and")).unwrap_or(before);
        if before.len() > 3 {
            // In a non-MTUS statement, a chapter named before the first "ODG" is ODG's too
            // ("Shoulder (Acute & Chronic), Physical Therapy, ODG Preface").
            let named =
                if non_mtus.is_some() { odg(before, table).filter(|(k, _)| !k.starts_with("ODG (")) } else { None };
            let mut earlier = match named {
                Some((key, topic)) => vec![cite(key, Kind::Odg, topic, year(before), pages(before), before)],
                None => statement_citations(before, cited_by, table),
            };
            earlier.append(&mut out);
            out = earlier;
        }
        return out;
    }
    // The 2013 notice says where its sources stand. A statement whose source is "not part of
    // the MTUS" (and none "part of" it) is outside the MTUS, although it names the MTUS in
    // saying so, and although an ACOEM 3rd edition chapter may share a name with an MTUS one.
    let outside = NOT_PART_OF_MTUS.is_match(statement) && !IS_PART_OF_MTUS.is_match(statement);
    let mtus = non_mtus.is_none()
        && !outside
        && (statement.contains("MTUS") || MTUS_WORD.is_match(statement) || table.mtus.find(body).is_some());
    if mtus {
        return mtus_citations(body, table)
            .into_iter()
            .map(|(k, kind, topic, y, p, r)| cite(k, kind, topic, y, p, r))
            .collect();
    }
    let said_outside;
    let body = if outside {
        said_outside = PART_OF_MTUS.replace(body, "");
        said_outside.as_ref()
    } else {
        body
    };
    if body.trim().is_empty() {
        return Vec::new();
    }
    // Outside the MTUS and ODG.
    if ACOEM.is_match(body) {
        let edition = EDITION.captures(body).map(|c| c[1].to_string());
        let chapter = table.acoem.find(body).map(|(_, _, n)| n.to_string());
        let key = match (&edition, &chapter) {
            (Some(e), Some(c)) => format!("ACOEM {} ed. {c}", ordinal(e)),
            (Some(e), None) => format!("ACOEM {} ed.", ordinal(e)),
            (None, Some(c)) => format!("ACOEM {c}"),
            (None, None) => "ACOEM".to_string(),
        };
        return vec![cite(key, Kind::Acoem, None, year(body), pages(body), body)];
    }
    if UPTODATE.is_match(body) {
        return vec![cite("UpToDate".to_string(), Kind::Uptodate, first_clause(body), None, None, body)];
    }
    if let Some((_, _, name)) = table.source.find(body) {
        return vec![cite(name.to_string(), Kind::Other, None, year(body), None, body)];
    }
    if STUDY.is_match(body) {
        let author = FIRST_AUTHOR.captures(body).map(|c| c[1].split_whitespace().collect::<Vec<_>>().join(" "));
        let key = author.map_or_else(|| "Study".to_string(), |a| format!("Study: {a}"));
        return vec![cite(key, Kind::Study, None, year(body), None, body)];
    }
    if let Some(m) = URL.find(body) {
        let host = url_host(m.as_str(), &body[m.end()..]);
        return vec![cite(format!("URL: {host}"), Kind::Url, None, None, None, body)];
    }
    match first_clause(body) {
        Some(name) => vec![cite(name, Kind::Other, None, year(body), pages(body), body)],
        None => Vec::new(),
    }
}

type Found<'a> = (String, Kind, Option<String>, Option<u16>, Option<String>, &'a str);

/// MTUS chapters named in a statement body (several may be joined with ", and"), or a bare
/// ACOEM page reference resolved through the page table.
fn mtus_citations<'a>(body: &'a str, table: &Table) -> Vec<Found<'a>> {
    // After the first chapter, a chapter name starts a new citation only when a year or
    // "Guidelines" follows it; otherwise it is part of a section title ("... Chronic Opioid
    // Treatment: Maintenance").
    let names: Vec<(usize, usize, &str)> = table
        .mtus
        .find_all(body)
        .into_iter()
        .enumerate()
        .filter(|(k, (_, end, _))| *k == 0 || CHAPTER_FOLLOW.is_match(&body[*end..]))
        .map(|(_, n)| n)
        .collect();
    let mut out = Vec::new();
    for (k, &(start, end, canonical)) in names.iter().enumerate() {
        let stop = names.get(k + 1).map_or(body.len(), |n| n.0);
        let tail = &body[end..stop];
        let kind = match canonical {
            "Chronic Pain Medical Treatment" => Kind::MtusChronicPain,
            "Opioid Treatment" => Kind::MtusOpioid,
            _ => Kind::MtusChapter,
        };
        let topic = mtus_topic(tail);
        // The year printed right after the chapter name (`Low Back Complaints 2004`,
        // `Chronic Pain Medical Treatment Guidelines (2009)`), else the first one after it.
        let y = year(&tail[..tail.find("Section").unwrap_or(tail.len())]).or_else(|| year(tail));
        let raw_end = stop.min(body.len());
        out.push((
            format!("MTUS {canonical}"),
            kind,
            topic,
            y,
            pages(tail),
            body[start..raw_end].trim_end_matches([',', ' ']).trim_end_matches(", and"),
        ));
    }
    if out.is_empty() {
        if let Some(p) = pages(body) {
            let first: Option<u32> =
                p.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|s| s.parse().ok());
            if let Some(name) =
                first.and_then(|n| table.pages.iter().find(|(a, b, _)| (*a..=*b).contains(&n))).map(|r| r.2.clone())
            {
                out.push((format!("MTUS {name}"), Kind::MtusPages, None, None, Some(p), body));
                return out;
            }
        }
        out.push(("MTUS (chapter not named)".to_string(), Kind::MtusChapter, None, year(body), pages(body), body));
    }
    out
}

/// The host of a web address found as `found`, with `after` the text that follows it. A host
/// broken across lines after one of its dots (`www.ncbi.` / `nlm.nih.gov/pubmed/123`) goes on
/// in `after` when that text is the rest of a host name: lower case, and followed by a path or
/// holding a dot of its own (so a sentence that follows a full stop is never taken for it).
fn url_host(found: &str, after: &str) -> String {
    let address: String = found.split_whitespace().collect();
    let address = address.trim_start_matches("https://").trim_start_matches("http://");
    let host = address.split('/').next().unwrap_or(address);
    let mut host = host.to_string();
    if !address.contains('/') && host.ends_with('.') && after.starts_with(char::is_whitespace) {
        let next = after.trim_start();
        let word = &next[..next.find(|c: char| c.is_whitespace() || c == ',' || c == ';').unwrap_or(next.len())];
        let (rest, path) = match word.split_once('/') {
            Some((r, _)) => (r, true),
            None => (word.trim_end_matches(['.', ')']), false),
        };
        let host_like = !rest.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !rest.contains("..");
        if host_like && (path || rest.contains('.')) {
            host.push_str(rest);
        }
    }
    host.trim_end_matches(['.', ',', ')']).to_lowercase()
}

/// The section(s) after an MTUS chapter name: `, Section(s): Special Studies` or, in the
/// older forms, the words between `Guidelines` and `Page(s)`.
fn mtus_topic(tail: &str) -> Option<String> {
    let t = match SECTION.find(tail) {
        Some(m) => &tail[m.end()..],
        None => tail,
    };
    let t = match PAGES.find(t) {
        Some(m) => &t[..m.start()],
        None => t,
    };
    let t = t.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ':');
    let t = t.trim_start_matches("Guidelines").trim_start_matches(" Guidelines");
    let t = PART_OF_MTUS.replace(t, "");
    let t = YEAR.replace_all(&t, "");
    let t = t.replace("()", "");
    let t = t.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':' | ';'));
    let t = t.strip_suffix(", and").or_else(|| t.strip_suffix(" and")).unwrap_or(t).trim_end_matches([',', ' ']);
    let t = balance(t);
    (!t.is_empty() && t.len() <= 200).then(|| crate::letter::text::clean(&t))
}

/// An ODG citation: its chapter (`ODG Low Back`) and topic.
fn odg(part: &str, table: &Table) -> Option<(String, Option<String>)> {
    let at = ODG.find(part).map_or(0, |m| m.end());
    let rest = &part[at..];
    let Some((start, end, chapter)) = table.odg.find(rest) else {
        let topic = clean_topic(rest);
        return (ODG.is_match(part) || !rest.trim().is_empty()).then(|| ("ODG (chapter not named)".to_string(), topic));
    };
    let after = clean_topic(&rest[end..]);
    let before = clean_topic(&rest[..start]);
    Some((format!("ODG {chapter}"), after.or(before)))
}

fn clean_topic(s: &str) -> Option<String> {
    let s = s.split(". ").next().unwrap_or(s);
    let s = PART_OF_MTUS.replace(s, "");
    let s = UPDATED.replace_all(&s, "");
    let s = s.replace("(ODG)", "").replace("()", "");
    let s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':' | ';' | '-' | '/' | '\u{2013}'));
    let s = balance(s);
    let s = crate::letter::text::clean(&s);
    let s = s
        .strip_suffix(" and the")
        .or_else(|| s.strip_suffix(" and"))
        .unwrap_or(&s)
        .trim_end_matches([',', ' '])
        .to_string();
    (!s.is_empty() && s.len() <= 200).then_some(s)
}

/// Trims brackets that open or close nothing (`(FCE` keeps its bracket closed: `(FCE)`).
fn balance(s: &str) -> String {
    let s = s.trim_start_matches(')').trim_end_matches('(').trim();
    let opens = s.matches('(').count();
    let closes = s.matches(')').count();
    let mut out = s.to_string();
    if opens > closes {
        out.push_str(&")".repeat(opens - closes));
    } else if closes > opens && out.ends_with(')') && !out.starts_with('(') {
        while out.matches(')').count() > out.matches('(').count() && out.ends_with(')') {
            out.pop();
        }
    }
    out
}

fn year(s: &str) -> Option<u16> {
    YEAR.captures(s).and_then(|c| c[1].parse().ok())
}

fn pages(s: &str) -> Option<String> {
    PAGES.captures(s).map(|c| c[1].split_whitespace().collect::<Vec<_>>().join(" ").replace(" - ", "-"))
}

fn ordinal(n: &str) -> String {
    match n {
        "1" => "1st".into(),
        "2" => "2nd".into(),
        "3" => "3rd".into(),
        n => format!("{n}th"),
    }
}

/// The text up to the first comma or period, as a name for an otherwise unknown source.
fn first_clause(s: &str) -> Option<String> {
    let s = s.trim();
    let end = s.find([',', ';']).unwrap_or(s.len());
    let c = crate::letter::text::clean(s[..end].trim_end_matches('.'));
    let c: String = c.chars().take(80).collect();
    (!c.is_empty()).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Kind, Option<String>, Option<u16>, Option<String>);

    fn cites(line: &str) -> Vec<Row> {
        extract(line, CitedBy::Imr, Table::builtin())
            .into_iter()
            .map(|c| (c.key, c.kind, c.topic, c.year, c.pages))
            .collect()
    }

    fn keys(line: &str) -> Vec<String> {
        extract(line, CitedBy::Ur, Table::builtin()).into_iter().map(|c| c.key).collect()
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn the_first_name_is_the_first_of_all_names() {
        let t = Table::builtin();
        let texts = [
            "Chronic Pain Medical Treatment Guidelines (2009), Opioids; Low Back Complaints 2004",
            "Low Back - Lumbar & Thoracic (Acute & Chronic), Knee & Leg, Shoulder",
            "Knee and Leg, Neck and Upper Back; Pain (Chronic)",
            "ACOEM Practice Guidelines, 3rd Edition, Low Back Disorders, Chronic Pain",
            "Elbow Disorders Forearm, Wrist, and Hand Complaints Ankle and Foot",
            "nothing here at all",
            "",
        ];
        for names in [&t.mtus, &t.odg, &t.acoem, &t.source] {
            for text in texts {
                assert_eq!(names.find(text), names.find_all(text).into_iter().next(), "{text}");
            }
        }
        assert!(t.odg.find(texts[1]).is_some() && t.mtus.find(texts[0]).is_some());
    }

    #[test]
    fn mtus_chapter_year_and_section() {
        assert_eq!(
            cites("Decision based on MTUS Shoulder Complaints 2004, Section(s): Special Studies."),
            [("MTUS Shoulder Complaints".into(), Kind::MtusChapter, s("Special Studies"), Some(2004), None)]
        );
        assert_eq!(
            cites(
                "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Muscle relaxants (for pain)."
            ),
            [(
                "MTUS Chronic Pain Medical Treatment".into(),
                Kind::MtusChronicPain,
                s("Muscle relaxants (for pain)"),
                Some(2016),
                None
            )]
        );
    }

    #[test]
    fn every_mtus_chapter_of_the_domain_notes() {
        for (written, key) in [
            ("Chronic Pain Medical Treatment 2009", "MTUS Chronic Pain Medical Treatment"),
            ("Chronic Pain Medical Treatment 2016", "MTUS Chronic Pain Medical Treatment"),
            ("Low Back Complaints 2004", "MTUS Low Back Complaints"),
            ("Neck and Upper Back Complaints 2004", "MTUS Neck and Upper Back Complaints"),
            ("Shoulder Complaints 2004", "MTUS Shoulder Complaints"),
            ("Knee Complaints 2004", "MTUS Knee Complaints"),
            ("Elbow Complaints 2007", "MTUS Elbow Complaints"),
            ("Forearm, Wrist, and Hand Complaints 2004", "MTUS Forearm, Wrist, and Hand Complaints"),
            ("Ankle and Foot Complaints 2004", "MTUS Ankle and Foot Complaints"),
            ("General Approaches 2004", "MTUS General Approaches"),
            ("Stress-Related Conditions 2004", "MTUS Stress-Related Conditions"),
            ("Acupuncture Treatment 2007", "MTUS Acupuncture Treatment"),
            ("Opioid Treatment 2016", "MTUS Opioid Treatment"),
            ("Postsurgical Treatment 2009", "MTUS Postsurgical Treatment"),
        ] {
            assert_eq!(keys(&format!("Decision based on MTUS {written}.")), [key], "{written}");
        }
    }

    #[test]
    fn several_chapters_joined_with_and() {
        let line = "Decision based on MTUS Forearm, Wrist, and Hand Complaints 2004, Section(s): Work-Relatedness, and Postsurgical Treatment 2009, Section(s): Forearm, Wrist, & Hand, and Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment.";
        assert_eq!(
            cites(line),
            [
                (
                    "MTUS Forearm, Wrist, and Hand Complaints".into(),
                    Kind::MtusChapter,
                    s("Work-Relatedness"),
                    Some(2004),
                    None
                ),
                (
                    "MTUS Postsurgical Treatment".into(),
                    Kind::MtusChapter,
                    s("Forearm, Wrist, & Hand"),
                    Some(2009),
                    None
                ),
                (
                    "MTUS Chronic Pain Medical Treatment".into(),
                    Kind::MtusChronicPain,
                    s("Physical medicine treatment"),
                    Some(2016),
                    None
                ),
            ]
        );
    }

    #[test]
    fn opioid_treatment_sections_keep_their_numbers() {
        let line = "Decision based on MTUS Opioid Treatment 2016, Section(s): 4.1 Tapering Opioids: Indications for Tapering Opioids, 3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment.";
        let c = cites(line);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].1, Kind::MtusOpioid);
        assert_eq!(c[0].2.as_deref(), Some("4.1 Tapering Opioids: Indications for Tapering Opioids, 3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment"));
    }

    #[test]
    fn layout_b_page_references() {
        assert_eq!(
            cites("Decision based on MTUS ACOEM Page(s): 305-306."),
            [("MTUS Low Back Complaints".into(), Kind::MtusPages, None, None, s("305-306"))]
        );
        assert_eq!(
            cites("Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 307."),
            [("MTUS Low Back Complaints".into(), Kind::MtusChapter, None, None, s("307"))]
        );
        assert_eq!(
            cites("Decision based on MTUS Chronic Pain Medical Treatment Guidelines Opioids, criteria for use Page(s): 76-80."),
            [("MTUS Chronic Pain Medical Treatment".into(), Kind::MtusChronicPain, s("Opioids, criteria for use"), None, s("76-80"))]
        );
        // The same chapter however it is written.
        assert_eq!(
            keys("Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 307."),
            keys("Decision based on MTUS Low Back Complaints 2004.")
        );
    }

    #[test]
    fn odg_spellings_count_together() {
        for line in [
            "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low Back.",
            "Decision based on Non-MTUS Citation ODG Low Back Chapter, Hospital length of stay (LOS).",
            "Decision based on Non-MTUS Citation Official Disability Guidelines: Low Back - Lumbar & Thoracic (Acute & Chronic) Chapter (Online Version).",
            "Decision based on Non-MTUS Citation ODG-TWC Low Back Procedure Summary, MRIs (magnetic resonance imaging).",
            "Decision based on Non-MTUS Citation Official Disability Guidelines, 2017, Web Version, Low Back, Hospital length of stay (LOS).",
            "Decision based on Non-MTUS Citation Official Disability Guidelines, Low Back (updated 01/11/17), Manipulation.",
        ] {
            assert_eq!(keys(line), ["ODG Low Back"], "{line}");
        }
        assert_eq!(
            cites("Decision based on Non-MTUS Citation ODG Low Back Chapter, Hospital length of stay (LOS)."),
            [("ODG Low Back".into(), Kind::Odg, s("Hospital length of stay (LOS)"), None, None)]
        );
        assert_eq!(
            keys("Decision based on Non-MTUS Citation ODG Chiropractic guidelines."),
            ["ODG Chiropractic Guidelines"]
        );
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Low back, Manipulation; Neck and Upper back, Manipulation."),
            ["ODG Low Back", "ODG Neck and Upper Back"]
        );
    }

    #[test]
    fn other_sources() {
        assert_eq!(
            cites("Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 3rd Edition (2011), Chronic Pain Chapter, pages 871-874."),
            [("ACOEM 3rd ed. Chronic Pain".into(), Kind::Acoem, None, Some(2011), s("871-874"))]
        );
        assert_eq!(
            keys("Decision based on Non-MTUS Citation UpToDate, Proton pump inhibitors, overview of use."),
            ["UpToDate"]
        );
        assert_eq!(keys("Decision based on Non-MTUS Citation Sildenafil: Drug information, accessed from UpToDate.com on 12/17/2016."), ["UpToDate"]);
        assert_eq!(
            cites("Decision based on Non-MTUS Citation study by Chou R, Baisden J, Carragee EJ, Surgery for low back pain (2009).")[0].0,
            "Study: Chou R"
        );
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Low back pain imaging, http://www.example.org/guide/\nlow_back.html"),
            ["URL: www.example.org"]
        );
        assert_eq!(keys("Decision based on Non-MTUS Citation American College of Surgeons, Physicians as Assistants at Surgery, 2016 update."), ["American College of Surgeons"]);
    }

    #[test]
    fn study_authors_keep_their_particles_and_lose_no_letters() {
        // Regression: the author pattern was matched without regard to case, so "van" was
        // taken for the surname and "Tul" for initials ("Study: van Tul"), and "and" for
        // the initials of "Deyo" ("Study: Deyo and").
        for (line, key) in [
            (
                "Decision based on Non-MTUS Citation study by van Tulder LM, Chou R, Exercise therapy for low back pain, Spine, 2005.",
                "Study: van Tulder LM",
            ),
            ("Decision based on Non-MTUS Citation study by Deyo and Weinstein, Low back pain, 2001.", "Study: Deyo"),
            ("Decision based on Non-MTUS Citation study by Van der Windt DA, Shoulder disorders.", "Study: Van der Windt DA"),
            ("Decision based on Non-MTUS Citation study by O'Connell NE, Wand BM, Back pain.", "Study: O'Connell NE"),
            ("Decision based on Non-MTUS Citation study by Le J, Tam K, Opioid tapering, 2015.", "Study: Le J"),
            ("Decision based on Non-MTUS Citation study by Chou R Baisden J, Surgery.", "Study: Chou R"),
        ] {
            assert_eq!(keys(line), [key], "{line}");
        }
    }

    #[test]
    fn a_web_address_broken_inside_its_host_is_keyed_whole() {
        // Regression: the host was cut at the line break ("URL: www.ncbi").
        for line in [
            "Decision based on Non-MTUS Citation Opioid tapering, http://www.ncbi.\nnlm.nih.gov/pubmed/123.",
            "Decision based on Non-MTUS Citation Opioid tapering, http://www.ncbi.nlm.\nnih.gov/pubmed/123.",
            "Decision based on Non-MTUS Citation Opioid tapering, www.ncbi.\nnlm.nih.gov.",
        ] {
            assert_eq!(keys(line), ["URL: www.ncbi.nlm.nih.gov"], "{line:?}");
            // As the item's guideline line is stored: its lines joined with a space.
            assert_eq!(keys(&crate::letter::text::clean(line)), ["URL: www.ncbi.nlm.nih.gov"], "{line:?}");
        }
        // A sentence after an address that ends the statement is not part of its host.
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Back pain, www.spine.org. The guideline applies."),
            ["URL: www.spine.org"]
        );
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Back pain, http://www.spine.org.\naccessed 2016."),
            ["URL: www.spine.org"]
        );
    }

    #[test]
    fn notice_acoem_third_edition_outside_the_mtus() {
        // Regression: the clause "which is not part of the MTUS" made this an MTUS citation
        // ("MTUS (chapter not named)").
        let line = "The Claims Administrator based its decision on the ACOEM Practice Guidelines, 3rd Edition (2011), Opioids Chapter, which is not part of the MTUS.";
        assert_eq!(cites(line), [("ACOEM 3rd ed. Opioids".into(), Kind::Acoem, None, Some(2011), None)]);
        let elbow = "The Expert Reviewer based his or her decision on the ACOEM Practice Guidelines, 3rd Edition (2011), Elbow Disorders Chapter, which is not part of the MTUS.";
        assert_eq!(keys(elbow), ["ACOEM 3rd ed. Elbow Disorders"]);
        // What is part of the MTUS stays so.
        assert_eq!(
            keys("The Claims Administrator based its decision on the ACOEM Occupational Medicine Practice Guidelines, 2nd Edition (2004), Chapter 12, Low Back Complaints, pages 303-304, which is part of the MTUS."),
            ["MTUS Low Back Complaints"]
        );
        assert_eq!(
            keys("The Claims Administrator based its decision on the Chronic Pain Medical Treatment Guidelines (2009), Opioids, criteria for use, pages 76-80, which is part of the MTUS, and on the Official Disability Guidelines (ODG) Pain, Opioids, which is not part of the MTUS."),
            ["MTUS Chronic Pain Medical Treatment", "ODG Pain (Chronic)"]
        );
    }

    #[test]
    fn acoem_hip_and_groin_chapter() {
        for line in [
            "Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 3rd Edition (2011), Hip and Groin Disorders Chapter, pages 512-514.",
            "Decision based on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd Edition, Hip and Groin Chapter.",
            "Decision based on Non-MTUS Citation ACOEM Practice Guidelines, 3rd ed., Hip & Groin Disorders, pg. 40.",
        ] {
            assert_eq!(keys(line), ["ACOEM 3rd ed. Hip and Groin Disorders"], "{line}");
        }
        // Named without its edition, after the Other Medical Treatment Guidelines.
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Hip and Pelvis, Arthroscopy and Other Medical Treatment Guidelines ACOEM Hip and Groin Disorders, Imaging."),
            ["ODG Hip and Pelvis", "ACOEM Hip and Groin Disorders"]
        );
        // ODG's hip chapter is another guideline's.
        assert_eq!(
            keys("Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Hip & Pelvis, Arthroscopy."),
            ["ODG Hip and Pelvis"]
        );
    }

    #[test]
    fn no_evidence_and_outside_the_mtus() {
        assert_eq!(
            cites("The Claims Administrator did not cite any medical evidence for its decision."),
            [(NO_EVIDENCE.into(), Kind::None, None, None, None)]
        );
        assert_eq!(
            keys("The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Neck and Upper Back."),
            ["ODG Neck and Upper Back"]
        );
    }

    #[test]
    fn the_2013_prose_forms() {
        assert_eq!(
            keys("The Claims Administrator based its decision on the ACOEM Occupational Medicine Practice Guidelines, 2nd Edition (2004), Chapter 12, Low Back Complaints, pages 303-304."),
            ["MTUS Low Back Complaints"]
        );
        assert_eq!(
            keys("California MTUS, Chronic Pain Medical Treatment Guidelines (2009), Physical Medicine, pages 98-99. Official Disability Guidelines: Knee & Leg, Meniscectomy. These guidelines were used because they are the sections of the MTUS that address the requested treatment."),
            ["MTUS Chronic Pain Medical Treatment", "ODG Knee and Leg"]
        );
        let ur = "The Claims Administrator based its decision on the Chronic Pain Medical Treatment Guidelines (2009), Tramadol (Ultram), pages 93-94.";
        let imr = "The Expert Reviewer found that the guidelines relied upon by the Claims Administrator were relevant and appropriate for the issue at dispute.";
        let both = for_item(Some(ur), Some(imr), Table::builtin());
        assert_eq!(both.len(), 2);
        assert_eq!((both[1].key.as_str(), both[1].cited_by), ("MTUS Chronic Pain Medical Treatment", CitedBy::Imr));
    }

    #[test]
    fn a_users_rows_come_first_and_bad_rows_are_named() {
        let t = Table::with_extra("odg\tlow back\tLumbar Spine (ours)\n", "mine.tsv").unwrap();
        let got: Vec<String> = extract("Decision based on Non-MTUS Citation ODG Low Back Chapter.", CitedBy::Ur, &t)
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(got, ["ODG Lumbar Spine (ours)"]);
        let err = Table::with_extra("# mine\nodg\tlow back\n", "mine.tsv").err().unwrap();
        assert_eq!(err.to_string(), "mine.tsv line 2: expected 3 tab-separated columns, found 2");
        assert!(Table::with_extra("bogus\tx\ty\n", "mine.tsv").is_err());
    }
}
