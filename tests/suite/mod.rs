mod env;
mod parse_cli;
mod real_corpus;
mod sample_corpus;
mod schema;
