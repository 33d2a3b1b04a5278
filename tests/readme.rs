//! The examples of the README and of docs/, run as written (trycmd): what the README shows is what the binary
//! prints. `TRYCMD=overwrite cargo test --test readme` updates them after a deliberate change.

#[test]
fn readme_examples() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("README.md")
        .case("docs/*.md");
}
