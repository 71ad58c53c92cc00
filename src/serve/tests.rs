//! The guard's time limit and in-flight limit, on a real listener with a slow route added
//! under the same guard (no page of the application is slow on demand).

use super::{router, App, Config, Limits};
use axum::routing;
use axum::Router;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

/// Serves the application plus `/slow` (answers after `slow`) with `limits`; returns the
/// address.
async fn start(limits: Limits, slow: Duration) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = std::env::temp_dir().join(format!("imr-serve-test-{}", addr.port()));
    let config = Config { index: dir, addr, public: false, limits };
    let app = Arc::new(App::new(&config).unwrap());
    let extra: Router<Arc<App>> = Router::new().route(
        "/slow",
        routing::get(move || async move {
            tokio::time::sleep(slow).await;
            "done"
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router(app, extra)).await.unwrap() });
    addr
}

/// `GET path`: (status, body).
async fn fetch(addr: std::net::SocketAddr, path: &'static str) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, text)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_time_limit_gets_503_and_the_server_goes_on() {
    let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
    let addr = start(limits, Duration::from_secs(3)).await;
    let (status, text) = fetch(addr, "/slow").await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("took longer than 0.3 s"), "{text}");
    assert_eq!(fetch(addr, "/static/style.css").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_past_the_in_flight_limit_get_503_with_retry_after() {
    let limits = Limits { in_flight: 1, ..Limits::default() };
    let addr = start(limits, Duration::from_millis(1500)).await;
    let slow = tokio::spawn(fetch(addr, "/slow"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, text) = fetch(addr, "/api/search?q=MRI").await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("answering 1 requests already") && text.contains("retry-after: 1"), "{text}");
    let (status, text) = slow.await.unwrap();
    assert_eq!((status, text.ends_with("done")), (200, true), "{text}");
    assert_eq!(fetch(addr, "/static/style.css").await.0, 200, "the slot is free again");
}
