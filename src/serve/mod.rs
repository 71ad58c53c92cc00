//! `imr serve`: the index as web pages and a JSON API, read-only, on axum (tokio).
//!
//! The handlers read the request into the same `search::Request` / `report::Request` the
//! command line builds, call the same library functions, and render through `print`. Index
//! work runs on blocking threads, at most one per core at a time.
//!
//! Safety, for an index of medical letters:
//! - loopback by default; the `Host` header must name the bound address or localhost (a page
//!   elsewhere cannot reach the index through DNS rebinding);
//! - every text is escaped by the templates; a Content-Security-Policy forbids inline script;
//! - no request names a path: letters are found by case number or content hash through the
//!   index, and a file is served only if the index holds it and its content is unchanged;
//! - limits on the URL, the query, the page size and offset, requests in flight and time per
//!   request, each answered with a 4xx/503 message. No internals reach the client.

mod api;
mod pages;

use crate::store::Store;
use crate::tables::UserTables;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tantivy::{IndexReader, ReloadPolicy};
use tokio::sync::Semaphore;

/// How much the server takes on at once.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests being answered at once; more get 503.
    pub in_flight: usize,
    /// Index work at once (searches, reports, letters).
    pub workers: usize,
    /// Longest time to answer one request (a download: to start its answer).
    pub timeout: Duration,
    /// Longest URL (path and query), in bytes.
    pub max_uri: usize,
    /// Largest `limit` of `/api/search`.
    pub max_limit: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits { in_flight: 64, workers: cores, timeout: Duration::from_secs(10), max_uri: 8 * 1024, max_limit: 100 }
    }
}

/// A checked `imr serve` configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// Listening on a non-loopback address was asked for: any `Host` is accepted.
    pub public: bool,
    pub limits: Limits,
}

/// The index, once it can be opened: a reader that follows new commits by itself.
struct Live {
    store: Store,
    reader: IndexReader,
}

pub(crate) struct App {
    index: PathBuf,
    live: Mutex<Option<Arc<Live>>>,
    pub(crate) tables: UserTables,
    /// `Host` header values accepted (lower case); empty with `--public`.
    hosts: Vec<String>,
    limits: Limits,
    workers: Arc<Semaphore>,
    /// One download at a time: it reads every matching decision.
    downloads: Arc<Semaphore>,
    in_flight: AtomicUsize,
}

/// Why a request was not answered, in words for the client.
#[derive(Debug)]
pub(crate) enum Failure {
    BadRequest(String),
    NotFound(String),
    /// No index yet (or one that cannot be read): what to do about it.
    NoIndex(String),
    Busy(String),
    /// Something went wrong inside; the details go to the server's stderr only.
    Internal,
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::NotFound(_) => StatusCode::NOT_FOUND,
            Failure::NoIndex(_) | Failure::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            Failure::BadRequest(m) | Failure::NotFound(m) | Failure::NoIndex(m) | Failure::Busy(m) => m,
            Failure::Internal => "the server could not answer this request (see its log); it keeps running",
        }
    }

    /// The failure as a JSON body: `{"error": "..."}`.
    pub(crate) fn json(&self) -> Response {
        let body = serde_json::json!({ "error": self.message() });
        (self.status(), axum::Json(body)).into_response()
    }

    /// The failure as a page.
    pub(crate) fn page(&self, app: &App) -> Response {
        let html = match self {
            Failure::NoIndex(why) => crate::print::html::no_index_page(&app.index.display().to_string(), why),
            Failure::BadRequest(_) => crate::print::html::message_page("Bad request", self.message()),
            Failure::NotFound(_) => crate::print::html::message_page("Not found", self.message()),
            Failure::Busy(_) => crate::print::html::message_page("Busy", self.message()),
            Failure::Internal => crate::print::html::message_page("Error", self.message()),
        };
        // A missing index is a normal state for the page, not an error.
        let status = if matches!(self, Failure::NoIndex(_)) { StatusCode::OK } else { self.status() };
        (status, axum::response::Html(html)).into_response()
    }
}

impl From<crate::search::SearchError> for Failure {
    fn from(e: crate::search::SearchError) -> Failure {
        use crate::search::SearchError;
        match e {
            SearchError::Query { .. } | SearchError::Limit(_) => Failure::BadRequest(e.to_string()),
            SearchError::Stored { .. } => {
                eprintln!("imr: {e}");
                Failure::NoIndex(e.to_string())
            }
            SearchError::Index(e) => {
                eprintln!("imr: serve: {e}");
                Failure::Internal
            }
        }
    }
}

impl App {
    fn new(config: &Config) -> anyhow::Result<App> {
        let hosts = if config.public { Vec::new() } else { allowed_hosts(config.addr) };
        Ok(App {
            index: config.index.clone(),
            live: Mutex::new(None),
            tables: UserTables::load()?,
            hosts,
            limits: config.limits.clone(),
            workers: Arc::new(Semaphore::new(config.limits.workers.max(1))),
            downloads: Arc::new(Semaphore::new(1)),
            in_flight: AtomicUsize::new(0),
        })
    }

    /// The index, opened the first time it is there; its reader picks up new commits.
    fn live(&self) -> Result<Arc<Live>, Failure> {
        let mut slot = self.live.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(live) = slot.as_ref() {
            return Ok(live.clone());
        }
        if !self.index.join("meta.json").is_file() {
            return Err(Failure::NoIndex(format!("There is no index at {} yet.", self.index.display())));
        }
        let store = Store::open(&self.index).map_err(|e| Failure::NoIndex(format!("{e:#}")))?;
        let reader = store
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| Failure::NoIndex(format!("cannot read the index at {}: {e}", self.index.display())))?;
        let live = Arc::new(Live { store, reader });
        *slot = Some(live.clone());
        Ok(live)
    }

    /// Runs index work on a blocking thread, at most `workers` at a time.
    pub(crate) async fn work<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&App, &Store, &tantivy::Searcher) -> Result<T, Failure> + Send + 'static,
    ) -> Result<T, Failure> {
        let live = self.live()?;
        // The permit goes with the work: a request stopped by the time limit frees its place
        // only when its work is done, so no more than `workers` run at once.
        let permit = self.workers.clone().acquire_owned().await.map_err(|_| Failure::Internal)?;
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let searcher = live.reader.searcher();
            f(&app, &live.store, &searcher)
        })
        .await
        .unwrap_or_else(|e| {
            eprintln!("imr: serve: a request's work failed: {e}");
            Err(Failure::Internal)
        })
    }
}

/// `Host` values that name this server: localhost and the loopback addresses with its port.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "[::1]".to_string()];
    let own = match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    if !names.contains(&own) {
        names.push(own);
    }
    let mut hosts: Vec<String> = names.iter().map(|n| format!("{n}:{port}")).collect();
    if port == 80 {
        hosts.extend(names);
    }
    hosts
}

/// Largest total size of a request's headers.
const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The security headers of every answer.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn plain(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

/// Host check, URL length, requests in flight, time limit, and security headers.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut response = guarded(&app, req, next).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn guarded(app: &Arc<App>, req: Request, next: Next) -> Response {
    if !app.hosts.is_empty() {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
        match host {
            Some(h) if app.hosts.contains(&h) => {}
            Some(h) => {
                return plain(
                    StatusCode::MISDIRECTED_REQUEST,
                    &format!("this server answers only for {}, not for Host {h:?}", app.hosts[0]),
                )
            }
            None => return plain(StatusCode::BAD_REQUEST, "the request has no Host header"),
        }
    }
    let header_bytes: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return plain(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            &format!("the request's headers hold {header_bytes} bytes; the limit is {MAX_HEADER_BYTES}"),
        );
    }
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > app.limits.max_uri {
        return plain(
            StatusCode::URI_TOO_LONG,
            &format!("the URL is {uri_len} bytes long; the limit is {}", app.limits.max_uri),
        );
    }
    let api = req.uri().path().starts_with("/api/");
    let now = app.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _done = Decrement(&app.in_flight);
    if now > app.limits.in_flight {
        let f = Failure::Busy(format!(
            "the server is answering {} requests already; try again in a moment",
            app.limits.in_flight
        ));
        let mut r = if api { f.json() } else { f.page(app) };
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    match tokio::time::timeout(app.limits.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            let f = Failure::Busy(format!(
                "the request took longer than {} s and was stopped; narrow the query",
                app.limits.timeout.as_secs_f64()
            ));
            if api {
                f.json()
            } else {
                f.page(app)
            }
        }
    }
}

struct Decrement<'a>(&'a AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn not_found(State(app): State<Arc<App>>, req: Request) -> Response {
    let f = Failure::NotFound(format!("there is no page {}", req.uri().path()));
    if req.uri().path().starts_with("/api/") {
        f.json()
    } else {
        f.page(&app)
    }
}

async fn asset(path: &'static str, kind: &'static str) -> Response {
    let body = if path == "style.css" { crate::print::html::STYLE_CSS } else { crate::print::html::APP_JS };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "max-age=3600")], body).into_response()
}

/// The application: every route, behind the guard. `extra` lets tests add routes under the
/// same guard.
pub(crate) fn router(app: Arc<App>, extra: Router<Arc<App>>) -> Router {
    Router::new()
        .route("/", get(pages::search))
        .route("/search", get(pages::search))
        .route("/search.csv", get(pages::download_csv))
        .route("/search.jsonl", get(pages::download_jsonl))
        .route("/case/{id}", get(pages::letter))
        .route("/file/{hash}", get(pages::file))
        .route("/reports", get(pages::reports))
        .route("/reports.csv", get(pages::reports_csv))
        .route("/static/style.css", get(|| asset("style.css", "text/css; charset=utf-8")))
        .route("/static/app.js", get(|| asset("app.js", "text/javascript; charset=utf-8")))
        .route("/api/search", get(api::search))
        .route("/api/letters/{id}", get(api::letter))
        .route("/api/reports/{name}", get(api::report))
        .route("/api/openapi.json", get(api::openapi))
        .merge(extra)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Serves until Ctrl-C; `ready` gets the address once listening.
pub fn run(config: Config, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr()?;
        let config = Config { addr, ..config };
        let app = Arc::new(App::new(&config)?);
        // Open the index now if it is there, so the first request does not wait for it.
        let _ = app.live();
        ready(addr);
        axum::serve(listener, router(app, Router::new()))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests;
