//! The only code that opens or creates an index. It registers the analyzers every time (they
//! are not saved in the index) and checks the version stamps written at each commit.

use crate::analysis;
use crate::letter::PARSER_VERSION;
use crate::phrases;
use crate::schema::{self, Fields, SCHEMA_VERSION};
use anyhow::{anyhow, bail, Context};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Field;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{Index, IndexReader, ReloadPolicy};
use tantivy::{IndexWriter, TantivyError};

/// Written into every commit (tantivy's commit payload), read back on open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stamp {
    pub schema_version: u32,
    pub parser_version: u32,
    pub imr_version: String,
}

impl Stamp {
    pub fn current() -> Stamp {
        Stamp {
            schema_version: SCHEMA_VERSION,
            parser_version: PARSER_VERSION,
            imr_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Where the index lives when `--index` is not given: `$IMR_INDEX`, else the user's data
/// folder (`$XDG_DATA_HOME/imr-search/index`, `~/.local/share/imr-search/index`, or
/// `%LOCALAPPDATA%\imr-search\index`).
pub fn default_location() -> PathBuf {
    if let Some(p) = std::env::var_os("IMR_INDEX").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
        .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("imr-search").join("index")
}

pub struct Store {
    pub index: Index,
    pub fields: Fields,
    pub path: PathBuf,
}

/// The analyzers the index is written with: prose gets phrase keys (`src/phrases.rs`).
fn register(index: &Index) {
    index.tokenizers().register(analysis::IMR_EN, phrases::imr_en_keyed());
    index.tokenizers().register(analysis::IMR_PLAIN, analysis::imr_plain());
}

fn is_index(path: &Path) -> bool {
    path.join("meta.json").is_file()
}

impl Store {
    /// Opens the index at `path` for searching; says what to do when there is none or when
    /// it was built by another version.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if !is_index(path) {
            bail!(
                "no index at {}: build one with `imr index FOLDER` (or point --index / IMR_INDEX at it)",
                path.display()
            );
        }
        let index = Index::open_in_dir(path).with_context(|| format!("cannot open the index at {}", path.display()))?;
        let store = Store::checked(index, path)?;
        Ok(store)
    }

    /// Opens the index at `path` for writing, creating it when absent.
    ///
    /// Stored fields are compressed with zstd (level 3) in 16 KB blocks: letters are prose
    /// that zstd packs about a third smaller than the default lz4, and a search reads only a
    /// handful of blocks.
    pub fn open_or_create(path: &Path) -> anyhow::Result<Store> {
        if is_index(path) {
            let index =
                Index::open_in_dir(path).with_context(|| format!("cannot open the index at {}", path.display()))?;
            return Store::checked(index, path);
        }
        std::fs::create_dir_all(path).with_context(|| format!("cannot create the index folder {}", path.display()))?;
        let (schema, fields) = schema::build();
        let dir = MmapDirectory::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let index = Index::create(dir, schema, settings())
            .with_context(|| format!("cannot create an index in {}", path.display()))?;
        register(&index);
        Ok(Store { index, fields, path: path.to_path_buf() })
    }

    fn checked(index: Index, path: &Path) -> anyhow::Result<Store> {
        let rebuild = || format!("rebuild it with `imr index --rebuild FOLDER... --index {}`", path.display());
        let (schema, fields) = schema::build();
        let metas = index.load_metas().with_context(|| format!("cannot read the index at {}", path.display()))?;
        match metas.payload.as_deref().map(serde_json::from_str::<Stamp>) {
            Some(Ok(stamp)) => {
                if stamp.schema_version != SCHEMA_VERSION || stamp.parser_version != PARSER_VERSION {
                    bail!(
                        "the index at {} was built by imr {} (schema {}, parser {}); this imr {} uses schema {}, parser {}: {}",
                        path.display(),
                        stamp.imr_version,
                        stamp.schema_version,
                        stamp.parser_version,
                        env!("CARGO_PKG_VERSION"),
                        SCHEMA_VERSION,
                        PARSER_VERSION,
                        rebuild()
                    );
                }
            }
            Some(Err(_)) => bail!("the index at {} has no readable version stamp: {}", path.display(), rebuild()),
            None if metas.segments.is_empty() => {} // created, nothing committed yet
            None => bail!("{} holds an index imr did not write: {}", path.display(), rebuild()),
        }
        if index.schema() != schema {
            bail!("the index at {} has another schema: {}", path.display(), rebuild());
        }
        register(&index);
        Ok(Store { index, fields, path: path.to_path_buf() })
    }

    /// An empty index in memory (for tests and fuzzing).
    pub fn in_ram() -> Store {
        let (schema, fields) = schema::build();
        let index = Index::builder().schema(schema).settings(settings()).create_in_ram().expect("an index in memory");
        register(&index);
        Store { index, fields, path: PathBuf::from(":memory:") }
    }

    /// The index's one writer, with `budget` bytes for its in-memory segments (threads as
    /// the cores allow, fewer rather than under tantivy's minimum each). A second writer gets
    /// a message saying who holds the index.
    pub fn writer(&self, budget: usize) -> anyhow::Result<IndexWriter> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let threads = threads.min(budget / WRITER_MIN_PER_THREAD).max(1);
        writer_of(&self.index, &self.path, threads, budget.max(WRITER_MIN_PER_THREAD * threads))
    }

    /// The analyzers queries are read with: those of the index, without phrase keys.
    pub fn query_analyzers(&self) -> TokenizerManager {
        let analyzers = TokenizerManager::default();
        analyzers.register(analysis::IMR_EN, analysis::imr_en());
        analyzers.register(analysis::IMR_PLAIN, analysis::imr_plain());
        analyzers
    }

    /// The analyzer a query's words in `field` are read with.
    pub fn query_analyzer(&self, field: Field) -> tantivy::Result<TextAnalyzer> {
        let entry = self.index.schema().get_field_entry(field).clone();
        let name = match entry.field_type() {
            tantivy::schema::FieldType::Str(options) => {
                options.get_indexing_options().map(|i| i.tokenizer().to_string())
            }
            _ => None,
        };
        let name = name.ok_or_else(|| TantivyError::SchemaError(format!("{} is not a text field", entry.name())))?;
        self.query_analyzers()
            .get(&name)
            .ok_or_else(|| TantivyError::SchemaError(format!("no analyzer {name:?} for {}", entry.name())))
    }

    /// A reader that sees the last commit and never reloads by itself.
    pub fn reader(&self) -> anyhow::Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| anyhow!("cannot read the index at {}: {e}", self.path.display()))
    }
}

/// tantivy's least memory per indexing thread.
const WRITER_MIN_PER_THREAD: usize = 15 << 20;

fn writer_of(index: &Index, path: &Path, threads: usize, budget: usize) -> anyhow::Result<IndexWriter> {
    match index.writer_with_num_threads(threads, budget) {
        Ok(w) => Ok(w),
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
            bail!("another `imr index` is writing to {}; wait for it to finish", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("cannot write to the index at {}", path.display())),
    }
}

/// Holds the writer lock of the index at `path`, if there is one there, with the least
/// memory: nobody else changes it while a rebuild is made beside it.
pub fn hold(path: &Path) -> anyhow::Result<Option<IndexWriter>> {
    match Index::open_in_dir(path) {
        Ok(index) => Ok(Some(writer_of(&index, path, 1, WRITER_MIN_PER_THREAD)?)),
        Err(_) => Ok(None),
    }
}

/// How new indexes store documents (see [`Store::open_or_create`]).
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 16_384,
        ..Default::default()
    }
}
