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
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                previous(info);
            }
        }));
    });
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
}
