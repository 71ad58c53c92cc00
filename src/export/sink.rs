//! Rows -> files: one folder per decision year (`year=2016`, Hive-style), a new file every
//! `rows_per_file` rows, then `_SUCCESS` once everything is written.

use super::table;
use super::Row;
use crate::print::csv_cell;
use anyhow::Context;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Apache Parquet, zstd-compressed (Spark, DuckDB, polars, pandas).
    Parquet,
    /// JSON Lines: one decision a line.
    Jsonl,
    /// CSV with a header row; list and citation cells hold JSON.
    Csv,
}

impl Format {
    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Parquet => "Parquet",
            Format::Jsonl => "JSON Lines",
            Format::Csv => "CSV",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// The folder name of a year's partition (Spark's name for "no value" when undated).
fn partition(year: Option<u16>) -> String {
    match year {
        Some(y) => format!("year={y}"),
        None => "year=__HIVE_DEFAULT_PARTITION__".to_string(),
    }
}

/// Rows buffered before they become a Parquet record batch.
const BATCH_ROWS: usize = 1_024;
/// Rows per Parquet row group: small enough that a writer per year holds little memory.
const ROW_GROUP_ROWS: usize = 16_384;

enum Open {
    Parquet(Box<ArrowWriter<File>>),
    Text(BufWriter<File>),
}

struct Part {
    folder: PathBuf,
    files: u32,
    open: Option<Open>,
    in_file: usize,
    pending: Vec<Row>,
}

/// What an export wrote.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub rows: u64,
    pub files: u64,
    pub bytes: u64,
    pub partitions: usize,
}

pub struct Sink {
    out: PathBuf,
    format: Format,
    rows_per_file: usize,
    parts: BTreeMap<Option<u16>, Part>,
    written: Written,
}

impl Sink {
    /// A sink writing into `out`, which must be new or empty.
    pub fn create(out: &Path, format: Format, rows_per_file: usize) -> anyhow::Result<Sink> {
        if out.exists() {
            let mut entries = std::fs::read_dir(out).with_context(|| format!("cannot read --out {}", out.display()))?;
            if entries.next().is_some() {
                anyhow::bail!("--out {} is not empty: name a new or empty folder", out.display());
            }
        }
        std::fs::create_dir_all(out).with_context(|| format!("cannot create --out {}", out.display()))?;
        Ok(Sink {
            out: out.to_path_buf(),
            format,
            rows_per_file: rows_per_file.max(1),
            parts: BTreeMap::new(),
            written: Written::default(),
        })
    }

    pub fn push(&mut self, rows: Vec<Row>) -> anyhow::Result<()> {
        for row in rows {
            let year = row.year;
            if !self.parts.contains_key(&year) {
                let folder = self.out.join(partition(year));
                std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
                self.parts.insert(year, Part { folder, files: 0, open: None, in_file: 0, pending: Vec::new() });
            }
            let part = self.parts.get_mut(&year).expect("inserted above");
            if part.open.is_none() {
                self.written.files += 1;
                part.open = Some(open(part, self.format)?);
            }
            part.in_file += 1;
            self.written.rows += 1;
            match part.open.as_mut().expect("opened above") {
                Open::Parquet(_) => part.pending.push(row),
                Open::Text(w) => write_text(w, self.format, &row)?,
            }
            if part.pending.len() >= BATCH_ROWS {
                flush(part)?;
            }
            if part.in_file >= self.rows_per_file {
                close(part)?;
            }
        }
        Ok(())
    }

    /// Closes every file and writes `_SUCCESS`.
    pub fn finish(mut self) -> anyhow::Result<Written> {
        for part in self.parts.values_mut() {
            close(part)?;
        }
        std::fs::write(self.out.join("_SUCCESS"), b"")?;
        self.written.partitions = self.parts.len();
        self.written.bytes = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        Ok(self.written)
    }
}

fn open(part: &mut Part, format: Format) -> anyhow::Result<Open> {
    let path = part.folder.join(format!("part-{:05}.{}", part.files, format.extension()));
    part.files += 1;
    part.in_file = 0;
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(match format {
        Format::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
                .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                .set_created_by(format!("imr {}", env!("CARGO_PKG_VERSION")))
                .build();
            Open::Parquet(Box::new(ArrowWriter::try_new(file, table::arrow_schema(), Some(props))?))
        }
        Format::Jsonl => Open::Text(BufWriter::new(file)),
        Format::Csv => {
            let mut w = BufWriter::new(file);
            let schema = table::arrow_schema();
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            writeln!(w, "{}", names.join(","))?;
            Open::Text(w)
        }
    })
}

fn flush(part: &mut Part) -> anyhow::Result<()> {
    if let (Some(Open::Parquet(w)), false) = (&mut part.open, part.pending.is_empty()) {
        w.write(&table::batch(&part.pending)?)?;
        part.pending.clear();
    }
    Ok(())
}

fn close(part: &mut Part) -> anyhow::Result<()> {
    flush(part)?;
    match part.open.take() {
        Some(Open::Parquet(w)) => {
            w.close()?;
        }
        Some(Open::Text(mut w)) => w.flush()?,
        None => {}
    }
    Ok(())
}

fn write_text(w: &mut impl Write, format: Format, row: &Row) -> anyhow::Result<()> {
    match format {
        Format::Jsonl => {
            serde_json::to_writer(&mut *w, row)?;
            w.write_all(b"\n")?;
        }
        _ => {
            // Every column as JSON, then a scalar's JSON string unquoted: CSV cells.
            let value = serde_json::to_value(row)?;
            let cells: Vec<String> = table::arrow_schema()
                .fields()
                .iter()
                .map(|f| match value.get(f.name()) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => csv_cell(s),
                    Some(other) => csv_cell(&other.to_string()),
                })
                .collect();
            writeln!(w, "{}", cells.join(","))?;
        }
    }
    Ok(())
}
