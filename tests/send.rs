//! `leadcheck send`, over real sockets on loopback: into `leadcheck listen` (the round trip,
//! byte for byte, and a capture replayed), and into a small test app in this file that
//! records what arrives, when, and answers as a test tells it (order under concurrency,
//! error answers, the rate, headers).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use common::{json_lines, leadcheck, root, text};
use leadcheck::capture::{Format, read_bytes};
use leadcheck::record::Item;
use serde_json::Value;

/// How long any one wait of these tests may last before it fails (never reached when
/// things work; it only keeps a broken build from hanging the suite).
const PATIENCE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// A test app: an HTTP/1.1 server that records every request.

/// A request as the app received it.
#[derive(Debug, Clone)]
struct Received {
    at: Instant,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What the app answers a request: status, body, and how long it waits first.
type Answer = (u16, String, Duration);

struct App {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Received>>>,
    /// The most requests it was working on at once.
    most_at_once: Arc<AtomicUsize>,
}

impl App {
    fn start(answer: impl Fn(&Received) -> Answer + Send + Sync + 'static) -> App {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(answer);
        {
            let log = log.clone();
            let most_at_once = most_at_once.clone();
            // The thread ends with the test binary.
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let (log, most, now, answer) = (
                        log.clone(),
                        most_at_once.clone(),
                        now.clone(),
                        answer.clone(),
                    );
                    std::thread::spawn(move || serve(stream, &log, &most, &now, &*answer));
                }
            });
        }
        App {
            addr,
            log,
            most_at_once,
        }
    }

    /// An app that answers 200 at once.
    fn ok() -> App {
        App::start(|_| (200, "{\"ok\":true}".into(), Duration::ZERO))
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }
}

/// Serves one connection (kept alive) until the client closes it.
fn serve(
    stream: TcpStream,
    log: &Mutex<Vec<Received>>,
    most: &AtomicUsize,
    now: &AtomicUsize,
    answer: &(dyn Fn(&Received) -> Answer + Send + Sync),
) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(at_once, Ordering::SeqCst);
        let received = Received {
            at: Instant::now(),
            headers,
            body,
        };
        let (status, text, delay) = answer(&received);
        log.lock().unwrap().push(received);
        std::thread::sleep(delay);
        now.fetch_sub(1, Ordering::SeqCst);
        let response = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// `leadcheck listen`, as a user runs it.

struct Listen {
    child: Child,
    url: String,
}

impl Listen {
    fn start(out: &Path) -> Listen {
        let mut child = Command::new(env!("CARGO_BIN_EXE_leadcheck"))
            .current_dir(root())
            .args(["listen", "--port", "0", "--out"])
            .arg(out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // The first line says where it listens.
        let url = rx.recv_timeout(PATIENCE).ok().and_then(|line| {
            let rest = line.strip_prefix("listening on ")?;
            Some(rest.split(',').next()?.to_string())
        });
        let listen = Listen {
            child,
            url: url.unwrap_or_default(),
        };
        assert!(listen.url.starts_with("http://"), "listen did not start");
        listen
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------

/// A body as sent: bytes, Content-Type, Content-Encoding.
type Sent = (Vec<u8>, Option<String>, Option<String>);

/// What `send` sends for each readable record of these inputs: a captured body as it was,
/// anything else as its own text, as JSON.
fn expected_bodies(files: &[PathBuf]) -> Vec<Sent> {
    let mut out = Vec::new();
    for file in files {
        for item in read_bytes(&std::fs::read(file).unwrap(), Format::Auto) {
            if let Item::Record(r) = item {
                out.push(match r.body {
                    Some(b) => (
                        b.bytes.clone(),
                        b.content_type.clone(),
                        b.content_encoding.clone(),
                    ),
                    None => (r.text, Some("application/json".into()), None),
                });
            }
        }
    }
    out
}

/// The bodies of a capture written by `listen`, as they came.
fn captured(capture: &Path) -> Vec<Sent> {
    read_bytes(&std::fs::read(capture).unwrap(), Format::Http)
        .into_iter()
        .map(|item| match item {
            Item::Record(r) => {
                let b = r.body.expect("a captured record has its body");
                (
                    b.bytes.clone(),
                    b.content_type.clone(),
                    b.content_encoding.clone(),
                )
            }
            Item::Unreadable(u) => panic!("unreadable record in the capture: {u:?}"),
        })
        .collect()
}

/// A raw HTTP capture of one gzip-compressed JSON body.
fn gzip_capture(dir: &Path) -> PathBuf {
    let payload = std::fs::read(root().join("samples/types/email.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&payload).unwrap();
    let gz = gz.finish().unwrap();
    let mut capture = format!(
        "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gz.len()
    )
    .into_bytes();
    capture.extend_from_slice(&gz);
    capture.extend_from_slice(b"\r\n");
    let path = dir.join("gzip.http");
    std::fs::write(&path, capture).unwrap();
    path
}

#[test]
fn round_trip_into_listen_byte_for_byte_and_a_capture_replayed_reproduces_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = [
        "samples/types/web-form.json",
        "samples/types/phone-call.json",
        "samples/updates/web-form-update.json",
        "samples/valid/exact-numbers.json",
        "samples/captures/webhooks.jsonl",
        "samples/captures/api-leads.json",
        "samples/captures/form.http",
        "samples/captures/mixed.har",
        "samples/captures/mixed.http",
    ]
    .iter()
    .map(|f| root().join(f))
    .collect();
    files.push(gzip_capture(dir.path()));
    let expected = expected_bodies(&files);
    // Every kind of body is there: JSON files, NDJSON lines, API list elements, form
    // bodies, gzip.
    assert!(expected.len() > 25, "{}", expected.len());
    assert!(
        expected
            .iter()
            .any(|(_, t, _)| t.as_deref() == Some("application/x-www-form-urlencoded"))
    );
    assert!(
        expected
            .iter()
            .any(|(_, _, e)| e.as_deref() == Some("gzip"))
    );

    let first = dir.path().join("first.http");
    let listen = Listen::start(&first);
    let output = leadcheck()
        .arg("send")
        .arg(&listen.url)
        .args(&files)
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    // webhooks.jsonl and mixed.http hold unreadable records: reported, not sent, exit 1.
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    let unreadable = stdout
        .lines()
        .filter(|l| l.contains(": unreadable: "))
        .count();
    assert!(unreadable >= 2, "{stdout}");
    assert!(
        stderr.contains(&format!("{} 2xx; p50 ", expected.len())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{unreadable} unreadable records not sent")),
        "{stderr}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.contains("  200  ")).count(),
        expected.len()
    );
    // Byte for byte, with the Content-Type and Content-Encoding each had.
    let got = captured(&first);
    assert_eq!(got.len(), expected.len());
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "delivery {}", i + 1);
    }

    // The capture replayed to a second listen: the same bodies, the same media types.
    let second = dir.path().join("second.http");
    let listen2 = Listen::start(&second);
    let output = leadcheck()
        .args(["send", "--concurrency", "4"])
        .arg(&listen2.url)
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut replayed = captured(&second);
    let mut original = got;
    // With 4 in flight, leads may pass one another; each lead keeps its order (see below).
    replayed.sort();
    original.sort();
    assert_eq!(replayed, original);
    drop((listen, listen2));
}

#[test]
fn one_at_a_time_deliveries_keep_the_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.http");
    let listen = Listen::start(&capture);
    let output = leadcheck()
        .args(["send", "--sample", "all"])
        .arg(&listen.url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let got = captured(&capture);
    let samples = leadcheck().args(["sample", "--list"]).output().unwrap();
    let names: Vec<String> = text(&samples.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(got.len(), names.len());
    for (name, (body, content_type, _)) in names.iter().zip(&got) {
        let sample = leadcheck().args(["sample", name]).output().unwrap();
        assert_eq!(
            text(body).trim_end(),
            text(&sample.stdout).trim_end(),
            "{name}"
        );
        assert_eq!(content_type.as_deref(), Some("application/json"));
    }
    let lines: Vec<String> = text(&output.stdout).lines().map(str::to_string).collect();
    assert!(
        lines[0].starts_with("<sample chat-in-progress>:1:1  Chat  "),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("<sample chat-update>:1:1  "),
        "{lines:?}"
    );
}

#[test]
fn each_lead_keeps_its_order_under_concurrency() {
    // Answers take from 0 to 12 ms, so deliveries in flight together finish out of order.
    let app = App::start(|r| {
        let seq = r.json()["seq"].as_u64().unwrap();
        (200, "ok".into(), Duration::from_millis(seq * 7 % 13))
    });
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.jsonl");
    let mut lines = String::new();
    // Six leads, eight records each, interleaved; the first lead has a `new`, then updates.
    for seq in 0..48u64 {
        let lead = seq % 6;
        let trigger = if seq < 6 { "new" } else { "update" };
        lines.push_str(&format!(
            "{{\"lead_id\": {}, \"trigger\": \"{trigger}\", \"lead_type\": \"Chat\", \"seq\": {seq}}}\n",
            1000 + lead
        ));
    }
    std::fs::write(&input, lines).unwrap();
    let output = leadcheck()
        .args(["send", "--concurrency", "8", "--format", "json"])
        .arg(app.url())
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let received = app.received();
    assert_eq!(received.len(), 48);
    // It really ran several at once...
    assert!(app.most_at_once.load(Ordering::SeqCst) > 1);
    // ...and each lead's records arrived in input order, its `new` first.
    let mut last: HashMap<u64, i64> = HashMap::new();
    for r in &received {
        let v = r.json();
        let (lead, seq) = (v["lead_id"].as_u64().unwrap(), v["seq"].as_i64().unwrap());
        let before = last.insert(lead, seq);
        match before {
            None => assert_eq!(v["trigger"], "new", "{v}"),
            Some(before) => assert!(before < seq, "lead {lead}: {seq} after {before}"),
        }
    }
    // One JSON object per delivery.
    let shown = json_lines(&output.stdout);
    assert_eq!(shown.len(), 48);
    assert!(
        shown
            .iter()
            .all(|d| d["event"] == "delivery" && d["status"] == 200)
    );
    assert_eq!(shown[0]["input"], input.display().to_string());
    assert_eq!(shown[0]["content_type"], "application/json");
}

#[test]
fn a_500_is_exit_1_and_the_apps_answer_is_shown_escaped() {
    let app = App::start(|r| {
        if r.json()["lead_type"] == "Web Form" {
            let long = format!("error\u{1b}[31m: {}", "x".repeat(300));
            (500, long, Duration::ZERO)
        } else {
            (200, "ok".into(), Duration::ZERO)
        }
    });
    let output = leadcheck()
        .arg("send")
        .arg(app.url())
        .args(["samples/types/chat.json", "samples/types/web-form.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("samples/types/chat.json:1:1  Chat "),
        "{stdout}"
    );
    assert!(lines[0].contains("  200  "));
    let failed = lines[1];
    assert!(
        failed.starts_with("samples/types/web-form.json:1:1  Web Form      lead "),
        "{failed}"
    );
    assert!(failed.contains("  500  "), "{failed}");
    // The first 200 characters of the answer, the escape character shown, not acted on.
    let (_, answer) = failed.split_once(" ms: ").unwrap();
    assert!(answer.starts_with("error\\u{1b}[31m: xxx"), "{answer}");
    assert!(!failed.contains('\u{1b}'));
    assert_eq!(
        answer.matches('x').count(),
        200 - "error\u{1b}[31m: ".chars().count()
    );
    let stderr = text(&output.stderr);
    assert!(stderr.contains("2 deliveries in "), "{stderr}");
    assert!(stderr.contains(": 1 2xx, 1 5xx; p50 "), "{stderr}");
}

#[test]
fn a_refused_port_is_exit_1_and_said_once() {
    // A port that was free a moment ago: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = leadcheck()
        .arg("send")
        .arg(format!("http://127.0.0.1:{port}/hook"))
        .args(["samples/captures/history.jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.contains("  refused  ")),
        "{stdout}"
    );
    let said = format!("nothing listening on 127.0.0.1:{port}");
    assert_eq!(stderr.matches(&said).count(), 1, "{stderr}");
    assert!(
        stderr.contains("6 without an answer (refused 6)"),
        "{stderr}"
    );
}

#[test]
fn a_set_whose_parent_does_not_exist_is_exit_2_with_a_suggestion_and_sends_nothing() {
    let app = App::ok();
    let output = leadcheck()
        .arg("send")
        .arg(app.url())
        .args([
            "samples/types/chat.json",
            "samples/types/web-form.json",
            "--set",
            "/adittional_fields/Name:=\"Jane\"",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "samples/types/chat.json:1:1: --set /adittional_fields/Name:: the record has no /adittional_fields; did you mean /additional_fields/Name:?"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(app.received().is_empty());
    // A --set that is not POINTER=JSON is a usage error, with the way to write a string.
    let output = leadcheck()
        .args([
            "send",
            &app.url(),
            "samples/types/chat.json",
            "--set",
            "/contact_name=Jane",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("a string is quoted: --set '/contact_name=\"Jane\"'"),
        "{}",
        text(&output.stderr)
    );
    assert!(app.received().is_empty());
}

#[test]
fn set_edits_keep_key_order_and_numbers() {
    let app = App::ok();
    let output = leadcheck()
        .arg("send")
        .arg(app.url())
        .args([
            "samples/valid/exact-numbers.json",
            "--set",
            "/quote_value=1250.50",
            "--set",
            "/additional_fields/Budget=\"$5,000\"",
            "--set",
            "/lead_scor=1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let original =
        std::fs::read_to_string(root().join("samples/valid/exact-numbers.json")).unwrap();
    let received = app.received();
    let body = text(&received[0].body);
    // Compact, the key order of the file, the numbers not edited as written.
    let keys = |t: &str| -> Vec<String> {
        leadcheck::tree::keys_in_order(&leadcheck::tree::parse(t.as_bytes()), None)
    };
    let mut expected_keys = keys(&original);
    expected_keys.push("lead_scor".into());
    assert_eq!(keys(&body), expected_keys);
    assert!(body.contains("\"quote_value\":1250.50"), "{body}");
    assert!(!body.contains('\n'));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["additional_fields"]["Budget"], "$5,000");
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    // The field added next to a near miss is noted.
    assert!(
        text(&output.stderr).contains("--set /lead_scor: the record has no such field, so it is added; did you mean /lead_score?"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn the_rate_spaces_deliveries() {
    let app = App::ok();
    let started = Instant::now();
    let output = leadcheck()
        .args(["send", "--rate", "20/s", "--concurrency", "4"])
        .arg(app.url())
        .arg("samples/captures/history.jsonl")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut at: Vec<Instant> = app.received().iter().map(|r| r.at).collect();
    at.sort();
    assert_eq!(at.len(), 6);
    // Six starts 50 ms apart: the sixth no sooner than 250 ms after the first, however
    // loaded the machine (lower bounds only: a busy machine only makes it slower).
    assert!(took >= Duration::from_millis(250), "{took:?}");
    // Arrivals are spaced too; on a loaded machine a delivery sent on time may arrive late,
    // next to the one after it, so most gaps (not every one) are checked.
    let spaced = at
        .windows(2)
        .filter(|pair| pair[1] - pair[0] >= Duration::from_millis(30))
        .count();
    assert!(
        spaced >= 3,
        "{:?}",
        at.windows(2).map(|p| p[1] - p[0]).collect::<Vec<_>>()
    );
}

#[test]
fn a_sample_is_sent_and_headers_go_with_it() {
    let app = App::ok();
    let output = leadcheck()
        .arg("send")
        .arg(app.url())
        .args([
            "--sample",
            "web-form",
            "-H",
            "X-Token: s3cr3t",
            "--header",
            "Content-Type: application/json; charset=utf-8",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let received = app.received();
    assert_eq!(received.len(), 1);
    let file = std::fs::read_to_string(root().join("samples/types/web-form.json")).unwrap();
    assert_eq!(text(&received[0].body), file.trim());
    assert_eq!(received[0].header("x-token"), Some("s3cr3t"));
    assert_eq!(
        received[0].header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        text(&output.stdout)
            .starts_with("<sample web-form>:1:1  Web Form      lead 153931      new     200  "),
        "{}",
        text(&output.stdout)
    );
    // An unknown sample is a usage error, with a suggestion.
    let output = leadcheck()
        .args(["send", &app.url(), "--sample", "webform"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean \"web-form\"?"));
}

#[test]
fn a_dry_run_sends_nothing() {
    let app = App::ok();
    let output = leadcheck()
        .args(["send", "--dry-run"])
        .arg(app.url())
        .args(["samples/types/chat.json", "samples/captures/form.http"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(
            "samples/types/chat.json:1:1  Chat          lead 153928      new     would send "
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("(application/x-www-form-urlencoded)"),
        "{stdout}"
    );
    assert!(
        text(&output.stderr).contains("would be sent; nothing was sent"),
        "{}",
        text(&output.stderr)
    );
    // With JSON, the bodies too.
    let output = leadcheck()
        .args([
            "send",
            "--dry-run",
            "--format",
            "json",
            "--set",
            "/quote_value=1.50",
        ])
        .arg(app.url())
        .arg("samples/types/chat.json")
        .output()
        .unwrap();
    let shown = json_lines(&output.stdout);
    assert_eq!(shown[0]["event"], "dry-run");
    assert!(
        shown[0]["body"]
            .as_str()
            .unwrap()
            .contains("\"quote_value\":1.50")
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(app.received().is_empty());
}

#[test]
fn what_cannot_be_done_is_exit_2() {
    let app = App::ok();
    // An input that does not exist: nothing is sent.
    let output = leadcheck()
        .arg("send")
        .arg(app.url())
        .args(["samples/types/chat.json", "no/such/file.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("nothing was sent"),
        "{}",
        text(&output.stderr)
    );
    assert!(app.received().is_empty());
    // A URL that is not one.
    let output = leadcheck()
        .args(["send", "127.0.0.1:3000", "samples/types/chat.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("invalid URL"),
        "{}",
        text(&output.stderr)
    );
    // https without TLS in the build names the feature.
    if !cfg!(feature = "tls") {
        let output = leadcheck()
            .args([
                "send",
                "https://127.0.0.1:1/hook",
                "samples/types/chat.json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(
            text(&output.stderr).contains("`tls` feature"),
            "{}",
            text(&output.stderr)
        );
    }
}

#[test]
fn an_app_that_does_not_answer_in_time_is_a_timeout() {
    let app = App::start(|_| (200, "late".into(), Duration::from_secs(3)));
    let output = leadcheck()
        .args(["send", "--timeout", "300ms", "--format", "json"])
        .arg(app.url())
        .arg("samples/types/chat.json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let shown = json_lines(&output.stdout);
    assert_eq!(shown[0]["error"], "timeout", "{}", shown[0]);
    assert_eq!(shown[0]["status"], Value::Null);
    assert!(
        text(&output.stderr).contains("no answer within 300 ms"),
        "{}",
        text(&output.stderr)
    );
}
