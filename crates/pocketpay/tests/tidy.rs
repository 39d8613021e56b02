//! Tidy checks over the source tree, run as ordinary tests: every Rust file opens with a `//!`
//! paragraph, no test is ignored, no crate allows unsafe code, and no card number is hard-wired
//! outside tests, the test issuer and the journey simulation (test tooling that types test cards).

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    assert!(files.len() > 10, "found only {} files", files.len());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect()
}

#[test]
fn every_file_opens_with_a_doc_paragraph() {
    let missing: Vec<_> = sources()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! paragraph: {missing:?}");
}

#[test]
fn no_test_is_ignored_and_no_unsafe_is_allowed() {
    let ignore = ["#[", "ignore]"].concat();
    let allow_unsafe = ["allow(", "unsafe_code)"].concat();
    for (path, text) in sources() {
        assert!(!text.contains(&ignore), "{} ignores a test", path.display());
        assert!(!text.contains(&allow_unsafe), "{} allows unsafe code", path.display());
    }
    let root = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap_or_default();
    assert!(root.contains("unsafe_code = \"forbid\""), "the workspace forbids unsafe code");
}

#[test]
fn no_card_number_is_hard_wired_outside_tests() {
    for (path, text) in sources() {
        let p = path.display().to_string();
        if p.contains("/tests/") || p.ends_with("tests.rs") || p.contains("issuer") || p.contains("/crates/simulation/")
        {
            continue;
        }
        let production = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in production.lines() {
            let has_long_run = line
                .split(|c: char| !c.is_ascii_digit())
                .any(|run| (13..=19).contains(&run.len()) && luhn_valid(run) && !run.starts_with('0'));
            assert!(!has_long_run, "{p}: a card-like number in production code: {line}");
        }
    }
}

fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}
