//! The capture file: raw HTTP/1.1 requests, one per delivery, appended by one writer.
//!
//! A record is the request line, the headers (with `Content-Length` the body's length and
//! leadcheck's `X-Leadcheck-Seq`, `X-Leadcheck-Received` and `X-Leadcheck-Peer`), a blank
//! line, the body's exact bytes and a CRLF. Every line of the head ends with CRLF, and every
//! record starts at the beginning of a line.
//!
//! Rules that keep it whole:
//! - the file is locked (flock, exclusive, non-blocking) while a receiver writes it, so a
//!   second receiver on the same file fails at once;
//! - at start, the file is read through: a torn last record (a crash mid-write: a head that
//!   does not end, a body shorter than its `Content-Length`, no line end after it) is
//!   copied to `FILE.torn-<UTC time>` and the file cut back to its last whole record; a
//!   file that holds anything else than such records is refused (it is not ours to
//!   change);
//! - a write or sync that fails cuts the file back to its last whole record before anything
//!   else is written, so a failure never leaves a torn record in the middle.
//!
//! Files that are not regular files (`/dev/null`, `/dev/full`) are written to, never read,
//! synced or cut.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;

use super::{Error, Fsync, Place};
use crate::position::LineCol;

/// The longest head read from an existing capture (the receiver writes heads of at most
/// its head limit plus its own headers).
const MAX_STORED_HEAD: u64 = 1 << 20;

/// Deliveries written and synced together at most.
const MAX_BATCH: usize = 512;

/// The capture, opened and locked, positioned after its last whole record.
#[derive(Debug)]
pub struct Store {
    file: File,
    path: PathBuf,
    regular: bool,
    /// The length of the file's whole records.
    len: u64,
    /// The position at `len`.
    at: LineCol,
    next_seq: u64,
    /// The file may hold bytes past `len` (a failed write not cut back yet).
    dirty: bool,
}

/// A torn last record that was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Torn {
    pub moved_to: PathBuf,
    pub bytes: u64,
    pub at: LineCol,
    pub reason: String,
}

/// What [`Store::open`] found.
#[derive(Debug)]
pub struct Opened {
    pub store: Store,
    /// Whole records already in the file.
    pub records: u64,
    pub torn: Option<Torn>,
}

/// One delivery to append: the head so far (request line and headers, each ending with
/// CRLF, `Content-Length` included), and the body.
#[derive(Debug)]
pub struct Record {
    pub head: Vec<u8>,
    pub received: SystemTime,
    pub peer: String,
    pub body: Bytes,
}

/// Where a record was written, and its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub seq: u64,
    pub place: Place,
}

/// RFC 3339, UTC, milliseconds: `2025-01-02T03:04:05.678Z`.
pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

impl Store {
    /// Opens (creating it when missing) and locks the capture, and reads it through.
    pub fn open(path: &Path) -> Result<Opened, Error> {
        let fail = |e: io::Error| Error::Store {
            path: path.to_path_buf(),
            message: crate::reader::io_message(&e),
        };
        if path.is_dir() {
            return Err(Error::Store {
                path: path.to_path_buf(),
                message: "is a directory".into(),
            });
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(fail)?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(rustix::io::Errno::WOULDBLOCK) => {
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(fail(e.into())),
        }
        let regular = file.metadata().map_err(fail)?.is_file();
        let mut store = Store {
            file,
            path: path.to_path_buf(),
            regular,
            len: 0,
            at: LineCol::START,
            next_seq: 1,
            dirty: false,
        };
        if !regular {
            return Ok(Opened {
                store,
                records: 0,
                torn: None,
            });
        }
        let scan = scan(&store.file).map_err(fail)?;
        let scan = match scan {
            Ok(scan) => scan,
            Err((at, reason)) => {
                return Err(Error::NotACapture {
                    path: path.to_path_buf(),
                    at,
                    reason,
                });
            }
        };
        store.len = scan.len;
        store.at = scan.at;
        store.next_seq = scan.max_seq.max(scan.records) + 1;
        let torn = match scan.torn {
            None => None,
            Some(reason) => Some(store.set_aside(reason).map_err(fail)?),
        };
        Ok(Opened {
            store,
            records: scan.records,
            torn,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the bytes after the last whole record to `FILE.torn-<time>`, syncs that copy,
    /// then cuts the capture back.
    fn set_aside(&mut self, reason: String) -> io::Result<Torn> {
        let size = self.file.metadata()?.len();
        let stamp: String = humantime::format_rfc3339_seconds(SystemTime::now())
            .to_string()
            .chars()
            .filter(|c| !matches!(c, '-' | ':'))
            .collect();
        let base = format!("{}.torn-{stamp}", self.path.display());
        let mut n = 1;
        let (moved_to, mut aside) = loop {
            let name = if n == 1 {
                PathBuf::from(&base)
            } else {
                PathBuf::from(format!("{base}-{n}"))
            };
            match OpenOptions::new().write(true).create_new(true).open(&name) {
                Ok(f) => break (name, f),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(e),
            }
        };
        let mut reader = &self.file;
        reader.seek(SeekFrom::Start(self.len))?;
        io::copy(&mut reader.take(size - self.len), &mut aside)?;
        aside.sync_all()?;
        self.file.set_len(self.len)?;
        self.file.sync_all()?;
        Ok(Torn {
            moved_to,
            bytes: size - self.len,
            at: self.at,
            reason,
        })
    }

    /// Cuts the file back to its whole records after a failed write.
    fn cut_back(&mut self) -> io::Result<()> {
        if self.regular && self.dirty {
            self.file.set_len(self.len)?;
        }
        self.dirty = false;
        Ok(())
    }

    /// Appends records, syncing them when `sync`, and tells where each went. On failure
    /// none of them is kept (the file is cut back to where it was).
    pub fn append(
        &mut self,
        records: &[&Record],
        sync: bool,
        buf: &mut Vec<u8>,
    ) -> io::Result<Vec<Placed>> {
        self.append_then(records, sync, buf, |_| {})
    }

    /// [`Store::append`], telling `placed` where each record goes once that is fixed, before
    /// the records are written and synced (so their checks can run meanwhile).
    pub fn append_then(
        &mut self,
        records: &[&Record],
        sync: bool,
        buf: &mut Vec<u8>,
        placed_early: impl FnOnce(&[Placed]),
    ) -> io::Result<Vec<Placed>> {
        self.cut_back()?;
        buf.clear();
        let mut placed = Vec::with_capacity(records.len());
        let mut at = self.at;
        let mut seq = self.next_seq;
        for record in records {
            let start = buf.len();
            buf.extend_from_slice(&record.head);
            buf.extend_from_slice(
                format!(
                    "X-Leadcheck-Seq: {seq}\r\nX-Leadcheck-Received: {}\r\nX-Leadcheck-Peer: {}\r\n\r\n",
                    timestamp(record.received),
                    record.peer
                )
                .as_bytes(),
            );
            let body_at = at.advance(&buf[start..]);
            let body_offset = self.len + buf.len() as u64;
            buf.extend_from_slice(&record.body);
            buf.extend_from_slice(b"\r\n");
            placed.push(Placed {
                seq,
                place: Place {
                    record_offset: self.len + start as u64,
                    record_at: at,
                    body_offset,
                    body_at,
                },
            });
            // The record ends with a line end: the next one starts a line.
            at = LineCol {
                line: body_at.advance(&record.body).line + 1,
                column: 1,
            };
            seq += 1;
        }
        placed_early(&placed);
        let written = self
            .file
            .write_all(buf)
            .and_then(|()| match sync && self.regular {
                true => self.file.sync_data(),
                false => Ok(()),
            });
        if let Err(e) = written {
            self.dirty = true;
            let _ = self.cut_back();
            return Err(e);
        }
        self.len += buf.len() as u64;
        self.at = at;
        self.next_seq = seq;
        Ok(placed)
    }

    /// Syncs what was written (at the end of a run).
    pub fn sync(&mut self) -> io::Result<()> {
        if self.regular {
            self.file.sync_data()?;
        }
        Ok(())
    }
}

/// A job for the writer thread: a record, where to say where it goes (as soon as that is
/// fixed, before it is written), and where to send the outcome (once written and synced).
pub(crate) struct Job {
    pub record: Record,
    pub placed: Option<tokio::sync::oneshot::Sender<Placed>>,
    pub reply: tokio::sync::oneshot::Sender<Result<Placed, String>>,
}

/// The writer thread's loop: takes the jobs waiting (all of them with [`Fsync::Batch`], one
/// with [`Fsync::Always`]), writes them, syncs, answers each, and tells `on_change` when
/// writing starts failing (`Some(error)`) or works again (`None`). Returns when every
/// sender is gone, after a last sync.
pub(crate) fn write_loop(
    mut store: Store,
    fsync: Fsync,
    mut jobs: tokio::sync::mpsc::Receiver<Job>,
    mut on_change: impl FnMut(Option<String>),
) -> io::Result<()> {
    let max = if fsync == Fsync::Always { 1 } else { MAX_BATCH };
    let mut batch: Vec<Job> = Vec::with_capacity(max);
    let mut buf = Vec::new();
    let mut failing = false;
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        while batch.len() < max {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut early: Vec<_> = batch.iter_mut().map(|j| j.placed.take()).collect();
        let records: Vec<&Record> = batch.iter().map(|j| &j.record).collect();
        let result = store.append_then(&records, fsync != Fsync::Never, &mut buf, |placed| {
            for (tx, placed) in early.iter_mut().zip(placed) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(*placed);
                }
            }
        });
        match result {
            Ok(placed) => {
                if failing {
                    failing = false;
                    on_change(None);
                }
                for (job, placed) in batch.drain(..).zip(placed) {
                    let _ = job.reply.send(Ok(placed));
                }
            }
            Err(e) => {
                let message = format!(
                    "cannot write to {}: {}",
                    store.path().display(),
                    crate::reader::io_message(&e).to_lowercase()
                );
                if !failing {
                    failing = true;
                    on_change(Some(message.clone()));
                }
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(message.clone()));
                }
            }
        }
        // A large batch's buffer is not kept for ever.
        if buf.capacity() > 16 << 20 {
            buf = Vec::new();
        }
    }
    store.sync()
}

/// What reading an existing capture found.
struct Scan {
    len: u64,
    at: LineCol,
    records: u64,
    max_seq: u64,
    /// Why the bytes after `len` are a torn record.
    torn: Option<String>,
}

/// Reads a capture through. `Ok(Err((at, reason)))`: it is not a capture of whole records
/// framed by `Content-Length` (other than a torn last one).
fn scan(file: &File) -> io::Result<Result<Scan, (LineCol, String)>> {
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut s = Scan {
        len: 0,
        at: LineCol::START,
        records: 0,
        max_seq: 0,
        torn: None,
    };
    let mut offset = 0u64;
    let mut at = LineCol::START;
    let mut line = Vec::new();
    'records: loop {
        // Whitespace between records (and at the end) is part of the whole.
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                s.len = offset;
                s.at = at;
                break 'records;
            }
            let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let all = n == buf.len();
            at = at.advance(&buf[..n]);
            offset += n as u64;
            r.consume(n);
            if !all {
                break;
            }
        }
        s.len = offset;
        s.at = at;
        let mut head = 0u64;
        let mut first = true;
        let mut content_length: Option<u64> = None;
        loop {
            line.clear();
            let n = (&mut r)
                .take(MAX_STORED_HEAD + 1 - head)
                .read_until(b'\n', &mut line)? as u64;
            head += n;
            if !line.ends_with(b"\n") {
                if head > MAX_STORED_HEAD {
                    return Ok(Err((at, "a request head over 1 MiB".into())));
                }
                s.torn = Some("its head does not end".into());
                return Ok(Ok(s));
            }
            let line_at = at;
            at = at.advance(&line);
            offset += n;
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if first {
                if !is_request_line(text) {
                    return Ok(Err((line_at, "expected a request line".into())));
                }
                first = false;
                continue;
            }
            if text.is_empty() {
                break;
            }
            let Some(colon) = memchr::memchr(b':', text) else {
                return Ok(Err((line_at, "expected a header line".into())));
            };
            let name = &text[..colon];
            let value = String::from_utf8_lossy(text[colon + 1..].trim_ascii());
            if name.eq_ignore_ascii_case(b"content-length") {
                match value.parse() {
                    Ok(n) => content_length = Some(n),
                    Err(_) => return Ok(Err((line_at, "an invalid Content-Length".into()))),
                }
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                return Ok(Err((line_at, "a chunked request".into())));
            } else if name.eq_ignore_ascii_case(b"x-leadcheck-seq") {
                s.max_seq = s.max_seq.max(value.parse().unwrap_or(0));
            }
        }
        let Some(length) = content_length else {
            return Ok(Err((s.at, "a request without Content-Length".into())));
        };
        let mut left = length;
        while left > 0 {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                s.torn = Some(format!(
                    "its body is shorter than its Content-Length: {} of {length} bytes",
                    length - left
                ));
                return Ok(Ok(s));
            }
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            at = at.advance(&buf[..n]);
            offset += n as u64;
            left -= n as u64;
            r.consume(n);
        }
        // The line end after the body.
        match line_end(&mut r)? {
            Some(n) => {
                at = at.advance(b"\n");
                offset += n;
            }
            None if r.fill_buf()?.is_empty() => {
                s.torn = Some("no line end after its body".into());
                return Ok(Ok(s));
            }
            None => {
                return Ok(Err((
                    at,
                    format!("a body longer than its Content-Length ({length} bytes)"),
                )));
            }
        }
        s.records += 1;
    }
    Ok(Ok(s))
}

/// Consumes a line end (CRLF or LF) and tells its length; `None` when there is none (at
/// the end of the input, or before another byte).
fn line_end(r: &mut impl BufRead) -> io::Result<Option<u64>> {
    let peek =
        |r: &mut dyn BufRead| -> io::Result<Option<u8>> { Ok(r.fill_buf()?.first().copied()) };
    match peek(r)? {
        Some(b'\n') => {
            r.consume(1);
            Ok(Some(1))
        }
        Some(b'\r') => {
            r.consume(1);
            if peek(r)? == Some(b'\n') {
                r.consume(1);
                Ok(Some(2))
            } else {
                Ok(None)
            }
        }
        _ => Ok(None),
    }
}

/// `METHOD SP /target SP HTTP/x.y`.
fn is_request_line(line: &[u8]) -> bool {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.iter().all(u8::is_ascii_uppercase)
        && target.starts_with(b"/")
        && version.starts_with(b"HTTP/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: &[u8]) -> Record {
        Record {
            head: b"POST /hook HTTP/1.1\r\nContent-Type: application/json\r\n"
                .iter()
                .chain(format!("Content-Length: {}\r\n", body.len()).as_bytes())
                .copied()
                .collect(),
            received: SystemTime::UNIX_EPOCH,
            peer: "127.0.0.1:5555".into(),
            body: Bytes::copy_from_slice(body),
        }
    }

    fn write(path: &Path, bodies: &[&[u8]]) -> Vec<Placed> {
        let mut opened = Store::open(path).unwrap();
        let records: Vec<Record> = bodies.iter().map(|b| record(b)).collect();
        let refs: Vec<&Record> = records.iter().collect();
        opened.store.append(&refs, true, &mut Vec::new()).unwrap()
    }

    #[test]
    fn records_are_placed_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.http");
        let placed = write(&path, &[b"{\"a\":1}", b"{\n\"b\": 2}"]);
        let data = std::fs::read(&path).unwrap();
        for p in &placed {
            let before = &data[..p.place.body_offset as usize];
            assert_eq!(LineCol::START.advance(before), p.place.body_at);
            let before = &data[..p.place.record_offset as usize];
            assert_eq!(LineCol::START.advance(before), p.place.record_at);
        }
        assert_eq!(
            &data[placed[1].place.body_offset as usize..][..9],
            b"{\n\"b\": 2}"
        );
        assert_eq!((placed[0].seq, placed[1].seq), (1, 2));
        let text = String::from_utf8(data).unwrap();
        assert!(text.contains("X-Leadcheck-Seq: 2\r\n"), "{text}");
        assert!(text.contains("X-Leadcheck-Received: 1970-01-01T00:00:00.000Z\r\n"));
        assert!(text.ends_with("}\r\n"));
        // Opened again: the numbering goes on, the positions too.
        let placed = write(&path, &[b"[]"]);
        assert_eq!(placed[0].seq, 3);
        let data = std::fs::read(&path).unwrap();
        let before = &data[..placed[0].place.body_offset as usize];
        assert_eq!(LineCol::START.advance(before), placed[0].place.body_at);
    }

    #[test]
    fn a_torn_last_record_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.http");
        write(&path, &[b"{\"a\":1}", b"{\"b\":2}"]);
        let whole = std::fs::read(&path).unwrap();
        // The second record starts at the second request line.
        let start = memchr::memmem::find_iter(&whole, b"POST /hook")
            .nth(1)
            .unwrap();
        let second = &whole[start..];
        let body = memchr::memmem::find(second, b"\r\n\r\n").unwrap() + 4;
        // Cut in the request line, in the headers, in the body, before the CRLF, after CR.
        for cut in [2, 30, body + 3, second.len() - 2, second.len() - 1] {
            let torn = &second[..cut];
            std::fs::write(&path, [&whole[..start], torn].concat()).unwrap();
            let opened = Store::open(&path).unwrap();
            assert_eq!(opened.records, 1, "cut {cut}");
            let t = opened.torn.clone().expect("torn");
            assert_eq!(t.bytes as usize, torn.len());
            assert_eq!(t.at, LineCol::START.advance(&whole[..start]));
            assert_eq!(std::fs::read(&t.moved_to).unwrap(), torn);
            assert_eq!(std::fs::read(&path).unwrap(), &whole[..start]);
            std::fs::remove_file(&t.moved_to).unwrap();
            drop(opened);
        }
        // A whole file is left as it is.
        std::fs::write(&path, &whole).unwrap();
        let opened = Store::open(&path).unwrap();
        assert_eq!((opened.records, opened.torn.is_none()), (2, true));
    }

    #[test]
    fn other_files_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lead.json");
        std::fs::write(&path, "{\"lead_id\": 1}\n").unwrap();
        let e = Store::open(&path).unwrap_err();
        assert!(
            e.to_string().ends_with("lead.json:1:1: not a capture written by leadcheck listen (expected a request line); choose another --out"),
            "{e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"lead_id\": 1}\n");
        let chunked = dir.path().join("chunked.http");
        std::fs::write(
            &chunked,
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        )
        .unwrap();
        assert!(matches!(
            Store::open(&chunked),
            Err(Error::NotACapture { .. })
        ));
    }

    #[test]
    fn a_second_writer_is_locked_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.http");
        let _first = Store::open(&path).unwrap();
        assert!(matches!(Store::open(&path), Err(Error::Locked { .. })));
    }

    #[test]
    fn a_failed_write_keeps_nothing() {
        let mut opened = Store::open(Path::new("/dev/full")).unwrap();
        let r = record(b"{}");
        let e = opened
            .store
            .append(&[&r], true, &mut Vec::new())
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(28), "{e}"); // ENOSPC
        assert_eq!(opened.store.next_seq, 1);
    }
}
