//! Runs a parsed command line: resolves the environment once (colour per stream), then
//! dispatches to the command, which writes through the renderers to the streams it is given.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Cli, ColorChoice, Command, ValidateArgs, ValidateFormat};
use crate::error::Outcome;
use crate::input::{self, Reader};
use crate::render::{self, Palette};
use crate::schema::Schema;
use crate::validate::{self, Options, Tally};

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
    match cli.command {
        Command::Validate(args) => {
            let mut streams = Streams {
                out,
                err,
                out_palette,
                err_palette,
                flush_each: term.stdout,
            };
            validate(&args, &mut streams)
        }
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
}

fn validate(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let quiet = args.quiet;
    let schema = match &args.schema {
        Some(path) => Schema::from_path(path),
        None => Schema::bundled(),
    };
    let schema = match schema {
        Ok(schema) => schema,
        Err(e) if quiet => {
            let _ = e;
            return Ok(Outcome::Error);
        }
        Err(e) => return Err(e.into()),
    };
    let options = Options {
        strict: args.strict,
    };
    let mut tally = Tally::default();
    let (inputs, errors) = input::expand(&args.input.inputs);
    for e in &errors {
        tally.failed_inputs += 1;
        if !quiet {
            render::text::write_input_error(s.err, s.err_palette, &e.name, None, &e.message)?;
        }
    }
    for input in inputs {
        tally.inputs += 1;
        let source = match input.open() {
            Ok(source) => source,
            Err(e) => {
                tally.failed_inputs += 1;
                if !quiet {
                    let message = format!("cannot open: {}", input::io_message(&e));
                    render::text::write_input_error(
                        s.err,
                        s.err_palette,
                        &input.name,
                        None,
                        &message,
                    )?;
                }
                continue;
            }
        };
        let mut reader = Reader::new(input.name.clone(), source);
        while let Some(item) = reader.next() {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    tally.failed_inputs += 1;
                    if !quiet {
                        let message = format!("cannot read: {}", input::io_message(&e));
                        let at = Some(reader.position());
                        render::text::write_input_error(
                            s.err,
                            s.err_palette,
                            &input.name,
                            at,
                            &message,
                        )?;
                    }
                    break;
                }
            };
            let checked = validate::check_item(&schema, item, options);
            tally.add(&checked);
            if quiet {
                continue;
            }
            match args.format {
                ValidateFormat::Text => {
                    render::text::write_checked(s.out, s.out_palette, &checked)?
                }
                ValidateFormat::Json => render::json::write_checked(s.out, &checked)?,
            }
            if s.flush_each {
                s.out.flush()?;
            }
        }
    }
    s.out.flush()?;
    if !quiet {
        writeln!(s.err, "{}", render::text::summary(s.err_palette, &tally))?;
    }
    Ok(tally.outcome())
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
