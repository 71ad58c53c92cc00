//! Any bytes through the file reader as `imr index` runs it: sniffing, PDF decryption and text
//! extraction, under the same isolation. A panic inside is the reader's to turn into a failed
//! file; what this target looks for is what escapes it: an abort, a stack overflow, a hang
//! (`-timeout`) or runaway memory (`-rss_limit_mb`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = imr_search::source::isolate(|| imr_search::source::from_bytes(data));
});
