//! The command line, as clap derive types. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Inspect and validate the lead payloads WhatConverts sends to webhooks.
///
/// Reads payload files, directories of fixtures and webhook capture logs (one JSON
/// document, NDJSON / JSON Lines, or JSON values one after another) and checks every
/// record against the bundled JSON Schema of the WhatConverts chat lead.
#[derive(Debug, Parser)]
#[command(
    name = "leadcheck",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set or TERM=dumb),
    /// always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record of the inputs against the lead schema.
    ///
    /// Reports every violation of every record, one per line
    /// (INPUT:LINE:COL: /json/pointer: message), or in a format CI systems read (--format
    /// github, junit or sarif). Exit status: 0 when every record is valid,
    /// 1 when a record is invalid or unreadable, 2 when leadcheck could not do its job.
    Validate(ValidateArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell or elvish) to stdout.
    ///
    /// For example: leadcheck completions bash > ~/.local/share/bash-completion/completions/leadcheck
    Completions(CompletionsArgs),

    /// Print the manual page (roff) to stdout; with a command name, that command's page.
    ///
    /// For example: leadcheck man > leadcheck.1 && man ./leadcheck.1
    Man(ManArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// A command (such as `validate`) whose own page to print instead of leadcheck(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per violation, compiler-style, and a summary on stderr.
    Text,
    /// One JSON object per record (valid ones too), nothing else on stdout.
    Json,
    /// GitHub Actions workflow commands: one ::error annotation per violation (file, line,
    /// column) and a closing ::notice with the counts.
    Github,
    /// A JUnit XML report: one testsuite per input, one testcase per record.
    Junit,
    /// A SARIF 2.1.0 log: one result per violation, one rule per schema keyword.
    Sarif,
}

/// The inputs of a command that reads records.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files, directories (searched recursively for *.json, *.jsonl and *.ndjson) or `-`
    /// for stdin. With none, stdin is read when it is not a terminal.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text, value_name = "FORMAT")]
    pub format: ValidateFormat,

    /// Also report top-level fields the schema does not know (with a did-you-mean for
    /// near misses of known names).
    #[arg(long)]
    pub strict: bool,

    /// Validate against this JSON Schema instead of the bundled chat lead schema. It may
    /// refer to the bundled schemas by their $id; nothing is fetched from the network.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// Report at most N violations of each record (and say how many more there were), so
    /// one broken fixture does not flood a CI log.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_errors: Option<u64>,

    /// Print nothing; only the exit status tells the result.
    #[arg(short, long)]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
