//! `leadcheck lint` on the command line: levels from defaults, leadcheck.toml and flags (in
//! their order), exceptions by location, exit status, the rule list and pages, and the
//! defaults leadcheck.toml gives other commands.

mod common;

use common::{leadcheck, text};

/// A capture with a warning (phone-e164), an error (user-id-profile) and the official
/// example's quirks (info), in a temporary directory, with `leadcheck.toml` holding
/// `config` when given.
fn fixture(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../samples/chat-in-progress.json")).unwrap();
    v["contact_phone_number"] = "(704) 469-5324".into();
    let warn = serde_json::to_string(&v).unwrap();
    v["contact_phone_number"] = "+17044695324".into();
    v["user_id"] = "99999-af17340d-62b8-3044-423f-3dc754e621c2".into();
    let error = serde_json::to_string(&v).unwrap();
    std::fs::create_dir(dir.path().join("fixtures")).unwrap();
    std::fs::write(dir.path().join("fixtures/warn.json"), warn).unwrap();
    std::fs::write(dir.path().join("fixtures/error.json"), error).unwrap();
    if let Some(config) = config {
        std::fs::write(dir.path().join("leadcheck.toml"), config).unwrap();
    }
    dir
}

fn lint(dir: &tempfile::TempDir, args: &[&str]) -> (i32, String, String) {
    lint_input(dir, args, None)
}

/// [`lint`] with `stdin` piped in.
fn lint_input(
    dir: &tempfile::TempDir,
    args: &[&str],
    stdin: Option<Vec<u8>>,
) -> (i32, String, String) {
    let mut cmd = leadcheck();
    cmd.current_dir(dir.path()).arg("lint").args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// [`lint`] of `args`, whose last is a file of `dir`, and the exit status; the same file on
/// stdin must get the same one. A file of up to 1 MiB is read whole into values; stdin is
/// cut into chunks, whose lines of NDJSON are checked where they lie, on a tape
/// (`check_line`: under `-q` the rules only count their findings). So the two inputs take
/// both ways a record is checked.
fn lint_code_both_ways(dir: &tempfile::TempDir, args: &[&str]) -> i32 {
    let by_file = lint(dir, args).0;
    let (file, rest) = args.split_last().unwrap();
    let data = std::fs::read(dir.path().join(file)).unwrap();
    let piped = lint_input(dir, &[rest, &["-"][..]].concat(), Some(data));
    assert_eq!(piped.0, by_file, "{args:?} on stdin: {}", piped.1);
    by_file
}

/// The lines of `stdout` that hold `needle`.
fn lines_with<'a>(stdout: &'a str, needle: &str) -> Vec<&'a str> {
    stdout.lines().filter(|l| l.contains(needle)).collect()
}

/// The `level[rule]` words of the output, in order.
fn words(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .filter(|w| w.contains('['))
        .map(String::from)
        .collect()
}

#[test]
fn an_error_finding_fails_and_warnings_only_with_fail_on_or_max_warnings() {
    let dir = fixture(None);
    let (code, stdout, _) = lint(&dir, &["fixtures/warn.json"]);
    assert_eq!(code, 0, "a warning alone does not fail: {stdout}");
    assert!(words(&stdout).contains(&"warning[phone-e164]".to_string()));
    assert_eq!(
        lint(&dir, &["--fail-on", "warn", "fixtures/warn.json"]).0,
        1
    );
    assert_eq!(
        lint(&dir, &["--max-warnings", "0", "fixtures/warn.json"]).0,
        1
    );
    assert_eq!(
        lint(&dir, &["--max-warnings", "1", "fixtures/warn.json"]).0,
        0
    );
    assert_eq!(
        lint(&dir, &["--fail-on", "info", "fixtures/warn.json"]).0,
        1
    );
    let (code, stdout, _) = lint(&dir, &["fixtures/error.json"]);
    assert_eq!(code, 1);
    assert!(words(&stdout).contains(&"error[user-id-profile]".to_string()));
    // validate --lint is the same run.
    let out = leadcheck()
        .current_dir(dir.path())
        .args(["validate", "--lint", "fixtures/error.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), stdout);
}

/// `-q` prints nothing and `--max-errors` cuts what is printed, but every finding below
/// `error` still counts for `--fail-on` and `--max-warnings`: those of one record's rules
/// and those of a lead's records (a delivery repeated), on each path a record is read by
/// (a line of NDJSON on stdin, on a tape; a small file, and `--sequential`, into values).
#[test]
fn findings_count_when_quiet_or_cut() {
    let dir = fixture(None);
    let sample = include_str!("../samples/chat-in-progress.json");
    let one_line: serde_json::Value = serde_json::from_str(sample).unwrap();
    let twice = format!("{one_line}\n{one_line}\n");
    std::fs::write(dir.path().join("fixtures/twice.jsonl"), twice).unwrap();
    let settings: [&[&str]; 5] = [
        &[],
        &["-q"],
        &["-q", "--sequential"],
        &["--max-errors", "1"],
        &["--max-errors", "1", "--sequential"],
    ];
    for setting in settings {
        let code = |args: &[&str]| {
            let all: Vec<&str> = setting.iter().chain(args).copied().collect();
            lint_code_both_ways(&dir, &all)
        };
        let warn = "fixtures/warn.json";
        assert_eq!(code(&[warn]), 0, "{setting:?}");
        // Also when the error is not among the first findings (--max-errors 1 shows a note
        // placed before it).
        assert_eq!(code(&["fixtures/error.json"]), 1, "{setting:?}");
        assert_eq!(code(&["--fail-on", "warn", warn]), 1, "{setting:?}");
        assert_eq!(code(&["--max-warnings", "0", warn]), 1, "{setting:?}");
        assert_eq!(code(&["--max-warnings", "1", warn]), 0, "{setting:?}");
        // The official example's quirks are notes.
        let twice = "fixtures/twice.jsonl";
        assert_eq!(code(&["--fail-on", "warn", twice]), 0, "{setting:?}");
        assert_eq!(code(&["--fail-on", "info", twice]), 1, "{setting:?}");
        // The second delivery is the only note once the quirk rules are off.
        let quirks_off = ["--allow", "quirk", "--fail-on", "info"];
        let only_repeat: Vec<&str> = quirks_off.iter().copied().chain([twice]).collect();
        assert_eq!(code(&only_repeat), 1, "{setting:?}");
        let none: Vec<&str> = quirks_off
            .iter()
            .copied()
            .chain(["--allow", "duplicate-delivery", twice])
            .collect();
        assert_eq!(code(&none), 0, "{setting:?}");
    }
}

#[test]
fn flags_apply_in_order_and_a_rule_beats_its_group() {
    let dir = fixture(None);
    // The last flag for a rule wins.
    let (_, stdout, _) = lint(
        &dir,
        &[
            "--deny",
            "phone-e164",
            "--allow",
            "phone-e164",
            "fixtures/warn.json",
        ],
    );
    assert!(!stdout.contains("phone-e164"), "{stdout}");
    let (code, stdout, _) = lint(
        &dir,
        &[
            "--allow",
            "phone-e164",
            "--deny",
            "phone-e164",
            "fixtures/warn.json",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        words(&stdout).contains(&"error[phone-e164]".to_string()),
        "{stdout}"
    );
    // A rule beats its group, whatever the order.
    let (_, stdout, _) = lint(
        &dir,
        &[
            "--allow",
            "phone-e164",
            "--deny",
            "format",
            "fixtures/warn.json",
        ],
    );
    assert!(!stdout.contains("phone-e164"), "{stdout}");
    // Groups turn every rule of theirs off.
    let (code, stdout, _) = lint(&dir, &["--allow", "quirk", "fixtures/warn.json"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("info["), "{stdout}");
}

#[test]
fn unknown_names_are_usage_errors_with_a_did_you_mean() {
    let dir = fixture(None);
    let (code, _, stderr) = lint(&dir, &["--deny", "phone-e146", "fixtures/warn.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("phone-e146") && stderr.contains("did you mean \"phone-e164\"?"),
        "{stderr}"
    );
    let dir = fixture(Some("[lint]\nphone-e146 = \"off\"\n"));
    let (code, _, stderr) = lint(&dir, &["fixtures/warn.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("leadcheck.toml:2:1: "), "{stderr}");
    assert!(stderr.contains("did you mean \"phone-e164\"?"), "{stderr}");
}

#[test]
fn leadcheck_toml_sets_levels_exceptions_and_other_commands_defaults() {
    let dir = fixture(Some(
        "[lint]\nphone-e164 = \"error\"\nquirk = \"off\"\n\n\
         [lint.except]\n\"fixtures/error.json#/user_id\" = [\"user-id-profile\"]\n\
         \"fixtures/big.jsonl#/user_id\" = [\"user-id-profile\"]\n\n\
         [validate]\ntype = \"phone-call\"\n",
    ));
    let (code, stdout, _) = lint(&dir, &["fixtures/warn.json"]);
    assert_eq!(code, 1);
    // [validate] type = "phone-call": the chat is checked as a phone call.
    assert!(
        stdout.contains("/lead_type: not a phone call lead"),
        "{stdout}"
    );
    assert!(
        words(&stdout).contains(&"error[phone-e164]".to_string()),
        "{stdout}"
    );
    assert!(!stdout.contains("info["), "{stdout}");
    // The exception by location: user-id-profile is not reported for that file.
    let (code, stdout, _) = lint(&dir, &["--type", "chat", "fixtures/error.json"]);
    assert!(!stdout.contains("user-id-profile"), "{stdout}");
    assert_eq!(code, 0, "{stdout}");
    // Each input has its own exceptions, whichever is met first (they are worked out once
    // an input): the same record in another file is reported.
    std::fs::copy(
        dir.path().join("fixtures/error.json"),
        dir.path().join("fixtures/error-copy.json"),
    )
    .unwrap();
    // Also with piped input between them, which the file's exception is not about.
    let error = std::fs::read(dir.path().join("fixtures/error.json")).unwrap();
    for files in [
        &["fixtures/error.json", "fixtures/error-copy.json"][..],
        &["fixtures/error-copy.json", "fixtures/error.json"],
        &["fixtures/error.json", "-", "fixtures/error.json"],
    ] {
        for jobs in [&["--sequential"][..], &[]] {
            let args: Vec<&str> = ["--type", "chat"]
                .into_iter()
                .chain(jobs.iter().copied())
                .chain(files.iter().copied())
                .collect();
            let (code, stdout, _) = lint_input(&dir, &args, Some(error.clone()));
            assert_eq!(code, 1, "{args:?}: {stdout}");
            let reported = lines_with(&stdout, "user-id-profile");
            assert_eq!(reported.len(), 1, "{args:?}: {stdout}");
            let other = if files.contains(&"-") {
                "<stdin>:"
            } else {
                "fixtures/error-copy.json:"
            };
            assert!(reported[0].starts_with(other), "{args:?}: {reported:?}");
        }
    }
    // Also when only the verdict is asked for, on each path a record is read by: a small
    // file is read whole into values, a file over 1 MiB is cut into chunks whose lines are
    // checked on a tape (the record, then blank lines).
    let error = std::fs::read_to_string(dir.path().join("fixtures/error.json")).unwrap();
    let big = format!("{error}\n{}", "\n".repeat(1_100_000));
    std::fs::write(dir.path().join("fixtures/big.jsonl"), big).unwrap();
    for quiet in [&["-q"][..], &["-q", "--sequential"], &[]] {
        for file in ["fixtures/error.json", "fixtures/big.jsonl"] {
            let args: Vec<&str> = quiet
                .iter()
                .copied()
                .chain(["--type", "chat", file])
                .collect();
            let (code, stdout, _) = lint(&dir, &args);
            assert_eq!(code, 0, "{args:?}");
            assert!(!stdout.contains("user-id-profile"), "{args:?}: {stdout}");
        }
    }
    // --list says where each level comes from.
    let (code, stdout, _) = lint(&dir, &["--list"]);
    assert_eq!(code, 0);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("phone-e164"))
        .unwrap();
    assert!(
        line.contains("error") && line.contains("leadcheck.toml"),
        "{line}"
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("empty-string"))
        .unwrap();
    assert!(line.contains("off") && line.contains("default"), "{line}");
}

#[test]
fn piped_input_has_the_exceptions_written_for_stdin_wherever_leadcheck_runs() {
    let dir = fixture(Some(
        "[lint.except]\n\"<stdin>#/user_id\" = [\"user-id-profile\"]\n",
    ));
    let error = std::fs::read(dir.path().join("fixtures/error.json")).unwrap();
    // Run from a directory below the configuration file's, which is found upward.
    let run = |args: &[&str], stdin: Option<&[u8]>| {
        let mut cmd = leadcheck();
        cmd.current_dir(dir.path().join("fixtures"))
            .args(["lint", "--type", "chat"])
            .args(args);
        if let Some(stdin) = stdin {
            cmd.write_stdin(stdin.to_vec());
        }
        let out = cmd.output().unwrap();
        (out.status.code().unwrap(), text(&out.stdout))
    };
    std::fs::write(dir.path().join("fixtures/<stdin>"), &error).unwrap();
    for quiet in [&[][..], &["-q"]] {
        let (code, stdout) = run(quiet, Some(&error));
        assert_eq!(code, 0, "{quiet:?}: {stdout}");
        assert!(!stdout.contains("user-id-profile"), "{stdout}");
        // Not for a file, even one named so (reported as ./<stdin>).
        for file in ["error.json", "<stdin>"] {
            let args: Vec<&str> = quiet.iter().copied().chain([file]).collect();
            let (code, stdout) = run(&args, None);
            assert_eq!(code, 1, "{args:?}: {stdout}");
        }
    }
    let (_, stdout) = run(&["<stdin>"], None);
    assert!(
        stdout.starts_with("./<stdin>:1:") && stdout.contains("error[user-id-profile]"),
        "{stdout}"
    );
    // A file's or a directory's exception is not piped input's, even where they are.
    let dir = fixture(Some(
        "[lint.except]\n\"fixtures/error.json#/user_id\" = [\"user-id-profile\"]\n\
         \".\" = [\"quirk\"]\n",
    ));
    let (code, stdout, _) = lint_input(&dir, &["--type", "chat"], Some(error));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("error[user-id-profile]"), "{stdout}");
    assert!(stdout.contains("info[lead-state-spelling]"), "{stdout}");
}

#[test]
fn diff_takes_its_ignore_list_from_leadcheck_toml() {
    let dir = fixture(Some(
        "[diff]\nignore = [\"/contact_phone_number\", \"/user_id\"]\n",
    ));
    let out = leadcheck()
        .current_dir(dir.path())
        .args(["diff", "fixtures/warn.json", "fixtures/error.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = leadcheck()
        .current_dir(dir.path())
        .args([
            "diff",
            "--ignore",
            "/user_id",
            "fixtures/warn.json",
            "fixtures/error.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the command line's --ignore wins"
    );
}

#[test]
fn explain_prints_a_rule_page() {
    let out = leadcheck()
        .args(["explain", "phone-e164"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with("# phone-e164"),
        "{}",
        text(&out.stdout)
    );
    let out = leadcheck()
        .args(["explain", "phone-e614"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean \"phone-e164\"?"),
        "{}",
        text(&out.stderr)
    );
}

/// Every `leadcheck.toml` example of the README and docs/ is one leadcheck reads: its
/// levels take effect (`lint --list`), and `validate` takes its defaults.
#[test]
fn the_documented_leadcheck_toml_examples_are_read() {
    let mut examples = Vec::new();
    for page in ["README.md", "docs/lint.md"] {
        let text = std::fs::read_to_string(common::root().join(page)).unwrap();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("```toml\n") {
            let body = &rest[start + "```toml\n".len()..];
            let end = body.find("```").unwrap();
            examples.push((page, body[..end].to_string()));
            rest = &body[end..];
        }
    }
    assert!(examples.len() >= 2, "{examples:?}");
    for (page, example) in examples {
        let dir = fixture(Some(&example));
        let (code, stdout, stderr) = lint(&dir, &["--list"]);
        assert_eq!(code, 0, "{page}: {stderr}\n{example}");
        if example.contains("phone-e164 = \"off\"") {
            let line = stdout
                .lines()
                .find(|l| l.contains("phone-e164"))
                .unwrap_or_else(|| panic!("{page}: {stdout}"));
            assert!(line.contains("off"), "{page}: {line}");
        }
    }
}

/// A value the schema rejects is reported once, by the schema: a rule's finding about the
/// same value is left out (a recording URL that is no http(s) URL fails the phone call
/// schema's pattern, and url-syntax), whether the record is a line of NDJSON on stdin (read
/// onto a tape) or a file (read into a value).
#[test]
fn a_value_the_schema_rejects_is_reported_by_the_schema_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../samples/types/phone-call.json")).unwrap();
    v["recording"] = "javascript:alert(1)".into();
    std::fs::write(
        dir.path().join("line.jsonl"),
        format!("{}\n", serde_json::to_string(&v).unwrap()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pretty.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
    let line = std::fs::read(dir.path().join("line.jsonl")).unwrap();
    for file in ["line.jsonl", "pretty.json", "-"] {
        let stdin = (file == "-").then(|| line.clone());
        let (code, stdout, _) = lint_input(&dir, &[file], stdin);
        assert_eq!(code, 1, "{stdout}");
        let about = lines_with(&stdout, "/recording:");
        assert_eq!(about.len(), 1, "{file}: {stdout}");
        assert!(!about[0].contains('['), "{file}: {}", about[0]);
        assert!(about[0].contains("javascript:alert(1)"), "{}", about[0]);
    }
}
