//! Command-line types (clap derive). Doc comments here are the `--help` text.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Search California workers' compensation IMR Final Determination Letters.
#[derive(Debug, Parser)]
#[command(name = "imr", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse letters (PDF or text) and print one JSON object per letter (JSON Lines).
    ///
    /// Folders are walked for .pdf and .txt files (hidden entries are not walked); files
    /// named on the command line are always read. Problems go to stderr as
    /// `imr: PATH: reason`, and a summary ends the run: files seen = parsed + skipped +
    /// failed. Exit status: 0 when no file failed, 2 otherwise.
    Parse(ParseArgs),

    /// Index letters (PDF or text) so that `imr search` can find their decisions.
    ///
    /// Folders are walked like `imr parse` does, letters are read and parsed in parallel, and
    /// each disputed item becomes one searchable decision. On an existing index only new and
    /// changed files are read (by path, size, modification time and content hash); letters
    /// whose files are gone from the folders named are removed. The index goes to --index,
    /// else $IMR_INDEX, else the user's data folder (~/.local/share/imr-search/index); the text
    /// of PDFs is cached beside it (INDEX.text-cache). Exit status: 0 when no file failed, 2
    /// otherwise (the letters that were read are still indexed).
    Index(IndexArgs),

    /// Search the indexed decisions: one result per disputed item, best first.
    ///
    /// Words must all match (AND by default); "quoted phrases", OR, NOT, -word, (groups) and
    /// field:value work as in Lucene. Fields: procedure (alias item), diagnosis, outcome,
    /// citation, rationale, summary, case_number (case), decision_date (date), specialty,
    /// licensure (state), age, sex, layout. Dates: date:2016, date:2016-12..2017-01,
    /// date:[2016-12-01 TO 2016-12-31]. The plain words upheld/denied and
    /// overturned/approved filter on each item's own outcome. Spinal levels match in every
    /// spelling (L5-S1 = L5/S1 = L5 S1; L4-5 = L4-L5), and a range such as L4-S1 also
    /// matches the levels it spans. Plain words are matched in the disputed item's own name
    /// when any item matches them there ("MRI shoulder" finds shoulder MRIs), else in every
    /// field (item, diagnosis, guidelines, rationale, summary); --anywhere always searches
    /// every field. Exit status: 0 with results, 1 with none, 2 on error.
    Search(SearchArgs),

    /// Show one indexed letter in full: header, reviewer, summary, every item.
    Show(ShowArgs),

    /// Decisions like one disputed item: the same procedure category and body region first,
    /// then by likeness of the item and its rationale, with how often they were overturned.
    ///
    /// Exit status: 0 with results, 1 when there is no such decision or none like it.
    Similar(SimilarArgs),

    /// Check the index: checksums, versions, and (given folders) whether it matches them.
    ///
    /// Exit status: 0 when the index is sound and up to date, 1 when files were added,
    /// changed or removed since it was built (run `imr index` on the folders), 2 when it is
    /// damaged or of another version (rebuild it with `imr index --rebuild`).
    Verify(VerifyArgs),

    /// Count decisions by guideline cited, procedure category, specialty, year or body
    /// region, with upheld / overturned counts and overturn rates (exact counts).
    #[command(subcommand)]
    Report(ReportCommand),

    /// Serve the index as web pages and a JSON API (read-only), on loopback by default.
    ///
    /// Prints the URL it listens on. Search, filters, letters, downloads and reports in a
    /// browser; the JSON API is described at /api/openapi.json. New commits of a running
    /// `imr index` are seen without a restart; without an index the page says how to build
    /// one. Stop it with Ctrl-C.
    Serve(ServeArgs),

    /// Write the indexed decisions (all, or a query's) as files for other engines: one row per
    /// decision, in folders by decision year (Parquet by default; JSON Lines or CSV).
    ///
    /// The columns are described in schema/export.md: the letter's facts, the item, its
    /// outcome, the citations of each side, and the item's text as imr's own tokens (so that
    /// Spark or DuckDB match words exactly as `imr search` does). `_SUCCESS` is written last.
    /// Exit status: 0 when every selected decision was written, 1 when the query matches
    /// none, 2 on error.
    Export(ExportArgs),

    /// Print the tokens imr reads a text as (spinal levels in one spelling, English stems),
    /// space-separated: the words to look for in an export's `terms` and `item_terms`.
    Tokens(TokensArgs),

    /// Read PDFs handed over on stdin, within a memory limit (started by `parse` and `index`).
    #[command(hide = true, name = "extract-worker")]
    ExtractWorker(ExtractWorkerArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExtractWorkerArgs {
    /// Megabytes of memory the worker may take beyond what it holds when it starts.
    #[arg(long, value_name = "MB")]
    pub memory: u64,
}

/// How long and how much memory one PDF may take to read (`parse` and `index`).
#[derive(Debug, Clone, clap::Args)]
pub struct FileLimits {
    /// Seconds one PDF may take to read; a file that takes longer fails alone and the run
    /// goes on (real letters take well under a second).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub file_timeout: u64,

    /// Megabytes of memory one PDF may take to read; a file that needs more fails alone
    /// (real letters need under 20 MB). Default for `index`: 30% of --memory shared by the
    /// threads (at most 256 MB each); for `parse`: 256 MB.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..))]
    pub file_memory: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Which guidelines decide cases: per canonical citation, the decisions citing it, their
    /// share of all matching decisions, and how often those decisions were overturned.
    Citations(CitationReportArgs),
    /// Overturn rates by group, as the DWC annual reports tabulate them.
    Outcomes(OutcomeReportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CitationBy {
    Outcome,
    Year,
    Specialty,
    CitedBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutcomeBy {
    ProcedureCategory,
    ProcedureSubcategory,
    Specialty,
    Year,
    BodyRegion,
    /// The canonical condition of the letter's diagnoses (`data/tables/conditions.tsv`).
    Diagnosis,
    Citation,
    Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct ReportOptions {
    /// Only the decisions matching this query (the search query language).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Show the N biggest rows (keys); the rest are counted in a closing line.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub top: Option<u64>,

    /// Hide the rows with fewer than N decisions (a note says how many were hidden).
    #[arg(long, value_name = "N")]
    pub min: Option<u64>,

    /// table (terminal), csv, json (JSON Lines, one row a line) or html (a self-contained page
    /// with a bar chart).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Read the query's words as typed: no other names from the vocabulary.
    #[arg(long)]
    pub exact: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CitationReportArgs {
    /// Split each citation's row by a second dimension.
    #[arg(long, value_enum)]
    pub by: Option<CitationBy>,

    #[command(flatten)]
    pub options: ReportOptions,
}

#[derive(Debug, clap::Args)]
pub struct OutcomeReportArgs {
    /// What the rows are.
    #[arg(long, value_enum, default_value_t = OutcomeBy::ProcedureCategory)]
    pub by: OutcomeBy,

    #[command(flatten)]
    pub options: ReportOptions,
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files or folders of letters.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Include each letter's full text (`text` key); by default only letters of an
    /// unrecognised layout carry it.
    #[arg(long)]
    pub text: bool,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    #[command(flatten)]
    pub limits: FileLimits,
}

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Files or folders of letters.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// Build a new index beside the old one and swap it in when complete (searches keep
    /// using the old one meanwhile). Needed after an upgrade that changes the index format.
    #[arg(long)]
    pub rebuild: bool,

    /// Commit after this many new or changed letters (and at least every minute), so that an
    /// interrupted run loses at most one batch; the next run picks up where it stopped.
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: u64,

    /// Worker threads for reading and parsing (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Memory budget in megabytes (MB), the PDF readers included. Half goes to the index
    /// writer's in-memory segments, which are written out when full; 30% to the processes
    /// that read PDFs (one a thread, see --file-memory); the rest covers the letters being
    /// read and parsed (two batches of 256), merges, and the list of indexed files an update
    /// compares against (about 250 bytes a letter). A larger budget means fewer, larger
    /// segments and less merging.
    #[arg(long, value_name = "MB", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(64..))]
    pub memory: u64,

    #[command(flatten)]
    pub limits: FileLimits,

    /// Read again the files that failed in an earlier run. Without it, a file that failed
    /// (damaged, too slow, too large) is not read again until it changes, or until imr or
    /// the limit it failed on changes; `imr verify FOLDER` lists them.
    #[arg(long)]
    pub retry_failed: bool,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query; several words may be given without quotes.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,

    /// How many decisions to show.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,

    /// JSON Lines: one decision per line.
    #[arg(long)]
    pub json: bool,

    /// Group the decisions by letter.
    #[arg(long)]
    pub case: bool,

    /// Match plain words in every field, even when some disputed items match them by name.
    #[arg(long)]
    pub anywhere: bool,

    /// Search every word as typed: no other names from the vocabulary (`norco` finds only
    /// `norco`). A quoted word is always searched as typed.
    #[arg(long)]
    pub exact: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A case number (CM16-0213037), or the path of an indexed letter.
    #[arg(value_name = "CASE_NUMBER")]
    pub case_number: String,

    /// The letter as JSON (the `imr parse` shape).
    #[arg(long)]
    pub json: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SimilarArgs {
    /// A case number, or CASE/ITEM for another item than the first (CM16-0923587/2).
    #[arg(value_name = "CASE[/ITEM]")]
    pub id: String,

    /// How many decisions.
    #[arg(long, short = 'n', default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,

    /// JSON Lines: one decision per line (the summary goes to stderr).
    #[arg(long)]
    pub json: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The folders of letters the index should match.
    #[arg(value_name = "FOLDER")]
    pub paths: Vec<PathBuf>,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Only the decisions matching this query (the search query language).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// The folder to write into; it must be new or empty.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[arg(long, value_enum, default_value_t = crate::export::Format::Parquet)]
    pub format: crate::export::Format,

    /// Start a new file after this many rows (in each year's folder).
    #[arg(long, value_name = "N", default_value_t = 500_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub rows_per_file: u64,

    /// Read the query's words as typed: no other names from the vocabulary.
    #[arg(long)]
    pub exact: bool,

    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct TokensArgs {
    /// The text; several words may be given without quotes.
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The index folder (default: $IMR_INDEX, else ~/.local/share/imr-search/index).
    #[arg(long, value_name = "DIR")]
    pub index: Option<std::path::PathBuf>,

    /// The address to listen on (port 0: any free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8765")]
    pub addr: String,

    /// Allow a non-loopback --addr: every letter in the index becomes readable by anyone who
    /// can reach the port.
    #[arg(long)]
    pub public: bool,
}
