//! The JSON API under `/api/`: the same searches, letters and reports as the pages and the
//! command line, in the shapes of `imr search --json`, `imr show --json` and
//! `imr report --format json`. `/api/openapi.json` describes it.

use super::pages::Input;
use super::{App, Failure};
use crate::print;
use crate::search;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// Decisions returned when `limit` is not given.
const DEFAULT_LIMIT: usize = 10;

fn answer(result: Result<Value, Failure>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(f) => f.json(),
    }
}

/// `GET /api/search?q=&limit=&offset=&sort=&f=`.
pub(crate) async fn search(State(app): State<Arc<App>>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let input = Input::read(raw.as_deref(), &app)?;
        let limit = input.limit.unwrap_or(DEFAULT_LIMIT);
        let max = app.limits.max_limit;
        if limit == 0 || limit > max {
            return Err(Failure::BadRequest(format!("limit={limit}: ask for 1 to {max} decisions a page")));
        }
        let req = input.request(limit, input.offset);
        app.work(move |_, store, searcher| {
            let results = search::search(store, searcher, &req)?;
            let counts = results.facets.as_ref().map_or(&[][..], |c| &c[..]);
            let hits: Vec<_> = results.hits.iter().map(print::hit_json).collect();
            let facets: serde_json::Map<String, Value> =
                counts.iter().map(|(f, values)| (f.as_str().to_string(), json!(values))).collect();
            Ok(json!({
                "total": results.total,
                "offset": req.offset,
                "limit": req.limit,
                "sort": req.sort,
                "scope": results.scope,
                "elsewhere": results.elsewhere,
                "read_as": print::read_as(&results.reading),
                "did_you_mean": results.suggestions,
                "hits": hits,
                "facets": facets,
            }))
        })
        .await
    }
    .await;
    answer(result)
}

/// `GET /api/letters/{id}`: the letters with this case number (or content hash), as
/// `imr show --json` prints them, in an array.
pub(crate) async fn letter(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    if let Err(f) = super::pages::letter_id(&id) {
        return f.json();
    }
    let result = app
        .work(move |app, store, searcher| {
            let letters = search::letters_cited(store, searcher, &id, app.tables.tables().citations)?;
            if letters.is_empty() {
                return Err(Failure::NotFound(format!("there is no letter {id:?} in the index")));
            }
            serde_json::to_value(&letters).map_err(|_| Failure::Internal)
        })
        .await;
    answer(result)
}

/// `GET /api/reports/{name}?q=&f=&top=`: a report of `report::KINDS`.
pub(crate) async fn report(State(app): State<Arc<App>>, Path(name): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let result = async {
        let mut input = Input::read(raw.as_deref(), &app)?;
        input.report = name;
        let kind = input.report_kind()?;
        app.work(move |_, store, searcher| {
            let r = super::pages::run_report(store, searcher, &input, kind)?;
            serde_json::to_value(&r).map_err(|_| Failure::Internal)
        })
        .await
    }
    .await;
    answer(result)
}

/// The OpenAPI 3 description of this API.
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
