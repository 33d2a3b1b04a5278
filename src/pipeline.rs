//! Checking many records on every core, in constant memory, with results in input order.
//!
//! Parsing is most of the cost of validation, so it is what runs in parallel:
//!
//! - a **producer** thread cuts each large JSON input (and stdin) into chunks of about
//!   256 KiB that end on a line break, and sends small files whole; other captures (gzip,
//!   HTTP, HAR, form: see [`capture`]) are read in order by the consumer;
//! - **workers** parse every line of a chunk as one JSON value and check it against the
//!   schema (the NDJSON case), or read and check a small file with the [`Reader`];
//! - the **consumer** (the calling thread) puts the results back in input order and hands
//!   them to the caller's sink.
//!
//! A line that is not exactly one JSON value (a pretty-printed record spanning lines,
//! several values on one line, a malformed record, a byte order mark) is not an error of
//! the fast path: the consumer reads from that line on with the sequential [`Reader`],
//! feeding it the following chunks, and goes back to the workers' results as soon as the
//! reader stands at the start of a line they parsed. So the records, their numbers,
//! positions and errors are exactly those of the sequential reader, whatever the number of
//! threads (the tests compare both).
//!
//! Memory stays flat: at most a few chunks per worker are in flight.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::capture::{self, Format};
use crate::input::{self, Input, Item, MAX_RECORD_BYTES, Origin, Reader, Source};
use crate::position::LineCol;
use crate::schema::Choice;
use crate::validate::{self, Checked, Options};

/// What the pipeline reports, in input order.
#[derive(Debug)]
pub enum Event {
    /// An input is about to be read (every input gets one, even one that fails to open).
    Input(Arc<str>),
    /// A record was checked.
    Checked(Checked),
    /// An input could not be opened, or reading it failed part way (`at`: where).
    InputError {
        name: Arc<str>,
        at: Option<LineCol>,
        message: String,
    },
}

/// Size of the chunks large inputs are cut into.
const CHUNK: usize = 256 << 10;
/// What a pipe holds on Linux: a read that returns less was not waiting on a full pipe.
const PIPE_BUFFER: usize = 64 << 10;
/// Files up to this size are read and checked whole by one worker.
const SMALL_FILE: u64 = 1 << 20;
/// Small files go to the workers in batches of at most this many files and bytes.
const BATCH_FILES: usize = 32;
const BATCH_BYTES: u64 = 256 << 10;

/// The number of threads to check with by default: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Checks every record of `inputs` with `jobs` worker threads (default: one per core) and
/// hands the events to `sink` in input order. A sink error (such as a closed output pipe)
/// stops everything and is returned.
pub fn check_inputs(
    inputs: Vec<Input>,
    choice: &Choice,
    options: Options,
    format: Format,
    jobs: Option<usize>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let setup = Setup {
        choice,
        options,
        format,
    };
    // One small file is done before threads would have started (and before the core count,
    // which reads cgroup files, is known).
    let single_small_file = inputs.len() == 1 && small_size(&inputs[0]).is_some();
    let jobs = if single_small_file {
        1
    } else {
        jobs.unwrap_or_else(default_jobs)
    };
    if jobs <= 1 {
        for input in inputs {
            check_sequential(&input, &setup, sink)?;
        }
        return Ok(());
    }
    // The producer is not scoped: it may be blocked reading a pipe that never ends when the
    // output closes, and must not keep the run from finishing. It stops once the job queue
    // is gone.
    let cancel = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(jobs + 1);
    // One permit per job sent and not yet consumed: the bound on memory in flight, even when
    // the consumer falls behind the workers.
    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(jobs * 3);
    let producer_cancel = Arc::clone(&cancel);
    std::thread::spawn(move || produce(inputs, format, job_tx, permit_tx, &producer_cancel));
    let job_rx = Mutex::new(job_rx);
    let result = std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (job_rx, cancel) = (&job_rx, &*cancel);
            let setup = &setup;
            scope.spawn(move || work(job_rx, done_tx, setup, cancel));
        }
        drop(done_tx);
        let result = Consumer {
            ordered: Ordered {
                rx: done_rx,
                waiting: BTreeMap::new(),
                next: 0,
                permits: permit_rx,
            },
            setup: &setup,
        }
        .run(sink);
        cancel.store(true, Ordering::Relaxed);
        result
    });
    drop(job_rx);
    result
}

/// What every record is checked with.
pub struct Setup<'a> {
    pub choice: &'a Choice,
    pub options: Options,
    /// `--input-format`.
    pub format: Format,
}

impl Setup<'_> {
    fn check(&self, item: Item) -> anyhow::Result<Checked> {
        Ok(validate::check_choice(self.choice, item, self.options)?)
    }
}

/// The reference path: one input read (through [`capture::read_input`]) and checked on
/// this thread.
pub fn check_sequential(
    input: &Input,
    setup: &Setup<'_>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    sink(Event::Input(input.name.clone()))?;
    capture::read_input(input, setup.format, &mut |read| match read {
        capture::Reading::Item(item) => sink(Event::Checked(setup.check(item)?)),
        capture::Reading::Failed { at, message } => sink(Event::InputError {
            name: input.name.clone(),
            at,
            message,
        }),
    })
}

fn file_name(input: &Input) -> Option<&str> {
    match &input.source {
        Source::File(path) => path.file_name().and_then(|n| n.to_str()),
        Source::Stdin => None,
    }
}

/// Reads a whole input in any capture format, checking each record.
fn read_capture(
    name: &Arc<str>,
    source: Box<dyn Read + Send>,
    file_name: Option<&str>,
    setup: &Setup<'_>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut records = capture::records(name.clone(), source, setup.format, file_name);
    while let Some(item) = records.next() {
        match item {
            Ok(item) => sink(Event::Checked(setup.check(item)?))?,
            Err(e) => {
                return sink(Event::InputError {
                    name: name.clone(),
                    at: Some(records.position()),
                    message: format!("cannot read: {}", input::io_message(&e)),
                });
            }
        }
    }
    Ok(())
}

/// The size of a file small enough to be read whole by one worker.
fn small_size(input: &Input) -> Option<u64> {
    match &input.source {
        Source::File(path) => std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= SMALL_FILE)
            .map(|m| m.len()),
        Source::Stdin => None,
    }
}

/// A unit of work, numbered in input order.
struct Job {
    seq: u64,
    name: Arc<str>,
    /// The first job of its input.
    first: bool,
    /// The last job of its input.
    last: bool,
    kind: JobKind,
}

enum JobKind {
    /// Small files, each read and checked whole by the worker (batched, so that a
    /// thousand fixture files are a few dozen hand-offs between threads, not thousands).
    Files(Vec<Input>),
    /// Lines of a large input.
    Chunk(Chunk),
    /// The input could not be opened or read; passed through to keep the order.
    Failed {
        at: Option<LineCol>,
        message: String,
    },
    /// A capture that is not plain JSON (gzip, HTTP, HAR, form): passed through, and read
    /// in order by the consumer.
    Stream(Capture),
}

struct Capture {
    source: Box<dyn Read + Send>,
    file_name: Option<String>,
}

#[derive(Clone)]
struct Chunk {
    data: Arc<Vec<u8>>,
    /// Byte offset of `data[0]` in the input.
    base: u64,
    /// Position of `data[0]`.
    start: LineCol,
    /// The chunk starts in the middle of a line (the previous chunk had no line break).
    mid_line: bool,
    /// The chunk ends in the middle of a line that goes on in the next chunk.
    open_end: bool,
}

/// A finished job.
struct Done {
    seq: u64,
    name: Arc<str>,
    first: bool,
    last: bool,
    kind: DoneKind,
}

enum DoneKind {
    Events(Vec<Event>),
    Chunk(Chunk, Vec<Line>),
    Failed {
        at: Option<LineCol>,
        message: String,
    },
    Stream(Capture),
    /// Checking could not go on (a bundled schema that does not compile).
    Fatal(anyhow::Error),
}

/// A non-blank line of a chunk, as a worker left it.
struct Line {
    /// Offset (in the input) and position of the line's start.
    start: u64,
    at: LineCol,
    /// Offset of the first non-blank byte.
    value_start: u64,
    /// `Some` when the line is exactly one JSON value (checked); `None` when the sequential
    /// reader must read it.
    checked: Option<Checked>,
}

fn produce(
    inputs: Vec<Input>,
    format: Format,
    tx: SyncSender<Job>,
    permits: SyncSender<()>,
    cancel: &AtomicBool,
) {
    let mut seq = 0;
    let mut send = |name: &Arc<str>, first: bool, last: bool, kind: JobKind| -> bool {
        if cancel.load(Ordering::Relaxed) || permits.send(()).is_err() {
            return false;
        }
        let job = Job {
            seq,
            name: name.clone(),
            first,
            last,
            kind,
        };
        seq += 1;
        tx.send(job).is_ok()
    };
    let mut batch: Vec<Input> = Vec::new();
    let mut batch_bytes = 0u64;
    let batch_name: Arc<str> = Arc::from("");
    for input in inputs {
        let name = input.name.clone();
        if let Some(size) = small_size(&input) {
            batch_bytes += size;
            batch.push(input);
            if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
                let files = std::mem::take(&mut batch);
                batch_bytes = 0;
                // The files announce themselves (their events include `Event::Input`).
                if !send(&batch_name, false, false, JobKind::Files(files)) {
                    return;
                }
            }
            continue;
        }
        if !batch.is_empty() {
            let files = std::mem::take(&mut batch);
            batch_bytes = 0;
            if !send(&batch_name, false, false, JobKind::Files(files)) {
                return;
            }
        }
        let mut source = match input.open() {
            Ok(source) => source,
            Err(e) => {
                let message = format!("cannot open: {}", input::io_message(&e));
                if !send(&name, true, true, JobKind::Failed { at: None, message }) {
                    return;
                }
                continue;
            }
        };
        let (prefix, json) = match capture::sniff(&mut source, format, file_name(&input)) {
            Ok(sniffed) => sniffed,
            Err(e) => {
                let message = format!("cannot read: {}", input::io_message(&e));
                let at = Some(LineCol::START);
                if !send(&name, true, true, JobKind::Failed { at, message }) {
                    return;
                }
                continue;
            }
        };
        if !json {
            let stream = Capture {
                source: Box::new(io::Cursor::new(prefix).chain(source)),
                file_name: file_name(&input).map(str::to_string),
            };
            if !send(&name, true, true, JobKind::Stream(stream)) {
                return;
            }
            continue;
        }
        if input.source == Source::Stdin {
            widen_stdin_pipe();
        }
        let mut first = true;
        let mut carry: Vec<u8> = prefix;
        let mut base = 0u64;
        let mut at = LineCol::START;
        let mut mid_line = false;
        loop {
            let mut buf = std::mem::take(&mut carry);
            buf.reserve(CHUNK.saturating_sub(buf.len()));
            let (eof, error) = fill(&mut source, &mut buf, input.source == Source::Stdin);
            if let Some(e) = error {
                // What was read before the error is still checked, then the error reported.
                let chunk = chunk_of(buf, base, at, mid_line, false);
                let position = chunk.start.advance(&chunk.data);
                let ok = send(&name, first, false, JobKind::Chunk(chunk));
                let message = format!("cannot read: {}", input::io_message(&e));
                if !ok
                    || !send(
                        &name,
                        false,
                        true,
                        JobKind::Failed {
                            at: Some(position),
                            message,
                        },
                    )
                {
                    return;
                }
                break;
            }
            if eof {
                let chunk = chunk_of(buf, base, at, mid_line, false);
                if !send(&name, first, true, JobKind::Chunk(chunk)) {
                    return;
                }
                break;
            }
            // Cut after the last line break; keep the rest for the next chunk.
            let (open_end, cut) = match memchr::memrchr(b'\n', &buf) {
                Some(i) => (false, i + 1),
                None => (true, buf.len()),
            };
            carry = buf.split_off(cut);
            let chunk = chunk_of(buf, base, at, mid_line, open_end);
            base += chunk.data.len() as u64;
            at = chunk.start.advance(&chunk.data);
            mid_line = open_end;
            if !send(&name, first, false, JobKind::Chunk(chunk)) {
                return;
            }
            first = false;
        }
    }
    if !batch.is_empty() {
        send(&batch_name, false, false, JobKind::Files(batch));
    }
}

fn chunk_of(data: Vec<u8>, base: u64, start: LineCol, mid_line: bool, open_end: bool) -> Chunk {
    Chunk {
        data: Arc::new(data),
        base,
        start,
        mid_line,
        open_end,
    }
}

/// Reads until `buf` holds a chunk, or less when the source has nothing more for now (a
/// pipe fed as events happen) and a whole line is in. Returns (end of input, error).
///
/// "Nothing more for now" is asked of stdin with poll(2), so a pipe that is read faster
/// than it is written still makes full chunks (few hand-offs between threads) while
/// `tail -f log | leadcheck validate` reports each record as it comes. Other sources (a
/// FIFO named as a file) count a read short of a pipe's 64 KiB as a pause.
fn fill(source: &mut dyn Read, buf: &mut Vec<u8>, stdin: bool) -> (bool, Option<io::Error>) {
    // Whole lines left from before (what format detection read) go out first when stdin
    // has nothing more for now.
    if stdin && memchr::memchr(b'\n', buf).is_some() && !stdin_ready() {
        return (false, None);
    }
    let start = buf.len();
    loop {
        let old = buf.len();
        let want = CHUNK.max(old + 1) - old;
        buf.resize(old + want, 0);
        match source.read(&mut buf[old..]) {
            Ok(0) => {
                buf.truncate(old);
                return (true, None);
            }
            Ok(n) => {
                buf.truncate(old + n);
                if buf.len() >= CHUNK {
                    return (false, None);
                }
                let paused = if stdin {
                    !stdin_ready()
                } else {
                    n < want.min(PIPE_BUFFER)
                };
                if paused && memchr::memchr(b'\n', &buf[start..]).is_some() {
                    return (false, None);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(old),
            Err(e) => {
                buf.truncate(old);
                return (false, Some(e));
            }
        }
    }
}

/// Asks for a 1 MiB pipe on stdin when it is one (the default 64 KiB makes the writer and
/// leadcheck take turns 16 times as often). Anything else, or a refusal, changes nothing.
fn widen_stdin_pipe() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::pipe::fcntl_setpipe_size(io::stdin(), 1 << 20);
    }
}

/// Whether stdin has more to read right now (or is at its end).
#[cfg(unix)]
fn stdin_ready() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    poll(&mut fds, Some(&now)).is_ok_and(|ready| ready > 0)
}

#[cfg(not(unix))]
fn stdin_ready() -> bool {
    false
}

fn work(
    jobs: &Mutex<Receiver<Job>>,
    results: mpsc::Sender<Done>,
    setup: &Setup<'_>,
    cancel: &AtomicBool,
) {
    loop {
        let job = {
            let Ok(rx) = jobs.lock() else { return };
            loop {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                match rx.recv_timeout(std::time::Duration::from_millis(50)) {
                    Ok(job) => break job,
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        };
        // A panic in a worker would leave its job's place in the order empty and the
        // consumer waiting for ever: it becomes an error that ends the run instead.
        let kind = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_job(job.kind, &job.name, setup)
        }))
        .unwrap_or_else(|_| {
            DoneKind::Fatal(anyhow::anyhow!("internal error: a worker thread panicked"))
        });
        let finished = Done {
            seq: job.seq,
            name: job.name,
            first: job.first,
            last: job.last,
            kind,
        };
        if results.send(finished).is_err() {
            return;
        }
    }
}

/// Does one job.
fn run_job(kind: JobKind, name: &Arc<str>, setup: &Setup<'_>) -> DoneKind {
    match kind {
        JobKind::Files(files) => {
            let mut events = Vec::new();
            let result = files.iter().try_for_each(|input| {
                check_sequential(input, setup, &mut |e| {
                    events.push(e);
                    Ok(())
                })
            });
            match result {
                Ok(()) => DoneKind::Events(events),
                Err(e) => DoneKind::Fatal(e),
            }
        }
        JobKind::Chunk(chunk) => {
            let lines = check_lines(&chunk, name, setup);
            DoneKind::Chunk(chunk, lines)
        }
        JobKind::Failed { at, message } => DoneKind::Failed { at, message },
        JobKind::Stream(stream) => DoneKind::Stream(stream),
    }
}

/// Parses and checks each line of a chunk that is exactly one JSON value.
/// A line whose value is an API list or an array of leads, or whose schema cannot be had,
/// is left to the sequential path (which splits the list, or reports the error).
fn check_lines(chunk: &Chunk, name: &Arc<str>, setup: &Setup<'_>) -> Vec<Line> {
    let data = &chunk.data[..];
    let mut lines = Vec::with_capacity(data.len() / 2048 + 1);
    let mut start = 0usize;
    let mut at = chunk.start;
    let mut ends = memchr::memchr_iter(b'\n', data)
        .map(|i| (i, true))
        .peekable();
    loop {
        let (end, terminated) = match ends.next() {
            Some(e) => e,
            None if start < data.len() => (data.len(), false),
            None => break,
        };
        let line = &data[start..end];
        let is_first = start == 0;
        let lead = line
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            .unwrap_or(line.len());
        // The continuation of a line that started in the previous chunk belongs to it.
        let skip = is_first && chunk.mid_line;
        // A line that goes on in the next chunk is always handed to the sequential reader,
        // even when its part here is blank: what follows belongs to it.
        let open = !terminated && chunk.open_end;
        if (lead < line.len() || open) && !skip {
            let value_start = chunk.base + (start + lead) as u64;
            let checked = if open || line.len() > MAX_RECORD_BYTES {
                None
            } else {
                let value = serde_json::from_slice::<Value>(line).ok();
                let value = value.filter(|v| !capture::expands(v));
                let schema = value.as_ref().and_then(|v| setup.choice.schema_for(v).ok());
                value.zip(schema).map(|(value, schema)| {
                    let raw = trim_end(&line[lead..]);
                    let origin = Origin {
                        input: name.clone(),
                        record: 0, // numbered by the consumer
                        start: LineCol {
                            line: at.line,
                            column: at.column + lead as u64,
                        },
                        offset: value_start,
                    };
                    validate::check_parts(schema, &origin, &value, raw, setup.options)
                })
            };
            lines.push(Line {
                start: chunk.base + start as u64,
                at,
                value_start,
                checked,
            });
        }
        at = LineCol {
            line: at.line + 1,
            column: 1,
        };
        start = end + 1;
        if !terminated {
            break;
        }
    }
    lines
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Finished jobs, handed out in order.
struct Ordered {
    rx: Receiver<Done>,
    waiting: BTreeMap<u64, Done>,
    next: u64,
    /// Handing a job out gives its permit back to the producer.
    permits: Receiver<()>,
}

impl Ordered {
    fn next(&mut self) -> Option<Done> {
        loop {
            if let Some(done) = self.waiting.remove(&self.next) {
                self.next += 1;
                let _ = self.permits.recv();
                return Some(done);
            }
            let done = self.rx.recv().ok()?;
            self.waiting.insert(done.seq, done);
        }
    }
}

struct Consumer<'s> {
    ordered: Ordered,
    setup: &'s Setup<'s>,
}

/// The chunks of the input being read whose lines are not all handed out yet.
struct Pending {
    chunks: VecDeque<(Chunk, Vec<Line>)>,
    /// The input's last job has been received.
    complete: bool,
    /// A read error that ended the input (`at`, message), once received.
    failed: Option<(Option<LineCol>, String)>,
    /// A value (or an unreadable record) has been read: the input is not empty, even when
    /// it held only an API list with no leads.
    seen: bool,
    /// The input's last chunk so far (where it ends, for an input with nothing in it).
    last: Option<Chunk>,
}

impl Consumer<'_> {
    fn run(mut self, sink: &mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let mut records = 0u64;
        while let Some(done) = self.ordered.next() {
            if done.first {
                sink(Event::Input(done.name.clone()))?;
                records = 0;
            }
            match done.kind {
                DoneKind::Events(events) => {
                    for event in events {
                        sink(event)?;
                    }
                }
                DoneKind::Failed { at, message } => sink(Event::InputError {
                    name: done.name.clone(),
                    at,
                    message,
                })?,
                DoneKind::Stream(stream) => read_capture(
                    &done.name,
                    stream.source,
                    stream.file_name.as_deref(),
                    self.setup,
                    sink,
                )?,
                DoneKind::Fatal(e) => return Err(e),
                DoneKind::Chunk(chunk, lines) => {
                    let mut pending = Pending {
                        last: Some(chunk.clone()),
                        chunks: VecDeque::from([(chunk, lines)]),
                        complete: done.last,
                        failed: None,
                        seen: false,
                    };
                    records = self.read_input(&done.name, &mut pending, records, sink)?;
                }
            }
        }
        Ok(())
    }

    /// Hands out the records of one chunked input, starting with the chunks in `pending`
    /// and pulling the input's next ones as needed. Returns the number of records read.
    fn read_input(
        &mut self,
        name: &Arc<str>,
        pending: &mut Pending,
        mut records: u64,
        sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        // Index of the next line to hand out in the front chunk.
        let mut next_line = 0usize;
        loop {
            if pending.chunks.is_empty() {
                if !pending.complete && !self.pull(pending) {
                    break;
                }
                if pending.chunks.is_empty() {
                    break;
                }
            }
            let (_, lines) = &mut pending.chunks[0];
            if next_line >= lines.len() {
                pending.chunks.pop_front();
                next_line = 0;
                continue;
            }
            let line = &mut lines[next_line];
            match line.checked.take() {
                Some(mut checked) => {
                    pending.seen = true;
                    records += 1;
                    checked.origin.record = records;
                    sink(Event::Checked(checked))?;
                    next_line += 1;
                }
                None => {
                    let (start, at) = (line.start, line.at);
                    match self.read_sequentially(name, pending, start, at, records, sink)? {
                        Resume::At(count, chunk_index, line_index) => {
                            records = count;
                            pending.chunks.drain(..chunk_index);
                            next_line = line_index;
                        }
                        Resume::End(count) => {
                            records = count;
                            pending.chunks.clear();
                            break;
                        }
                    }
                }
            }
        }
        // Drain what is left of the input (nothing, unless the sequential reader stopped).
        while !pending.complete && self.pull(pending) {
            pending.chunks.clear();
        }
        if let Some((at, message)) = pending.failed.take() {
            sink(Event::InputError {
                name: name.clone(),
                at,
                message,
            })?;
        } else if !pending.seen {
            // An input with nothing in it: the reader's "no payload", where the input ends.
            let (at, offset) = pending.last.as_ref().map_or((LineCol::START, 0), |c| {
                (c.start.advance(&c.data), c.base + c.data.len() as u64)
            });
            let empty = Reader::resume(name.clone(), io::empty(), at, offset, 0).next();
            if let Some(Ok(item)) = empty {
                records += 1;
                sink(Event::Checked(self.setup.check(item)?))?;
            }
        }
        Ok(records)
    }

    /// Receives the input's next job into `pending`. False when there is none.
    fn pull(&mut self, pending: &mut Pending) -> bool {
        if pending.complete {
            return false;
        }
        let Some(done) = self.ordered.next() else {
            pending.complete = true;
            return false;
        };
        pending.complete = done.last;
        match done.kind {
            DoneKind::Chunk(chunk, lines) => {
                pending.last = Some(chunk.clone());
                pending.chunks.push_back((chunk, lines));
            }
            DoneKind::Failed { at, message } => pending.failed = Some((at, message)),
            DoneKind::Events(_) | DoneKind::Stream(_) | DoneKind::Fatal(_) => {}
        }
        true
    }

    /// Reads with the sequential reader from `start` (a line start at position `at`) until
    /// it stands at the start of a line the workers parsed, or the input ends.
    fn read_sequentially(
        &mut self,
        name: &Arc<str>,
        pending: &mut Pending,
        start: u64,
        at: LineCol,
        records: u64,
        sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
    ) -> anyhow::Result<Resume> {
        let setup = self.setup;
        let feed = Feed {
            consumer: self,
            pending,
            chunk: 0,
            offset: start,
        };
        let mut records = records;
        let mut reader = Reader::resume(name.clone(), feed, at, start, records);
        let mut expanded = VecDeque::new();
        loop {
            match reader.next() {
                Some(Ok(item)) => {
                    reader.get_mut().pending.seen = true;
                    // As capture::records does: API lists split into their leads, then
                    // every record numbered.
                    capture::expand(item, &mut expanded);
                    for mut item in expanded.drain(..) {
                        records += 1;
                        match &mut item {
                            Item::Record(r) => r.origin.record = records,
                            Item::Unreadable(u) => u.origin.record = records,
                        }
                        sink(Event::Checked(setup.check(item)?))?;
                    }
                }
                // Feed fails only with the input's own read error, which is reported
                // (with the producer's position) once the input is done.
                Some(Err(_)) => return Ok(Resume::End(records)),
                None => return Ok(Resume::End(records)),
            }
            // Back to the workers' results when the next record starts a line they parsed.
            match reader.next_start() {
                Ok(Some((_, offset))) => {
                    if let Some((c, l)) = find_line(&reader.get_ref().pending.chunks, offset) {
                        return Ok(Resume::At(records, c, l));
                    }
                    // Chunks wholly behind the reader are not needed any more.
                    let feed = reader.get_mut();
                    while feed.chunk > 0
                        && feed
                            .pending
                            .chunks
                            .front()
                            .is_some_and(|(c, _)| c.base + c.data.len() as u64 <= offset)
                    {
                        feed.pending.chunks.pop_front();
                        feed.chunk -= 1;
                    }
                }
                Ok(None) => return Ok(Resume::End(records)),
                Err(_) => {} // reported by the next call to `next`
            }
        }
    }
}

enum Resume {
    /// Records read so far, and where to go on: chunk index and line index in `pending`.
    At(u64, usize, usize),
    /// The input ended; records read.
    End(u64),
}

/// The line (chunk index, line index) whose value starts at `offset` and was parsed.
fn find_line(chunks: &VecDeque<(Chunk, Vec<Line>)>, offset: u64) -> Option<(usize, usize)> {
    for (c, (chunk, lines)) in chunks.iter().enumerate() {
        if offset < chunk.base || offset >= chunk.base + chunk.data.len() as u64 {
            continue;
        }
        let l = lines.partition_point(|line| line.value_start < offset);
        return lines
            .get(l)
            .filter(|line| line.value_start == offset && line.checked.is_some())
            .map(|_| (c, l));
    }
    None
}

/// The bytes of an input from a given offset on, out of the chunks in `pending` and the ones
/// pulled after them: what the sequential reader reads in the fallback.
struct Feed<'a, 'c> {
    consumer: &'a mut Consumer<'c>,
    pending: &'a mut Pending,
    /// Index in `pending.chunks` of the chunk being read.
    chunk: usize,
    /// Offset in the input of the next byte to hand out.
    offset: u64,
}

impl Read for Feed<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.chunk >= self.pending.chunks.len() {
                if !self.consumer.pull(self.pending) {
                    if let Some((_, message)) = &self.pending.failed {
                        return Err(io::Error::other(message.clone()));
                    }
                    return Ok(0);
                }
                continue;
            }
            let (chunk, _) = &self.pending.chunks[self.chunk];
            let end = chunk.base + chunk.data.len() as u64;
            if self.offset >= end {
                self.chunk += 1;
                continue;
            }
            let from = (self.offset.max(chunk.base) - chunk.base) as usize;
            let n = buf.len().min(chunk.data.len() - from);
            buf[..n].copy_from_slice(&chunk.data[from..from + n]);
            self.offset = chunk.base + (from + n) as u64;
            return Ok(n);
        }
    }
}
