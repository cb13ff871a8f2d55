//! The derives' misuse errors point at the offending span, and the public call shape compiles.

#[test]
fn derive_errors_and_call_shape() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
