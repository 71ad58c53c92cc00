//! HTML: the static report page (`imr report --format html`) and the pages of `imr serve`,
//! from one renderer. Templates are maud macros, compiled into the binary; maud escapes every
//! text it is given, so nothing from a letter or a query can become markup. The pages load
//! only `/static/style.css` (this folder's `style.css`) and `/static/app.js`, a small script
//! they work without.

use super::{rate_cell, report_heading, share_cell};
use crate::document::StoredLetter;
use crate::facets::{self, Facet, Filter};
use crate::letter::Date;
use crate::report::{Report, Row};
use crate::search::{outcome_label, Hit, Results, Scope, Sort};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The style sheet of every page (served as `/static/style.css`, inlined in static reports).
pub const STYLE_CSS: &str = include_str!("style.css");
/// The pages' optional script (served as `/static/app.js`).
pub const APP_JS: &str = include_str!("app.js");

/// Which parameters a page was asked with, to build links that change one of them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub query: String,
    pub filters: Vec<Filter>,
    pub sort: Sort,
    pub page: usize,
    /// The report (`report=`, a name in `report::KINDS`), on report pages.
    pub report: String,
    /// Words as typed, without the vocabulary's other names (`exact=1`).
    pub exact: bool,
}

impl Params {
    /// The query string for these parameters (`q=...&f=...`), without the `?`.
    pub fn encode(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            s.append_pair("q", &self.query);
        }
        for f in &self.filters {
            s.append_pair("f", &f.key());
        }
        if self.sort != Sort::Relevance {
            s.append_pair("sort", self.sort.as_str());
        }
        if self.page > 1 {
            s.append_pair("page", &self.page.to_string());
        }
        if !self.report.is_empty() {
            s.append_pair("report", &self.report);
        }
        if self.exact {
            s.append_pair("exact", "1");
        }
        s.finish()
    }

    fn url(&self, path: &str) -> String {
        let q = self.encode();
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The same search with `filter` added, or removed when it is already there.
    fn toggled(&self, filter: &Filter) -> Params {
        let mut p = self.clone();
        match p.filters.iter().position(|f| f == filter) {
            Some(k) => {
                p.filters.remove(k);
            }
            None => p.filters.push(filter.clone()),
        }
        p.page = 1;
        p
    }

    fn with_page(&self, page: usize) -> Params {
        Params { page, ..self.clone() }
    }

    /// Only what selects decisions (query and filters): for links to another page.
    fn selection(&self) -> Params {
        Params { query: self.query.clone(), filters: self.filters.clone(), ..Default::default() }
    }
}

/// An HTML document: its title, what its head loads, and its body.
fn document(title: &str, assets: Markup, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                (assets)
            }
            (body)
        }
    }
    .into_string()
}

/// A page of `imr serve`: the style sheet and script from this server, the top bar.
fn page(title: &str, body: Markup) -> String {
    let assets = html! {
        link rel="stylesheet" href="/static/style.css";
        script src="/static/app.js" defer {}
    };
    let body = html! {
        body {
            header.top {
                a.brand href="/" { "imr-search" }
                nav {
                    a href="/" { "Search" }
                    a href="/reports" { "Reports" }
                    a href="/api/openapi.json" { "API" }
                }
            }
            main { (body) }
            footer { "California workers' compensation IMR decisions, from the letters in your index. imr " (env!("CARGO_PKG_VERSION")) }
        }
    };
    document(&format!("{title} · imr-search"), assets, body)
}

/// A text with byte ranges marked (`<mark>`); ranges that do not fit the text are ignored.
fn marked(text: &str, ranges: &[(usize, usize)]) -> Markup {
    // (plain, marked) pieces in order.
    let mut pieces: Vec<(&str, &str)> = Vec::new();
    let mut at = 0;
    for &(a, b) in ranges {
        if a >= at && a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b) {
            pieces.push((&text[at..a], &text[a..b]));
            at = b;
        }
    }
    html! {
        @for (plain, hit) in pieces { (plain) mark { (hit) } }
        (&text[at..])
    }
}

fn badge(outcome: &str) -> Markup {
    let class = match outcome {
        "upheld" => "badge upheld",
        "overturned" => "badge overturned",
        _ => "badge unknown",
    };
    html! { span class=(class) { (outcome_label(outcome)) } }
}

/// The link to a letter's page: by case number, else by its file's content hash.
pub fn case_href(case_number: Option<&str>, hash: &str, query: &str) -> String {
    let id = case_number.filter(|c| !c.is_empty()).unwrap_or(hash);
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !query.is_empty() {
        s.append_pair("q", query);
    }
    let q = s.finish();
    let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    if q.is_empty() {
        format!("/case/{id}")
    } else {
        format!("/case/{id}?{q}")
    }
}

/// The query box, with the filters kept as hidden fields and the sort order.
fn search_form(p: &Params, action: &str, error: Option<&str>, sort: bool) -> Markup {
    html! {
        form.search method="get" action=(action) {
            div.box {
                input #q type="search" name="q" value=(p.query) placeholder="L5-S1 fusion upheld" aria-label="Query" autofocus;
                @for f in &p.filters { input type="hidden" name="f" value=(f.key()); }
                @if !p.report.is_empty() { input type="hidden" name="report" value=(p.report); }
                @if sort {
                    select #sort name="sort" aria-label="Sort" {
                        @for s in Sort::ALL {
                            option value=(s.as_str()) selected[s == p.sort] { (s.as_str()) }
                        }
                    }
                }
                button type="submit" { "Search" }
            }
            label.exact title="Search each word only as typed: no brand or generic names, no abbreviations" {
                input #exact type="checkbox" name="exact" value="1" checked[p.exact];
                " exact words"
            }
            @if let Some(e) = error { p.error role="alert" { (e) } }
        }
    }
}

fn active_filters(p: &Params, path: &str) -> Markup {
    html! {
        @if !p.filters.is_empty() {
            p.active {
                "Narrowed to: "
                @for f in &p.filters {
                    a.chip href=(p.toggled(f).url(path)) title="remove this filter" {
                        (f.facet.label()) ": " (f.value) " ×"
                    }
                }
            }
        }
    }
}

fn facet_list(p: &Params, counts: &facets::Counts) -> Markup {
    html! {
        aside.facets {
            @for (facet, values) in counts {
                @if !values.is_empty() {
                    section.facet data-facet=(facet.as_str()) {
                        h3 { (facet.label()) }
                        ul {
                            @for c in values {
                                @let filter = Filter { facet: *facet, value: c.value.clone() };
                                @let on = p.filters.contains(&filter);
                                li {
                                    a class=(if on { "on" } else { "" }) href=(p.toggled(&filter).url("/search")) {
                                        span.v { (facet_value(*facet, &c.value)) }
                                        span.n { (c.count) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn facet_value(facet: Facet, value: &str) -> String {
    match facet {
        Facet::Outcome => outcome_label(value).to_lowercase(),
        _ => value.to_string(),
    }
}

fn scope_note(r: &Results) -> String {
    match r.scope {
        Scope::Item if r.elsewhere > 0 => {
            format!("matched in the disputed item itself; {} more mention the words elsewhere", r.elsewhere)
        }
        Scope::Item => "matched in the disputed item itself".to_string(),
        Scope::Decision if r.elsewhere > 0 => format!("{} more mention the words only in a case summary", r.elsewhere),
        Scope::Decision | Scope::Anywhere => String::new(),
    }
}

fn hit_card(h: &Hit, query: &str, rank: usize) -> Markup {
    html! {
        li.hit {
            div.line {
                span.rank { (rank) "." }
                a.case href=(format!("{}#item-{}", case_href(h.case_number.as_deref(), &h.hash, query), h.item_no)) {
                    (h.case_number.as_deref().unwrap_or("(no case number)"))
                }
                span.item-no { "item " (h.item_no) "/" (h.item_count) }
                (badge(&h.outcome))
                span.date { (h.decision_date.as_deref().unwrap_or("no date")) }
                span.specialty { (if h.specialty.is_empty() { "no specialty".to_string() } else { h.specialty.join(", ") }) }
            }
            @if !h.item.is_empty() { div.item { (h.item) } }
            @if !h.snippet.text.is_empty() {
                div.snippet { span.field { (h.snippet.field) ": " } "…" (marked(&h.snippet.text, &h.snippet.highlights)) "…" }
            }
        }
    }
}

/// What a search page shows.
pub struct SearchPage<'a> {
    pub params: &'a Params,
    /// Decisions per page.
    pub limit: usize,
    pub results: Option<&'a Results>,
    pub facets: Option<&'a facets::Counts>,
    /// A one-line message shown beside the query box (a bad query).
    pub error: Option<&'a str>,
}

/// The search page: query box, "read as" line, facets, results, paging, downloads.
pub fn search_page(s: &SearchPage) -> String {
    let p = s.params;
    let title = if p.query.is_empty() { "Search".to_string() } else { format!("{} — search", p.query) };
    let body = html! {
        (search_form(p, "/search", s.error, true))
        @if let Some(r) = s.results {
            @let pages = r.total.div_ceil(s.limit.max(1)).max(1);
            @let first = (p.page.max(1) - 1) * s.limit + 1;
            div.summary {
                p.count #count data-total=(r.total) {
                    strong { (r.total) } " decision" (if r.total == 1 { "" } else { "s" }) " match"
                    @let note = scope_note(r);
                    @if !note.is_empty() { " (" (note) ")" }
                }
                p.readas {
                    "Read as: " code { (r.reading.describe()) }
                    @for note in &r.reading.notes { br; span.note { (note) } }
                }
                @for s in &r.suggestions {
                    p.didyoumean {
                        "Did you mean "
                        a href=(Params { query: s.query.clone(), page: 1, ..p.clone() }.url("/search")) { (s.query) }
                        " (" (s.decisions) " decision" (if s.decisions == 1 { "" } else { "s" }) ")?"
                    }
                }
                (active_filters(p, "/search"))
                p.downloads {
                    "Download all " (r.total) ": "
                    a href=(p.with_page(1).url("/search.csv")) download { "CSV" } " · "
                    a href=(p.with_page(1).url("/search.jsonl")) download { "JSON Lines" } " · "
                    a href=(p.selection().url("/reports")) { "Reports for these decisions" }
                }
            }
            div.layout {
                @if let Some(f) = s.facets { (facet_list(p, f)) }
                section.results {
                    @if r.hits.is_empty() {
                        p.none { "No decisions match. Try fewer words, or remove a filter." }
                    } @else {
                        ol.hits start=(first) {
                            @for (k, h) in r.hits.iter().enumerate() { (hit_card(h, &p.query, first + k)) }
                        }
                        nav.pages {
                            @if p.page > 1 { a rel="prev" href=(p.with_page(p.page - 1).url("/search")) { "← previous" } }
                            span { "page " (p.page.max(1)) " of " (pages) }
                            @if p.page < pages && first + r.hits.len() <= r.total && first + s.limit <= crate::search::MAX_OFFSET {
                                a rel="next" href=(p.with_page(p.page + 1).url("/search")) { "next →" }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&title, body)
}

/// The page shown while there is no index to read: what to run to build one.
pub fn no_index_page(index: &str, why: &str) -> String {
    let body = html! {
        section.empty {
            h1 { "No index to search yet" }
            p { (why) }
            p { "Build one from a folder of letters (PDF or text), then reload this page:" }
            pre { "imr index --index " (index) " FOLDER" }
            p { "This page finds the index by itself once it is built; the server need not be restarted." }
        }
    };
    page("No index", body)
}

/// A page with one message (not found, bad request, busy).
pub fn message_page(title: &str, message: &str) -> String {
    page(title, html! { section.empty { h1 { (title) } p.error { (message) } p { a href="/" { "Back to search" } } } })
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// Which words to mark in a piece of a letter: `(field, text) -> byte ranges`.
pub type Marks<'a> = &'a dyn Fn(&'static str, &str) -> Vec<(usize, usize)>;

/// A letter's page: header, reviewer, summary, every item with its outcome, guidelines and
/// rationale, the searched words marked, and the link to the original file.
pub fn letter_page(
    letters: &[StoredLetter],
    query: &str,
    marks: Marks,
    similar: &[Vec<Option<crate::similar::Similar>>],
) -> String {
    use crate::schema::{CITATION, DIAGNOSIS, PROCEDURE, RATIONALE, SUMMARY};
    let title = letters.first().and_then(|l| l.letter.case_number.clone()).unwrap_or_else(|| "Letter".to_string());
    let body = html! {
        @if !query.is_empty() {
            p.back { a href=(Params { query: query.to_string(), ..Default::default() }.url("/search")) { "← back to the results for “" (query) "”" } }
        }
        @for (k, s) in letters.iter().enumerate() {
            @let l = &s.letter;
            article.letter {
                h1 { (l.case_number.as_deref().unwrap_or("(no case number)")) }
                dl.facts {
                    dt { "Decided" } dd { (date(l.decision_date)) }
                    dt { "Layout" } dd { (l.layout.as_str()) }
                    dt { "Injury" } dd { (date(l.date_of_injury)) }
                    dt { "Assigned" } dd { (date(l.date_assigned)) }
                    dt { "UR denial" } dd { (date(l.ur_denial_date)) }
                    dt { "Application" } dd { (date(l.application_received)) }
                    dt { "Priority" } dd { (l.priority.as_deref().unwrap_or("-")) }
                    dt { "Reviewer" } dd {
                        (if l.reviewer.specialties.is_empty() { "-".to_string() } else { l.reviewer.specialties.join(", ") })
                        " · licensed in "
                        (if l.reviewer.licensure.is_empty() { "-".to_string() } else { l.reviewer.licensure.join(", ") })
                    }
                    dt { "Patient" } dd {
                        (l.patient.age.map_or("-".to_string(), |a| a.to_string())) ", "
                        (l.patient.sex.map_or("-", |x| if x == crate::letter::Sex::Male { "male" } else { "female" }))
                    }
                    dt { "File" } dd {
                        a.original href=(format!("/file/{}", s.hash)) { "original letter (" (s.format) ")" }
                    }
                }
                @if !l.diagnoses.is_empty() {
                    p.diagnoses { strong { "Diagnoses: " } (marked(&l.diagnoses.join("; "), &marks(DIAGNOSIS, &l.diagnoses.join("; ")))) }
                }
                @for w in &l.warnings { p.warning { "Warning: " (w) } }
                @if let Some(summary) = &l.clinical_summary {
                    h2 { "Clinical case summary" }
                    p.summary { (marked(summary, &marks(SUMMARY, summary))) }
                }
                h2 { "Decisions (" (l.items.len()) ")" }
                ol.items {
                    @for (n, d) in l.items.iter().enumerate() {
                        @let outcome = d.outcome.map_or("unknown", |o| o.as_str());
                        li.decision id=(format!("item-{}", n + 1)) {
                            div.line { span.rank { (n + 1) "." } (badge(outcome)) span.item { (marked(&d.item, &marks(PROCEDURE, &d.item))) } }
                            @if let (Some(o), Some(a)) = (&d.original_request, &d.authorized) {
                                p.partial { "Original request: " (o) br; "Authorized by the claims administrator: " (a) }
                            }
                            @for (label, field, text) in [
                                ("Claims administrator guideline", CITATION, &d.ur_guideline),
                                ("IMR reviewer guideline", CITATION, &d.imr_guideline),
                                ("Rationale", RATIONALE, &d.rationale),
                            ] {
                                @if let Some(t) = text {
                                    h3 { (label) }
                                    p { (marked(t, &marks(field, t))) }
                                }
                            }
                            @if let Some(Some(like)) = similar.get(k).and_then(|v| v.get(n)) {
                                (similar_section(like))
                            }
                        }
                    }
                }
                @if !l.text.is_empty() {
                    h2 { "Full text" }
                    pre.fulltext { (l.text) }
                }
            }
        }
    };
    page(&title, body)
}

/// Rows of the similar-decisions section of an item.
const SIMILAR_SHOWN: usize = 5;

fn similar_section(like: &crate::similar::Similar) -> Markup {
    html! {
        section.similar {
            h3 { "Similar decisions" }
            p.summary { (like.summary()) }
            ul {
                @for l in like.decisions.iter().take(SIMILAR_SHOWN) {
                    @let h = &l.hit;
                    li {
                        a href=(format!("{}#item-{}", case_href(h.case_number.as_deref(), &h.hash, ""), h.item_no)) {
                            (h.case_number.as_deref().unwrap_or("(no case number)"))
                        }
                        " " (badge(&h.outcome)) " " (h.item)
                    }
                }
            }
        }
    }
}

/// Rows drawn in a report's chart (the table has them all).
const CHART_ROWS: usize = 30;

fn row_label(row: &Row) -> String {
    match &row.group {
        Some(g) => format!("{} · {}", row.key, g),
        None => row.key.clone(),
    }
}

/// The chart of a report, drawn on the server: one stacked bar (upheld, overturned, no
/// outcome) per row, as SVG.
pub fn report_chart(r: &Report) -> Markup {
    let rows: Vec<&Row> = r.rows.iter().take(CHART_ROWS).collect();
    let max = rows.iter().map(|x| x.decisions).max().unwrap_or(1).max(1) as f64;
    let (label_w, bar_w, row_h) = (300.0, 420.0, 22.0);
    let height = row_h * rows.len() as f64 + 30.0;
    let width = label_w + bar_w + 300.0;
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) role="img" aria-label=(r.title) {
                @for (k, row) in rows.iter().enumerate() {
                    @let y = 24.0 + row_h * k as f64;
                    @let part = |n: u64| bar_w * n as f64 / max;
                    @let label = row_label(row);
                    g {
                        title { (label) ": " (share_cell(row)) ", overturned " (rate_cell(row)) }
                        text x=(label_w - 8.0) y=(y + 14.0) text-anchor="end" class="label" {
                            (if label.chars().count() > 44 { format!("{}…", label.chars().take(43).collect::<String>()) } else { label.clone() })
                        }
                        rect class="upheld" x=(label_w) y=(y) width=(format!("{:.2}", part(row.upheld))) height="16" {}
                        rect class="overturned" x=(format!("{:.2}", label_w + part(row.upheld))) y=(y) width=(format!("{:.2}", part(row.overturned))) height="16" {}
                        rect class="unknown" x=(format!("{:.2}", label_w + part(row.upheld) + part(row.overturned))) y=(y) width=(format!("{:.2}", part(row.unknown))) height="16" {}
                        text x=(format!("{:.2}", label_w + part(row.decisions) + 6.0)) y=(y + 13.0) class="value" {
                            (row.decisions) " · " (match (row.overturn_rate, row.overturn_rate_low, row.overturn_rate_high) {
                                (Some(x), Some(lo), Some(hi)) => format!("{:.1}% overturned ({:.1}-{:.1}%){}", 100.0 * x, 100.0 * lo, 100.0 * hi, if row.small { " *" } else { "" }),
                                _ => "-".to_string(),
                            })
                        }
                    }
                }
                g.legend {
                    rect class="upheld" x=(label_w) y="4" width="12" height="12" {}
                    text x=(label_w + 16.0) y="14" { "upheld" }
                    rect class="overturned" x=(label_w + 80.0) y="4" width="12" height="12" {}
                    text x=(label_w + 96.0) y="14" { "overturned" }
                    rect class="unknown" x=(label_w + 180.0) y="4" width="12" height="12" {}
                    text x=(label_w + 196.0) y="14" { "no outcome" }
                }
            }
            @if r.rows.len() > rows.len() { figcaption { "The chart shows the first " (rows.len()) " of " (r.rows.len()) " rows; the table has them all." } }
        }
    }
}

/// A report's table.
pub fn report_table(r: &Report) -> Markup {
    let has_kind = r.rows.iter().any(|x| x.kind.is_some());
    html! {
        table.report {
            thead { tr {
                th { (r.rows_by) }
                @if has_kind { th { "kind" } }
                @if let Some(g) = r.grouped_by { th { (g) } }
                th.n { "decisions / total (share)" } th.n { "upheld" } th.n { "overturned" } th.n { "overturn rate" }
            } }
            tbody {
                @for row in &r.rows {
                    tr {
                        td { (row.key) }
                        @if has_kind { td { (row.kind.unwrap_or("")) } }
                        @if r.grouped_by.is_some() { td { (row.group.as_deref().unwrap_or("")) } }
                        td.n { (share_cell(row)) } td.n { (row.upheld) } td.n { (row.overturned) } td.n { (rate_cell(row)) }
                    }
                }
            }
        }
        @if r.more_rows > 0 { p.notes { "… and " (r.more_rows) " more rows not shown." } }
        @for note in &r.notes { p.notes { (note) } }
    }
}

fn report_body(r: &Report) -> Markup {
    let heading = report_heading(r);
    html! {
        h1 { (heading[0]) }
        p.scope { (heading[1]) }
        (report_chart(r))
        (report_table(r))
    }
}

/// A self-contained report page (`imr report --format html`): the style sheet inlined, no
/// script, nothing loaded from anywhere.
pub fn report_file(r: &Report) -> String {
    let heading = report_heading(r);
    let body = html! {
        body.file {
            main {
                (report_body(r))
                p.notes { "Made by imr " (env!("CARGO_PKG_VERSION")) " from the letters in the index." }
            }
        }
    };
    document(&heading[0], html! { style { (PreEscaped(STYLE_CSS)) } }, body)
}

/// The reports page: the same query and filters as a search, a choice of report, the chart,
/// the table, and the CSV download.
pub fn report_page(p: &Params, report: Option<&Report>, error: Option<&str>) -> String {
    let body = html! {
        (search_form(p, "/reports", error, false))
        form.choose method="get" action="/reports" {
            @if !p.query.is_empty() { input type="hidden" name="q" value=(p.query); }
            @for f in &p.filters { input type="hidden" name="f" value=(f.key()); }
            label { "Report " select #report name="report" {
                @for (v, l, _, _) in crate::report::KINDS { option value=(v) selected[v == p.report || (p.report.is_empty() && v == "citations")] { (l) } }
            } }
            button type="submit" { "Show" }
        }
        (active_filters(p, "/reports"))
        @if let Some(r) = report {
            (report_body(r))
            p.downloads {
                "Download this table: " a href=(p.url("/reports.csv")) download { "CSV" } " · "
                a href=(p.selection().url("/search")) { "the decisions" }
            }
        }
    };
    page(report.map_or("Reports", |r| r.title.as_str()), body)
}
