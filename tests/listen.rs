//! `leadcheck listen`, over real sockets on loopback: the binary for what a user sees (the
//! round trip, a kill -9 and a restart, a full disk, the rejections, a second listen), and
//! the library (`leadcheck::listen`) where a test needs short timeouts.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{json_lines, leadcheck, root, text};
use leadcheck::client::{self, Client, Target};
use leadcheck::listen::{self, Config, Event, Notice, Verdict};
use serde_json::Value;

/// How long any one wait of these tests may last before it fails (never reached when
/// things work; it only keeps a broken build from hanging the suite).
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `leadcheck listen`, its stderr read line by line as it comes.
struct Listen {
    child: Child,
    addr: SocketAddr,
    stderr_lines: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stdout: JoinHandle<String>,
}

fn spawn_listen(out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Result<Listen, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadcheck"));
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .args(["listen", "--port", "0", "--out"])
        .arg(out)
        .args(extra)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("leadcheck runs");
    let mut stdout = child.stdout.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let stderr_pipe = child.stderr.take().unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = mpsc::channel();
    {
        let stderr = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                stderr.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.strip_prefix("listening on http://") {
                    let addr = rest.split('/').next().unwrap().parse().unwrap();
                    return Ok(Listen {
                        child,
                        addr,
                        stderr_lines: rx,
                        stderr,
                        stdout,
                    });
                }
            }
            Err(_) => {
                let status = child.wait().expect("waited");
                let err = stderr.lock().unwrap().clone();
                return Err(format!("{status}: {err}"));
            }
        }
    }
}

fn start(out: &Path, extra: &[&str]) -> Listen {
    spawn_listen(out, extra, &[]).unwrap_or_else(|e| panic!("listen did not start: {e}"))
}

impl Listen {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits for a line on stderr that contains `needle`.
    fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no {needle:?} on stderr: {}", self.stderr.lock().unwrap()),
            }
        }
    }

    /// SIGTERM, as Ctrl-C would; then the exit status, stdout and stderr.
    fn stop(mut self) -> (ExitStatus, String, String) {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let status = self.child.wait().unwrap();
        let stdout = self.stdout.join().unwrap();
        // The stderr reader ends with the process.
        let _ = self.stderr_lines.recv_timeout(Duration::from_millis(200));
        while self.stderr_lines.try_recv().is_ok() {}
        let stderr = self.stderr.lock().unwrap().clone();
        (status, stdout, stderr)
    }
}

fn post(url: &str, body: &[u8], content_type: Option<&str>) -> client::Response {
    let target = Target::parse(url).unwrap();
    Client::new()
        .post(&target, body, content_type, &[], Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("POST {url}: {e}"))
}

/// Sends raw bytes (a request that says `Connection: close`) and reads the whole answer.
fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    // The server may answer and close before it has read everything (413, 431).
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    text(&answer)
}

fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// The payload files a user might have: valid, invalid and broken ones, every lead type.
fn payload_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "samples/valid",
        "samples/invalid",
        "samples/broken",
        "samples/types",
    ] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

/// `validate --format json` of one input: its records' JSON objects.
fn validate_json(input: &Path) -> Vec<Value> {
    let output = leadcheck()
        .args(["validate", "--format", "json"])
        .arg(input)
        .output()
        .unwrap();
    json_lines(&output.stdout)
}

/// What a record's verdict says, without where it is: status and each violation's
/// pointer, keyword and message.
fn verdict(record: &Value) -> Value {
    let errors: Vec<Value> = if record["status"] == "unreadable" {
        Vec::new()
    } else {
        record["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!([e["pointer"], e["keyword"], e["message"]]))
            .collect()
    };
    serde_json::json!({"status": record["status"], "errors": errors})
}

#[test]
fn round_trip_every_delivery_is_kept_and_checked_as_validate_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let server = start(&out, &["--format", "json", "--path", "/hook"]);
    let files = payload_files();
    let mut expected = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let body = std::fs::read(file).unwrap();
        let answer = post(&server.url("/hook"), &body, Some("application/json"));
        assert_eq!(answer.status, 200, "{}: {}", file.display(), answer.body);
        assert_eq!(answer.body, format!("{{\"ok\":true,\"seq\":{}}}", i + 1));
        expected.extend(validate_json(file).iter().map(verdict));
    }
    // A form body, gzip-compressed, as some senders do.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"lead_id=42&lead_type=Chat&trigger=new")
        .unwrap();
    let gz = gz.finish().unwrap();
    let target = Target::parse(&server.url("/hook")).unwrap();
    let answer = Client::new()
        .post(
            &target,
            &gz,
            Some("application/x-www-form-urlencoded"),
            &[("Content-Encoding".into(), "gzip".into())],
            Duration::from_secs(10),
        )
        .unwrap();
    assert_eq!(answer.status, 200);
    let (status, stdout, stderr) = server.stop();
    assert!(status.success(), "{status}: {stderr}");
    let deliveries = files.len() + 1;
    assert!(
        stderr.contains(&format!("stopped: {deliveries} deliveries received: ")),
        "{stderr}"
    );

    // What listen showed, record by record, is what validate says about the capture:
    // the same verdicts, messages and positions.
    let shown: Vec<Value> = json_lines(stdout.as_bytes());
    assert_eq!(shown.len(), deliveries);
    let mut shown_records: Vec<Value> = Vec::new();
    for (i, d) in shown.iter().enumerate() {
        assert_eq!(d["event"], "delivery");
        assert_eq!(d["seq"], i as u64 + 1);
        shown_records.extend(d["records"].as_array().unwrap().iter().cloned());
    }
    let captured = validate_json(&out);
    assert_eq!(captured.len(), shown_records.len());
    for (a, b) in shown_records.iter().zip(&captured) {
        let mut a = a.clone();
        let mut b = b.clone();
        // Records are numbered by delivery in listen, by record in validate.
        a["record"] = Value::Null;
        b["record"] = Value::Null;
        assert_eq!(a, b);
    }
    // And the verdicts are those of the payload files themselves.
    let from_capture: Vec<Value> = captured.iter().map(verdict).collect();
    assert_eq!(&from_capture[..expected.len()], &expected[..]);
    let last = captured.last().unwrap();
    assert_eq!(last["status"], "valid", "{last}");
    assert_eq!(last["lead_id"], 42);
    // A malformed body is captured and reported unreadable.
    let broken = shown
        .iter()
        .find(|d| d["records"][0]["errors"][0]["keyword"] == "unreadable")
        .expect("an unreadable delivery");
    assert_eq!(broken["status"], "unreadable");

    // Every 2xx is a record, with its exact body.
    let data = std::fs::read(&out).unwrap();
    let records = split_capture(&data);
    assert_eq!(records.len(), deliveries);
    for (i, file) in files.iter().enumerate() {
        assert_eq!(records[i].0, i as u64 + 1);
        assert_eq!(
            records[i].1,
            std::fs::read(file).unwrap(),
            "{}",
            file.display()
        );
    }
    assert_eq!(records[deliveries - 1].1, gz);
    // The other commands read it too.
    let stats = leadcheck().arg("stats").arg(&out).output().unwrap();
    assert!(
        text(&stats.stdout).starts_with(&format!("{} records: ", captured.len())),
        "{}",
        text(&stats.stdout)
    );
}

/// The records of a capture written by listen: (X-Leadcheck-Seq, body).
fn split_capture(data: &[u8]) -> Vec<(u64, Vec<u8>)> {
    let mut records = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let head_end = i + find(&data[i..], b"\r\n\r\n").expect("a head") + 4;
        let head = String::from_utf8_lossy(&data[i..head_end]).into_owned();
        let field = |name: &str| -> u64 {
            head.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("no {name} in {head}"))
                .trim()
                .parse()
                .unwrap()
        };
        let length = field("Content-Length:") as usize;
        records.push((
            field("X-Leadcheck-Seq:"),
            data[head_end..head_end + length].to_vec(),
        ));
        assert_eq!(&data[head_end + length..head_end + length + 2], b"\r\n");
        i = head_end + length + 2;
    }
    records
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An acknowledged delivery: its sequence number and body.
type Acked = (u64, Vec<u8>);

fn chat_with_id(id: u64) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("samples/chat-in-progress.json")).unwrap();
    text.replacen("\"lead_id\": 153928", &format!("\"lead_id\": {id}"), 1)
        .into_bytes()
}

#[test]
fn kill_9_under_load_loses_no_acknowledged_delivery_and_a_torn_tail_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let mut server = start(&out, &[]);
    let url = server.url("/");
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let clients: Vec<JoinHandle<()>> = (0..8u64)
        .map(|c| {
            let acked = acked.clone();
            let target = Target::parse(&url).unwrap();
            std::thread::spawn(move || {
                let client = Client::new();
                // Bounded: at most 2,000 deliveries each, or until the receiver is gone.
                for n in 0..2000u64 {
                    let body = chat_with_id(c * 100_000 + n + 1);
                    let Ok(answer) = client.post(
                        &target,
                        &body,
                        Some("application/json"),
                        &[],
                        Duration::from_secs(5),
                    ) else {
                        return;
                    };
                    if answer.status == 200 {
                        let seq: Value = serde_json::from_str(&answer.body).unwrap();
                        acked
                            .lock()
                            .unwrap()
                            .push((seq["seq"].as_u64().unwrap(), body));
                    }
                }
            })
        })
        .collect();
    // Under load: kill it once some deliveries were acknowledged.
    let deadline = Instant::now() + PATIENCE;
    while acked.lock().unwrap().len() < 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 200, "only {} acknowledged", acked.len());

    // A crash in the middle of a write leaves a torn last record: make sure there is one
    // (a SIGKILL between two write calls would leave one like it).
    let torn = b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{\"lead_id\": 1, \"lead_ty";
    std::fs::OpenOptions::new()
        .append(true)
        .open(&out)
        .unwrap()
        .write_all(torn)
        .unwrap();

    let server = start(&out, &[]);
    let notice = server.wait_stderr("torn record");
    let moved_to = notice.rsplit(" moved to ").next().unwrap();
    let aside = std::fs::read(moved_to).unwrap();
    assert!(aside.ends_with(torn), "{notice}");
    assert!(moved_to.contains("capture.http.torn-"), "{notice}");
    // It goes on numbering after the last whole record.
    let answer = post(&server.url("/"), &chat_with_id(7), Some("application/json"));
    assert_eq!(answer.status, 200);
    let (status, _, stderr) = server.stop();
    assert!(status.success(), "{stderr}");

    let data = std::fs::read(&out).unwrap();
    let records = split_capture(&data);
    let max_seq = records.iter().map(|r| r.0).max().unwrap();
    assert_eq!(records.last().unwrap().0, max_seq);
    for (seq, body) in &acked {
        let record = records.iter().find(|r| r.0 == *seq);
        assert_eq!(
            record.map(|r| &r.1),
            Some(body),
            "acknowledged delivery {seq} is missing or different"
        );
    }
    // Every record of the capture is whole and valid.
    let validate = leadcheck().arg("validate").arg(&out).output().unwrap();
    assert!(validate.status.success(), "{}", text(&validate.stdout));
}

#[test]
fn a_full_disk_is_answered_503_and_reported_once() {
    let server = start(Path::new("/dev/full"), &[]);
    for _ in 0..3 {
        let answer = post(
            &server.url("/"),
            b"{\"lead_id\": 1}",
            Some("application/json"),
        );
        assert_eq!(answer.status, 503, "{}", answer.body);
    }
    let response = raw(
        server.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    assert_eq!(status_of(&response), 503);
    assert!(response.contains("retry-after: 5\r\n"), "{response}");
    // Still alive: the health line.
    let health = raw(
        server.addr,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status_of(&health), 200, "{health}");
    let (status, _, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("no space left on device").count(),
        1,
        "once per change: {stderr}"
    );
    assert!(stderr.contains("4 not stored (503)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn rejected_requests_capture_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let server = spawn_listen(
        &out,
        &[
            "--path",
            "/hook",
            "--max-body",
            "1KiB",
            "--secret-env",
            "HOOK_SECRET",
        ],
        &[("HOOK_SECRET", "s3cret")],
    )
    .unwrap();
    let a = server.addr;
    let post_with = |target: &str, extra: &str, body: &str| {
        raw(
            a,
            format!(
                "POST {target} HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    };
    // No token, a wrong one, the right one in the wrong place.
    assert_eq!(status_of(&post_with("/hook", "", "{}")), 401);
    assert_eq!(status_of(&post_with("/hook?token=s3cre", "", "{}")), 401);
    assert_eq!(
        status_of(&post_with("/hook", "Authorization: Bearer wrong\r\n", "{}")),
        401
    );
    // Too large, by Content-Length (not read) and by a chunked body cut off.
    let big = "x".repeat(2000);
    assert_eq!(status_of(&post_with("/hook?token=s3cret", "", &big)), 413);
    let chunked = format!(
        "POST /hook?token=s3cret HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7d0\r\n{big}\r\n0\r\n\r\n"
    );
    assert_eq!(status_of(&raw(a, chunked.as_bytes())), 413);
    // Too many headers, a head too large.
    let many: String = (0..101).map(|i| format!("X-H{i}: v\r\n")).collect();
    assert_eq!(
        status_of(&post_with("/hook?token=s3cret", &many, "{}")),
        431
    );
    let long = format!("X-Long: {}\r\n", "y".repeat(70 * 1024));
    assert_eq!(
        status_of(&post_with("/hook?token=s3cret", &long, "{}")),
        431
    );
    // Another path, another method.
    assert_eq!(status_of(&post_with("/other?token=s3cret", "", "{}")), 404);
    let put = raw(
        a,
        b"PUT /hook?token=s3cret HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    assert_eq!(status_of(&put), 405);
    assert!(
        put.to_ascii_lowercase().contains("allow: get, head, post"),
        "{put}"
    );
    assert_eq!(
        std::fs::metadata(&out).unwrap().len(),
        0,
        "nothing captured"
    );

    // The right token, in the query or as a bearer: stored, with the secret redacted.
    let ok = post_with(
        "/hook?token=s3cret&x=1",
        "Cookie: session=abc\r\nContent-Type: application/json\r\n",
        "{\"lead_id\": 1}",
    );
    assert_eq!(status_of(&ok), 200, "{ok}");
    assert!(ok.ends_with("{\"ok\":true,\"seq\":1}"), "{ok}");
    let ok = post_with(
        "/hook",
        "Authorization: Bearer s3cret\r\n",
        "{\"lead_id\": 2}",
    );
    assert_eq!(status_of(&ok), 200, "{ok}");
    let (status, _, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    let capture = text(&std::fs::read(&out).unwrap());
    assert!(!capture.contains("s3cret"), "{capture}");
    assert!(
        capture.contains("POST /hook?token=[redacted]&x=1 HTTP/1.1\r\n"),
        "{capture}"
    );
    assert!(
        capture.contains("Authorization: Bearer [redacted]\r\n"),
        "{capture}"
    );
    assert!(capture.contains("Cookie: [redacted]\r\n"), "{capture}");
    assert_eq!(split_capture(capture.as_bytes()).len(), 2);
    assert!(stderr.contains("7 requests rejected (4xx)"), "{stderr}");
}

#[test]
fn non_loopback_needs_a_secret_and_the_secret_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let e = spawn_listen(&out, &["--host", "0.0.0.0"], &[])
        .err()
        .unwrap();
    assert!(e.contains("exit status: 2"), "{e}");
    assert!(e.contains("needs a secret: pass --secret-env VAR"), "{e}");
    let e = spawn_listen(&out, &["--secret-env", "LEADCHECK_TEST_UNSET"], &[])
        .err()
        .unwrap();
    assert!(
        e.contains("the environment variable LEADCHECK_TEST_UNSET is not set"),
        "{e}"
    );
}

#[test]
fn a_second_listen_on_the_same_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let first = start(&out, &[]);
    let second = leadcheck()
        .args(["listen", "--port", "0", "--out"])
        .arg(&out)
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    let stderr = text(&second.stderr);
    assert!(
        stderr.contains("another leadcheck listen is writing this capture (the file is locked)"),
        "{stderr}"
    );
    // The first one is unaffected.
    assert_eq!(post(&first.url("/"), b"{}", None).status, 200);
    let (status, _, _) = first.stop();
    assert!(status.success());
}

#[test]
fn a_forward_target_that_refuses_is_reported_once_and_receiving_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let forward = format!("http://127.0.0.1:{port}/hook");
    let server = start(&out, &["--forward", &forward]);
    for id in 0..3 {
        let answer = post(
            &server.url("/"),
            &chat_with_id(id + 1),
            Some("application/json"),
        );
        assert_eq!(answer.status, 200);
    }
    let (status, stdout, stderr) = server.stop();
    assert!(status.success(), "{stderr}");
    let notice = format!("nothing listening on 127.0.0.1:{port}");
    assert_eq!(stderr.matches(&notice).count(), 1, "{stderr}");
    assert_eq!(
        stdout.matches(&format!("not forwarded: {notice}")).count(),
        3,
        "{stdout}"
    );
    assert!(
        stderr.contains("0 forwarded, 3 forward failures"),
        "{stderr}"
    );
    assert_eq!(split_capture(&std::fs::read(&out).unwrap()).len(), 3);
}

// The library, where a test needs timeouts shorter than the documented ones.

fn config(out: &Path) -> Config {
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), out.to_path_buf());
    config.signals = false;
    config
}

/// Events until `done` says so (or the patience runs out).
fn events_until<J>(
    running: &listen::Running<J>,
    mut done: impl FnMut(&[Event<J>]) -> bool,
) -> Vec<Event<J>> {
    let mut events = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while !done(&events) {
        let left = deadline.saturating_duration_since(Instant::now());
        match running.events().recv_timeout(Some(left)) {
            Ok(Some(e)) => events.push(e),
            _ => break,
        }
    }
    events
}

#[test]
fn slow_clients_are_cut_off_after_the_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    let mut config = config(&out);
    config.limits.head_timeout = Duration::from_millis(300);
    config.limits.body_timeout = Duration::from_millis(300);
    config.limits.idle_timeout = Duration::from_millis(600);
    let running = listen::start(config, |_| Verdict::Valid).unwrap();
    let addr = running.local_addr();
    let connect = || {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s
    };
    // Half a head, and nothing more: the connection is closed, unanswered.
    let mut slow_head = connect();
    slow_head
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let read = slow_head.read_to_end(&mut answer);
    assert!(read.is_ok(), "closed, not timed out on our side: {read:?}");
    assert_eq!(text(&answer), "");
    // A head, and half the body: 408.
    let mut slow_body = connect();
    slow_body
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"lead")
        .unwrap();
    let mut answer = Vec::new();
    let _ = slow_body.read_to_end(&mut answer);
    assert_eq!(status_of(&text(&answer)), 408, "{}", text(&answer));
    // A kept-alive connection that goes silent after an answer is closed.
    let mut idle = connect();
    idle.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        .unwrap();
    let mut answer = Vec::new();
    let _ = idle.read_to_end(&mut answer);
    let answer = text(&answer);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(answer.ends_with("{\"ok\":true,\"seq\":1}"), "{answer}");
    running.stopper().stop();
    let events = events_until(&running, |e| matches!(e.last(), Some(Event::Stopped(_))));
    let Some(Event::Stopped(counts)) = events.last() else {
        panic!("not stopped: {events:?}")
    };
    assert_eq!(counts.received, 1);
    assert_eq!(counts.rejected, 1, "the 408");
    assert_eq!(split_capture(&std::fs::read(&out).unwrap()).len(), 1);
    running.wait();
}

#[test]
fn a_forward_target_that_never_answers_times_out_and_receiving_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    // Accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().take(16) {
            held.push(stream);
        }
    });
    let mut config = config(&out);
    config.forward = Some(Target::parse(&format!("http://{silent_addr}/hook")).unwrap());
    config.limits.forward_timeout = Duration::from_secs(1);
    let running = listen::start(config, |_| Verdict::Valid).unwrap();
    let url = format!("http://{}/", running.local_addr());
    for id in 0..3 {
        assert_eq!(post(&url, &chat_with_id(id), None).status, 200);
    }
    let events = events_until(&running, |e| {
        e.iter()
            .filter(|e| matches!(e, Event::Forwarded { .. }))
            .count()
            == 3
    });
    // Every delivery was acknowledged and reported before the first forward gave up.
    let first_forward = events
        .iter()
        .position(|e| matches!(e, Event::Forwarded { .. }))
        .unwrap();
    let deliveries_before = events[..first_forward]
        .iter()
        .filter(|e| matches!(e, Event::Delivery(_)))
        .count();
    assert_eq!(deliveries_before, 3, "{events:?}");
    for e in &events {
        if let Event::Forwarded { result, .. } = e {
            assert_eq!(
                result,
                &Err(client::Error::Timeout {
                    after: Duration::from_secs(1)
                })
            );
        }
    }
    let down = events
        .iter()
        .filter(|e| matches!(e, Event::Notice(Notice::TargetDown { .. })))
        .count();
    assert_eq!(down, 1, "{events:?}");
    running.stopper().stop();
    running.wait();
}

#[test]
fn forwarding_passes_the_exact_body_and_its_content_type_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capture.http");
    // The app: answers 201 and hands over the request it got.
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let app_addr = app.local_addr().unwrap();
    let (got_tx, got_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = app.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_string())
            })
            .unwrap()
            .parse()
            .unwrap();
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = reader.into_inner();
        stream
            .write_all(
                b"HTTP/1.1 201 Created\r\nContent-Length: 7\r\nConnection: close\r\n\r\ncreated",
            )
            .unwrap();
        got_tx.send((head, body)).unwrap();
    });
    let mut config = config(&out);
    config.forward = Some(Target::parse(&format!("http://{app_addr}/app")).unwrap());
    config.secret = Some("s3cret".into());
    let running = listen::start(config, |_| Verdict::Valid).unwrap();
    let body = b"{\"lead_id\": 5,\n \"trigger\": \"new\"}";
    let request = format!(
        "POST /?token=s3cret HTTP/1.1\r\nHost: listen.example\r\nContent-Type: application/json; charset=utf-8\r\nX-Custom: kept\r\nAuthorization: Bearer s3cret\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let answer = raw(running.local_addr(), &[request.as_bytes(), body].concat());
    assert_eq!(status_of(&answer), 200, "{answer}");
    let (head, forwarded) = got_rx.recv_timeout(PATIENCE).unwrap();
    assert_eq!(forwarded, body);
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("post /app http/1.1\r\n"), "{head}");
    assert!(
        head.contains("content-type: application/json; charset=utf-8\r\n"),
        "{head}"
    );
    assert!(head.contains("x-custom: kept\r\n"), "{head}");
    assert!(head.contains("x-leadcheck-seq: 1\r\n"), "{head}");
    assert!(head.contains(&format!("host: {app_addr}\r\n")), "{head}");
    assert!(!head.contains("listen.example"), "{head}");
    assert!(!head.contains("s3cret"), "{head}");
    let events = events_until(&running, |e| {
        e.iter().any(|e| matches!(e, Event::Forwarded { .. }))
    });
    let forwarded = events.iter().find_map(|e| match e {
        Event::Forwarded { result, .. } => Some(result.clone()),
        _ => None,
    });
    let response = forwarded.unwrap().unwrap();
    assert_eq!((response.status, response.body.as_str()), (201, "created"));
    running.stopper().stop();
    let events = events_until(&running, |e| matches!(e.last(), Some(Event::Stopped(_))));
    let Some(Event::Stopped(counts)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!((counts.received, counts.forwarded), (1, 1));
    running.wait();
}
