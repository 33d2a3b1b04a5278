//! Inputs: where records come from (files, directories of fixtures, FIFOs, stdin), and the
//! one type for an input that could not be read.
//!
//! [`expand`] turns the paths a user names into inputs: `-` is stdin (named at most once),
//! a directory is walked for the files leadcheck reads, a regular file or a FIFO is read as
//! it is. What a walk finds that is not a regular file (a FIFO, a socket, a device) is
//! skipped with a note: reading it could wait for ever. A device named on its own (such as
//! `/dev/zero`) is refused: it is not a capture.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::position::LineCol;
use crate::reader::io_message;
use crate::record::Location;

/// Directory walks pick up files with these extensions, and with these plus `.gz`
/// (`log.jsonl.gz`).
pub const EXTENSIONS: [&str; 5] = ["json", "jsonl", "ndjson", "har", "http"];

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

/// The name records read from standard input are reported under (and the location
/// `leadcheck.toml`'s exceptions give it).
pub const STDIN_NAME: &str = "<stdin>";

/// One input to read, with the name its records are reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: Arc<str>,
    pub source: Source,
    /// Its size in bytes, when it is a regular file (known from the walk).
    pub size: Option<u64>,
}

impl Input {
    pub fn stdin() -> Input {
        Input {
            name: STDIN_NAME.into(),
            source: Source::Stdin,
            size: None,
        }
    }

    pub fn file(path: PathBuf) -> Input {
        let mut name = path.display().to_string();
        // A file of that name is not piped input, in reports and `[lint.except]` alike.
        if name == STDIN_NAME {
            name.insert_str(0, "./");
        }
        Input {
            name: name.into(),
            source: Source::File(path),
            size: None,
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, InputError> {
        match &self.source {
            Source::Stdin => Ok(Box::new(io::stdin())),
            Source::File(path) => {
                let fail =
                    |e: io::Error| self.error(None, format!("cannot open: {}", io_message(&e)));
                let file = File::open(path).map_err(fail)?;
                let kind = file.metadata().map_err(fail)?.file_type();
                if kind.is_dir() {
                    return Err(self.error(None, "cannot open: is a directory".into()));
                }
                if let Some(what) = special(&kind).filter(|w| *w != "FIFO") {
                    return Err(self.error(
                        None,
                        format!("cannot read: {what}, not a file (leadcheck reads files, FIFOs and stdin)"),
                    ));
                }
                Ok(Box::new(file))
            }
        }
    }

    /// The file name (for format detection by extension).
    pub fn file_name(&self) -> Option<&str> {
        match &self.source {
            Source::File(path) => path.file_name().and_then(|n| n.to_str()),
            Source::Stdin => None,
        }
    }

    /// A failure of this input.
    pub fn error(&self, at: Option<LineCol>, message: String) -> InputError {
        InputError {
            input: self.name.clone(),
            at,
            message,
        }
    }
}

/// An input that could not be found, opened or read to the end: the one failure type of
/// reading. (A record that could not be read is an [`Unreadable`](crate::record::Unreadable)
/// record, not an input failure.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input's name, or the argument that named no input.
    pub input: Arc<str>,
    /// Where reading stopped, when it had started.
    pub at: Option<LineCol>,
    pub message: String,
}

impl InputError {
    pub fn location(&self) -> Location<'_> {
        Location {
            input: &self.input,
            at: self.at,
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for InputError {}

/// Something a walk left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: Arc<str>,
    pub reason: String,
}

/// What the command line's INPUT arguments name.
#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    pub failures: Vec<InputError>,
    pub skipped: Vec<Skipped>,
}

/// A usage problem with the INPUT arguments themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// `-` named twice: stdin can be read only once.
    StdinTwice,
    /// No INPUT and stdin is a terminal.
    NothingToRead,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsageError::StdinTwice => f.write_str("`-` (stdin) is named more than once: stdin can be read only once"),
            UsageError::NothingToRead => f.write_str(
                "no INPUT given and stdin is a terminal (pass files, a directory, or `-` to read stdin)",
            ),
        }
    }
}

impl std::error::Error for UsageError {}

/// Expands INPUT arguments: `-` is stdin, a directory is walked recursively (sorted,
/// hidden entries skipped, symlinked directories not followed) for the [`EXTENSIONS`] (and
/// those `.gz`), anything else is an input. With no argument, stdin is read (the caller
/// says whether stdin is a terminal: then there is nothing to read).
pub fn expand(args: &[PathBuf], stdin_is_terminal: bool) -> Result<Expanded, UsageError> {
    let mut out = Expanded::default();
    if args.is_empty() {
        if stdin_is_terminal {
            return Err(UsageError::NothingToRead);
        }
        out.inputs.push(Input::stdin());
        return Ok(out);
    }
    if args.iter().filter(|a| a.as_os_str() == "-").count() > 1 {
        return Err(UsageError::StdinTwice);
    }
    for arg in args {
        if arg.as_os_str() == "-" {
            out.inputs.push(Input::stdin());
            continue;
        }
        match std::fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => {
                let before = (out.inputs.len(), out.failures.len());
                walk(arg, &mut out);
                if (out.inputs.len(), out.failures.len()) == before {
                    out.failures.push(InputError {
                        input: arg.display().to_string().into(),
                        at: None,
                        message: "no *.json, *.jsonl or *.ndjson files (nor *.har, *.http, or any of them .gz) in this directory".into(),
                    });
                }
            }
            Ok(meta) => {
                let mut input = Input::file(arg.clone());
                input.size = meta.is_file().then_some(meta.len());
                out.inputs.push(input);
            }
            // Opening it says why it cannot be read, in its place among the inputs.
            Err(_) => out.inputs.push(Input::file(arg.clone())),
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Expanded) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.failures.push(InputError {
                input: dir.display().to_string().into(),
                at: None,
                message: format!("cannot read directory: {}", io_message(&e)),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        // Not followed: a symlink is looked at, not through (a linked directory cannot
        // loop); a link to a file is read.
        let Ok(link) = path.symlink_metadata() else {
            continue;
        };
        if link.is_dir() {
            walk(&path, out);
            continue;
        }
        if link.file_type().is_symlink() && path.is_dir() {
            continue;
        }
        if !wanted(&path) {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {
                let mut input = Input::file(path);
                input.size = Some(meta.len());
                out.inputs.push(input);
            }
            Ok(meta) => out.skipped.push(Skipped {
                path: path.display().to_string().into(),
                reason: format!(
                    "skipped: {}, not a regular file",
                    special(&meta.file_type()).unwrap_or("not a regular file")
                ),
            }),
            Err(e) => out.failures.push(InputError {
                input: path.display().to_string().into(),
                at: None,
                message: format!("cannot open: {}", io_message(&e)),
            }),
        }
    }
}

/// What a file that is not a regular file or directory is, in words.
fn special(kind: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("FIFO");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    (!kind.is_file() && !kind.is_dir()).then_some("not a regular file")
}

/// Whether a directory walk reads this file: one of [`EXTENSIONS`], possibly plus `.gz`.
fn wanted(path: &Path) -> bool {
    let known = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
    };
    let gz = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    known(path) || (gz && known(Path::new(path.file_stem().unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_read_once() {
        let two = [PathBuf::from("-"), PathBuf::from("-")];
        assert_eq!(expand(&two, false).unwrap_err(), UsageError::StdinTwice);
        assert_eq!(expand(&[], true).unwrap_err(), UsageError::NothingToRead);
        assert_eq!(expand(&[], false).unwrap().inputs, [Input::stdin()]);
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_skips_fifos_and_an_unreadable_directory_is_one_failure() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        let fifo = dir.path().join("p.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let got = expand(&[dir.path().to_path_buf()], false).unwrap();
        assert_eq!(got.inputs.len(), 1);
        assert_eq!(got.inputs[0].size, Some(2));
        assert_eq!(got.skipped.len(), 1);
        assert_eq!(got.skipped[0].reason, "skipped: FIFO, not a regular file");
        assert!(got.failures.is_empty());
        // A FIFO named on its own is an input (read as a stream).
        let named = expand(&[fifo], false).unwrap();
        assert_eq!(named.inputs.len(), 1);
        // A device named on its own is refused when opened.
        let zero = expand(&[PathBuf::from("/dev/zero")], false).unwrap();
        let err = zero.inputs[0].open().err().unwrap();
        assert_eq!(
            err.to_string(),
            "/dev/zero: cannot read: a character device, not a file (leadcheck reads files, FIFOs and stdin)"
        );
    }

    #[test]
    fn a_missing_file_fails_when_opened() {
        let got = expand(&[PathBuf::from("no/such.json")], false).unwrap();
        let err = got.inputs[0].open().err().unwrap();
        assert!(
            err.message.starts_with("cannot open: No such file"),
            "{err}"
        );
    }
}
