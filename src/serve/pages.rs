//! The web pages: search, a letter, reports, downloads and the original files. Each handler
//! reads its parameters, builds the library's request, and renders through `print::html`.

use super::{App, Failure};
use crate::facets::Filter;
use crate::print::html::{self, Params, SearchPage};
use crate::report;
use crate::search::{self, Request, Sort};
use crate::vocabulary::Vocabulary;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

/// Decisions on a search page.
pub(crate) const PAGE_SIZE: usize = 20;
/// Similar decisions counted for each item of a letter's page.
const SIMILAR: usize = 20;
/// Values listed per facet.
pub(crate) const FACET_VALUES: usize = 12;

/// The parameters every page and API call may take, read from the URL's query string.
#[derive(Debug, Default)]
pub(crate) struct Input {
    pub q: String,
    pub filters: Vec<Filter>,
    pub sort: Sort,
    pub page: usize,
    pub limit: Option<usize>,
    pub offset: usize,
    pub report: String,
    pub top: Option<usize>,
    pub min: Option<u64>,
    /// `exact=1`: every word as typed, without the vocabulary's other names.
    pub exact: bool,
    /// The server's vocabulary (the user's rows, if any).
    pub vocabulary: Option<Arc<Vocabulary>>,
}

fn number(name: &str, v: &str) -> Result<usize, Failure> {
    v.parse::<usize>().map_err(|_| Failure::BadRequest(format!("{name}={v:?} is not a whole number")))
}

impl Input {
    pub(crate) fn read(raw: Option<&str>, app: &App) -> Result<Input, Failure> {
        let mut input = Input { page: 1, vocabulary: app.tables.vocabulary(), ..Default::default() };
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match k.as_ref() {
                "q" => input.q = v.trim().to_string(),
                "f" if !v.is_empty() => {
                    let f = Filter::parse(&v).map_err(Failure::BadRequest)?;
                    if !input.filters.contains(&f) {
                        input.filters.push(f);
                    }
                }
                "sort" if !v.is_empty() => {
                    input.sort = Sort::parse(&v).ok_or_else(|| {
                        Failure::BadRequest(format!("sort={v:?}: sort by relevance, newest or oldest"))
                    })?
                }
                "page" if !v.is_empty() => {
                    input.page = number("page", &v)?;
                    if input.page == 0 {
                        return Err(Failure::BadRequest("page=0: pages are counted from 1".into()));
                    }
                }
                "limit" if !v.is_empty() => input.limit = Some(number("limit", &v)?),
                "offset" if !v.is_empty() => input.offset = number("offset", &v)?,
                "report" => input.report = v.to_string(),
                "top" if !v.is_empty() => input.top = Some(number("top", &v)?),
                "min" if !v.is_empty() => input.min = Some(number("min", &v)? as u64),
                "exact" => input.exact = !matches!(v.as_ref(), "" | "0" | "false" | "off"),
                _ => {} // unknown parameters are ignored, as browsers add their own
            }
        }
        if input.filters.len() > 20 {
            return Err(Failure::BadRequest("more than 20 filters".into()));
        }
        Ok(input)
    }

    pub(crate) fn params(&self) -> Params {
        Params {
            query: self.q.clone(),
            filters: self.filters.clone(),
            sort: self.sort,
            page: self.page,
            report: self.report.clone(),
            exact: self.exact,
        }
    }

    /// The search request of a page (`page=`, fixed size) or of the API (`limit=`, `offset=`).
    pub(crate) fn request(&self, limit: usize, offset: usize) -> Request {
        Request {
            query: self.q.clone(),
            filters: self.filters.clone(),
            sort: self.sort,
            limit,
            offset,
            anywhere: false,
            facets: Some(FACET_VALUES),
            exact: self.exact,
            vocabulary: self.vocabulary.clone(),
            elsewhere: true,
        }
    }

    /// The vocabulary the query is read with; none when read exactly.
    pub(crate) fn words(&self) -> Option<&Vocabulary> {
        search::words(self.exact, self.vocabulary.as_deref())
    }

    /// The report asked for (`report=`, default the citations report).
    pub(crate) fn report_kind(&self) -> Result<(report::Dimension, Option<report::Dimension>), Failure> {
        let name = if self.report.is_empty() { "citations" } else { self.report.as_str() };
        report::kind(name).ok_or_else(|| {
            let names: Vec<&str> = report::KINDS.iter().map(|k| k.0).collect();
            Failure::BadRequest(format!("there is no report {name:?} (reports: {})", names.join(", ")))
        })
    }
}

/// `GET /` and `GET /search?q=&f=&sort=&page=`.
pub(crate) async fn search(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let input = match Input::read(raw.as_deref(), &app) {
        Ok(i) => i,
        Err(f) => return f.page(&app),
    };
    let offset = (input.page - 1).saturating_mul(PAGE_SIZE);
    let req = input.request(PAGE_SIZE, offset);
    let params = input.params();
    let answer = app.work(move |_, store, searcher| Ok(search::search(store, searcher, &req)?)).await;
    match answer {
        Ok(results) => Html(html::search_page(&SearchPage {
            params: &params,
            limit: PAGE_SIZE,
            results: Some(&results),
            facets: results.facets.as_ref(),
            error: None,
        }))
        .into_response(),
        Err(Failure::BadRequest(message)) => (
            StatusCode::BAD_REQUEST,
            Html(html::search_page(&SearchPage {
                params: &params,
                limit: PAGE_SIZE,
                results: None,
                facets: None,
                error: Some(&message),
            })),
        )
            .into_response(),
        Err(f) => f.page(&app),
    }
}

/// A letter's id in a URL: a case number or a content hash, never a path.
pub(crate) fn letter_id(id: &str) -> Result<&str, Failure> {
    if id.is_empty() || id.len() > 100 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Failure::NotFound(format!("there is no letter {id:?} in the index")));
    }
    Ok(id)
}

/// `GET /case/{id}?q=`: a letter, by case number or content hash, the query's words marked.
pub(crate) async fn letter(State(app): State<Arc<App>>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let input = match Input::read(raw.as_deref(), &app) {
        Ok(i) => i,
        Err(f) => return f.page(&app),
    };
    if let Err(f) = letter_id(&id) {
        return f.page(&app);
    }
    let q = input.q.clone();
    let (exact, vocabulary) = (input.exact, input.vocabulary.clone());
    let answer = app
        .work(move |app, store, searcher| {
            let letters = search::letters_cited(store, searcher, &id, app.tables.tables().citations)?;
            if letters.is_empty() {
                return Err(Failure::NotFound(format!("there is no letter {id:?} in the index")));
            }
            // A query that does not read marks nothing; the letter is still shown.
            let marker = search::Marker::new(store, searcher, &q, search::words(exact, vocabulary.as_deref())).ok();
            let marks = |field: &'static str, text: &str| {
                marker.as_ref().map_or_else(Vec::new, |m| m.marks(store, field, text))
            };
            // Each item's similar decisions (items of letters without a case number have none).
            let mut similar = Vec::with_capacity(letters.len());
            for l in &letters {
                let mut per_item = Vec::with_capacity(l.letter.items.len());
                for n in 1..=l.letter.items.len() as u64 {
                    per_item.push(match &l.letter.case_number {
                        Some(case) => crate::similar::similar(store, searcher, case, n, SIMILAR)?,
                        None => None,
                    });
                }
                similar.push(per_item);
            }
            Ok(html::letter_page(&letters, &q, &marks, &similar))
        })
        .await;
    match answer {
        Ok(page) => Html(page).into_response(),
        Err(f) => f.page(&app),
    }
}

/// `GET /file/{hash}`: the original file of an indexed letter, found through the index by
/// its content hash, served only while its content is still what was indexed.
pub(crate) async fn file(State(app): State<Arc<App>>, Path(hash): Path<String>) -> Response {
    if hash.len() != crate::ingest::CONTENT_HASH_LEN || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Failure::NotFound("no such file".into()).page(&app);
    }
    let answer = app
        .work(move |_, store, searcher| {
            let letters = search::letters(store, searcher, &hash)?;
            let Some(letter) = letters.into_iter().find(|l| l.hash == hash) else {
                return Err(Failure::NotFound("no indexed letter has this file".into()));
            };
            let path = std::path::Path::new(&letter.path);
            let gone = || {
                Failure::NotFound(format!(
                    "the file of {} is no longer there as it was indexed: run `imr index` again",
                    letter.letter.case_number.as_deref().unwrap_or("this letter")
                ))
            };
            // The indexed path itself must be a plain file (not a link put there since).
            match std::fs::symlink_metadata(path) {
                Ok(m) if m.is_file() && m.len() <= crate::ingest::MAX_FILE_BYTES => {}
                _ => return Err(gone()),
            }
            let bytes = std::fs::read(path).map_err(|_| gone())?;
            if crate::ingest::content_hash(&bytes) != hash {
                return Err(gone());
            }
            let (kind, ext) = match letter.format.as_str() {
                "pdf" => ("application/pdf", "pdf"),
                "utf-16le" => ("text/plain; charset=utf-16le", "txt"),
                "utf-16be" => ("text/plain; charset=utf-16be", "txt"),
                "windows-1252" => ("text/plain; charset=windows-1252", "txt"),
                _ => ("text/plain; charset=utf-8", "txt"),
            };
            let name = letter
                .letter
                .case_number
                .clone()
                .filter(|c| c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .unwrap_or_else(|| hash[..16].to_string());
            Ok((kind, format!("inline; filename=\"{name}.{ext}\""), bytes))
        })
        .await;
    match answer {
        Ok((kind, disposition, bytes)) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(f) => f.page(&app),
    }
}

/// `GET /reports?q=&f=&report=`.
pub(crate) async fn reports(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let input = match Input::read(raw.as_deref(), &app) {
        Ok(i) => i,
        Err(f) => return f.page(&app),
    };
    let params = input.params();
    let answer = match input.report_kind() {
        Ok(kind) => app.work(move |_, store, searcher| Ok(run_report(store, searcher, &input, kind)?)).await,
        Err(f) => Err(f),
    };
    match answer {
        Ok(r) => Html(html::report_page(&params, Some(&r), None)).into_response(),
        Err(Failure::BadRequest(m)) => {
            (StatusCode::BAD_REQUEST, Html(html::report_page(&params, None, Some(&m)))).into_response()
        }
        Err(f) => f.page(&app),
    }
}

/// Runs the report an input asks for.
pub(crate) fn run_report(
    store: &crate::store::Store,
    searcher: &tantivy::Searcher,
    input: &Input,
    (rows, by): (report::Dimension, Option<report::Dimension>),
) -> Result<report::Report, search::SearchError> {
    let req = report::Request {
        query: (!input.q.is_empty()).then_some(input.q.as_str()),
        filters: &input.filters,
        rows,
        by,
        top: input.top,
        min: input.min,
        words: input.words(),
    };
    report::run(store, searcher, &req)
}

/// `GET /reports.csv?q=&f=&report=`.
pub(crate) async fn reports_csv(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let input = Input::read(raw.as_deref(), &app)?;
        let kind = input.report_kind()?;
        app.work(move |_, store, searcher| {
            let r = run_report(store, searcher, &input, kind)?;
            let mut out = Vec::new();
            crate::print::report_csv(&mut out, &r).map_err(|_| Failure::Internal)?;
            Ok(out)
        })
        .await
    }
    .await;
    match answer {
        Ok(csv) => attachment(Body::from(csv), "text/csv; charset=utf-8", "imr-report.csv"),
        Err(f) => f.page(&app),
    }
}

fn attachment(body: Body, kind: &'static str, name: &'static str) -> Response {
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("an ASCII header"),
    );
    r
}

/// `GET /search.csv`: every matching decision as CSV, streamed.
pub(crate) async fn download_csv(state: State<Arc<App>>, raw: RawQuery) -> Response {
    download(state, raw, Download::Csv).await
}

/// `GET /search.jsonl`: every matching decision as JSON Lines (`imr search --json`), streamed.
pub(crate) async fn download_jsonl(state: State<Arc<App>>, raw: RawQuery) -> Response {
    download(state, raw, Download::Jsonl).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Download {
    Csv,
    Jsonl,
}

/// Decisions read and written per chunk of a download.
const CHUNK: usize = 256;

async fn download(State(app): State<Arc<App>>, RawQuery(raw): RawQuery, kind: Download) -> Response {
    let input = match Input::read(raw.as_deref(), &app) {
        Ok(i) => i,
        Err(f) => return f.page(&app),
    };
    let live = match app.live() {
        Ok(l) => l,
        Err(f) => return f.page(&app),
    };
    let Ok(permit) = app.downloads.clone().try_acquire_owned() else {
        return Failure::Busy("another download is running; try again when it is done".into()).page(&app);
    };
    let req = Request { facets: None, ..input.request(1, 0) };
    // The first chunk (or the error) comes back before the answer starts, so a bad query
    // gets a 400, not a broken download.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, Failure>>(4);
    std::thread::spawn(move || {
        let _permit = permit;
        let searcher = live.reader.searcher();
        let mut first = true;
        let result = search::each_hit(&live.store, &searcher, &req, CHUNK, |hits| {
            let mut buf = Vec::new();
            let written = match kind {
                Download::Csv => crate::print::hits_csv(&mut buf, &hits, first),
                Download::Jsonl => crate::print::hits_lines(&mut buf, &hits),
            };
            first = false;
            written.is_ok() && tx.blocking_send(Ok(Bytes::from(buf))).is_ok()
        });
        match result {
            Err(e) => {
                let _ = tx.blocking_send(Err(Failure::from(e)));
            }
            Ok(()) if first && kind == Download::Csv => {
                let mut buf = Vec::new();
                let _ = crate::print::hits_csv(&mut buf, &[], true);
                let _ = tx.blocking_send(Ok(Bytes::from(buf)));
            }
            Ok(()) => {}
        }
    });
    let head = match rx.recv().await {
        Some(Ok(b)) => b,
        Some(Err(f)) => return f.page(&app),
        None => Bytes::new(),
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Some(Ok(b)) => Some((Ok::<Bytes, std::io::Error>(b), rx)),
            // A failure after the answer started can only cut it short.
            Some(Err(_)) | None => None,
        }
    });
    let stream = futures_util::StreamExt::chain(futures_util::stream::once(async move { Ok(head) }), rest);
    match kind {
        Download::Csv => attachment(Body::from_stream(stream), "text/csv; charset=utf-8", "imr-decisions.csv"),
        Download::Jsonl => attachment(Body::from_stream(stream), "application/x-ndjson", "imr-decisions.jsonl"),
    }
}
