//! The scanner: the one front door for records. Inputs go in; every record (or unreadable
//! record) of every input comes out, worked on by the command's [`Work`] function, numbered
//! once, in input order, with input failures in their place, on every core.
//!
//! Parsing is most of the cost of reading, so it is what runs in parallel:
//!
//! - a **producer** thread opens each input and detects its format once
//!   ([`capture::open`]). Small files go to the workers whole, in batches. JSON text (plain
//!   or decompressed) is cut into chunks of about 256 KiB that end on a line break. Framed
//!   captures (HTTP, HAR, form) are cut into their bodies, in batches;
//! - **workers** parse each line of a chunk as one JSON value, read each body, read each
//!   small file, and run the work function on every record;
//! - the **consumer** (the calling thread) puts the results back in input order, numbers
//!   the records and hands them to the sink.
//!
//! A line that is not exactly one JSON value (a pretty-printed record spanning lines,
//! several values on one line, a malformed record) is not an error of the fast path: the
//! consumer reads from that line on with the sequential [`Reader`], feeding it the following
//! chunks, and goes back to the workers' results as soon as the reader stands at the start
//! of a line they parsed. So the records, their numbers, positions and errors are exactly
//! those of the sequential reader ([`capture::read_input`]), whatever the number of threads
//! (the tests compare both).
//!
//! Memory stays flat: at most a few jobs per worker are in flight, and the consumer keeps
//! the chunks of the input it reads sequentially only while it may still need them. An
//! output that keeps its line ([`LineText::hold`]) keeps its chunk until the sink drops it.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender, bounded, select, unbounded};

use crate::capture::{self, Framing, ReadOptions, Unit};
use crate::input::{Input, InputError, Source};
use crate::position::{LineCol, Mark};
use crate::reader::{Damage, MAX_RECORD_BYTES, Reader, io_message};
use crate::record::{Item, Numbered, Origin, Record};

/// What a command does with each record, on whichever thread is free.
pub trait Work: Sync {
    type Output: Send + Numbered;
    fn work(&self, item: Item) -> Self::Output;

    /// A shortcut for a record that is a whole line of an NDJSON input (`line`, from its
    /// first byte that is not blank to its last, at `origin`): the output without the text
    /// parsed into an [`Item`], or `None` to have it parsed and given to [`Work::work`]. It
    /// must give what `work` would, and leave API list responses (whose leads are records
    /// of their own) to it.
    fn line(&self, line: LineText<'_>, origin: &Origin) -> Option<Self::Output> {
        let _ = (line, origin);
        None
    }

    /// [`Work::line`] on each line of a chunk, in order, into `out` (one entry a line): a
    /// work may take them in passes over the batch (see [`crate::check::check_lines`]).
    fn lines(&self, lines: &[(LineText<'_>, Origin)], out: &mut Vec<Option<Self::Output>>) {
        out.extend(lines.iter().map(|(line, origin)| self.line(*line, origin)));
    }
}

/// The text of a line handed to [`Work::line`], and a way to keep it past the call
/// ([`LineText::hold`]) without a copy.
#[derive(Clone, Copy)]
pub struct LineText<'a> {
    block: &'a Arc<Block>,
    start: usize,
    end: usize,
    /// Whether the text holds no line break ([`LineText::is_flat`]).
    flat: bool,
}

impl<'a> LineText<'a> {
    /// The line's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        &self.block[self.start..self.end]
    }

    /// Whether the text is known to hold no line break: a line the scanner split at line
    /// breaks, or a part of a [`HeldText`] found to have none. Its places are then counted
    /// in characters alone.
    pub fn is_flat(&self) -> bool {
        self.flat
    }

    /// The line, kept: the chunk it lies in stays out of the producer's pool while the
    /// [`HeldText`] lives (an output that holds one holds its chunk).
    pub fn hold(&self) -> HeldText {
        HeldText {
            block: Arc::clone(self.block),
            start: self.start,
            end: self.end,
        }
    }
}

/// A line's text that outlives the work on it ([`LineText::hold`]), or any text
/// ([`HeldText::new`]); the bytes through `Deref`.
#[derive(Clone)]
pub struct HeldText {
    block: Arc<Block>,
    start: usize,
    end: usize,
}

impl HeldText {
    /// Text of one's own, held as a line's is.
    pub fn new(text: Vec<u8>) -> HeldText {
        let end = text.len();
        HeldText {
            block: Arc::new(Block {
                buf: text,
                len: end,
                pool: None,
            }),
            start: 0,
            end,
        }
    }

    /// The text as a line handed to [`Work::line`].
    pub fn line(&self) -> LineText<'_> {
        self.part(0..self.end - self.start)
    }

    /// The bytes `range` of the text as a line handed to [`Work::line`]. Panics when the
    /// range is not within the text, as slicing does.
    pub fn part(&self, range: std::ops::Range<usize>) -> LineText<'_> {
        let text = &self[range.clone()];
        LineText {
            block: &self.block,
            start: self.start + range.start,
            end: self.start + range.end,
            flat: memchr::memchr(b'\n', text).is_none(),
        }
    }
}

impl std::ops::Deref for HeldText {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.block[self.start..self.end]
    }
}

impl std::fmt::Debug for HeldText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldText({} bytes)", self.end - self.start)
    }
}

/// Any `Fn(Item) -> T` is a work function.
impl<T: Send + Numbered, F: Fn(Item) -> T + Sync> Work for F {
    type Output = T;
    fn work(&self, item: Item) -> T {
        self(item)
    }
}

/// What the scanner hands out, in input order.
#[derive(Debug)]
pub enum Event<T> {
    /// An input is about to be read (every input gets one, also one that fails to open).
    Input { name: Arc<str>, size: Option<u64> },
    /// A record, worked on.
    Item(T),
    /// The input could not be opened, or reading it failed part way.
    Failed(InputError),
    /// Nothing more is ready for now (the input is a live stream that paused): a moment
    /// to flush output.
    Idle,
}

impl<T> Event<T> {
    /// The same event with its item turned into another.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Event<U> {
        match self {
            Event::Input { name, size } => Event::Input { name, size },
            Event::Item(t) => Event::Item(f(t)),
            Event::Failed(e) => Event::Failed(e),
            Event::Idle => Event::Idle,
        }
    }
}

/// How the scanner reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub read: ReadOptions,
    /// Threads that parse and work (default: one per core).
    pub jobs: Option<usize>,
    /// Every input read on the calling thread by the sequential reader, each record parsed
    /// into a value and given to [`Work::work`]: the reference the pipeline is tested
    /// against, two to three times the work of the pipeline's lines (see [`scan`]).
    pub sequential: bool,
}

/// A worker thread panicked: the run cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("internal error: a worker thread panicked")
    }
}

impl std::error::Error for Panicked {}

/// Size of the chunks large inputs are cut into.
const CHUNK: usize = 256 << 10;
/// Lines in a chunk at most (a chunk of 256 KiB of `{}` would otherwise be 87,000 records).
const CHUNK_LINES: usize = 4096;
/// What a pipe holds on Linux: a read that returns less was not waiting on a full pipe.
const PIPE_BUFFER: usize = 64 << 10;
/// Files up to this size are read and worked on whole by one worker.
const SMALL_FILE: u64 = 1 << 20;
/// Small files go to the workers in batches of at most this many files and bytes.
const BATCH_FILES: usize = 32;
const BATCH_BYTES: u64 = 256 << 10;
/// Bodies of a framed capture go to the workers in batches of at most this many.
const BATCH_UNITS: usize = 64;
/// How far behind the sequential reader the consumer keeps chunks it might go back to.
const KEEP_BEHIND: u64 = 8 << 20;

/// The number of threads to work with by default: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads every record of `inputs`, works on each with `work`, and hands the events to
/// `sink` in input order. A sink error (such as a closed output pipe) stops everything and
/// is returned.
pub fn scan<W, E>(
    inputs: Vec<Input>,
    options: &Options,
    work: &W,
    sink: &mut dyn FnMut(Event<W::Output>) -> Result<(), E>,
) -> Result<(), E>
where
    W: Work,
    E: From<Panicked>,
{
    // One small file is done before threads would have started (and before the core count,
    // which reads cgroup files, is known). Anything else goes through the pipeline, also
    // with one job (one core, or -j1): its workers take each line of NDJSON of a chunked
    // input (stdin, a file over 1 MiB) where it lies ([`Work::line`]), where the
    // sequential reader builds the record's value first, which for `validate -q` on a
    // capture of Chat payloads is 2.5 times the CPU time. (Small files, in batches, are
    // still read whole into values.)
    let single_small_file = inputs.len() == 1 && small(&inputs[0]);
    if options.sequential || single_small_file {
        for input in &inputs {
            sequential(input, options.read, work, sink)?;
        }
        return Ok(());
    }
    let jobs = options.jobs.unwrap_or_else(default_jobs).max(1);
    // The producer is not scoped: it may be blocked reading a pipe that never ends when the
    // output closes, and must not keep the run from finishing. It stops once the job queue
    // is gone.
    let cancel = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = bounded::<Job>(jobs + 1);
    // One permit per job sent and not yet handed out: the bound on memory in flight, even
    // when the consumer falls behind the workers.
    let (permit_tx, permit_rx) = bounded::<()>(jobs * 3);
    let producer_cancel = Arc::clone(&cancel);
    let read = options.read;
    std::thread::spawn(move || {
        Producer {
            size: None,
            tx: job_tx,
            permits: permit_tx,
            cancel: producer_cancel,
            seq: 0,
            read,
        }
        .run(inputs)
    });
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = unbounded::<Done<W::Output>>();
        // Dropped when the consumer is done: the workers stop, even while the producer is
        // still blocked on an input that never ends.
        let (stop_tx, stop_rx) = bounded::<()>(0);
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let job_rx = job_rx.clone();
            let stop_rx = stop_rx.clone();
            scope.spawn(move || worker(job_rx, stop_rx, done_tx, work, read));
        }
        drop(done_tx);
        drop(job_rx);
        let result = Consumer {
            ordered: Ordered {
                rx: done_rx,
                waiting: BTreeMap::new(),
                next: 0,
                permits: permit_rx,
            },
            work,
            lists: read.lists,
        }
        .run(sink);
        cancel.store(true, Ordering::Relaxed);
        drop(stop_tx);
        result
    })
}

/// One input read on this thread: the reference the parallel path matches.
fn sequential<W: Work, E>(
    input: &Input,
    read: ReadOptions,
    work: &W,
    sink: &mut dyn FnMut(Event<W::Output>) -> Result<(), E>,
) -> Result<(), E> {
    sink(Event::Input {
        name: input.name.clone(),
        size: input.size,
    })?;
    let stdin = input.source == Source::Stdin;
    capture::read_input(input, read, &mut |r| match r {
        Ok(item) => {
            sink(Event::Item(work.work(item)))?;
            // A live stream that paused: the moment to show what was found.
            if stdin && !stdin_ready() {
                sink(Event::Idle)?;
            }
            Ok(())
        }
        Err(e) => sink(Event::Failed(e)),
    })
}

/// A regular file small enough to be read whole by one worker.
fn small(input: &Input) -> bool {
    input.source != Source::Stdin && input.size.is_some_and(|s| s <= SMALL_FILE)
}

/// A unit of work, numbered in input order.
struct Job {
    seq: u64,
    input: Arc<str>,
    size: Option<u64>,
    /// The first job of its input (the files of a batch announce themselves).
    first: bool,
    /// The last job of its input.
    last: bool,
    part: Part,
}

enum Part {
    /// Small files, each read and worked on whole by the worker (batched, so that a
    /// thousand fixture files are a few dozen hand-offs between threads, not thousands).
    Files(Vec<Input>),
    /// Lines of JSON text.
    Chunk(Chunk),
    /// Bodies of a framed capture.
    Units(Vec<Unit>),
    /// The input could not be opened or read; passed through to keep the order.
    Failed(InputError),
}

#[derive(Clone)]
struct Chunk {
    data: Arc<Block>,
    /// Where `data[0]` is in the input.
    start: Mark,
    /// The chunk starts in the middle of a line (the previous chunk had no line break).
    mid_line: bool,
    /// The chunk ends in the middle of a line that goes on in the next chunk.
    open_end: bool,
    /// The damage of a compressed input (known once its last chunk is read).
    damage: Option<Damage>,
}

/// A chunk's bytes, in a buffer that goes back to the producer's pool when the last
/// holder lets go of it: the next chunk is read into memory already written, where a new
/// buffer would be zeroed before a read fills it (memset was 2.8 % of `validate -q`'s
/// samples on a 256 MB capture).
struct Block {
    /// Written in full (a buffer keeps the length it once had); the chunk is `buf[..len]`.
    buf: Vec<u8>,
    len: usize,
    /// `None` for text of a [`HeldText::new`].
    pool: Option<Sender<Vec<u8>>>,
}

impl std::ops::Deref for Block {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // A full pool (or a producer gone) lets the buffer be freed.
        if let Some(pool) = &self.pool {
            let _ = pool.try_send(std::mem::take(&mut self.buf));
        }
    }
}

/// How many spare buffers the producer keeps: a few chunks are in flight at a time.
const POOL: usize = 8;

impl Chunk {
    fn end(&self) -> u64 {
        self.start.offset + self.data.len() as u64
    }
}

/// A finished job.
struct Done<T> {
    seq: u64,
    input: Arc<str>,
    size: Option<u64>,
    first: bool,
    last: bool,
    result: Finished<T>,
}

enum Finished<T> {
    Events(Vec<Event<T>>),
    Chunk(Chunk, Vec<Line<T>>),
    Outputs(Vec<T>),
    Failed(InputError),
    Panicked,
}

/// A non-blank line of a chunk, as a worker left it.
struct Line<T> {
    /// Where the line's first byte is.
    start: Mark,
    /// Offset of the first non-blank byte.
    value_start: u64,
    /// `Some` when the line is exactly one JSON value (its records, worked on); `None`
    /// when the sequential reader must read it.
    outputs: Option<Vec<T>>,
}

struct Producer {
    /// The size of the input being cut, when known.
    size: Option<u64>,
    tx: Sender<Job>,
    permits: Sender<()>,
    cancel: Arc<AtomicBool>,
    seq: u64,
    read: ReadOptions,
}

impl Producer {
    /// Sends a job; false when the run is over.
    fn send(&mut self, input: &Arc<str>, first: bool, last: bool, part: Part) -> bool {
        if self.cancel.load(Ordering::Relaxed) || self.permits.send(()).is_err() {
            return false;
        }
        let job = Job {
            seq: self.seq,
            input: input.clone(),
            size: self.size,
            first,
            last,
            part,
        };
        self.seq += 1;
        self.tx.send(job).is_ok()
    }

    fn run(mut self, inputs: Vec<Input>) {
        let mut batch: Vec<Input> = Vec::new();
        let mut batch_bytes = 0u64;
        let batch_name: Arc<str> = Arc::from("");
        for input in inputs {
            if small(&input) {
                batch_bytes += input.size.unwrap_or(0);
                batch.push(input);
                if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
                    let files = std::mem::take(&mut batch);
                    batch_bytes = 0;
                    self.size = None;
                    if !self.send(&batch_name, false, false, Part::Files(files)) {
                        return;
                    }
                }
                continue;
            }
            if !batch.is_empty() {
                let files = std::mem::take(&mut batch);
                batch_bytes = 0;
                if !self.send(&batch_name, false, false, Part::Files(files)) {
                    return;
                }
            }
            if !self.input(&input) {
                return;
            }
        }
        if !batch.is_empty() {
            self.send(&batch_name, false, false, Part::Files(batch));
        }
    }

    /// Cuts one input into jobs. False when the run is over.
    fn input(&mut self, input: &Input) -> bool {
        let name = &input.name;
        self.size = input.size;
        let source = match input.open() {
            Ok(source) => source,
            Err(e) => return self.send(name, true, true, Part::Failed(e)),
        };
        let stdin = input.source == Source::Stdin;
        if stdin {
            widen_stdin_pipe();
        }
        let framing = match capture::open(source, self.read.format, input.file_name()) {
            Ok(framing) => framing,
            Err(e) => {
                let e = input.error(
                    Some(LineCol::START),
                    format!("cannot read: {}", io_message(&e)),
                );
                return self.send(name, true, true, Part::Failed(e));
            }
        };
        match framing {
            Framing::Json { src, damage } => self.chunks(input, src, damage, stdin),
            Framing::Units(units) => self.units(input, units, stdin),
        }
    }

    /// JSON text, cut into chunks on line breaks.
    fn chunks(
        &mut self,
        input: &Input,
        mut source: Box<dyn Read + Send>,
        damage: Option<Damage>,
        stdin: bool,
    ) -> bool {
        let name = &input.name;
        let mut first = true;
        let (pool_tx, pool) = bounded::<Vec<u8>>(POOL);
        // The chunk being read: `buf[..len]` holds its bytes so far (what was left of the
        // previous chunk first), all of `buf` has been written.
        let mut buf: Vec<u8> = Vec::new();
        let mut len = 0usize;
        let mut start = Mark::START;
        let mut mid_line = false;
        loop {
            let (eof, error) = fill(&mut source, &mut buf, &mut len, stdin);
            let chunk = |buf: Vec<u8>, len: usize, mid_line, open_end| Chunk {
                data: Arc::new(Block {
                    buf,
                    len,
                    pool: Some(pool_tx.clone()),
                }),
                start,
                mid_line,
                open_end,
                damage: damage.clone(),
            };
            if let Some(e) = error {
                // What was read before the error is still read, then the error reported.
                let c = chunk(buf, len, mid_line, false);
                let end = c.start.advance(&c.data);
                let e = input.error(Some(end.at), format!("cannot read: {}", io_message(&e)));
                return self.send(name, first, false, Part::Chunk(c))
                    && self.send(name, false, true, Part::Failed(e));
            }
            if eof {
                let c = chunk(buf, len, mid_line, false);
                return self.send(name, first, true, Part::Chunk(c));
            }
            // Cut after the last line break; keep the rest for the next chunk. A chunk
            // without one is sent as it is (a long line is never held whole here).
            let (open_end, mut cut) = match memchr::memrchr(b'\n', &buf[..len]) {
                Some(i) => (false, i + 1),
                None => (true, len),
            };
            // At most CHUNK_LINES lines: what a chunk's records become (a violation or
            // more each) is held until it is handed out, so tiny records make shorter chunks.
            if let Some(i) = memchr::memchr_iter(b'\n', &buf[..cut]).nth(CHUNK_LINES - 1) {
                cut = i + 1;
            }
            // The rest goes first into the next buffer, a spare one when there is one.
            let mut next = pool.try_recv().unwrap_or_default();
            let rest = len - cut;
            if next.len() < rest {
                next.resize(rest, 0);
            }
            next[..rest].copy_from_slice(&buf[cut..len]);
            let c = chunk(std::mem::replace(&mut buf, next), cut, mid_line, open_end);
            len = rest;
            start = c.start.advance(&c.data);
            mid_line = open_end;
            if !self.send(name, first, false, Part::Chunk(c)) {
                return false;
            }
            first = false;
        }
    }

    /// Bodies of a framed capture, in batches.
    fn units(
        &mut self,
        input: &Input,
        units: Box<dyn Iterator<Item = io::Result<Unit>> + Send>,
        stdin: bool,
    ) -> bool {
        let name = &input.name;
        let mut first = true;
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        let mut last = LineCol::START;
        for unit in units {
            match unit {
                Ok(unit) => {
                    if let Unit::Body(b) = &unit {
                        bytes += b.text.len();
                        last = b.start.at;
                    }
                    batch.push(unit);
                    // A live stream's bodies go out as they come.
                    let pause = stdin && !stdin_ready();
                    if batch.len() >= BATCH_UNITS || bytes >= CHUNK || pause {
                        let part = Part::Units(std::mem::take(&mut batch));
                        bytes = 0;
                        if !self.send(name, first, false, part) {
                            return false;
                        }
                        first = false;
                    }
                }
                Err(e) => {
                    let e = input.error(Some(last), format!("cannot read: {}", io_message(&e)));
                    let part = Part::Units(std::mem::take(&mut batch));
                    return self.send(name, first, false, part)
                        && self.send(name, false, true, Part::Failed(e));
                }
            }
        }
        self.send(name, first, true, Part::Units(batch))
    }
}

/// Reads until `buf[..*len]` holds a chunk, or less when the source has nothing more for
/// now (a pipe fed as events happen) and a whole line is in. Returns (end of input, error).
/// `buf` is written in full: it is read into where it is long enough, and grown (zeroed)
/// only where it is not.
///
/// "Nothing more for now" is asked of stdin with poll(2), so a pipe that is read faster
/// than it is written still makes full chunks (few hand-offs between threads) while
/// `tail -f log | leadcheck validate` reports each record as it comes. Other sources (a
/// FIFO named as a file) count a read short of a pipe's 64 KiB as a pause.
fn fill(
    source: &mut dyn Read,
    buf: &mut Vec<u8>,
    len: &mut usize,
    stdin: bool,
) -> (bool, Option<io::Error>) {
    // Whole lines left from before go out first when stdin has nothing more for now.
    if stdin && memchr::memchr(b'\n', &buf[..*len]).is_some() && !stdin_ready() {
        return (false, None);
    }
    let start = *len;
    loop {
        let old = *len;
        let want = CHUNK.max(old + 1) - old;
        if buf.len() < old + want {
            buf.resize(old + want, 0);
        }
        match source.read(&mut buf[old..old + want]) {
            Ok(0) => return (true, None),
            Ok(n) => {
                *len = old + n;
                if *len >= CHUNK {
                    return (false, None);
                }
                let paused = if stdin {
                    !stdin_ready()
                } else {
                    n < want.min(PIPE_BUFFER)
                };
                if paused && memchr::memchr(b'\n', &buf[start..*len]).is_some() {
                    return (false, None);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (false, Some(e)),
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

fn worker<W: Work>(
    jobs: Receiver<Job>,
    stop: Receiver<()>,
    results: Sender<Done<W::Output>>,
    work: &W,
    read: ReadOptions,
) {
    loop {
        let job = select! {
            recv(jobs) -> job => match job {
                Ok(job) => job,
                Err(_) => return,
            },
            recv(stop) -> _ => return,
        };
        // A panic in a worker would leave its job's place in the order empty and the
        // consumer waiting for ever: it becomes an error that ends the run instead.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_job(job.part, &job.input, work, read)
        }))
        .unwrap_or(Finished::Panicked);
        let done = Done {
            seq: job.seq,
            input: job.input,
            size: job.size,
            first: job.first,
            last: job.last,
            result,
        };
        if results.send(done).is_err() {
            return;
        }
    }
}

/// Does one job.
fn run_job<W: Work>(
    part: Part,
    name: &Arc<str>,
    work: &W,
    read: ReadOptions,
) -> Finished<W::Output> {
    match part {
        Part::Files(files) => {
            let mut events = Vec::new();
            for input in &files {
                let _ = sequential(input, read, work, &mut |e| {
                    events.push(e);
                    Ok::<(), ()>(())
                });
            }
            Finished::Events(events)
        }
        Part::Chunk(chunk) => {
            let lines = read_lines(&chunk, name, work, read);
            Finished::Chunk(chunk, lines)
        }
        Part::Units(units) => Finished::Outputs(
            units
                .into_iter()
                .flat_map(|unit| capture::read_unit(name, unit, read.lists))
                .map(|item| work.work(item))
                .collect(),
        ),
        Part::Failed(e) => Finished::Failed(e),
    }
}

/// Parses each line of a chunk that is exactly one JSON value and works on its records.
fn read_lines<W: Work>(
    chunk: &Chunk,
    name: &Arc<str>,
    work: &W,
    read: ReadOptions,
) -> Vec<Line<W::Output>> {
    let data = &chunk.data[..];
    let mut lines = Vec::with_capacity(data.len() / 2048 + 1);
    let mut start = 0usize;
    // Line starts are counted by lines; columns are only ever 1 at a line start, except
    // for a chunk that starts mid-line (whose first line belongs to the previous chunk).
    let mut line_no = chunk.start.at.line;
    let mut ends = memchr::memchr_iter(b'\n', data).map(|i| (i, true));
    // The lines that may be one JSON value each: their index in `lines`, and their text.
    let mut indices = Vec::with_capacity(lines.capacity());
    let mut batch = Vec::with_capacity(lines.capacity());
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
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | 0x1E))
            .unwrap_or(line.len());
        // The continuation of a line that started in the previous chunk belongs to it.
        let skip = is_first && chunk.mid_line;
        // A line that goes on in the next chunk is always handed to the sequential reader,
        // even when its part here is blank: what follows belongs to it.
        let open = !terminated && chunk.open_end;
        if (lead < line.len() || open) && !skip {
            let at = if is_first {
                chunk.start.at
            } else {
                LineCol {
                    line: line_no,
                    column: 1,
                }
            };
            let line_start = Mark {
                offset: chunk.start.offset + start as u64,
                at,
            };
            let value_start = line_start.offset + lead as u64;
            if !open && line.len() <= MAX_RECORD_BYTES {
                let line = LineText {
                    block: &chunk.data,
                    start: start + lead,
                    end,
                    // Lines end at line breaks.
                    flat: true,
                };
                indices.push(lines.len());
                batch.push(whole_line(line, lead, line_start, name));
            }
            lines.push(Line {
                start: line_start,
                value_start,
                outputs: None,
            });
        }
        line_no += 1;
        start = end + 1;
        if !terminated {
            break;
        }
    }
    // The lines worked on in place, all at once (see `Work::lines`); those it leaves are
    // parsed here.
    let mut done = Vec::with_capacity(batch.len());
    work.lines(&batch, &mut done);
    // One output a line; a line a work left without one is parsed below, never dropped.
    done.resize_with(batch.len(), || None);
    for ((i, (line, origin)), done) in indices.into_iter().zip(batch).zip(done) {
        lines[i].outputs = match done {
            Some(done) => Some(vec![done]),
            None => parse_line(line, origin, work, read.lists),
        };
    }
    lines
}

/// A line that may be exactly one JSON value, from its first non-blank byte (`lead` bytes
/// into the line starting at `line_start`) to its last, and where that is.
fn whole_line<'a>(
    mut line: LineText<'a>,
    lead: usize,
    line_start: Mark,
    name: &Arc<str>,
) -> (LineText<'a>, Origin) {
    line.end = line.start + trim_end(line.bytes()).len();
    // The leading blanks are single-byte characters.
    let mut start = line_start;
    start.offset += lead as u64;
    start.at.column += lead as u64;
    (line, Origin::at(name.clone(), start))
}

/// A line that [`Work::lines`] left, when it is exactly one JSON value: its records,
/// worked on. `None` for anything else, which the sequential reader reads.
fn parse_line<W: Work>(
    line: LineText<'_>,
    origin: Origin,
    work: &W,
    lists: bool,
) -> Option<Vec<W::Output>> {
    let text = line.bytes();
    // UTF-8 checked once for the whole line, in bulk, rather than string by string as
    // `from_slice` does (a tenth of the run's time on payloads of many short strings);
    // a line that is not UTF-8 goes to the sequential reader, which says where.
    let value = serde_json::from_str(std::str::from_utf8(text).ok()?).ok()?;
    let item = Item::Record(Record::verbatim(origin, value, text.to_vec()));
    Some(
        capture::split_lists(item, lists)
            .into_iter()
            .map(|item| work.work(item))
            .collect(),
    )
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Finished jobs, handed out in order.
struct Ordered<T> {
    rx: Receiver<Done<T>>,
    waiting: BTreeMap<u64, Done<T>>,
    next: u64,
    /// Handing a job out gives its permit back to the producer.
    permits: Receiver<()>,
}

impl<T> Ordered<T> {
    /// The next job in order; `idle` is called before waiting for it.
    fn next(&mut self, idle: &mut dyn FnMut() -> bool) -> Option<Done<T>> {
        loop {
            if let Some(done) = self.waiting.remove(&self.next) {
                self.next += 1;
                let _ = self.permits.recv();
                return Some(done);
            }
            let done = match self.rx.try_recv() {
                Ok(done) => done,
                Err(_) => {
                    if !idle() {
                        return None;
                    }
                    self.rx.recv().ok()?
                }
            };
            self.waiting.insert(done.seq, done);
        }
    }
}

struct Consumer<'w, W: Work> {
    ordered: Ordered<W::Output>,
    work: &'w W,
    /// Lists are read as their leads.
    lists: bool,
}

/// The chunks of the JSON input being read whose lines are not all handed out yet.
struct Chunked<T> {
    chunks: VecDeque<(Chunk, Vec<Line<T>>)>,
    /// The input's last job has been received.
    complete: bool,
    /// A read error that ended the input, once received.
    failed: Option<InputError>,
    /// A record (or an unreadable one) has been read: the input is not empty, even when it
    /// held only an API list with no leads.
    seen: bool,
    /// The input's last chunk so far (where it ends, for an input with nothing in it).
    last: Option<Chunk>,
    /// The sequential reader reported the input's damage.
    damage_told: bool,
}

/// What the sink is given, and how it stops the run.
type Sink<'a, T, E> = &'a mut dyn FnMut(Event<T>) -> Result<(), E>;

impl<W: Work> Consumer<'_, W> {
    fn next_done<E>(&mut self, sink: Sink<'_, W::Output, E>) -> Result<Option<Done<W::Output>>, E> {
        let mut error = None;
        let done = self.ordered.next(&mut || match sink(Event::Idle) {
            Ok(()) => true,
            Err(e) => {
                error = Some(e);
                false
            }
        });
        match error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    fn run<E: From<Panicked>>(mut self, sink: Sink<'_, W::Output, E>) -> Result<(), E> {
        let mut records = 0u64;
        while let Some(done) = self.next_done(sink)? {
            if done.first {
                sink(Event::Input {
                    name: done.input.clone(),
                    size: done.size,
                })?;
                records = 0;
            }
            match done.result {
                Finished::Events(events) => {
                    for event in events {
                        sink(event)?;
                    }
                }
                Finished::Failed(e) => sink(Event::Failed(e))?,
                Finished::Panicked => return Err(Panicked.into()),
                Finished::Outputs(outputs) => {
                    for mut output in outputs {
                        records += 1;
                        output.set_record(records);
                        sink(Event::Item(output))?;
                    }
                }
                Finished::Chunk(chunk, lines) => {
                    let mut chunked = Chunked {
                        last: Some(chunk.clone()),
                        chunks: VecDeque::from([(chunk, lines)]),
                        complete: done.last,
                        failed: None,
                        seen: false,
                        damage_told: false,
                    };
                    records = self.read_chunked(&done.input, &mut chunked, records, sink)?;
                }
            }
        }
        Ok(())
    }

    /// Hands out the records of one chunked input, starting with the chunks in `chunked`
    /// and pulling the input's next ones as needed. Returns the number of records read.
    fn read_chunked<E: From<Panicked>>(
        &mut self,
        name: &Arc<str>,
        chunked: &mut Chunked<W::Output>,
        mut records: u64,
        sink: Sink<'_, W::Output, E>,
    ) -> Result<u64, E> {
        // Index of the next line to hand out in the front chunk.
        let mut next_line = 0usize;
        loop {
            if chunked.chunks.is_empty() {
                if !chunked.complete && !self.pull(chunked, sink)? {
                    break;
                }
                if chunked.chunks.is_empty() {
                    break;
                }
            }
            let (_, lines) = &mut chunked.chunks[0];
            if next_line >= lines.len() {
                chunked.chunks.pop_front();
                next_line = 0;
                continue;
            }
            let line = &mut lines[next_line];
            match line.outputs.take() {
                Some(outputs) => {
                    chunked.seen = true;
                    for mut output in outputs {
                        records += 1;
                        output.set_record(records);
                        sink(Event::Item(output))?;
                    }
                    next_line += 1;
                }
                None => {
                    let start = line.start;
                    match self.read_sequentially(name, chunked, start, records, sink)? {
                        Resume::At(count, chunk_index, line_index) => {
                            records = count;
                            chunked.chunks.drain(..chunk_index);
                            next_line = line_index;
                        }
                        Resume::End(count) => {
                            records = count;
                            chunked.chunks.clear();
                            break;
                        }
                    }
                }
            }
        }
        // Drain what is left of the input (nothing, unless the sequential reader stopped).
        while !chunked.complete && self.pull(chunked, sink)? {
            chunked.chunks.clear();
        }
        if let Some(e) = chunked.failed.take() {
            return sink(Event::Failed(e)).map(|()| records);
        }
        let end = chunked
            .last
            .as_ref()
            .map_or(Mark::START, |c| c.start.advance(&c.data));
        let damage = chunked
            .last
            .as_ref()
            .and_then(|c| c.damage.clone())
            .filter(|d| d.get().is_some() && !chunked.damage_told);
        if !chunked.seen || damage.is_some() {
            // An input with nothing in it (the reader's "no payload"), or the damage of a
            // compressed input that no record carried: one record where the input ends.
            let mut reader = Reader::resume(name.clone(), io::empty(), end);
            if !chunked.seen {
                reader = Reader::starting_at(name.clone(), io::empty(), end);
            }
            if let Some(damage) = damage {
                reader = reader.with_damage(damage);
            }
            if let Some(Ok(mut item)) = reader.next() {
                records += 1;
                item.set_record(records);
                sink(Event::Item(self.work.work(item)))?;
            }
        }
        Ok(records)
    }

    /// Receives the input's next job into `chunked`. False when there is none.
    fn pull<E: From<Panicked>>(
        &mut self,
        chunked: &mut Chunked<W::Output>,
        sink: Sink<'_, W::Output, E>,
    ) -> Result<bool, E> {
        if chunked.complete {
            return Ok(false);
        }
        let Some(done) = self.next_done(sink)? else {
            chunked.complete = true;
            return Ok(false);
        };
        chunked.complete = done.last;
        match done.result {
            Finished::Chunk(chunk, lines) => {
                chunked.last = Some(chunk.clone());
                chunked.chunks.push_back((chunk, lines));
            }
            Finished::Failed(e) => chunked.failed = Some(e),
            Finished::Panicked => return Err(Panicked.into()),
            Finished::Events(_) | Finished::Outputs(_) => {}
        }
        Ok(true)
    }

    /// Reads with the sequential reader from `start` (a line start) until it stands at the
    /// start of a line the workers parsed, or the input ends.
    fn read_sequentially<E: From<Panicked>>(
        &mut self,
        name: &Arc<str>,
        chunked: &mut Chunked<W::Output>,
        start: Mark,
        records: u64,
        sink: Sink<'_, W::Output, E>,
    ) -> Result<Resume, E> {
        let work = self.work;
        let lists = self.lists;
        let damage = chunked.chunks.front().and_then(|(c, _)| c.damage.clone());
        let fresh = !chunked.seen;
        let bytes = ChunkBytes {
            consumer: self,
            chunked,
            chunk: 0,
            offset: start.offset,
            sink,
            error: None,
        };
        let mut records = records;
        // At the input's start (nothing read yet), the reader also skips a byte order
        // mark and reports an input with nothing in it.
        let mut reader = if fresh {
            Reader::starting_at(name.clone(), bytes, start)
        } else {
            Reader::resume(name.clone(), bytes, start)
        };
        if let Some(damage) = damage {
            reader = reader.with_damage(damage);
        }
        let result = 'read: loop {
            match reader.next() {
                Some(Ok(item)) => {
                    reader.get_mut().chunked.seen = true;
                    for mut item in capture::split_lists(item, lists) {
                        records += 1;
                        item.set_record(records);
                        let output = work.work(item);
                        if let Err(e) = (reader.get_mut().sink)(Event::Item(output)) {
                            break 'read Err(e);
                        }
                    }
                }
                // The byte source fails only with the input's own read error, which is
                // reported once the input is done, or with the sink's error.
                Some(Err(_)) | None => break Ok(Resume::End(records)),
            }
            // Back to the workers' results when the next record starts a line they parsed.
            match reader.next_start() {
                Ok(Some(mark)) => {
                    let bytes = reader.get_mut();
                    if let Some((c, l)) = find_line(&bytes.chunked.chunks, mark.offset) {
                        break Ok(Resume::At(records, c, l));
                    }
                    bytes.forget_before(mark.offset);
                }
                Ok(None) => break Ok(Resume::End(records)),
                Err(_) => {} // reported by the next call to `next`
            }
        };
        let told = reader.damage_told();
        let bytes = reader.get_mut();
        bytes.chunked.damage_told |= told;
        if let Some(e) = bytes.error.take() {
            return Err(e);
        }
        result
    }
}

enum Resume {
    /// Records read so far, and where to go on: chunk index and line index.
    At(u64, usize, usize),
    /// The input ended; records read.
    End(u64),
}

/// The line (chunk index, line index) whose value starts at `offset` and was parsed.
fn find_line<T>(chunks: &VecDeque<(Chunk, Vec<Line<T>>)>, offset: u64) -> Option<(usize, usize)> {
    for (c, (chunk, lines)) in chunks.iter().enumerate() {
        if offset < chunk.start.offset || offset >= chunk.end() {
            continue;
        }
        let l = lines.partition_point(|line| line.value_start < offset);
        return lines
            .get(l)
            .filter(|line| line.value_start == offset && line.outputs.is_some())
            .map(|_| (c, l));
    }
    None
}

/// The bytes of a chunked input from a given offset on, out of the chunks received and the
/// ones pulled after them: what the sequential reader reads.
struct ChunkBytes<'a, 'c, 'w, W: Work, E> {
    consumer: &'a mut Consumer<'w, W>,
    chunked: &'a mut Chunked<W::Output>,
    /// Index in `chunked.chunks` of the chunk being read.
    chunk: usize,
    /// Offset in the input of the next byte to hand out.
    offset: u64,
    sink: Sink<'c, W::Output, E>,
    /// The sink's error, met while waiting for the next chunk.
    error: Option<E>,
}

impl<W: Work, E: From<Panicked>> ChunkBytes<'_, '_, '_, W, E> {
    /// Chunks wholly before `offset`, and far enough behind what was handed out that the
    /// reader cannot come back to them, are not needed any more.
    fn forget_before(&mut self, offset: u64) {
        while self.chunk > 0
            && self
                .chunked
                .chunks
                .front()
                .is_some_and(|(c, _)| c.end() <= offset)
        {
            self.chunked.chunks.pop_front();
            self.chunk -= 1;
        }
    }
}

impl<W: Work, E: From<Panicked>> Read for ChunkBytes<'_, '_, '_, W, E> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.chunk >= self.chunked.chunks.len() {
                let pulled = match self.consumer.pull(self.chunked, self.sink) {
                    Ok(pulled) => pulled,
                    Err(e) => {
                        self.error = Some(e);
                        return Err(io::Error::other("the run stopped"));
                    }
                };
                if !pulled {
                    if let Some(e) = &self.chunked.failed {
                        return Err(io::Error::other(e.message.clone()));
                    }
                    return Ok(0);
                }
                continue;
            }
            let (chunk, _) = &self.chunked.chunks[self.chunk];
            let end = chunk.end();
            if self.offset >= end {
                self.chunk += 1;
                // A long stretch read sequentially (a huge line): chunks far behind are
                // dropped, so memory stays bounded whatever the line's length.
                while self.chunk > 1
                    && self
                        .chunked
                        .chunks
                        .front()
                        .is_some_and(|(c, _)| c.end() + KEEP_BEHIND <= self.offset)
                {
                    self.chunked.chunks.pop_front();
                    self.chunk -= 1;
                }
                continue;
            }
            let from = (self.offset.max(chunk.start.offset) - chunk.start.offset) as usize;
            let n = buf.len().min(chunk.data.len() - from);
            buf[..n].copy_from_slice(&chunk.data[from..from + n]);
            self.offset = chunk.start.offset + (from + n) as u64;
            return Ok(n);
        }
    }
}
