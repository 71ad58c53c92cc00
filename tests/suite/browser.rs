//! End to end in a real browser: Debian's headless Chromium, driven through ChromeDriver
//! (WebDriver) by fantoccini, against `imr serve` on the sample index. A person's path: open
//! the page, type a query, press Enter, narrow by outcome, sort, open a case, come back, see
//! a report. Screenshots go to `target/browser/`.
//!
//! Without `chromedriver` the test skips with a message, except in CI (`CI` set), where
//! `.ci/run` installs the browser and a missing one is a failure.

use super::env::{repo, TestIndex};
use super::serve::Server;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn find_program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
        .unwrap_or(None)
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn count(c: &Client) -> u64 {
    let el =
        c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Id("count")).await.expect("the result count");
    el.attr("data-total").await.unwrap().expect("data-total").parse().unwrap()
}

/// Waits until the page's URL contains `part` (a form the script submitted has loaded).
async fn wait_for_url(c: &Client, part: &str, otherwise: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !c.current_url().await.unwrap().as_str().contains(part) {
        assert!(Instant::now() < deadline, "{otherwise}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn shot(c: &Client, dir: &Path, name: &str) {
    let png = c.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(dir.join(name), png).unwrap();
}

#[test]
fn a_person_searches_narrows_opens_a_case_and_comes_back() {
    let (Some(driver), Some(chromium)) =
        (find_program("chromedriver"), find_program("chromium").or_else(|| find_program("chromium-browser")))
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser test: .ci/run installs chromium and chromium-driver"
        );
        eprintln!("skipped: no chromedriver and chromium on PATH (apt-get install chromium chromium-driver)");
        return;
    };
    let t = TestIndex::sample();
    let server = Server::start(&t.path());
    let port = free_port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().unwrap();
    let shots = repo().join("target").join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let base = format!("http://{}", server.addr);

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--window-size=1280,1100",
                         format!("--user-data-dir={}", profile.path().display())]
            }),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");

        // Open the page, type a query, press Enter.
        c.goto(&format!("{base}/")).await.unwrap();
        let everything = count(&c).await;
        let q = c.find(Locator::Id("q")).await.unwrap();
        q.send_keys(&format!("MRI{}", char::from(Key::Enter))).await.unwrap();
        c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("li.hit")).await.unwrap();
        let mri = count(&c).await;
        assert!(mri > 0 && mri < everything, "MRI: {mri} of {everything}");
        assert!(c.current_url().await.unwrap().as_str().contains("q=MRI"));
        let items = c.find_all(Locator::Css("li.hit .item")).await.unwrap();
        assert!(!items.is_empty());
        let marks = c.find_all(Locator::Css("li.hit mark")).await.unwrap();
        assert!(!marks.is_empty(), "matched words are marked");
        shot(&c, &shots, "1-search.png").await;

        // Narrow by outcome: the count changes to the facet's count; click again to remove.
        let facet = c.find(Locator::Css("section[data-facet=outcome] a")).await.unwrap();
        let facet_count: u64 = facet.find(Locator::Css(".n")).await.unwrap().text().await.unwrap().parse().unwrap();
        facet.click().await.unwrap();
        c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("a.chip")).await.unwrap();
        let narrowed = count(&c).await;
        assert_eq!(narrowed, facet_count);
        assert!(narrowed < mri, "{narrowed} < {mri}");
        shot(&c, &shots, "2-narrowed.png").await;

        // Sort by date: the script submits the form on change.
        let sort = c.find(Locator::Id("sort")).await.unwrap();
        sort.select_by_value("newest").await.unwrap();
        wait_for_url(&c, "sort=newest", "changing the sort order did not reload the page").await;
        assert_eq!(count(&c).await, narrowed, "sorting keeps the filter");
        let dates = c.find_all(Locator::Css("li.hit .date")).await.unwrap();
        let mut seen = Vec::new();
        for d in dates {
            seen.push(d.text().await.unwrap());
        }
        let dated: Vec<&String> = seen.iter().filter(|d| d.as_str() != "no date").collect();
        assert!(dated.windows(2).all(|w| w[0] >= w[1]), "newest first: {seen:?}");

        // Open a case, see the letter with the query's words marked, come back.
        let results_url = c.current_url().await.unwrap();
        let case = c.find(Locator::Css("li.hit a.case")).await.unwrap();
        let case_number = case.text().await.unwrap();
        case.click().await.unwrap();
        let letter =
            c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("article.letter h1")).await.unwrap();
        assert_eq!(letter.text().await.unwrap(), case_number);
        assert!(!c.find_all(Locator::Css("article.letter mark")).await.unwrap().is_empty());
        assert!(!c.find_all(Locator::Css("a.original")).await.unwrap().is_empty());
        shot(&c, &shots, "3-case.png").await;
        c.back().await.unwrap();
        c.wait().at_most(Duration::from_secs(20)).for_url(&results_url).await.unwrap();
        assert_eq!(count(&c).await, narrowed, "back to the same results");

        // Remove the filter by clicking it again.
        c.find(Locator::Css("section[data-facet=outcome] a.on")).await.unwrap().click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while count(&c).await != mri {
            assert!(Instant::now() < deadline, "removing the filter did not restore {mri}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // A report for the same query, with its chart.
        c.find(Locator::LinkText("Reports for these decisions")).await.unwrap().click().await.unwrap();
        c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("figure.chart svg rect")).await.unwrap();
        let report = c.find(Locator::Id("report")).await.unwrap();
        report.select_by_value("outcomes-by-procedure-category").await.unwrap();
        wait_for_url(&c, "outcomes-by-procedure-category", "changing the report did not reload the page").await;
        c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("table.report td")).await.unwrap();
        shot(&c, &shots, "4-report.png").await;

        // A misspelt word: no results, a suggestion to click.
        c.goto(&format!("{base}/search?q=acupunture")).await.unwrap();
        assert_eq!(count(&c).await, 0);
        let suggestion = c.find(Locator::Css("p.didyoumean a")).await.unwrap();
        assert_eq!(suggestion.text().await.unwrap(), "acupuncture");
        shot(&c, &shots, "6-did-you-mean.png").await;
        suggestion.click().await.unwrap();
        wait_for_url(&c, "q=acupuncture", "the suggestion did not open its search").await;
        assert!(count(&c).await > 0, "the suggestion finds decisions");

        // A brand name finds its generic; ticking "exact words" searches the word alone.
        c.goto(&format!("{base}/search?q=norco")).await.unwrap();
        let wide = count(&c).await;
        let read_as = c.find(Locator::Css("p.readas code")).await.unwrap().text().await.unwrap();
        assert!(read_as.starts_with("norco OR hydrocodone"), "{read_as}");
        shot(&c, &shots, "7-names.png").await;
        c.find(Locator::Id("exact")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("form.search button")).await.unwrap().click().await.unwrap();
        wait_for_url(&c, "exact=1", "ticking exact words did not search again").await;
        assert!(count(&c).await <= wide);
        let read_as = c.find(Locator::Css("p.readas code")).await.unwrap().text().await.unwrap();
        assert!(read_as.starts_with("norco"), "{read_as}");
        assert!(!read_as.contains(" OR "), "{read_as}");

        // A bad query: the message beside the box.
        c.goto(&format!("{base}/search?q=%22open")).await.unwrap();
        let error = c.find(Locator::Css("p.error")).await.unwrap().text().await.unwrap();
        assert!(error.contains("a quote is not closed"), "{error}");
        shot(&c, &shots, "5-bad-query.png").await;

        c.close().await.unwrap();
    });
    eprintln!("screenshots in {}", shots.display());
}
