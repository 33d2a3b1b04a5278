//! `validate` in CI: the GitHub, JUnit and SARIF formats (each parsed, JUnit and SARIF
//! checked against their schemas), `--max-errors`, completions, the man page and the
//! pre-commit hook.
//!
//! Every format is compared with `--format json` for the same inputs: the same problems,
//! at the same places, with the same messages.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{corpus, json_lines, leadcheck, sample, text};
use serde_json::Value;

/// One problem as `--format json` reports it: (input, line, column, pointer, message);
/// the pointer is None for an unreadable record.
type Problem = (String, u64, u64, Option<String>, String);

fn problems(args: &[&str]) -> Vec<Problem> {
    let out = leadcheck()
        .args(["validate", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let mut problems = Vec::new();
    for record in json_lines(&out.stdout) {
        for e in record["errors"].as_array().unwrap() {
            problems.push((
                record["input"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
                e["pointer"].as_str().map(str::to_string),
                e["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    problems
}

/// The inputs most tests run on: invalid, unreadable and valid records, in several inputs.
fn mixed_inputs() -> Vec<String> {
    vec![
        sample("invalid/lead-type-typo.json"),
        sample("invalid/many-errors.json"),
        sample("captures/webhooks.jsonl"),
        sample("broken"),
        sample("valid/ipv6.json"),
    ]
}

// ---- GitHub workflow commands ----

/// A parsed workflow command: `::name key=value,…::message`, values unescaped.
#[derive(Debug)]
struct Annotation {
    name: String,
    props: BTreeMap<String, String>,
    message: String,
}

/// Undoes the workflow-command escaping (`%25`, `%0D`, `%0A`, `%3A`, `%2C`).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 1..i + 3)
            .unwrap_or_else(|| panic!("bad escape in {s:?}"));
        out.push(match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" => ':',
            "2C" => ',',
            other => panic!("unexpected escape %{other} in {s:?}"),
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

fn annotations(stdout: &[u8]) -> Vec<Annotation> {
    text(stdout)
        .lines()
        .map(|line| {
            let body = line
                .strip_prefix("::")
                .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
            let (head, message) = body.split_once("::").expect("no message separator");
            let (name, props) = head.split_once(' ').unwrap_or((head, ""));
            let props = props
                .split(',')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').expect("property without =");
                    (k.to_string(), unescape(v))
                })
                .collect();
            assert!(!message.contains(['\r', '\n']));
            Annotation {
                name: name.to_string(),
                props,
                message: unescape(message),
            }
        })
        .collect()
}

#[test]
fn github_format_is_one_error_per_problem_and_a_closing_notice() {
    let inputs = mixed_inputs();
    let args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let out = leadcheck()
        .args(["validate", "--format", "github"])
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let annotations = annotations(&out.stdout);
    let (last, errors) = annotations.split_last().unwrap();
    assert_eq!(last.name, "notice");
    assert_eq!(last.props["title"], "leadcheck");
    let summary = text(&out.stderr);
    assert_eq!(format!("{}\n", last.message), summary);
    assert!(summary.contains(" valid, "), "{summary}");

    let expected = problems(&args);
    assert!(expected.len() > 8, "{expected:?}");
    assert_eq!(errors.len(), expected.len());
    for (a, (input, line, column, pointer, message)) in errors.iter().zip(&expected) {
        assert_eq!(a.name, "error");
        assert_eq!(a.props["file"], *input);
        assert_eq!(a.props["line"], line.to_string());
        assert_eq!(a.props["col"], column.to_string());
        assert_eq!(&a.message, message);
        let title = match pointer.as_deref() {
            None => "leadcheck: unreadable record",
            Some("") => "leadcheck: (root)",
            Some(p) => &format!("leadcheck: {p}"),
        };
        assert_eq!(a.props["title"], title);
    }
}

#[test]
fn github_format_reports_unopenable_inputs_as_annotations() {
    let out = leadcheck()
        .args([
            "validate",
            "--format",
            "github",
            "no/such/file.json",
            &sample("valid/ipv6.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let a = annotations(&out.stdout);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].name, "error");
    assert_eq!(a[0].props["file"], "no/such/file.json");
    assert_eq!(a[0].props["title"], "leadcheck: cannot read input");
    assert!(a[0].message.starts_with("cannot open: "), "{a:?}");
    assert_eq!(a[1].name, "notice");
    // The human note is on stderr too.
    assert!(text(&out.stderr).starts_with("no/such/file.json: error: cannot open"));
}

// ---- JUnit ----

/// Fails the test, saying how to install it, unless xmllint (which checks JUnit output
/// against JUnit.xsd) is on PATH. `.ci/run` installs it.
fn require_xmllint() {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "xmllint is missing: the JUnit tests need it to check the output against JUnit.xsd. \
         Install it (Debian/Ubuntu: apt-get install libxml2-utils; .ci/run does so)"
    );
}

/// Checks `xml` against JUnit.xsd (tests/data/junit).
fn assert_valid_junit(xml: &Path) {
    require_xmllint();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(corpus("junit/JUnit.xsd"))
        .arg(xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stderr),
        std::fs::read_to_string(xml).unwrap_or_default()
    );
}

/// An XPath expression evaluated by xmllint, as a string.
fn xpath(xml: &Path, expr: &str) -> String {
    require_xmllint();
    let out = Command::new("xmllint")
        .args(["--xpath", expr])
        .arg(xml)
        .output()
        .unwrap();
    assert!(out.status.success(), "{expr}: {}", text(&out.stderr));
    // xmllint ends the result with a newline of its own.
    let mut result = text(&out.stdout);
    assert_eq!(result.pop(), Some('\n'));
    result
}

fn count(xml: &Path, expr: &str) -> usize {
    xpath(xml, &format!("count({expr})"))
        .trim()
        .parse()
        .unwrap()
}

/// Runs `validate --format junit` into a file in `dir`; returns it and the exit code.
fn junit(dir: &Path, args: &[&str]) -> (PathBuf, Option<i32>) {
    let out = leadcheck()
        .args(["validate", "--format", "junit"])
        .args(args)
        .output()
        .unwrap();
    let path = dir.join("report.xml");
    std::fs::write(&path, &out.stdout).unwrap();
    (path, out.status.code())
}

#[test]
fn junit_report_validates_and_has_a_testcase_per_record() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = mixed_inputs();
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.push("no/such/file.json");
    let (xml, code) = junit(tmp.path(), &args);
    assert_eq!(code, Some(2));
    assert_valid_junit(&xml);

    let records = json_lines(
        &leadcheck()
            .args(["validate", "--format", "json"])
            .args(&args)
            .output()
            .unwrap()
            .stdout,
    );
    let bad = records.iter().filter(|r| r["valid"] == false).count();
    // One suite per input (broken/ holds several files), one case per record, plus the
    // unopenable input as an error.
    let inputs: std::collections::BTreeSet<&str> = records
        .iter()
        .map(|r| r["input"].as_str().unwrap())
        .collect();
    assert_eq!(count(&xml, "//testsuite"), inputs.len() + 1);
    assert_eq!(count(&xml, "//testcase"), records.len() + 1);
    assert_eq!(count(&xml, "//testcase/failure"), bad);
    assert_eq!(count(&xml, "//testcase/error"), 1);
    assert_eq!(
        xpath(
            &xml,
            "string(//testsuite[@name='no/such/file.json']/@errors)"
        ),
        "1"
    );
    // Suite counts add up to the cases in them.
    let suite = "//testsuite[@name='samples/captures/webhooks.jsonl']";
    assert_eq!(xpath(&xml, &format!("string({suite}/@tests)")), "8");
    assert_eq!(xpath(&xml, &format!("string({suite}/@failures)")), "3");
    // Named by input, record number and lead id; every violation in the failure.
    let case = "//testcase[@name='samples/invalid/many-errors.json record 1 (lead_id \"153928\")']";
    assert_eq!(count(&xml, case), 1);
    let details = xpath(&xml, &format!("string({case}/failure)"));
    for (_, line, column, pointer, message) in problems(&[&sample("invalid/many-errors.json")]) {
        let pointer = pointer.unwrap();
        assert!(
            details.contains(&format!(":{line}:{column}: {pointer}: {message}")),
            "{details}"
        );
    }
    assert_eq!(
        xpath(&xml, &format!("string({case}/failure/@type)")),
        "invalid"
    );
}

#[test]
fn junit_report_for_valid_inputs_has_no_failures() {
    let tmp = tempfile::tempdir().unwrap();
    let (xml, code) = junit(tmp.path(), &[&sample("valid")]);
    assert_eq!(code, Some(0));
    assert_valid_junit(&xml);
    assert!(count(&xml, "//testcase") >= 10);
    assert_eq!(count(&xml, "//failure | //error"), 0);
}

// ---- SARIF ----

fn sarif(args: &[&str]) -> (Value, Option<i32>) {
    let out = leadcheck()
        .args(["validate", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)));
    (log, out.status.code())
}

/// Checks a log against the SARIF 2.1.0 schema (tests/data/sarif).
fn assert_valid_sarif(log: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(corpus("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
}

#[test]
fn sarif_log_validates_and_has_a_result_per_problem() {
    let inputs = mixed_inputs();
    let args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let (log, code) = sarif(&args);
    assert_eq!(code, Some(1));
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "leadcheck");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for keyword in ["enum", "type", "pattern", "unreadable"] {
        assert!(rules.contains(&keyword), "{rules:?}");
    }
    let results = run["results"].as_array().unwrap();
    let expected = problems(&args);
    assert_eq!(results.len(), expected.len());
    for (r, (input, line, column, pointer, message)) in results.iter().zip(&expected) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], rules[index]);
        assert_eq!(r["level"], "error");
        let text = match pointer.as_deref() {
            None => format!("unreadable: {message}"),
            Some("") => format!("(root): {message}"),
            Some(p) => format!("{p}: {message}"),
        };
        assert_eq!(r["message"]["text"], text);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], *input);
        assert_eq!(loc["region"]["startLine"], *line);
        assert_eq!(loc["region"]["startColumn"], *column);
        if let Some(p) = pointer {
            assert_eq!(r["properties"]["pointer"], *p);
        }
    }
}

#[test]
fn sarif_log_records_unreadable_inputs_and_stdin() {
    let out = leadcheck()
        .args(["validate", "--format", "sarif", "-", "no/such/file.json"])
        .write_stdin(r#"{"lead_type": "Chat"}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let note = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "no/such/file.json"
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "required");
    let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        artifact.get("uri").is_none(),
        "stdin has no URI: {artifact}"
    );
    assert_eq!(artifact["description"]["text"], "<stdin>");
}

// ---- Hostile text in every format ----

/// What the fixture's messages hold: quotes, angle brackets, ampersands, percent signs,
/// CR and LF, a control character, non-ASCII text, and the property separators.
const SUMMARY: &str = "odd <&>\"'% value\r\nnext line é ü 日本 \u{1}: a,b";

/// A fixture in a file whose name needs escaping, checked against a schema whose
/// messages carry [`SUMMARY`], and whose found values are strings full of markup.
fn hostile_fixture(dir: &Path) -> (String, String) {
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://leadcheck.test/hostile.schema.json",
        "type": "object",
        "properties": {
            "lead_status": { "enum": ["Unique"], "x-summary": SUMMARY },
            "odd:key,<&>": { "type": "integer" }
        }
    });
    let schema_path = dir.join("hostile.schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();
    let name = dir.join("we,ird:name é <&>%.json");
    let record = serde_json::json!({
        "lead_id": 1,
        "lead_type": "Chat",
        "lead_status": "<b>&amp;\"quoted\" 100%\nélan</b>",
        "odd:key,<&>": "]]> --> \u{0}"
    });
    std::fs::write(&name, format!("{record}\n")).unwrap();
    (
        schema_path.display().to_string(),
        name.display().to_string(),
    )
}

#[test]
fn hostile_messages_and_names_are_escaped_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let (schema, input) = hostile_fixture(tmp.path());
    let args = ["--schema", schema.as_str(), input.as_str()];
    let expected = problems(&args);
    assert_eq!(expected.len(), 2, "{expected:?}");
    let status = expected
        .iter()
        .find(|p| p.3.as_deref() == Some("/lead_status"))
        .unwrap();
    assert!(status.4.starts_with(SUMMARY), "{status:?}");
    assert!(status.4.contains("<b>&amp;"), "{status:?}");

    // GitHub: one line per command, and unescaping gives back the exact text.
    let out = leadcheck()
        .args(["validate", "--format", "github"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let raw = text(&out.stdout);
    assert_eq!(raw.lines().count(), 3, "{raw}");
    assert!(raw.contains("%0D%0A") && raw.contains("%25"), "{raw}");
    assert!(
        raw.contains("file=") && raw.contains("we%2Cird%3Aname"),
        "{raw}"
    );
    let a = annotations(&out.stdout);
    for (a, (file, _, _, pointer, message)) in a.iter().zip(&expected) {
        assert_eq!(&a.props["file"], file);
        assert_eq!(
            a.props["title"],
            format!("leadcheck: {}", pointer.as_ref().unwrap())
        );
        // Control characters (but the CR and LF the runner's escapes carry) are shown,
        // not passed to the log viewer.
        let shown = message
            .replace('\u{1}', "\\u{1}")
            .replace('\u{0}', "\\u{0}");
        assert_eq!(a.message, shown);
    }

    // SARIF: valid JSON, valid SARIF, the messages intact, the name a URI reference.
    let (log, _) = sarif(&args);
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for (r, (_, _, _, pointer, message)) in results.iter().zip(&expected) {
        assert_eq!(
            r["message"]["text"],
            format!("{}: {message}", pointer.as_ref().unwrap())
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(
            uri.ends_with("/we%2Cird%3Aname%20%C3%A9%20%3C%26%3E%25.json"),
            "{uri}"
        );
    }

    // JUnit: well-formed and valid whatever the text, the messages read back intact (but
    // for the control character XML cannot carry, written as \u0001).
    let (xml, code) = junit(tmp.path(), &args);
    assert_eq!(code, Some(1));
    assert_valid_junit(&xml);
    let carried = |s: &str| s.replace('\u{1}', "\\u0001").replace('\u{0}', "\\u0000");
    let message = xpath(&xml, "string(//failure/@message)");
    assert_eq!(
        message,
        carried(&format!("/lead_status: {} (and 1 more)", status.4))
    );
    // The details are the text output's lines, whose control characters are shown.
    let details = xpath(&xml, "string(//failure)");
    let shown = |s: &str| {
        s.replace('\r', "\\u{d}")
            .replace('\n', "\\u{a}")
            .replace('\u{1}', "\\u{1}")
    };
    for (file, line, column, pointer, message) in &expected {
        let line = format!(
            "{file}:{line}:{column}: {}: {}",
            pointer.as_ref().unwrap(),
            shown(message)
        );
        assert!(details.contains(&line), "{details:?}\n{line:?}");
    }
    assert_eq!(
        xpath(&xml, "string(//testsuite/@name)"),
        input,
        "the suite is named after the input"
    );
}

// ---- --max-errors ----

#[test]
fn max_errors_keeps_the_first_violations_of_each_record() {
    let many = sample("invalid/many-errors.json");
    let all = problems(&[&many]);
    assert_eq!(all.len(), 4);

    let out = leadcheck()
        .args(["validate", "--format", "json", "--max-errors", "1", &many])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    assert_eq!(records[0]["errors"].as_array().unwrap().len(), 1);
    assert_eq!(records[0]["errors"][0]["message"], all[0].4.as_str());
    assert_eq!(records[0]["omitted"], 3);

    let out = leadcheck()
        .args(["validate", "--max-errors", "2", &many])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[2],
        format!("{many}:1:1: note: 2 more violations of this record left out (--max-errors)")
    );

    let out = leadcheck()
        .args(["validate", "--format", "github", "--max-errors", "1", &many])
        .output()
        .unwrap();
    let a = annotations(&out.stdout);
    let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["error", "notice", "notice"]);
    assert!(a[1].message.starts_with("3 more violations"), "{a:?}");

    let (log, _) = sarif(&["--max-errors", "1", &many]);
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
    let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "note");

    // A limit larger than the count changes nothing; zero is a usage error.
    let out = leadcheck()
        .args(["validate", "--format", "json", "--max-errors", "10", &many])
        .output()
        .unwrap();
    let records = json_lines(&out.stdout);
    assert_eq!(records[0]["errors"].as_array().unwrap().len(), 4);
    assert!(records[0].get("omitted").is_none());
    let out = leadcheck()
        .args(["validate", "--max-errors", "0", &many])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: invalid value '0' for '--max-errors <N>': must be at least 1 (leave \
             --max-errors out to report every violation; -q prints nothing)\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("18446744073709551615"), "{stderr}");
}

#[test]
fn quiet_prints_nothing_in_any_format() {
    for format in ["github", "junit", "sarif"] {
        let out = leadcheck()
            .args(["validate", "-q", "--format", format])
            .args(mixed_inputs())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{format}");
    }
}

// ---- Completions, man page, pre-commit ----

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = leadcheck().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains("max-errors"), "{shell}");
        // clap_complete's PowerShell script completes option names, not values.
        if shell != "powershell" {
            assert!(script.contains("sarif"), "{shell}");
        }
        assert!(out.stderr.is_empty(), "{shell}");
    }
    // The bash script is at least valid bash.
    let out = leadcheck().args(["completions", "bash"]).output().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("leadcheck.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash (.ci/run is a bash script)");
    assert!(check.status.success(), "{}", text(&check.stderr));
    leadcheck().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_are_roff() {
    let out = leadcheck().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    assert!(page.contains(".TH leadcheck 1"), "{page}");
    assert!(page.contains("validate"), "{page}");
    let out = leadcheck().args(["man", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    assert!(page.contains(".TH leadcheck-validate 1"), "{page}");
    assert!(page.contains(r"\-\-max\-errors"), "{page}");
    leadcheck().args(["man", "nonesuch"]).assert().code(2);
}

/// The hook's `files:` pattern and what it must match: exactly the names leadcheck's
/// directory walks read (input::EXTENSIONS, each possibly .gz, in any case).
fn hook_files_pattern() -> String {
    format!(
        r"(?i)\.({})(\.gz)?$",
        leadcheck::input::EXTENSIONS.join("|")
    )
}

fn hook_field(hooks: &str, key: &str) -> String {
    hooks
        .lines()
        .find_map(|l| l.trim().trim_start_matches("- ").strip_prefix(key))
        .map(|v| v.trim().trim_matches('\'').to_string())
        .unwrap_or_else(|| panic!("no {key} in {hooks}"))
}

#[test]
fn pre_commit_hook_runs_validate_on_what_leadcheck_reads() {
    let hooks = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let field = |key: &str| hook_field(&hooks, key);
    assert_eq!(field("id:"), "leadcheck");
    assert_eq!(field("language:"), "rust");
    assert_eq!(field("entry:"), "leadcheck validate");
    assert_eq!(
        field("files:"),
        r"(?i)\.(json|jsonl|ndjson|har|http)(\.gz)?$"
    );
    assert_eq!(field("files:"), hook_files_pattern());
    let exclude = field("exclude:");
    for name in ["package(-lock)?", "tsconfig", "composer", "jsconfig"] {
        assert!(exclude.contains(name), "{exclude}");
    }
    // What the entry runs on the files pre-commit passes works, captures included.
    leadcheck()
        .args([
            "validate",
            &sample("valid/ipv6.json"),
            &sample("chat-in-progress.json"),
            &sample("captures/mixed.http"),
            &sample("captures/mixed.har"),
            &sample("captures/mixed.jsonl.gz"),
        ])
        .assert()
        .code(0);
}

// ---- The CI snippets of docs/ci.md ----

/// The `leadcheck validate …` commands of the README's YAML snippets (GitHub Actions,
/// GitLab CI), each with the file its stdout is redirected to, if any.
fn readme_snippet_commands() -> Vec<(Vec<String>, Option<String>)> {
    let readme = std::fs::read_to_string(common::root().join("docs/ci.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_yaml = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_yaml = line == "```yaml";
            continue;
        }
        let Some(i) = line.find("leadcheck validate").filter(|_| in_yaml) else {
            continue;
        };
        if line.trim_start().starts_with("entry:") {
            continue;
        }
        let (command, target) = match line[i..].split_once(" > ") {
            Some((c, t)) => (c, Some(t.trim().to_string())),
            None => (&line[i..], None),
        };
        let args = command
            .split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect();
        commands.push((args, target));
    }
    commands
}

#[test]
fn readme_ci_snippets_run_as_written() {
    let commands = readme_snippet_commands();
    let formats: Vec<&str> = commands
        .iter()
        .filter_map(|(args, _)| {
            let i = args.iter().position(|a| a == "--format")?;
            Some(args[i + 1].as_str())
        })
        .collect();
    assert_eq!(formats, ["github", "sarif", "junit"], "{commands:?}");
    let tmp = tempfile::tempdir().unwrap();
    for (args, target) in &commands {
        let out = leadcheck().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        match target.as_deref() {
            Some(file) if file.ends_with(".sarif") => {
                let log: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_valid_sarif(&log);
            }
            Some(file) if file.ends_with(".xml") => {
                let xml = tmp.path().join(file);
                std::fs::write(&xml, &out.stdout).unwrap();
                assert_valid_junit(&xml);
            }
            Some(file) => panic!("unexpected target {file}"),
            None => {
                let a = annotations(&out.stdout);
                assert_eq!(a.len(), 1, "only the closing notice: {a:?}");
            }
        }
    }
}

#[test]
fn readme_pre_commit_snippets_match_the_hook() {
    let readme = std::fs::read_to_string(common::root().join("docs/ci.md")).unwrap();
    let hooks = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(readme.contains("      - id: leadcheck\n"));
    assert!(hooks.contains("- id: leadcheck\n"));
    // The local hook (language: system) matches the same files as the published one.
    let local = &readme[readme.find("- repo: local").expect("a local hook snippet")..];
    let local = &local[..local.find("```").unwrap()];
    assert_eq!(hook_field(local, "files:"), hook_field(&hooks, "files:"));
    // The section documents narrowing the hook with files: and exclude:.
    let section = &readme[readme.find("## pre-commit").unwrap()..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    assert!(section.contains("narrow the hook to your fixtures with `files:`"));
    let remote = &section[section.find("- repo: https://").unwrap()..];
    assert!(
        remote.contains("        files: ^tests/fixtures/webhooks/"),
        "{remote}"
    );
    assert!(remote.contains("        exclude: "), "{remote}");
}

#[test]
fn every_sample_in_every_format() {
    let all = problems(&["samples"]);
    let out = leadcheck()
        .args(["validate", "--format", "github", "samples"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(annotations(&out.stdout).len(), all.len() + 1);

    let (log, code) = sarif(&["samples"]);
    assert_eq!(code, Some(1));
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        all.len()
    );

    let tmp = tempfile::tempdir().unwrap();
    let (xml, code) = junit(tmp.path(), &["samples"]);
    assert_eq!(code, Some(1));
    assert_valid_junit(&xml);
    let unreadable = all.iter().filter(|p| p.3.is_none()).count();
    assert_eq!(count(&xml, "//failure[@type='unreadable']"), unreadable);
}

// ---- lint findings, at every level, in every format ----

/// A payload with a finding at each level: user-id-profile (error), phone-e164 (warn), the
/// official example's quirks (info).
fn lint_fixture(dir: &Path) -> String {
    let mut v: Value =
        serde_json::from_str(include_str!("../samples/chat-in-progress.json")).unwrap();
    v["user_id"] = Value::from("99999-af17340d-62b8-3044-423f-3dc754e621c2");
    v["contact_phone_number"] = Value::from("(704) 469-5324");
    let path = dir.join("lint.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn lint_findings_at_every_level_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let input = lint_fixture(tmp.path());
    let lint = |format: &str| {
        leadcheck()
            .current_dir(tmp.path())
            .args(["lint", "--format", format, &input])
            .output()
            .unwrap()
    };

    // Text: one line per finding, level and rule named.
    let out = lint("text");
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error finding fails the record"
    );
    let stdout = text(&out.stdout);
    for want in [
        ": error[user-id-profile]: /user_id: ",
        ": warning[phone-e164]: /contact_phone_number: \"(704) 469-5324\" is not an E.164",
        ": info[timestamps-order]: /last_updated: ",
        ": info[lead-state-spelling]: /lead_state: ",
    ] {
        assert!(stdout.contains(want), "{want}\n{stdout}");
    }
    assert!(
        text(&out.stderr).ends_with(
            "1 record: 0 valid, 1 invalid, 0 unreadable (1 input); 1 warning, 2 infos\n"
        ),
        "{}",
        text(&out.stderr)
    );

    // JSON: each finding an error with its rule and level.
    let records = json_lines(&lint("json").stdout);
    let levels: Vec<(String, String)> = records[0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap().to_string(),
                e["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("user-id-profile", "error"),
        ("phone-e164", "warning"),
        ("timestamps-order", "info"),
    ] {
        assert!(
            levels.contains(&(want.0.to_string(), want.1.to_string())),
            "{levels:?}"
        );
    }

    // GitHub: ::error, ::warning, ::notice.
    let github = text(&lint("github").stdout);
    assert!(
        github.contains("::error file=") && github.contains("title=leadcheck[user-id-profile]")
    );
    assert!(github.contains("::warning file=") && github.contains("title=leadcheck[phone-e164]"));
    assert!(
        github.contains("::notice file=") && github.contains("title=leadcheck[timestamps-order]")
    );

    // SARIF: valid against its schema; the rules with their text, results at their levels.
    let out = lint("sarif");
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let rule = |id: &str| {
        run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no rule {id}"))
    };
    assert_eq!(
        rule("phone-e164")["defaultConfiguration"]["level"],
        "warning"
    );
    assert!(
        rule("phone-e164")["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# phone-e164")
    );
    let level_of = |id: &str| {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == id)
            .map(|r| r["level"].as_str().unwrap().to_string())
    };
    assert_eq!(level_of("user-id-profile").as_deref(), Some("error"));
    assert_eq!(level_of("phone-e164").as_deref(), Some("warning"));
    assert_eq!(level_of("timestamps-order").as_deref(), Some("note"));

    // JUnit: valid against JUnit.xsd; a record with findings below error only fails no
    // testcase, and its findings are the suite's output.
    require_xmllint();
    let out = lint("junit");
    let xml = tmp.path().join("lint.xml");
    std::fs::write(&xml, &out.stdout).unwrap();
    assert_valid_junit(&xml);
    assert_eq!(count(&xml, "//failure"), 1);
    let official = common::root().join("samples/chat-in-progress.json");
    let out = leadcheck()
        .args(["lint", "--format", "junit"])
        .arg(&official)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "info findings do not fail");
    std::fs::write(&xml, &out.stdout).unwrap();
    assert_valid_junit(&xml);
    assert_eq!(count(&xml, "//failure"), 0);
    assert!(xpath(&xml, "string(//testsuite/system-out)").contains("info[timestamps-order]"));
}
