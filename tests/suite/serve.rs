//! `imr serve` over real HTTP: a server started by the test on a free loopback port, raw
//! requests (so that odd paths and headers reach it as written), pages, API, downloads, and
//! every safety case.

use super::env::{json_lines, repo, stderr, TestIndex};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `imr serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Server {
    /// Starts `imr serve --addr 127.0.0.1:0` on `index` and reads the URL it prints.
    pub fn start(index: &Path) -> Server {
        Server::start_with(index, &["--addr", "127.0.0.1:0"])
    }

    pub fn start_with(index: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_imr"))
            .arg("serve")
            .args(args)
            .arg("--index")
            .arg(index)
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start imr serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the URL");
        let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
        assert!(addr.contains(':'), "imr serve printed {line:?}");
        Server { child, addr }
    }

    /// `GET path` with the right Host header.
    pub fn get(&self, path: &str) -> Answer {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr))
    }

    /// Sends `request` as written and reads the whole answer.
    pub fn raw(&self, request: &str) -> Answer {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Answer::parse(&bytes)
    }

    pub fn json(&self, path: &str) -> Value {
        let a = self.get(path);
        assert_eq!(a.status, 200, "{path}: {}", a.text());
        serde_json::from_slice(&a.body).unwrap_or_else(|e| panic!("{path}: not JSON ({e})"))
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer: status, headers (names in lower case), body (chunked bodies decoded).
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn parse(bytes: &[u8]) -> Answer {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = bytes.get(split + 4..).unwrap_or_default().to_vec();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
            body = dechunk(&body);
        }
        Answer { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
    out
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// CSV records (a quoted field may hold commas, quotes and newlines).
fn csv_records(text: &str) -> usize {
    let (mut records, mut quoted, mut any) = (0, false, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                records += 1;
                any = false;
                continue;
            }
            _ => {}
        }
        any = true;
    }
    records + usize::from(any)
}

fn keys(hits: &[Value]) -> Vec<(String, u64)> {
    hits.iter().map(|h| (h["case_number"].as_str().unwrap_or("").to_string(), h["item_no"].as_u64().unwrap())).collect()
}

#[test]
fn pages_api_facets_and_downloads_agree_with_the_command_line() {
    let t = TestIndex::sample();
    let s = Server::start(&t.path());

    let home = s.get("/");
    assert_eq!(home.status, 200);
    let page = home.text();
    // 140 decisions and the one letter whose items could not be read, as `imr search` counts.
    assert!(page.contains("name=\"q\"") && page.contains("141</strong> decisions match"), "{page}");
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));

    for q in ["MRI", "L5-S1 fusion upheld", "citation:ODG lumbar", "date:2016 overturned", "upheld"] {
        let cli = t.imr(&["search", "--json", "-n", "1000", q]);
        let cli_hits = json_lines(&cli);
        let api = s.json(&format!("/api/search?q={}&limit=100", enc(q)));
        assert_eq!(api["total"].as_u64().unwrap() as usize, cli_hits.len(), "{q}: total");
        let api_hits = api["hits"].as_array().unwrap();
        assert_eq!(keys(api_hits), keys(&cli_hits[..cli_hits.len().min(100)]), "{q}: hits");
        for (a, c) in api_hits.iter().zip(&cli_hits) {
            let (ak, ck): (Vec<_>, Vec<_>) =
                (a.as_object().unwrap().keys().collect(), c.as_object().unwrap().keys().collect());
            assert_eq!(ak, ck, "{q}: the keys of imr search --json");
            assert_eq!(a["snippet"], c["snippet"]);
        }
        let read_as = api["read_as"].as_str().unwrap();
        assert!(stderr(&cli).contains(&format!("(read as: {read_as})")), "{q}: {read_as} / {}", stderr(&cli));
    }

    // Spelling suggestions and the vocabulary: the page, the API and the command line agree.
    let api = s.json("/api/search?q=acupunture&limit=5");
    let cli = json_lines(&t.imr(&["search", "--json", "acupunture"]));
    assert_eq!(api["total"], 0);
    assert_eq!(api["did_you_mean"][0]["instead"], "acupuncture");
    assert_eq!(api["did_you_mean"], serde_json::json!([cli.last().unwrap()["did_you_mean"]]));
    let page = s.get("/search?q=acupunture").text();
    assert!(page.contains("Did you mean <a href=\"/search?q=acupuncture\">acupuncture</a>"), "{page}");
    let wide = s.json("/api/search?q=norco&limit=100");
    let exact = s.json("/api/search?q=norco&exact=1&limit=100");
    assert_eq!(exact["read_as"], "norco");
    assert!(wide["read_as"].as_str().unwrap().starts_with("norco OR hydrocodone OR"), "{}", wide["read_as"]);
    assert!(wide["total"].as_u64() >= exact["total"].as_u64());
    let page = s.get("/search?q=norco&exact=1").text();
    assert!(page.contains("id=\"exact\" type=\"checkbox\" name=\"exact\" value=\"1\" checked"), "{page}");

    // Facet counts are the report's counts for the same query.
    let api = s.json("/api/search?q=MRI&limit=1");
    for (facet, report) in [
        ("year", &["report", "outcomes", "--by", "year", "--format", "json", "MRI"][..]),
        ("specialty", &["report", "outcomes", "--by", "specialty", "--format", "json", "MRI"]),
        ("category", &["report", "outcomes", "--by", "procedure-category", "--format", "json", "MRI"]),
        ("body_region", &["report", "outcomes", "--by", "body-region", "--format", "json", "MRI"]),
        ("citation", &["report", "citations", "--format", "json", "MRI"]),
        ("layout", &["report", "outcomes", "--by", "layout", "--format", "json", "MRI"]),
    ] {
        let rows = json_lines(&t.imr(report));
        let values = api["facets"][facet].as_array().unwrap();
        assert!(!values.is_empty(), "{facet}");
        for v in values {
            let row = rows.iter().find(|r| r["key"] == v["value"]).unwrap_or_else(|| panic!("{facet} {v}"));
            assert_eq!(row["decisions"], v["count"], "{facet} {v}");
        }
    }
    // A filter keeps exactly its facet's count, on the page and in the API.
    let upheld =
        api["facets"]["outcome"].as_array().unwrap().iter().find(|v| v["value"] == "upheld").unwrap()["count"].clone();
    let narrowed = s.json("/api/search?q=MRI&f=outcome%3Aupheld");
    assert_eq!(narrowed["total"], upheld);
    let year = &api["facets"]["year"][0];
    let by_year = s.json(&format!("/api/search?q=MRI&f=year%3A{}", year["value"].as_str().unwrap()));
    assert_eq!(by_year["total"], year["count"]);
    let page = s.get("/search?q=MRI&f=outcome%3Aupheld").text();
    assert!(page.contains(&format!("<strong>{upheld}</strong>")), "{page}");
    assert!(page.contains("title=\"remove this filter\""), "{page}");

    // Sorting and paging.
    let newest = s.json("/api/search?q=upheld&sort=newest&limit=100");
    let dates: Vec<&str> =
        newest["hits"].as_array().unwrap().iter().filter_map(|h| h["decision_date"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let oldest = s.json("/api/search?q=upheld&sort=oldest&limit=5");
    assert!(oldest["hits"][0]["decision_date"].as_str() <= oldest["hits"][4]["decision_date"].as_str());
    // Every page is cut from one order, even where all the scores are equal.
    let all = json_lines(&t.imr(&["search", "--json", "-n", "1000", "upheld"]));
    for offset in (0..all.len()).step_by(10) {
        let page = s.json(&format!("/api/search?q=upheld&limit=10&offset={offset}"));
        let end = (offset + 10).min(all.len());
        assert_eq!(keys(page["hits"].as_array().unwrap()), keys(&all[offset..end]), "offset {offset}");
    }
    let page2 = s.get("/search?q=upheld&page=2").text();
    assert!(page2.contains("page 2 of 6") && page2.contains("<ol class=\"hits\" start=\"21\">"), "{page2}");

    // The letter: page, API, original file.
    let letter = s.get("/case/CM16-0923587?q=fusion");
    assert_eq!(letter.status, 200);
    let html = letter.text();
    assert!(html.contains("<mark>fusion</mark>") && html.contains("Posterior lumbar interbody"), "{html}");
    assert!(html.contains("id=\"item-4\""), "every item is on the page");
    assert_eq!(html.matches("<h3>Similar decisions</h3>").count(), 4, "each item's similar decisions");
    assert!(html.contains("similar decisions, 0 overturned"), "{html}");
    let shown = json_lines(&t.imr(&["show", "--json", "CM16-0923587"]));
    assert_eq!(s.json("/api/letters/CM16-0923587"), Value::Array(shown));
    let file_link = html.split("href=\"/file/").nth(1).and_then(|r| r.split('"').next()).expect("a file link");
    let file = s.get(&format!("/file/{file_link}"));
    assert_eq!(file.status, 200);
    assert_eq!(file.body, std::fs::read(repo().join("data/letters/c-2016/CM16-0923587.txt")).unwrap());
    assert_eq!(file.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(s.get("/case/CM99-0000000").status, 404);
    assert_eq!(s.get("/api/letters/CM99-0000000").status, 404);

    // Downloads: every matching decision, streamed.
    for q in ["upheld", "MRI"] {
        let total = s.json(&format!("/api/search?q={q}&limit=1"))["total"].as_u64().unwrap() as usize;
        let csv = s.get(&format!("/search.csv?q={q}"));
        assert_eq!(csv.status, 200);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        assert_eq!(csv_records(&csv.text()), total + 1, "{q}: a header and a row per decision");
        let jsonl = s.get(&format!("/search.jsonl?q={q}"));
        let lines: Vec<Value> = jsonl.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let cli = json_lines(&t.imr(&["search", "--json", "-n", "1000", q]));
        assert_eq!(keys(&lines), keys(&cli), "{q}: the download is imr search --json, all of it");
    }
    assert_eq!(csv_records(&s.get("/search.csv?q=nosuchwordanywhere").text()), 1, "a header alone");

    // Reports: page with chart and table, API as `imr report --format json`, CSV.
    let report = s.get("/reports?q=MRI&report=citations-by-outcome");
    assert_eq!(report.status, 200);
    let html = report.text();
    assert!(html.contains("<svg") && html.contains("<table class=\"report\">"), "{html}");
    let api = s.json("/api/reports/citations-by-outcome?q=MRI");
    let cli = json_lines(&t.imr(&["report", "citations", "--by", "outcome", "--format", "json", "MRI"]));
    assert_eq!(api["rows"], Value::Array(cli.clone()));
    let csv = s.get("/reports.csv?q=MRI&report=citations-by-outcome");
    assert_eq!(csv_records(&csv.text()), cli.len() + 1);
    for (name, _, _, _) in imr_search::report::KINDS {
        assert_eq!(s.get(&format!("/api/reports/{name}")).status, 200, "{name}");
        assert_eq!(s.get(&format!("/reports?report={name}")).status, 200, "{name}");
    }
    assert_eq!(s.get("/api/reports/nonsense").status, 400);

    // A bad query: one line beside the box, 400; the API says the same as JSON.
    let bad = s.get("/search?q=%22open");
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("role=\"alert\">bad query &quot;\\&quot;open&quot;: a quote is not closed</p>"),
        "{}",
        bad.text()
    );
    let bad = s.get("/api/search?q=%22open");
    assert_eq!(bad.status, 400);
    let err: Value = serde_json::from_slice(&bad.body).unwrap();
    assert!(err["error"].as_str().unwrap().contains("a quote is not closed"));

    // The OpenAPI document names every API route.
    let doc = s.json("/api/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in ["/api/search", "/api/letters/{id}", "/api/reports/{name}", "/api/openapi.json"] {
        assert!(doc["paths"].get(p).is_some(), "{p}");
    }
    let names: Vec<Value> = imr_search::report::KINDS.iter().map(|k| Value::from(k.0)).collect();
    assert_eq!(doc["paths"]["/api/reports/{name}"]["get"]["parameters"][0]["schema"]["enum"], Value::Array(names));

    let css = s.get("/static/style.css");
    assert_eq!((css.status, css.header("content-type")), (200, Some("text/css; charset=utf-8")));
}

/// A sample letter with markup in its item name and summary, in a folder of its own.
fn hostile_letters(dir: &Path) {
    let text = std::fs::read_to_string(repo().join("data/letters/c-2016/CM16-0923587.txt")).unwrap();
    let text = text
        .replace("CM16-0923587", "CM16-0999999")
        .replace(
            "Posterior lumbar interbody fusion L4–S1",
            "Lumbar fusion <script>alert(1)</script> \"onerror=alert(2) <img src=x onerror=alert(3)>",
        )
        .replace("The patient is a 59 year old man", "The patient <script>alert(4)</script> is a 59 year old man");
    std::fs::write(dir.join("CM16-0999999.txt"), text).unwrap();
}

#[test]
fn markup_from_letters_and_queries_is_shown_as_text() {
    let t = TestIndex::new();
    let letters = t.dir.path().join("letters");
    std::fs::create_dir_all(&letters).unwrap();
    hostile_letters(&letters);
    assert_eq!(t.imr(&["index", letters.to_str().unwrap()]).status.code(), Some(0));
    let s = Server::start(&t.path());
    let pages = [
        s.get("/search?q=fusion"),
        s.get("/case/CM16-0999999?q=fusion"),
        s.get(&format!("/search?q={}", enc("fusion <script>alert(5)</script> \"onerror=x"))),
        s.get(&format!("/reports?q={}", enc("<script>alert(6)</script>"))),
        s.get(&format!("/case/{}", enc("<script>alert(7)</script>"))),
    ];
    for p in &pages {
        let html = p.text();
        assert!(!html.contains("<script>alert") && !html.contains("<img"), "{html}");
        let csp = p.header("content-security-policy").expect("a CSP header");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(p.header("x-content-type-options"), Some("nosniff"));
    }
    let text = pages[0].text();
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;onerror=alert(2) &lt;img"), "{text}");
    assert!(pages[1].text().contains("The patient &lt;script&gt;alert(4)&lt;/script&gt;"));
    assert!(pages[2].text().contains("value=\"fusion &lt;script&gt;alert(5)&lt;/script&gt; &quot;onerror=x\""));
    // The pages' only script is the embedded file, loaded from this server.
    assert_eq!(pages[0].text().matches("<script").count(), 1);
    assert!(pages[0].text().contains("<script src=\"/static/app.js\" defer>"));
}

#[test]
fn requests_for_another_host_are_refused() {
    let t = TestIndex::sample();
    let s = Server::start(&t.path());
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    for host in
        ["evil.example".to_string(), format!("evil.example:{port}"), format!("127.0.0.2:{port}"), "localhost:1".into()]
    {
        let a = s.raw(&format!("GET /api/search?q=MRI HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(a.status, 421, "Host {host}");
        assert!(a.text().contains("answers only for"), "{}", a.text());
        assert!(!a.text().contains("case_number"));
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("LOCALHOST:{port}")] {
        let a = s.raw(&format!("GET /api/search?q=MRI HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(a.status, 200, "Host {host}");
    }
    let a = s.raw("GET / HTTP/1.0\r\n\r\n");
    assert_eq!(a.status, 400, "no Host header");
}

#[test]
fn no_path_in_a_request_reaches_the_file_system() {
    let t = TestIndex::new();
    let letters = t.dir.path().join("letters");
    std::fs::create_dir_all(&letters).unwrap();
    std::fs::copy(repo().join("data/letters/c-2016/CM16-0923587.txt"), letters.join("CM16-0923587.txt")).unwrap();
    std::fs::copy(repo().join("data/letters/c-2016/CM16-0904316.txt"), letters.join("CM16-0904316.txt")).unwrap();
    let secret = t.dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET outside the letters").unwrap();
    assert_eq!(t.imr(&["index", letters.to_str().unwrap()]).status.code(), Some(0));
    let s = Server::start(&t.path());
    let hash_of = |p: &Path| imr_search::ingest::content_hash(&std::fs::read(p).unwrap());
    let passwd_hash = hash_of(Path::new("/etc/passwd"));
    let secret_hash = hash_of(&secret);
    let attempts = [
        "/../../../../etc/passwd".to_string(),
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd".into(),
        "/static/..%2f..%2f..%2fCargo.toml".into(),
        "/static/%2e%2e/%2e%2e/Cargo.toml".into(),
        "/static/style.css/../../Cargo.toml".into(),
        "/file/..%2f..%2f..%2fetc%2fpasswd".into(),
        "/file/%2Fetc%2Fpasswd".into(),
        format!("/file/{passwd_hash}"),
        format!("/file/{secret_hash}"),
        format!("/case/{}", enc(letters.join("CM16-0923587.txt").to_str().unwrap())),
        "/case/..%2F..%2Fsecret.txt".into(),
        "//etc/passwd".into(),
        "/C:%5CWindows%5Cwin.ini".into(),
        "/static/style.css%00.txt".into(),
        "/file/%00".into(),
        format!("/api/letters/{}", enc(secret.to_str().unwrap())),
    ];
    for path in &attempts {
        let a = s.get(path);
        assert!((400..500).contains(&a.status), "{path}: {}", a.status);
        let body = a.text();
        assert!(!body.contains("root:") && !body.contains("TOP SECRET") && !body.contains("[package]"), "{path}");
    }
    // The indexed file is served; once its file is a link to another file, it is not.
    let hash = hash_of(&letters.join("CM16-0904316.txt"));
    assert_eq!(s.get(&format!("/file/{hash}")).status, 200);
    let copy = std::fs::read(letters.join("CM16-0904316.txt")).unwrap();
    std::fs::write(&secret, &copy).unwrap(); // same content, so the hash would still match
    std::fs::remove_file(letters.join("CM16-0904316.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, letters.join("CM16-0904316.txt")).unwrap();
    assert_eq!(s.get(&format!("/file/{hash}")).status, 404, "a symbolic link is not served");
    // A file changed since it was indexed is not served either.
    let other = hash_of(&letters.join("CM16-0923587.txt"));
    std::fs::write(letters.join("CM16-0923587.txt"), "changed").unwrap();
    let a = s.get(&format!("/file/{other}"));
    assert_eq!(a.status, 404);
    assert!(a.text().contains("run `imr index` again"), "{}", a.text());
}

#[test]
fn limits_and_malformed_requests_get_a_message_and_the_server_goes_on() {
    let t = TestIndex::sample();
    let mut s = Server::start(&t.path());
    let long_query = "a".repeat(4001);
    let cases: Vec<(String, u16, &str)> = vec![
        (format!("/search?q={long_query}"), 400, "the limit is 4000"),
        (format!("/api/search?q={long_query}"), 400, "the limit is 4000"),
        (format!("/search?q={}", "a".repeat(9000)), 414, "the limit is 8192"),
        ("/api/search?q=MRI&limit=1000".into(), 400, "ask for 1 to 100"),
        ("/api/search?q=MRI&limit=0".into(), 400, "ask for 1 to 100"),
        ("/api/search?q=MRI&limit=-1".into(), 400, "not a whole number"),
        ("/api/search?q=MRI&offset=20000".into(), 400, "past the deepest page"),
        ("/api/search?q=MRI&offset=99999999999999999999999".into(), 400, "not a whole number"),
        ("/search?q=MRI&page=0".into(), 400, "counted from 1"),
        ("/search?q=MRI&page=600".into(), 400, "past the deepest page"),
        ("/search?q=MRI&sort=sideways".into(), 400, "relevance, newest or oldest"),
        ("/search?q=MRI&f=colour%3Ared".into(), 400, "no facet"),
        ("/search?q=MRI&f=year%3Arecent".into(), 400, "a year is a number"),
        ("/search?q=date%3A2016-13".into(), 400, "bad date"),
        ("/search?q=((((((((((((((((((((MRI".into(), 400, "bad query"),
        ("/search?q=%ZZ%FF%C3".into(), 200, "decision"),
        ("/nowhere".into(), 404, "there is no page"),
        ("/api/nowhere".into(), 404, "there is no page"),
    ];
    for (path, status, says) in &cases {
        let a = s.get(path);
        assert_eq!(a.status, *status, "{path}: {}", a.text());
        assert!(a.text().contains(says), "{path}: {}", a.text());
        for leak in ["panicked", "RUST_BACKTRACE", "src/", "tantivy::"] {
            assert!(!a.text().contains(leak), "{path} leaks {leak}: {}", a.text());
        }
    }
    let post = s.raw(&format!(
        "POST /search HTTP/1.1\r\nHost: {}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
        s.addr
    ));
    assert_eq!(post.status, 405);
    let garbage = s.raw("NOT HTTP AT ALL\r\n\r\n");
    assert!(garbage.status == 0 || (400..500).contains(&garbage.status), "{}", garbage.status);
    let huge_header = s.raw(&format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: {}\r\n\r\n", s.addr, "b".repeat(100_000)));
    assert!(huge_header.status == 0 || (400..500).contains(&huge_header.status), "{}", huge_header.status);
    assert!(s.is_running());
    assert_eq!(s.get("/api/search?q=MRI").status, 200, "the server keeps answering");
}

#[test]
fn a_missing_index_says_how_to_build_one_and_new_commits_are_seen() {
    let t = TestIndex::new();
    let s = Server::start(&t.path());
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.text().contains("No index to search yet") && home.text().contains("imr index --index"),
        "{}",
        home.text()
    );
    let api = s.get("/api/search?q=MRI");
    assert_eq!(api.status, 503);
    assert!(api.text().contains("no index"), "{}", api.text());

    assert_eq!(t.imr(&["index", "data/letters/a-2013"]).status.code(), Some(0));
    let first = s.json("/api/search?q=")["total"].as_u64().unwrap();
    assert!(first > 0);
    // A concurrent `imr index` commits more letters: the server sees them without a restart.
    let out = t.imr(&["index", "data/letters/a-2013", "data/letters/b-2014"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = s.json("/api/search?q=")["total"].as_u64().unwrap();
        if now > first {
            break;
        }
        assert!(Instant::now() < deadline, "the new commit was not seen ({first} decisions still)");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn addresses_other_than_loopback_need_public() {
    let t = TestIndex::sample();
    let out = t.imr(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not a loopback address: add --public"), "{err}");
    let out = t.imr(&["serve", "--addr", "no-such-host.invalid:80"]);
    assert_eq!(out.status.code(), Some(2));

    let mut s = Server::start_with(&t.path(), &["--addr", "0.0.0.0:0", "--public"]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let a = s.raw(&format!("GET /api/search?q=MRI HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
    assert_eq!(a.status, 200);
    let _ = s.child.kill();
    let mut err = String::new();
    s.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(err.contains("warning: serving on 0.0.0.0:") && err.contains("anyone who can reach this port"), "{err}");
}
