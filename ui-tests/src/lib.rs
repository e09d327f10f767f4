//! cogen's compile-fail suite: `tests/compile_fail.rs` runs trybuild over
//! `tests/ui`, each file a misuse that cogen's types must reject. Kept out of
//! the published `cogen` crate (see this package's Cargo.toml). No code here.
