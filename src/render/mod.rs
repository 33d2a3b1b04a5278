//! Output: the only code that turns results into text. Every renderer writes to an
//! `io::Write` it is given, so tests render into a `Vec<u8>`.
//!
//! Colour is decided once per stream (see [`Palette`]) and only applied when that stream
//! gets it; renderers never look at the terminal themselves.

pub mod card;
pub mod diff;
pub mod explain;
pub mod github;
pub mod history;
pub mod json;
pub mod junit;
pub mod lint;
pub mod listen;
pub mod pretty;
pub mod progress;
pub mod sarif;
pub mod send;
pub mod stats;
pub mod term;
pub mod text;

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use colored::{ColoredString, Colorize};
use leadcheck::check::Checked;
use leadcheck::input::InputError;
use leadcheck::position::LineCol;

/// The output streams of a command, with what is known about them.
pub struct Streams<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub out_palette: Palette,
    pub err_palette: Palette,
    /// Flush after each record (stdout is a terminal: show results as they come).
    pub flush_each: bool,
    /// The line width to fit tables and wrap text in.
    pub width: usize,
    /// stderr is a terminal: long runs may show their progress there.
    pub progress: bool,
    /// stdin is a terminal (then it is not read without `-`).
    pub stdin_is_terminal: bool,
}

/// Everything found in one input, for the formats that write a document per run (JUnit,
/// SARIF) and so need every record before writing. Text, JSON and GitHub stream instead.
#[derive(Debug, Clone)]
pub struct InputReport {
    /// The input's name (a path, `<stdin>`, or a command-line argument that named no input).
    pub name: Arc<str>,
    /// Its records, in order.
    pub records: Vec<Entry>,
    /// Why the input could not be opened or read to the end (exit status 2).
    pub failure: Option<InputError>,
    /// Time spent reading and checking it.
    pub elapsed: Duration,
}

/// One checked record and the time spent reading and checking it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub checked: Checked,
    pub elapsed: Duration,
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
pub fn shown_pointer(pointer: &str) -> Cow<'_, str> {
    if pointer.is_empty() {
        Cow::Borrowed("(root)")
    } else {
        escape(pointer)
    }
}

/// A violation's or a finding's pointer as [`shown_pointer`] shows it, static pointers
/// (a top-level field's) not scanned: see [`escape_made`].
#[allow(clippy::ptr_arg)] // the variant, borrowed or owned, is what is read
pub fn shown_made_pointer<'a>(pointer: &'a Cow<'static, str>) -> Cow<'a, str> {
    if pointer.is_empty() {
        Cow::Borrowed("(root)")
    } else {
        escape_made(pointer)
    }
}

/// `INPUT:LINE:COL` (or `INPUT`), the one way a place is written for people, with control
/// characters in the input's name escaped.
pub fn location(input: &str, at: Option<LineCol>) -> String {
    Location {
        input,
        at,
        colon: false,
    }
    .to_string()
}

/// `INPUT:LINE:COL:` (or `INPUT:`), in bold, as a line about a place starts (a violation,
/// a note, a card's heading): formatted where it is written.
pub fn line_start(p: Palette, input: &str, at: Option<LineCol>) -> impl std::fmt::Display + '_ {
    let at = Location {
        input,
        at,
        colon: true,
    };
    p.painted(at, style::location)
}

/// Text from an input (a value, a key, a file name) made safe for a terminal and for
/// line-oriented formats: control characters (C0, DEL, C1) and the characters that reorder
/// text (bidi overrides and isolates) are written as `\u{…}` escapes, so they show instead
/// of acting. Everything else, non-ASCII included, is kept. (See [`term::escape_control`].)
pub fn escape(text: &str) -> Cow<'_, str> {
    term::escape_control(text)
}

/// [`escape`] of a violation's text (its message or pointer). Static text, borrowed for
/// the life of the program (a rule's constant message, a top-level field's pointer), is
/// leadcheck's own, with nothing [`escape`] would change (no control or bidi character):
/// it is written as it is, not scanned, which the text output does for tens of thousands
/// of findings a capture. Text made while checking, which may quote the payload, is
/// escaped.
#[allow(clippy::ptr_arg)] // the variant, borrowed or owned, is what is read
pub fn escape_made<'a>(text: &'a Cow<'static, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(ours) => {
            debug_assert!(
                matches!(escape(ours), Cow::Borrowed(_)),
                "static text with a control character: {ours:?}"
            );
            Cow::Borrowed(ours)
        }
        Cow::Owned(made) => escape(made),
    }
}

/// [`escape`], but line breaks are kept (for text laid out over several lines).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    term::escape_control_keep_newlines(text)
}

/// The styles of the parts of a line that more than one renderer writes.
pub mod style {
    use colored::{ColoredString, Colorize};

    pub fn location(s: ColoredString) -> ColoredString {
        s.bold()
    }

    pub fn pointer(s: ColoredString) -> ColoredString {
        s.cyan()
    }

    pub fn error(s: ColoredString) -> ColoredString {
        s.red().bold()
    }

    pub fn warn(s: ColoredString) -> ColoredString {
        s.yellow()
    }

    pub fn dim(s: ColoredString) -> ColoredString {
        s.dimmed()
    }
}

/// Something to write, in a style when its stream gets colour ([`Palette::painted`]).
pub struct Painted<T> {
    content: T,
    style: Option<fn(ColoredString) -> ColoredString>,
}

impl<T: std::fmt::Display> std::fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.style {
            None => self.content.fmt(f),
            Some(style) => style(self.content.to_string().normal()).fmt(f),
        }
    }
}

/// `INPUT:LINE:COL` (or `INPUT`) as [`location`] writes it, formatted where it is written;
/// `colon` adds the `:` that ends it at the start of a line.
struct Location<'a> {
    input: &'a str,
    at: Option<LineCol>,
    colon: bool,
}

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&escape(self.input))?;
        if let Some(at) = self.at {
            write!(f, ":{at}")?;
        }
        if self.colon {
            f.write_str(":")?;
        }
        Ok(())
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
        self.painted(text, style).to_string()
    }

    /// `content` to be written in `style` when the stream gets colour: formatted straight
    /// into the output, with no `String` made when it does not (the lines of a large
    /// capture's findings).
    pub fn painted<T: std::fmt::Display>(
        &self,
        content: T,
        style: fn(ColoredString) -> ColoredString,
    ) -> Painted<T> {
        Painted {
            content,
            style: self.enabled.then_some(style),
        }
    }

    pub fn location(&self, text: &str) -> String {
        self.paint(text, style::location)
    }

    pub fn pointer(&self, text: &str) -> String {
        self.paint(text, style::pointer)
    }

    pub fn error(&self, text: &str) -> String {
        self.paint(text, style::error)
    }

    pub fn good(&self, text: &str) -> String {
        self.paint(text, |s| s.green())
    }

    pub fn warn(&self, text: &str) -> String {
        self.paint(text, style::warn)
    }

    pub fn heading(&self, text: &str) -> String {
        self.paint(text, |s| s.bold())
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, style::dim)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_made_while_checking_is_escaped_and_static_text_is_written_as_it_is() {
        let made: Cow<'static, str> = Cow::Owned("\"555\u{1b}[2J\" is \u{202e}spelt".into());
        assert_eq!(escape_made(&made), "\"555\\u{1b}[2J\" is \\u{202e}spelt");
        let made_pointer: Cow<'static, str> = Cow::Owned("/field_mappings/a\u{7}".into());
        assert_eq!(shown_made_pointer(&made_pointer), "/field_mappings/a\\u{7}");
        let ours: Cow<'static, str> = Cow::Borrowed("/lead_state");
        assert!(matches!(
            shown_made_pointer(&ours),
            Cow::Borrowed("/lead_state")
        ));
        assert_eq!(shown_made_pointer(&Cow::Borrowed("")), "(root)");
    }
}
