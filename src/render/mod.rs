//! Output: the only code that turns results into text. Every renderer writes to an
//! `io::Write` it is given, so tests render into a `Vec<u8>`.
//!
//! Colour is decided once per stream (see [`Palette`]) and only applied when that stream
//! gets it; renderers never look at the terminal themselves.

pub mod diff;
pub mod json;
pub mod text;

use colored::{ColoredString, Colorize};

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
}
