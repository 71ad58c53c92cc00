//! Runs risky work (third-party PDF parsing) so that a panic becomes an error for one file.
//!
//! A panic hook is installed once: inside `isolate` it records the panic message for the
//! error instead of printing it, so the user sees one `imr: PATH: reason` line; outside
//! `isolate` it defers to the previous hook, so our own bugs still print as usual.

use super::SourceError;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static INSIDE: Cell<bool> = const { Cell::new(false) };
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if INSIDE.with(Cell::get) {
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_string());
                MESSAGE.with(|m| *m.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

/// What a panic inside a file's reader means, in words a user can act on: the library's own
/// message (`called Result::unwrap() on an Err value: Parse(InvalidContentStream)`) names its
/// internals, never the file's problem, so it is only read for a hint of the damage.
pub fn plain_reason(message: &str) -> &'static str {
    let m = message.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if has(&["contentstream", "content stream", "operator"]) {
        "damaged PDF: the content of a page cannot be read"
    } else if has(&["xref", "cross reference", "trailer", "object stream", "objectnotfound", "object not found"]) {
        "damaged PDF: its table of objects is broken"
    } else if has(&["decrypt", "encrypt"]) {
        "damaged PDF: it cannot be decrypted"
    } else if has(&["font", "cmap", "glyph", "encoding", "unicode"]) {
        "damaged PDF: a font in it cannot be read"
    } else if has(&["stream", "length", "filter", "flate", "deflate", "decode", "compress"]) {
        "damaged PDF: a compressed part of it is broken"
    } else if has(&["overflow", "recursion", "depth", "nested"]) {
        "damaged PDF: it is nested too deeply"
    } else {
        "damaged file: the reader stopped on something in it that it cannot handle"
    }
}

/// Runs `f`; a panic inside it comes back as `SourceError::Panic` with the panic message.
pub fn isolate<T>(f: impl FnOnce() -> T) -> Result<T, SourceError> {
    install_hook();
    let was_inside = INSIDE.with(|i| i.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    INSIDE.with(|i| i.set(was_inside));
    result.map_err(|_| {
        let msg = MESSAGE.with(|m| m.borrow_mut().take()).unwrap_or_else(|| "panic".to_string());
        SourceError::Panic(msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let r: Result<(), _> = isolate(|| panic!("bad font table"));
        match r {
            Err(SourceError::Panic(m)) => assert!(m.contains("bad font table"), "{m}"),
            other => panic!("expected a panic error, got {other:?}"),
        }
        assert_eq!(isolate(|| 7).unwrap(), 7);
    }

    #[test]
    fn what_the_user_reads_names_the_damage_not_the_library() {
        // The message pdf-extract 0.12 panics with on a page it cannot read.
        let r: Result<(), _> =
            isolate(|| panic!("called `Result::unwrap()` on an `Err` value: Parse(InvalidContentStream)"));
        let shown = r.unwrap_err().to_string();
        assert_eq!(shown, "damaged PDF: the content of a page cannot be read; the file was skipped, the run goes on");
        for leak in ["unwrap", ".rs", "/", "Err", "panic"] {
            assert!(!shown.contains(leak), "{leak:?} in {shown:?}");
        }
        assert_eq!(plain_reason("failed parsing cross reference table"), "damaged PDF: its table of objects is broken");
        assert_eq!(
            plain_reason("index out of bounds: the len is 3 but the index is 7"),
            "damaged file: the reader stopped on something in it that it cannot handle"
        );
    }
}
