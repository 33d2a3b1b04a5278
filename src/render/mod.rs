//! Output: the only code that turns results into text. Every renderer writes to an
//! `io::Write` it is given, so tests render into a `Vec<u8>`.
//!
//! Colour is decided once per stream (see [`Palette`]) and only applied when that stream
//! gets it; renderers never look at the terminal themselves.

pub mod card;
pub mod diff;
pub mod explain;
pub mod github;
pub mod json;
pub mod junit;
pub mod listen;
pub mod pretty;
pub mod progress;
pub mod sarif;
pub mod stats;
pub mod text;

use std::sync::Arc;
use std::time::Duration;

use colored::{ColoredString, Colorize};

use crate::position::LineCol;
use crate::validate::Checked;

/// Everything found in one input, for the formats that write a document per run (JUnit,
/// SARIF) and so need every record before writing. Text, JSON and GitHub stream instead.
#[derive(Debug, Clone)]
pub struct InputReport {
    /// The input's name (a path, `<stdin>`, or a command-line argument that named no input).
    pub name: Arc<str>,
    /// Its records, in order.
    pub records: Vec<Entry>,
    /// Why the input could not be opened or read to the end (exit status 2).
    pub failure: Option<InputFailure>,
    /// Time spent reading and checking it.
    pub elapsed: Duration,
}

/// One checked record and the time spent reading and checking it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub checked: Checked,
    pub elapsed: Duration,
}

/// Why an input could not be opened or read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFailure {
    /// Where reading stopped, when it had started.
    pub at: Option<LineCol>,
    pub message: String,
}

impl InputReport {
    pub fn new(name: Arc<str>) -> InputReport {
        InputReport {
            name,
            records: Vec::new(),
            failure: None,
            elapsed: Duration::ZERO,
        }
    }
}

/// A JSON Pointer as shown to people: the whole document's (empty) pointer is `(root)`.
pub fn shown_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

/// Styles for one output stream; all of them are no-ops when the stream gets no colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    pub const PLAIN: Palette = Palette { enabled: false };

    fn paint(&self, text: &str, style: fn(ColoredString) -> ColoredString) -> String {
        if self.enabled {
            style(text.normal()).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn location(&self, text: &str) -> String {
        self.paint(text, |s| s.bold())
    }

    pub fn pointer(&self, text: &str) -> String {
        self.paint(text, |s| s.cyan())
    }

    pub fn error(&self, text: &str) -> String {
        self.paint(text, |s| s.red().bold())
    }

    pub fn good(&self, text: &str) -> String {
        self.paint(text, |s| s.green())
    }

    pub fn warn(&self, text: &str) -> String {
        self.paint(text, |s| s.yellow())
    }

    pub fn heading(&self, text: &str) -> String {
        self.paint(text, |s| s.bold())
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, |s| s.dimmed())
    }

    /// JSON syntax colour (`fmt`): object keys.
    pub fn key(&self, text: &str) -> String {
        self.paint(text, |s| s.blue().bold())
    }

    /// JSON syntax colour: string values.
    pub fn string(&self, text: &str) -> String {
        self.paint(text, |s| s.green())
    }

    /// JSON syntax colour: numbers.
    pub fn number(&self, text: &str) -> String {
        self.paint(text, |s| s.cyan())
    }

    /// JSON syntax colour: true, false, null.
    pub fn literal(&self, text: &str) -> String {
        self.paint(text, |s| s.yellow())
    }
}
