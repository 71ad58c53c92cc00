//! `imr export`: every decision once, in its year's folder, with the index's own counts; a
//! query's decisions only; files of the size asked for; and `imr tokens`.

use super::env::{stderr, TestIndex};
use arrow_array::{Array, Date32Array, ListArray, RecordBatch, StringArray, StructArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Every row of every file under `dir` with the given extension, with its year folder.
fn files(dir: &Path, ext: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for part in std::fs::read_dir(dir).unwrap() {
        let part = part.unwrap().path();
        if !part.is_dir() {
            continue;
        }
        let year = part.file_name().unwrap().to_str().unwrap().trim_start_matches("year=").to_string();
        for f in std::fs::read_dir(&part).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(f.extension().and_then(|e| e.to_str()), Some(ext), "{}", f.display());
            out.push((year.clone(), f));
        }
    }
    out.sort();
    out
}

fn batches(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap().map(Result::unwrap).collect()
}

fn column<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> &'a T {
    b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}")).as_any().downcast_ref::<T>().unwrap()
}

#[test]
fn parquet_export_holds_every_decision_once_with_the_reports_counts() {
    let t = TestIndex::sample();
    let out = t.dir.path().join("export");
    let run = t.imr(&["export", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("exported 140 decisions of 46 letters"), "{}", stderr(&run));
    assert!(out.join("_SUCCESS").exists());
    let decisions: u64 =
        t.report_rows(&["outcomes", "--by", "layout"]).iter().map(|r| r["decisions"].as_u64().unwrap()).sum();

    let mut rows = 0u64;
    let mut seen = std::collections::BTreeSet::new();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut cited: BTreeMap<String, u64> = BTreeMap::new();
    for (year, file) in files(&out, "parquet") {
        for b in batches(&file) {
            assert_eq!(b.schema(), imr_search::export::arrow_schema(), "{}", file.display());
            let dates = column::<Date32Array>(&b, "decision_date");
            let cases = column::<StringArray>(&b, "path");
            let items = column::<arrow_array::Int32Array>(&b, "item_no");
            let outcome = column::<StringArray>(&b, "outcome");
            let ur = column::<ListArray>(&b, "ur_citations");
            let imr = column::<ListArray>(&b, "imr_citations");
            for i in 0..b.num_rows() {
                rows += 1;
                assert!(seen.insert((cases.value(i).to_string(), items.value(i))), "row twice: {}", cases.value(i));
                // The folder is the decision's year.
                match year.as_str() {
                    "__HIVE_DEFAULT_PARTITION__" => assert!(dates.is_null(i)),
                    y => assert_eq!(dates.value_as_date(i).unwrap().format("%Y").to_string(), y),
                }
                *outcomes.entry(outcome.value(i).to_string()).or_default() += 1;
                // A key cited by both sides counts once, as in `imr report citations`.
                let mut keys = std::collections::BTreeSet::new();
                for list in [ur, imr] {
                    let side = list.value(i);
                    let side = side.as_any().downcast_ref::<StructArray>().unwrap();
                    let key = side.column(0).as_any().downcast_ref::<StringArray>().unwrap();
                    keys.extend((0..key.len()).map(|k| key.value(k).to_string()));
                }
                for k in keys {
                    *cited.entry(k).or_default() += 1;
                }
            }
        }
    }
    assert_eq!(rows, decisions);
    assert_eq!(rows, 140);
    let by_outcome: BTreeMap<String, u64> =
        t.report_rows(&["outcomes", "--by", "layout"]).iter().fold(BTreeMap::new(), |mut m, r| {
            *m.entry("upheld".to_string()).or_default() += r["upheld"].as_u64().unwrap();
            *m.entry("overturned".to_string()).or_default() += r["overturned"].as_u64().unwrap();
            *m.entry("unknown".to_string()).or_default() += r["unknown"].as_u64().unwrap();
            m
        });
    assert_eq!(outcomes, by_outcome);
    let citations: BTreeMap<String, u64> = t
        .report_rows(&["citations"])
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["decisions"].as_u64().unwrap()))
        .collect();
    assert_eq!(cited, citations);
}

#[test]
fn a_query_exports_its_decisions_and_small_files_hold_all_rows() {
    let t = TestIndex::sample();
    let out = t.dir.path().join("q");
    let run = t.imr(&["export", "--format", "jsonl", "--out", out.to_str().unwrap(), "lumbar", "MRI"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut exported: Vec<(String, u64)> = Vec::new();
    for (_, f) in files(&out, "jsonl") {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            exported.push((v["case_number"].as_str().unwrap().to_string(), v["item_no"].as_u64().unwrap()));
            assert!(v["terms"].as_array().unwrap().iter().any(|t| t == "lumbar"));
        }
    }
    exported.sort();
    let mut hits = t.hits("lumbar MRI");
    hits.sort();
    assert!(!hits.is_empty());
    assert_eq!(exported, hits);

    let small = t.dir.path().join("small");
    let run = t.imr(&["export", "--format", "csv", "--rows-per-file", "20", "--out", small.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut rows = 0;
    for (_, f) in files(&small, "csv") {
        let text = std::fs::read_to_string(&f).unwrap();
        // Cells may hold line breaks inside quotes: count records by the case-number column.
        let n = text.lines().filter(|l| l.starts_with("CM") || l.starts_with(",")).count();
        assert!(text.starts_with("case_number,item_no,"), "{}", f.display());
        assert!((1..=20).contains(&n), "{}: {n} rows", f.display());
        rows += n;
    }
    assert_eq!(rows, 140);
}

#[test]
fn export_refuses_a_folder_with_files_and_a_query_that_matches_nothing() {
    let t = TestIndex::sample();
    let out = t.dir.path().join("full");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let run = t.imr(&["export", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("is not empty"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);

    let none = t.dir.path().join("none");
    let run = t.imr(&["export", "--out", none.to_str().unwrap(), "zzyzx"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("exported 0 decisions"), "{}", stderr(&run));
}

#[test]
fn tokens_are_the_ones_the_index_holds() {
    let t = TestIndex::new();
    for written in ["L5/S1 fusion", "L5 S1 fusion", "S1-L5 fusion", "L5-S1 fusions"] {
        let out = t.imr(&["tokens", written]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "l5-s1 fusion\n", "{written}");
    }
}
