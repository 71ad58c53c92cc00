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
    // pdf-extract panics with the name it looked up (`F1`, `MediaBox`) or an assertion on a
    // drawing operator's operands; the names below were collected by fuzzing.
    let font_name = message.len() <= 8 && message.starts_with('F') && message[1..].chars().any(|c| c.is_ascii_digit());
    if has(&["contentstream", "content stream", "operator", "operands", "index out of bounds"]) {
        "damaged PDF: the content of a page cannot be read"
    } else if font_name
        || has(&["font", "cmap", "glyph", "encoding", "unicode", "firstchar", "widths", "descendant", "basefont"])
    {
        "damaged PDF: a font in it cannot be read"
    } else if has(&["mediabox", "cropbox"]) {
        "damaged PDF: a page has no size (its /MediaBox is missing or broken)"
    } else if has(&["xobject"]) {
        "damaged PDF: an image or form on a page cannot be read"
    } else if has(&["xref", "cross reference", "trailer", "object stream"]) {
        "damaged PDF: its table of objects is broken or cut short"
    } else if has(&["objectnotfound", "object not found", "missing object", "deref"]) {
        "damaged PDF: a part it refers to is missing or broken"
    } else if has(&["decrypt", "encrypt"]) {
        "damaged PDF: its encryption settings are broken"
    } else if has(&["stream", "length", "filter", "flate", "deflate", "decode", "compress"]) {
        "damaged PDF: a compressed part of it cannot be unpacked"
    } else if has(&["overflow", "recursion", "depth", "nested"]) {
        "damaged PDF: it is nested too deeply"
    } else if has(&["wrong type", "objecttype", "not a number", "expected"]) {
        "damaged PDF: a part of it holds the wrong kind of value"
    } else {
        "damaged PDF: the reader stopped on something in it that it cannot handle"
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
        assert_eq!(shown, "damaged PDF: the content of a page cannot be read");
        for leak in ["unwrap", ".rs", "/", "Err", "panic"] {
            assert!(!shown.contains(leak), "{leak:?} in {shown:?}");
        }
        // Messages pdf-extract 0.12 panicked with under fuzzing, and what the user reads.
        for (message, reason) in [
            ("failed parsing cross reference table", "its table of objects is broken or cut short"),
            ("index out of bounds: the len is 3 but the index is 7", "the content of a page cannot be read"),
            ("assertion failed: operation.operands.len() == 2", "the content of a page cannot be read"),
            ("F12", "a font in it cannot be read"),
            ("unexpected encoding \"WinAnsiEncodang\"", "a font in it cannot be read"),
            ("MediaBox", "a page has no size (its /MediaBox is missing or broken)"),
            ("missing object reference: ObjectNotFound((4, 0))", "a part it refers to is missing or broken"),
            ("not a number", "a part of it holds the wrong kind of value"),
            ("explicit panic", "the reader stopped on something in it that it cannot handle"),
        ] {
            assert_eq!(plain_reason(message), format!("damaged PDF: {reason}"), "{message}");
        }
    }
}
