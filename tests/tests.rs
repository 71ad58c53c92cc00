//! The one integration-test binary: it runs the built `imr` and the library on real files.
//! Modules by topic live in `tests/suite/`.

mod suite;
