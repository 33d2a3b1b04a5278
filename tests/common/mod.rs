//! Shared helpers for the integration tests: every test runs the real `leadcheck` binary
//! in a scrubbed environment, from the crate root, so results do not depend on the shell.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `leadcheck` with the colour variables cleared and the crate root as working directory.
pub fn leadcheck() -> Command {
    let mut cmd = Command::cargo_bin("leadcheck").expect("the leadcheck binary");
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .env_remove("COLUMNS");
    cmd
}

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/data/NAME`: third-party test data kept in the repository (see
/// tests/data/README.md). Panics when it is missing: a test never skips for lack of data.
pub fn corpus(name: &str) -> PathBuf {
    let path = root().join("tests/data").join(name);
    assert!(
        path.exists(),
        "{} is missing: the test data lives in the repository (tests/data/README.md)",
        path.display()
    );
    path
}

/// Output as UTF-8 text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Each line of `stdout` parsed as one JSON value.
pub fn json_lines(bytes: &[u8]) -> Vec<serde_json::Value> {
    text(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A sample's path relative to the crate root.
pub fn sample(rel: &str) -> String {
    let p = Path::new("samples").join(rel);
    assert!(root().join(&p).exists(), "missing sample {}", p.display());
    p.display().to_string()
}

/// The summary line on stderr, parsed: (records, valid, invalid, unreadable).
/// Panics unless the first number is the sum of the next three.
pub fn counts(stderr: &[u8]) -> (u64, u64, u64, u64) {
    let s = text(stderr);
    let line = s
        .lines()
        .rev()
        .find(|l| l.contains(" valid, "))
        .unwrap_or_else(|| panic!("no summary in {s:?}"));
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    let c = (nums[0], nums[1], nums[2], nums[3]);
    assert_eq!(c.0, c.1 + c.2 + c.3, "counts must add up: {line}");
    c
}
