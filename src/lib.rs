//! imr-search: read, index and search California workers' compensation IMR Final
//! Determination Letters.
//!
//! Data flows one way: `source` (file -> text) -> `letter` (text -> `Letter`, pure) -> output.
//! The `imr` binary is a thin shell over `cmd`.

pub mod analysis;
pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod document;
pub mod export;
pub mod facets;
pub mod indexer;
pub mod ingest;
pub mod join;
pub mod letter;
pub mod phrases;
pub mod prefix;
pub mod print;
pub mod query;
mod quickhash;
pub mod report;
pub mod schema;
pub mod search;
pub mod serve;
pub mod similar;
pub mod source;
pub mod store;
pub mod suggest;
pub mod tables;
pub mod vocabulary;
