//! Any bytes -> text decoding -> the letter parser: must never panic, and what it returns must
//! serialise (the `imr parse` output path).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((text, _)) = imr_search::source::decode_text(data) {
        let letter = imr_search::letter::parse(&text);
        assert!(serde_json::to_string(&letter).is_ok());
        for d in &letter.items {
            assert!(d.citations.iter().all(|c| !c.key.is_empty()));
        }
    }
});
