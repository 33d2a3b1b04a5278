//! Runs a parsed command line: resolves the environment once (colour per stream, width),
//! then dispatches to the command, which writes through the renderers to the streams it is
//! given.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Cli, ColorChoice, Command};
use crate::commands;
use crate::exit::Outcome;
use crate::render::{Palette, Streams};

/// What leadcheck needs to know about where it runs, read once by `main`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdin: bool,
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
    pub fn color(&self, schemas: ColorChoice, is_terminal: bool) -> bool {
        match schemas {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                !self.no_color && (self.force_color || (is_terminal && !self.dumb))
            }
        }
    }
}

/// The output width when neither COLUMNS nor the terminal tells it.
pub const DEFAULT_WIDTH: usize = 100;

/// Runs the command and returns the outcome that decides the exit status. An `Err` is a
/// failure to do the job (exit status 2) or a closed output pipe.
pub fn run(cli: Cli, term: &Terminal, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome> {
    let mut s = Streams {
        out,
        err,
        out_palette: Palette {
            enabled: term.color(cli.color, term.stdout),
        },
        err_palette: Palette {
            enabled: term.color(cli.color, term.stderr),
        },
        flush_each: term.stdout,
        width: term.columns.filter(|&c| c > 0).unwrap_or(DEFAULT_WIDTH),
        progress: term.stderr,
        stdin_is_terminal: term.stdin,
    };
    let s = &mut s;
    match cli.command {
        Command::Validate(args) => commands::validate::run(&args, s),
        Command::Lint(args) => commands::lint::run(&args, s),
        Command::Show(args) => commands::show::run(&args, s),
        Command::Fmt(args) => commands::fmt::run(&args, s),
        Command::Stats(args) => commands::stats::run(&args, s),
        Command::Explain(args) => commands::explain::run(&args, s),
        Command::Schema => commands::schema::run(s),
        Command::Sample(args) => commands::sample::run(&args, s),
        Command::Completions(args) => commands::completions::run(&args, s),
        Command::Man(args) => commands::man::run(&args, s),
        Command::Diff(args) => commands::diff::run(&args, s),
        Command::History(args) => commands::history::run(&args, s),
        Command::Listen(args) => commands::listen::run(&args, s),
    }
}

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
