//! The Rust tests embed a Python interpreter: point the test binaries at the
//! directory of the libpython they link (a pyenv or venv interpreter's is not
//! on the loader's path). An extension module built by maturin links none.
fn main() {
    if std::env::var_os("CARGO_FEATURE_EXTENSION_MODULE").is_none() {
        pyo3_build_config::add_libpython_rpath_link_args();
    }
}
