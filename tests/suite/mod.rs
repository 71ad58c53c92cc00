mod env;
mod index_search;
mod parse_cli;
mod real_corpus;
mod reliability;
mod reports;
mod sample_corpus;
mod schema;
