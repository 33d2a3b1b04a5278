//! Runs a parsed command line: resolves the environment once (colour per stream), then
//! dispatches to the command, which writes through the renderers to the streams it is given.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Cli, ColorChoice, Command};
use crate::commands;
use crate::error::Outcome;
use crate::render::Palette;

/// What leadcheck needs to know about where it runs, read once by the binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout: bool,
    pub stderr: bool,
    /// NO_COLOR is set (and not empty).
    pub no_color: bool,
    /// CLICOLOR_FORCE is set (and not "0").
    pub force_color: bool,
    /// TERM=dumb.
    pub dumb: bool,
    /// The width of the output in columns: COLUMNS when set, else the terminal's width
    /// when stdout is a terminal.
    pub columns: Option<usize>,
}

impl Terminal {
    /// Whether a stream that is (or is not) a terminal gets colour.
    pub fn color(&self, choice: ColorChoice, is_terminal: bool) -> bool {
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                !self.no_color && (self.force_color || (is_terminal && !self.dumb))
            }
        }
    }
}

/// Runs the command and returns the outcome that decides the exit status. An `Err` is a
/// failure to do the job (exit status 2) or a closed output pipe.
pub fn run(cli: Cli, term: &Terminal, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let out_palette = Palette {
        enabled: term.color(cli.color, term.stdout),
    };
    let err_palette = Palette {
        enabled: term.color(cli.color, term.stderr),
    };
    let mut streams = Streams {
        out,
        err,
        out_palette,
        err_palette,
        flush_each: term.stdout,
        width: term.columns.filter(|&c| c > 0).unwrap_or(DEFAULT_WIDTH),
        progress: term.stderr,
    };
    match cli.command {
        Command::Validate(args) => commands::validate::run(&args, &mut streams),
        Command::Show(args) => commands::show::run(&args, &mut streams),
        Command::Fmt(args) => commands::fmt::run(&args, &mut streams),
        Command::Stats(args) => commands::stats::run(&args, &mut streams),
        Command::Explain(args) => commands::explain::run(&args, &mut streams),
        Command::Schema => commands::schema::run(&mut streams),
        Command::Sample(args) => commands::sample::run(&args, &mut streams),
        Command::Completions(args) => commands::completions::run(&args, &mut streams),
        Command::Man(args) => commands::man::run(&args, &mut streams),
        Command::Diff(args) => commands::diff::run(&args, &mut streams),
        Command::History(args) => commands::history::run(&args, &mut streams),
        Command::Listen(args) => commands::listen::run(&args, &mut streams),
    }
}

/// The output streams of a command, with their palettes.
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
}

/// The output width when neither COLUMNS nor the terminal tells it.
pub const DEFAULT_WIDTH: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_decided_per_stream() {
        let tty = Terminal {
            stdout: true,
            ..Terminal::default()
        };
        assert!(tty.color(ColorChoice::Auto, true));
        assert!(!tty.color(ColorChoice::Auto, false));
        assert!(tty.color(ColorChoice::Always, false));
        assert!(!tty.color(ColorChoice::Never, true));
        let no_color = Terminal {
            no_color: true,
            ..tty
        };
        assert!(!no_color.color(ColorChoice::Auto, true));
        assert!(no_color.color(ColorChoice::Always, true));
        let dumb = Terminal { dumb: true, ..tty };
        assert!(!dumb.color(ColorChoice::Auto, true));
        let forced = Terminal {
            force_color: true,
            ..Terminal::default()
        };
        assert!(forced.color(ColorChoice::Auto, false));
    }
}
