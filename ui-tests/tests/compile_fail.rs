//! What the types forbid: each file in tests/ui must fail to compile.
#[test]
fn misuse_the_types_forbid_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
