//! Any text as a query: the query reader, tantivy's query parser and the search over a small
//! index must never panic; a bad query is an error value.
#![no_main]

use imr_search::store::Store;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use tantivy::IndexReader;

static INDEX: LazyLock<(Store, IndexReader)> = LazyLock::new(|| {
    let store = Store::in_ram();
    let mut writer: tantivy::IndexWriter = store.index.writer(15_000_000).expect("writer");
    for (path, text) in [
        ("c-2016/CM16-0923587.txt", include_str!("../../data/letters/c-2016/CM16-0923587.txt")),
        ("a-2013/CM13-0911583.txt", include_str!("../../data/letters/a-2013/CM13-0911583.txt")),
    ] {
        let letter = imr_search::letter::parse(text);
        let docs = imr_search::document::documents(&store.fields, &letter, path, "utf-8");
        imr_search::indexer::add_letter(&writer, &store.fields, path, docs).expect("add");
    }
    writer.commit().expect("commit");
    let reader = store.reader().expect("reader");
    (store, reader)
});

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = imr_search::query::read(q, Some(imr_search::vocabulary::Vocabulary::builtin()));
        let (store, reader) = &*INDEX;
        let _ = imr_search::search::search(store, &reader.searcher(), &imr_search::search::Request { query: q.to_string(), limit: 10, ..Default::default() });
    }
});
