//! Lint rules on the bundled samples and on their own documentation: no false alarm on any
//! valid bundled payload at the default levels (the quirk rules fire, at info, where they
//! should), and every rule page's bad example fires its rule while the good one does not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use leadcheck::lint::{self, Context, Finding, Group, Level, Levels, Rule, RuleSet, Tracker};
use leadcheck::schema::Bundled;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The records of a bundled sample, API lists expanded: one per line for `.jsonl` (lines
/// that do not parse are skipped: some samples are broken on purpose), otherwise a stream
/// of JSON values (one payload, an array of payloads, pretty payloads one after another).
fn records(path: &Path) -> Vec<Value> {
    let text = read(path);
    let values: Vec<Value> = if path.extension().is_some_and(|e| e == "jsonl") {
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    } else {
        serde_json::Deserializer::from_str(&text)
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    values
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items,
            Value::Object(ref o) if o.get("leads").is_some_and(Value::is_array) => {
                o["leads"].as_array().unwrap().clone()
            }
            other => vec![other],
        })
        .collect()
}

/// Findings at the default levels, as `rule level pointer: message`, for the records of a
/// capture in order (per-record rules, then the tracker's).
fn lint_defaults(records: &[Value]) -> Vec<(Finding, Level)> {
    let levels = Levels::defaults();
    let ctx = Context::current().with_rules(levels.enabled());
    let mut tracker = Tracker::with_rules(levels.enabled());
    let mut out = Vec::new();
    for record in records {
        let mut found = lint::check(record, &ctx);
        found.extend(tracker.observe(record));
        out.extend(found.into_iter().map(|f| {
            let level = levels.level(f.rule);
            (f, level)
        }));
    }
    out
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir}");
    files
}

/// A finding other than a quirk at info: a false alarm on a valid payload.
fn alarms(findings: &[(Finding, Level)]) -> Vec<String> {
    findings
        .iter()
        .filter(|(f, level)| !(f.info().group == Group::Quirk && *level == Level::Info))
        .map(|(f, level)| format!("{level}[{}] {}: {}", f.rule, f.pointer, f.message))
        .collect()
}

#[test]
fn no_false_alarm_on_valid_bundled_payloads() {
    let schemas = Bundled::new();
    let mut inputs = files("samples/valid");
    inputs.extend(files("samples/types"));
    inputs.extend(files("samples/updates"));
    inputs.push(root().join("samples/chat-in-progress.json"));
    let captures: Vec<_> = files("samples/captures")
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.ends_with(".jsonl") || name.ends_with(".json")
        })
        .collect();
    assert!(captures.len() >= 6, "{captures:?}");
    inputs.extend(captures);
    let mut checked = 0;
    for path in inputs {
        // Only the records the schema accepts: lint runs on top of validation.
        let valid: Vec<Value> = records(&path)
            .into_iter()
            .filter(|r| {
                schemas
                    .for_value(r)
                    .is_ok_and(|s| s.validator().is_valid(r))
            })
            .collect();
        checked += valid.len();
        let found = lint_defaults(&valid);
        assert_eq!(alarms(&found), Vec::<String>::new(), "{}", path.display());
    }
    assert!(checked >= 40, "only {checked} valid records");
}

#[test]
fn the_quirk_rules_fire_on_the_official_example() {
    let official = records(&root().join("samples/chat-in-progress.json"));
    let found: Vec<String> = lint_defaults(&official)
        .iter()
        .map(|(f, level)| format!("{level}[{}] {}: {}", f.rule, f.pointer, f.message))
        .collect();
    assert_eq!(
        found,
        [
            r#"info[timestamps-order] /last_updated: "2016-01-25T17:18:20Z" is earlier than date_created "2016-02-01T14:09:01Z", as in every official WhatConverts example"#,
            r#"info[lead-state-spelling] /lead_state: "In Progess" is WhatConverts' own spelling of "In Progress"; match both"#,
        ]
    );
    // The verbatim article says the same as the bundled copy.
    let article = read(&root().join("samples/chat-in-progress.json"));
    assert!(article.contains(r#""lead_state": "In Progess""#));
}

#[test]
fn the_history_samples_have_no_regression_or_duplicate_but_a_reordered_one_does() {
    let mut history = records(&root().join("samples/captures/history.jsonl"));
    assert!(alarms(&lint_defaults(&history)).is_empty());
    // Deliver the completed record of lead 153940 again, then its first (in progress) one.
    let completed = history[2].clone();
    let first = history[0].clone();
    assert_eq!(completed["lead_state"], "Completed");
    history.push(completed);
    history.push(first);
    let found: Vec<String> = lint_defaults(&history)
        .iter()
        .map(|(f, level)| format!("{level}[{}] {}", f.rule, f.pointer))
        .collect();
    assert_eq!(
        found,
        [
            "info[duplicate-delivery] /last_updated",
            "warn[state-regression] /lead_state",
            "info[duplicate-delivery] /last_updated",
        ]
    );
}

/// The first ```json block after the `### {heading}` heading of a page.
fn example<'a>(page: &'a str, heading: &str) -> &'a str {
    let marker = format!("\n### {heading}\n");
    let after = &page[page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker:?}"))
        + 1..];
    let start = after.find("```json\n").expect("a json block") + "```json\n".len();
    let end = after[start..].find("```").expect("a closed block");
    &after[start..start + end]
}

/// The rule's findings on an example: one record, or a capture of one record per line.
fn run_example(rule: Rule, text: &str) -> Vec<Finding> {
    let only: RuleSet = [rule].into_iter().collect();
    let ctx = Context::at("2026-01-01T00:00:00Z".parse().unwrap()).with_rules(only);
    let mut tracker = Tracker::with_rules(only);
    let mut found = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let value = value.unwrap_or_else(|e| panic!("{}: {e}\n{text}", rule.name()));
        assert!(value.is_object(), "{}", rule.name());
        found.extend(lint::check(&value, &ctx));
        found.extend(tracker.observe(&value));
    }
    assert!(found.iter().all(|f| f.rule == rule.name()));
    found
}

#[test]
fn every_page_example_does_what_it_says() {
    for info in lint::rules() {
        let page = lint::page(info.name).unwrap();
        let bad = run_example(info.rule, example(page, "Bad"));
        let good = run_example(info.rule, example(page, "Good"));
        assert!(
            !bad.is_empty(),
            "{}: the bad example does not fire",
            info.name
        );
        assert_eq!(good, [], "{}: the good example fires", info.name);
        // The page states the rule's registered group and default level.
        let header = format!(
            "**Group:** {} · **Default level:** {}",
            info.group, info.default
        );
        assert!(page.contains(&header), "{}: {header}", info.name);
        for section in [
            "## What it checks",
            "## Why it matters",
            "## What it is based on",
        ] {
            assert!(page.contains(section), "{}: {section}", info.name);
        }
        let file = root().join(format!("docs/rules/{}.md", info.name));
        assert_eq!(read(&file), page, "{}", file.display());
    }
    let pages = std::fs::read_dir(root().join("docs/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<BTreeSet<_>>();
    let expected = lint::rules()
        .iter()
        .map(|r| format!("{}.md", r.name))
        .chain(["README.md".to_string()])
        .collect::<BTreeSet<_>>();
    assert_eq!(pages, expected, "a page per rule, and the index");
}

#[test]
fn the_index_lists_every_rule_as_registered() {
    let index = read(&root().join("docs/rules/README.md"));
    let rows: Vec<&str> = index.lines().filter(|l| l.starts_with("| [`")).collect();
    let expected: Vec<String> = lint::rules()
        .iter()
        .map(|r| {
            format!(
                "| [`{0}`]({0}.md) | {1} | {2} | {3} |",
                r.name, r.group, r.default, r.summary
            )
        })
        .collect();
    assert_eq!(rows, expected);
    for group in Group::ALL {
        assert!(index.contains(&format!("- **{group}**:")), "{group}");
    }
}
