//! The parallel pipeline gives exactly the records, numbers, positions and errors of the
//! sequential reader (the hidden `--sequential`), whatever the number of threads (one
//! included: `-j 1` and one-core machines take the pipeline too) and however the input is
//! cut.

mod common;

use common::{leadcheck, text};

/// A capture that exercises every way the fast path can fall back: pretty-printed records,
/// several values on a line, malformed and truncated lines, CRLF, blank lines, a BOM, a line
/// longer than a chunk, records spanning chunk boundaries. Over 1 MiB, so it is chunked.
fn tricky_capture() -> Vec<u8> {
    let official =
        std::fs::read_to_string(common::root().join("samples/chat-in-progress.json")).unwrap();
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&official).unwrap())
            .unwrap();
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut n = 0;
    while out.len() < 5 << 20 {
        n += 1;
        let line = compact.replacen("153928", &n.to_string(), 1);
        match n % 97 {
            3 => out.extend_from_slice(official.replacen("153928", &n.to_string(), 1).as_bytes()),
            5 => out.extend_from_slice(b"[][]{\"lead_id\": 1}\n"),
            7 => out.extend_from_slice(format!("{}\n", &line[..line.len() / 2]).as_bytes()),
            11 => out.extend_from_slice(b"{\"lead_id\": \"x\", \"lead_type\": \"Chat\"}\r\n\r\n\n"),
            13 => out.extend_from_slice(
                b"   \t{\"lead_id\": 2, \"lead_type\": \"Chat\", \"spam\": fals}\n",
            ),
            17 => out.extend_from_slice(format!("{line} {line}\n").as_bytes()),
            19 => out.extend_from_slice(b"{\"lead_id\": 3,\n  \"lead_type\": \"Chat\"}\n"),
            23 => out.extend_from_slice(b"junk junk\n\x00\xff\n"),
            // API list responses and arrays of leads are split into their leads.
            31 => out.extend_from_slice(
                format!("{{\"page_number\": 1, \"leads\": [{line}, {line}]}}\n").as_bytes(),
            ),
            37 => out.extend_from_slice(format!("[{line},\n {line}]\n").as_bytes()),
            41 => out.extend_from_slice(line.replace("\"Chat\"", "\"Phone Call\"").as_bytes()),
            // A lead delivered twice, and one going from Completed back to In Progress
            // (for lint's rules about a lead's records), with no notes ("").
            43 => {
                let completed = line
                    .replace("In Progess", "Completed")
                    .replace("This is a new lead!", "");
                out.extend_from_slice(format!("{line}\n{line}\n{completed}\n{line}\n").as_bytes())
            }
            29 if n == 29 => {
                let long = "z".repeat(1_500_000);
                out.extend_from_slice(format!("{{\"lead_id\": 4, \"lead_type\": \"Chat\", \"notes\": \"{long}\", \"spam\": 1}}\n").as_bytes());
            }
            _ => {
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
            }
        }
    }
    out.extend_from_slice(&compact.as_bytes()[..100]); // truncated at the very end
    out
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> (String, String, Option<i32>) {
    let mut cmd = leadcheck();
    cmd.args(args);
    if let Some(data) = stdin {
        cmd.write_stdin(data.to_vec());
    }
    let out = cmd.output().unwrap();
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

#[test]
fn parallel_output_is_the_sequential_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    let data = tricky_capture();
    std::fs::write(&path, &data).unwrap();
    let path = path.to_str().unwrap();
    for format in ["json", "text"] {
        let reference = run(
            &["validate", "--format", format, "--sequential", path],
            None,
        );
        assert_eq!(reference.2, Some(1));
        assert!(reference.1.contains(" unreadable"), "{}", reference.1);
        let records: u64 = reference.1.split(' ').next().unwrap().parse().unwrap();
        assert!(records > 1500, "{}", reference.1);
        for jobs in ["1", "2", "3", "8"] {
            let parallel = run(&["validate", "--format", format, "-j", jobs, path], None);
            assert!(
                parallel.0 == reference.0,
                "-j {jobs} --format {format}: stdout differs"
            );
            assert_eq!(parallel.1, reference.1, "-j {jobs}");
            assert_eq!(parallel.2, reference.2);
        }
    }
    // stdin is always chunked: same records, named <stdin>.
    let reference = run(
        &["validate", "--format", "json", "--sequential", path],
        None,
    );
    let piped = run(
        &["validate", "--format", "json", "-j", "2", "-"],
        Some(&data),
    );
    assert_eq!(piped.0, reference.0.replace(path, "<stdin>"));
    assert_eq!(piped.1, reference.1);
}

/// Lint's findings, those about a lead's records included, are the same however many
/// threads check the records and whichever reader reads them.
#[test]
fn parallel_lint_is_the_sequential_lint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    std::fs::write(&path, tricky_capture()).unwrap();
    let path = path.to_str().unwrap();
    // Every group on, as warnings.
    let lint = [
        "lint",
        "--warn",
        "consistency",
        "--warn",
        "format",
        "--warn",
        "quirk",
        "--warn",
        "pedantic",
        "--format",
        "json",
    ];
    let args = |jobs| [&lint[..], &["-j", jobs, path]].concat();
    let reference = run(&[&lint[..], &["--sequential", path]].concat(), None);
    assert_eq!(reference.2, Some(1));
    for rule in [
        "duplicate-delivery",
        "state-regression",
        "empty-string",
        "lead-state-spelling",
    ] {
        assert!(reference.0.contains(&format!("\"{rule}\"")), "{rule}");
    }
    for jobs in ["1", "2", "3"] {
        let parallel = run(&args(jobs), None);
        assert!(parallel.0 == reference.0, "-j {jobs}: stdout differs");
        assert_eq!(parallel.1, reference.1, "-j {jobs}");
    }
}

#[test]
fn many_files_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let body = if i % 7 == 0 {
            format!("{{\"lead_id\": \"{i}\", \"lead_type\": \"Chat\"}}")
        } else if i % 11 == 0 {
            String::new()
        } else {
            format!("{{\"lead_id\": {i}, \"lead_type\": \"Chat\"}}")
        };
        std::fs::write(dir.path().join(format!("lead-{i:04}.json")), body).unwrap();
    }
    let d = dir.path().to_str().unwrap();
    let one = run(&["validate", "--format", "json", "--sequential", d], None);
    for jobs in ["1", "2"] {
        let piped = run(&["validate", "--format", "json", "-j", jobs, d], None);
        assert_eq!(piped, one, "-j {jobs}");
    }
    let inputs: Vec<String> = common::json_lines(one.0.as_bytes())
        .iter()
        .map(|r| r["input"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = inputs.clone();
    sorted.sort();
    assert_eq!(inputs, sorted);
    assert_eq!(inputs.len(), 300);
}

/// `tail -f capture | leadcheck validate`: each record is reported as it arrives, not when
/// the input ends (on both paths: the pipeline and the sequential reader).
#[test]
fn a_live_stream_is_reported_record_by_record() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    for jobs in ["--sequential", "-j1", "-j2"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("leadcheck"))
            .args(["validate", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // If the first line only came out at the end of the input, this test would wait
        // for ever: a watchdog ends the child (and so the test, with a clear failure).
        let pid = child.id();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if done_rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .is_err()
            {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        });
        for i in 1..=3 {
            writeln!(stdin, r#"{{"lead_id": "{i}", "lead_type": "Chat"}}"#).unwrap();
            stdin.flush().unwrap();
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            assert!(
                line.starts_with(&format!("<stdin>:{i}:13: /lead_id")),
                "{jobs}, record {i}: {line:?}"
            );
        }
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(1));
        let _ = done_tx.send(());
        watchdog.join().unwrap();
    }
}

/// Corner cases of the chunked path, each compared with the sequential reader: a line
/// longer than a chunk whose part in a chunk is blank, an API page with no leads, an input
/// of blanks only.
#[test]
fn chunk_corner_cases_match_the_sequential_reader() {
    let mut long_blank = br#"{"lead_id": 1, "lead_type": "Chat"}"#.to_vec();
    long_blank.push(b'\n');
    long_blank.extend(std::iter::repeat_n(b' ', 600_000));
    long_blank.extend_from_slice(br#"{"lead_id": "oops", "lead_type": "Chat"}"#);
    // More lines than a chunk takes (4096), some broken: cut by lines, not bytes.
    let mut tiny = Vec::new();
    for i in 0..10_000 {
        if i % 997 == 5 {
            tiny.extend_from_slice(b"{\"lead_id\": ,}\n");
        } else {
            tiny.extend_from_slice(format!("{{\"lead_id\": {i}}}\n").as_bytes());
        }
    }
    let cases: [(&str, Vec<u8>); 4] = [
        ("long blank line", long_blank),
        ("ten thousand tiny records", tiny),
        (
            "empty API page",
            br#"{"page_number": 1, "leads": []}"#.to_vec(),
        ),
        ("blanks only", b"   \n  \n ".to_vec()),
    ];
    for (name, data) in cases {
        let one = run(
            &["validate", "--format", "json", "--sequential", "-"],
            Some(&data),
        );
        for jobs in ["1", "2"] {
            let piped = run(
                &["validate", "--format", "json", "-j", jobs, "-"],
                Some(&data),
            );
            assert_eq!(piped, one, "{name}, -j {jobs}");
        }
    }
    let two = run(&["validate", "-j", "2", "-"], Some(b"   \n  \n "));
    assert_eq!(
        two.0,
        "<stdin>:3:2: unreadable: no payload: the input is empty\n"
    );
}

/// A test work's output for a record: what the work made of it, and the record's number
/// (set by the scan, in input order).
struct Numbered<T>(T, u64);

impl<T> leadcheck::record::Numbered for Numbered<T> {
    fn set_record(&mut self, record: u64) {
        self.1 = record;
    }
}

/// The items `work` gives for the file at `path`, scanned with `jobs` threads.
fn worked<W: leadcheck::scan::Work>(
    path: &std::path::Path,
    jobs: usize,
    work: &W,
) -> Vec<W::Output> {
    use leadcheck::input::Input;
    use leadcheck::scan::{self, Event};
    let mut items = Vec::new();
    let options = scan::Options {
        jobs: Some(jobs),
        ..scan::Options::default()
    };
    scan::scan(
        vec![Input::file(path.to_path_buf())],
        &options,
        work,
        &mut |event| {
            if let Event::Item(item) = event {
                items.push(item);
            }
            Ok::<(), scan::Panicked>(())
        },
    )
    .unwrap();
    items
}

/// A line kept past the work on it (`LineText::hold`, as `validate` keeps a record's line
/// to place the lead rules' findings) still reads as that line once the scan is over, on
/// an input of many more chunks than the producer keeps buffers for: a held chunk is not
/// handed back to be read into.
#[test]
fn a_held_line_keeps_its_bytes_while_chunks_are_recycled() {
    use leadcheck::record::{Item, Origin};
    use leadcheck::scan::{HeldText, LineText, Work};

    type Kept = Numbered<Option<HeldText>>;
    struct Keep;
    impl Work for Keep {
        type Output = Kept;
        fn work(&self, _: Item) -> Kept {
            Numbered(None, 0)
        }
        fn line(&self, line: LineText<'_>, _: &Origin) -> Option<Kept> {
            Some(Numbered(Some(line.hold()), 0))
        }
    }

    let line = |n: u64| format!("{{\"lead_id\": {n}, \"pad\": \"{}\"}}", "x".repeat(200));
    let lines = 40_000; // about 9 MB: 35 chunks of 256 KiB
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    // Blanks before and after some lines, and CRLF: what is held is the line without them.
    let written = |n: u64| match n % 4 {
        0 => format!(" \t{}  \r\n", line(n)),
        1 => format!("{}\r\n", line(n)),
        2 => format!("\u{1e}{} \n", line(n)),
        _ => format!("{}\n", line(n)),
    };
    let capture: String = (1..=lines).map(written).collect();
    std::fs::write(&path, capture).unwrap();
    for jobs in [1, 2] {
        let kept = worked(&path, jobs, &Keep);
        assert_eq!(kept.len(), lines as usize);
        for Numbered(held, record) in &kept {
            let held = held
                .as_ref()
                .expect("every line is worked on where it lies");
            assert_eq!(text(held), line(*record), "-j{jobs}");
        }
    }
}

/// A work that answers for fewer lines of a chunk than it is handed (`Work::lines`) loses
/// none: the lines it leaves are parsed and handed to `Work::work`, in order.
#[test]
fn lines_a_work_leaves_are_parsed_not_dropped() {
    use leadcheck::record::{Item, Origin};
    use leadcheck::scan::{LineText, Work};

    type Done = Numbered<bool>;
    struct Half;
    impl Work for Half {
        type Output = Done;
        fn work(&self, _: Item) -> Done {
            Numbered(false, 0)
        }
        fn lines(&self, lines: &[(LineText<'_>, Origin)], out: &mut Vec<Option<Done>>) {
            // The first half answered in place, the rest left out altogether.
            out.extend(
                lines[..lines.len() / 2]
                    .iter()
                    .map(|_| Some(Numbered(true, 0))),
            );
        }
    }

    let lines = 20_000u64;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    let capture: String = (1..=lines)
        .map(|n| format!("{{\"lead_id\": {n}, \"pad\": \"{}\"}}\n", "x".repeat(100)))
        .collect();
    std::fs::write(&path, capture).unwrap();
    for jobs in [1, 2] {
        let done = worked(&path, jobs, &Half);
        assert_eq!(done.len(), lines as usize, "-j{jobs}");
        let numbers: Vec<u64> = done.iter().map(|d| d.1).collect();
        assert_eq!(
            numbers,
            (1..=lines).collect::<Vec<_>>(),
            "-j{jobs}: in order"
        );
        let in_place = done.iter().filter(|d| d.0).count();
        assert!(
            in_place > 0 && in_place < done.len(),
            "-j{jobs}: {in_place} in place"
        );
    }
}
