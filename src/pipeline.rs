//! Checking many records on every core, in constant memory, with results in input order.
//!
//! Parsing is most of the cost of validation, so it is what runs in parallel:
//!
//! - a **producer** thread cuts each large input (and stdin) into chunks of about 1 MiB
//!   that end on a line break, and sends small files whole;
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
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::input::{self, Input, MAX_RECORD_BYTES, Origin, Reader, Source};
use crate::position::LineCol;
use crate::schema::Schema;
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
/// Files up to this size are read and checked whole by one worker.
const SMALL_FILE: u64 = 1 << 20;

/// The number of threads to check with by default: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Checks every record of `inputs` with `jobs` worker threads (default: one per core) and
/// hands the events to `sink` in input order. A sink error (such as a closed output pipe)
/// stops everything and is returned.
pub fn check_inputs(
    inputs: Vec<Input>,
    schema: &Schema,
    options: Options,
    jobs: Option<usize>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    // One small file is done before threads would have started (and before the core count,
    // which reads cgroup files, is known).
    let single_small_file = inputs.len() == 1 && small_file(&inputs[0]).is_some();
    let jobs = if single_small_file {
        1
    } else {
        jobs.unwrap_or_else(default_jobs)
    };
    if jobs <= 1 {
        for input in inputs {
            check_sequential(&input, schema, options, sink)?;
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
    std::thread::spawn(move || produce(inputs, job_tx, permit_tx, &producer_cancel));
    let job_rx = Mutex::new(job_rx);
    let result = std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<Done>();
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let (job_rx, cancel) = (&job_rx, &*cancel);
            scope.spawn(move || work(job_rx, done_tx, schema, options, cancel));
        }
        drop(done_tx);
        let result = Consumer {
            ordered: Ordered {
                rx: done_rx,
                waiting: BTreeMap::new(),
                next: 0,
                permits: permit_rx,
            },
            schema,
            options,
        }
        .run(sink);
        cancel.store(true, Ordering::Relaxed);
        result
    });
    drop(job_rx);
    result
}

/// The reference path: one input read and checked on this thread.
pub fn check_sequential(
    input: &Input,
    schema: &Schema,
    options: Options,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    sink(Event::Input(input.name.clone()))?;
    match input.open() {
        Ok(source) => read_all(
            &input.name,
            Reader::new(input.name.clone(), source),
            schema,
            options,
            sink,
        ),
        Err(e) => sink(Event::InputError {
            name: input.name.clone(),
            at: None,
            message: format!("cannot open: {}", input::io_message(&e)),
        }),
    }
}

/// Reads a reader to its end, checking each record.
fn read_all<R: Read>(
    name: &Arc<str>,
    mut reader: Reader<R>,
    schema: &Schema,
    options: Options,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    while let Some(item) = reader.next() {
        match item {
            Ok(item) => sink(Event::Checked(validate::check_item(schema, item, options)))?,
            Err(e) => {
                return sink(Event::InputError {
                    name: name.clone(),
                    at: Some(reader.position()),
                    message: format!("cannot read: {}", input::io_message(&e)),
                });
            }
        }
    }
    Ok(())
}

fn small_file(input: &Input) -> Option<PathBuf> {
    match &input.source {
        Source::File(path) => std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= SMALL_FILE)
            .map(|_| path.clone()),
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
    /// A small file, read and checked whole by the worker.
    File(Input),
    /// Lines of a large input.
    Chunk(Chunk),
    /// The input could not be opened or read; passed through to keep the order.
    Failed {
        at: Option<LineCol>,
        message: String,
    },
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

fn produce(inputs: Vec<Input>, tx: SyncSender<Job>, permits: SyncSender<()>, cancel: &AtomicBool) {
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
    for input in inputs {
        let name = input.name.clone();
        if small_file(&input).is_some() {
            if !send(&name, true, true, JobKind::File(input)) {
                return;
            }
            continue;
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
        let mut first = true;
        let mut carry: Vec<u8> = Vec::new();
        let mut base = 0u64;
        let mut at = LineCol::START;
        let mut mid_line = false;
        loop {
            let mut buf = std::mem::take(&mut carry);
            buf.reserve(CHUNK.saturating_sub(buf.len()));
            let (eof, error) = fill(&mut source, &mut buf);
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
fn fill(source: &mut dyn Read, buf: &mut Vec<u8>) -> (bool, Option<io::Error>) {
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
                let full = buf.len() >= CHUNK;
                let drained = n < want && memchr::memchr(b'\n', &buf[start..]).is_some();
                if full || drained {
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

fn work(
    jobs: &Mutex<Receiver<Job>>,
    results: mpsc::Sender<Done>,
    schema: &Schema,
    options: Options,
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
        let kind = match job.kind {
            JobKind::File(input) => {
                let mut events = Vec::new();
                let _ = check_sequential(&input, schema, options, &mut |e| {
                    events.push(e);
                    Ok(())
                });
                // The consumer announces the input itself.
                events.retain(|e| !matches!(e, Event::Input(_)));
                DoneKind::Events(events)
            }
            JobKind::Chunk(chunk) => {
                let lines = check_lines(&chunk, &job.name, schema, options);
                DoneKind::Chunk(chunk, lines)
            }
            JobKind::Failed { at, message } => DoneKind::Failed { at, message },
        };
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

/// Parses and checks each line of a chunk that is exactly one JSON value.
fn check_lines(chunk: &Chunk, name: &Arc<str>, schema: &Schema, options: Options) -> Vec<Line> {
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
        if lead < line.len() && !skip {
            let open = !terminated && chunk.open_end;
            let value_start = chunk.base + (start + lead) as u64;
            let checked = if open || line.len() > MAX_RECORD_BYTES {
                None
            } else {
                serde_json::from_slice::<Value>(line).ok().map(|value| {
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
                    validate::check_parts(schema, &origin, &value, raw, options)
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
    schema: &'s Schema,
    options: Options,
}

/// The chunks of the input being read whose lines are not all handed out yet.
struct Pending {
    chunks: VecDeque<(Chunk, Vec<Line>)>,
    /// The input's last job has been received.
    complete: bool,
    /// A read error that ended the input (`at`, message), once received.
    failed: Option<(Option<LineCol>, String)>,
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
                DoneKind::Chunk(chunk, lines) => {
                    let mut pending = Pending {
                        chunks: VecDeque::from([(chunk, lines)]),
                        complete: done.last,
                        failed: None,
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
        } else if records == 0 {
            // An input with no record at all: the reader's "no payload".
            let empty = Reader::new(name.clone(), io::empty()).next();
            if let Some(Ok(item)) = empty {
                records = 1;
                sink(Event::Checked(validate::check_item(
                    self.schema,
                    item,
                    self.options,
                )))?;
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
            DoneKind::Chunk(chunk, lines) => pending.chunks.push_back((chunk, lines)),
            DoneKind::Failed { at, message } => pending.failed = Some((at, message)),
            DoneKind::Events(_) => {}
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
        let (schema, options) = (self.schema, self.options);
        let feed = Feed {
            consumer: self,
            pending,
            chunk: 0,
            offset: start,
        };
        let mut reader = Reader::resume(name.clone(), feed, at, start, records);
        loop {
            match reader.next() {
                Some(Ok(item)) => {
                    sink(Event::Checked(validate::check_item(schema, item, options)))?
                }
                // Feed fails only with the input's own read error, which is reported
                // (with the producer's position) once the input is done.
                Some(Err(_)) => return Ok(Resume::End(reader.records())),
                None => return Ok(Resume::End(reader.records())),
            }
            // Back to the workers' results when the next record starts a line they parsed.
            let next = reader.next_start();
            let count = reader.records();
            match next {
                Ok(Some((_, offset))) => {
                    if let Some((c, l)) = find_line(&reader.get_ref().pending.chunks, offset) {
                        return Ok(Resume::At(count, c, l));
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
                Ok(None) => return Ok(Resume::End(count)),
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
