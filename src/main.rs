//! The `leadcheck` binary: the command line over the library. `main` parses the arguments,
//! reads the terminal once, runs the command and maps its outcome to an exit code.
//!
//! Its modules are the binary's own: the library (`src/lib.rs`) cannot see them.
//!
//! - `cli`: the command line (clap), whose doc comments are `--help`;
//! - `run`: the environment resolved once (colour per stream, width, buffering), then the
//!   command dispatched;
//! - `commands`: one module per command: read through the scanner, call the library,
//!   hand the results to the renderers;
//! - `render`: every byte of output, to the writer it is given;
//! - `exit`: the exit codes of every command.

mod cli;
mod commands;
mod exit;
mod render;
mod run;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::rc::Rc;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::exit::{Outcome, is_broken_pipe};
use crate::run::{Terminal, run};

// Parsing payloads allocates a lot of small strings and maps; mimalloc makes that 15-20 %
// faster than the system allocator on a 256 MB stream (measured with benches/harness on
// this machine). Built without transparent huge pages (`no_thp`): with them, zeroing a
// 2 MiB page cost every run about 0.6 ms (one small file: 4.0 ms against 3.4 ms) and
// doubled the peak memory, for no gain in throughput.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    lint_flags_in_order(&matches, &mut cli);
    // `colored` has one process-wide switch; leadcheck decides colour per stream and only
    // styles text for a stream that gets colour, so the switch is simply left on.
    colored::control::set_override(true);
    let stdout = std::io::stdout();
    let terminal = Terminal {
        stdin: std::io::stdin().is_terminal(),
        stdout: stdout.is_terminal(),
        stderr: std::io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        force_color: std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0"),
        dumb: std::env::var_os("TERM").is_some_and(|v| v == "dumb"),
        columns: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .or_else(|| {
                let (w, _) = terminal_size::terminal_size_of(std::io::stdout())?;
                Some(usize::from(w.0))
            }),
    };
    // On a terminal every line shows at once; into a file or a pipe, output is buffered
    // (and flushed whenever the input pauses, so a live stream still shows each record).
    let out: Box<dyn Write> = if terminal.stdout {
        Box::new(stdout.lock())
    } else {
        Box::new(std::io::BufWriter::with_capacity(64 << 10, stdout.lock()))
    };
    let out = Rc::new(RefCell::new(out));
    // What goes to stderr comes after what went to stdout before it, also when both end
    // up in the same file.
    let mut err = AfterOut {
        out: Rc::clone(&out),
        err: std::io::stderr().lock(),
    };
    let mut shared = Shared(Rc::clone(&out));
    let result = run(cli, &terminal, &mut shared, &mut err);
    let mut out = shared;
    let result = result.and_then(|outcome| {
        out.flush()?;
        Ok(outcome)
    });
    match result {
        Ok(outcome) => outcome.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // What was written before the error goes out first.
            if out.flush().is_err() {
                return ExitCode::SUCCESS;
            }
            let text = render::text::error_line(&format!("{err:#}"));
            let _ = std::io::stderr().write_all(text.as_bytes());
            Outcome::Error.into()
        }
    }
}

/// `lint --deny/--warn/--allow` in the order they were given (clap keeps each option's
/// values apart; the last flag for a rule wins).
fn lint_flags_in_order(matches: &clap::ArgMatches, cli: &mut Cli) {
    use leadcheck::lint::Action;
    let (Some(("lint", sub)), cli::Command::Lint(args)) = (matches.subcommand(), &mut cli.command)
    else {
        return;
    };
    for (id, action) in [
        ("deny", Action::Deny),
        ("warn", Action::Warn),
        ("allow", Action::Allow),
    ] {
        if let (Some(indices), Some(values)) = (sub.indices_of(id), sub.get_many::<String>(id)) {
            args.flags
                .extend(indices.zip(values).map(|(i, v)| (i, action, v.clone())));
        }
    }
    args.flags.sort_by_key(|(i, _, _)| *i);
}

/// stdout, shared with the stderr writer that flushes it first.
struct Shared(Rc<RefCell<Box<dyn Write>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.borrow_mut().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// stderr, written after what stdout holds is flushed.
struct AfterOut {
    out: Rc<RefCell<Box<dyn Write>>>,
    err: std::io::StderrLock<'static>,
}

impl Write for AfterOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.borrow_mut().flush()?;
        self.err.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.borrow_mut().flush()?;
        self.err.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.err.flush()
    }
}
