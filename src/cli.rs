//! The command line, as clap derive types. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Inspect and validate the lead payloads WhatConverts sends to webhooks.
///
/// Reads payload files, directories of fixtures and webhook capture logs (one JSON
/// document, NDJSON / JSON Lines, or JSON values one after another): checks every record
/// against the bundled JSON Schema of the WhatConverts chat lead, shows what changed
/// between two payloads, and how each lead evolved across a capture.
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
    /// Reports every violation of every record, one per line:
    /// INPUT:LINE:COL: /json/pointer: message. Exit status: 0 when every record is valid,
    /// 1 when a record is invalid or unreadable, 2 when leadcheck could not do its job.
    Validate(ValidateArgs),

    /// Show what changed between two payloads, or between two captures lead by lead.
    ///
    /// A structural diff: every change named by its JSON Pointer, as added (+), removed (-)
    /// or changed (~). Key order and number spelling (1 and 1.0) do not count; array
    /// elements are aligned, so an inserted element is one insertion. When OLD and NEW hold
    /// one payload each they are compared directly; otherwise records are paired by
    /// lead_id (a lead's last state in each input). A NEW `update` payload carries only
    /// the fields that changed: the fields it leaves out are taken from OLD (see
    /// --literal). Exit status: 0 no difference, 1 differences, 2 trouble.
    Diff(DiffArgs),

    /// Show how each lead evolved across a capture.
    ///
    /// Groups the records by lead_id, in order of arrival, and shows each lead's versions
    /// (origin, trigger, lead_state, last_updated) with the changes from the version
    /// before. Exit status: 0 shown, 1 --lead matched nothing, 2 trouble (an input that
    /// cannot be read, an unreadable record; the rest is still shown).
    History(HistoryArgs),
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change, aligned: marker, pointer, old → new.
    Text,
    /// A JSON array of changes: pointer, kind (added, removed, changed), old, new (and
    /// lead_id when the inputs are captures).
    Json,
    /// An RFC 6902 JSON Patch that turns OLD into NEW (one payload on each side only).
    Patch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// Each lead, its versions, and the changes under each version.
    Text,
    /// One JSON object per lead, one per line.
    Json,
}

/// How changes are found, for `diff` and `history`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Leave out the change at exactly this JSON Pointer; with a trailing /*, everything at
    /// and under it (e.g. --ignore /last_updated --ignore /lead_analysis/*). Repeatable.
    #[arg(long, value_name = "POINTER")]
    pub ignore: Vec<String>,

    /// Take `update` payloads as they are, instead of laying their fields over the lead's
    /// previous state (then the fields an update leaves out show as removed).
    #[arg(long)]
    pub literal: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The old payload or capture (a file, or `-` for stdin).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The new payload or capture (a file, or `-` for stdin).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    #[command(flatten)]
    pub compare: CompareArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text, value_name = "FORMAT")]
    pub format: DiffFormat,

    /// Print nothing; only the exit status tells whether the inputs differ.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Show only the lead with this lead_id.
    #[arg(long, value_name = "ID")]
    pub lead: Option<String>,

    /// Hide the leads that arrived only once.
    #[arg(long)]
    pub changed_only: bool,

    #[command(flatten)]
    pub compare: CompareArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text, value_name = "FORMAT")]
    pub format: HistoryFormat,
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
