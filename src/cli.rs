//! The command line, as clap derive types. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::capture::Format;
use crate::schema::LeadType;

/// Inspect and validate the lead payloads WhatConverts sends to webhooks.
///
/// Reads payload files, directories of fixtures and webhook capture logs (one JSON
/// document, NDJSON / JSON Lines, JSON values one after another, API list responses, raw
/// HTTP requests, HAR files, form-urlencoded bodies, any of them gzip-compressed) and checks
/// every record against the bundled JSON Schema of its WhatConverts lead type.
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

/// Which schema `validate` checks a record against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeChoice {
    /// By each record's lead_type (a missing or unknown one is reported).
    Auto,
    Chat,
    PhoneCall,
    WebForm,
    Transaction,
    TextMessage,
    Email,
    Event,
    Appointment,
    Other,
}

impl TypeChoice {
    /// The forced lead type, or `None` for `auto`.
    pub fn lead_type(self) -> Option<LeadType> {
        Some(match self {
            TypeChoice::Auto => return None,
            TypeChoice::Chat => LeadType::Chat,
            TypeChoice::PhoneCall => LeadType::PhoneCall,
            TypeChoice::WebForm => LeadType::WebForm,
            TypeChoice::Transaction => LeadType::Transaction,
            TypeChoice::TextMessage => LeadType::TextMessage,
            TypeChoice::Email => LeadType::Email,
            TypeChoice::Event => LeadType::Event,
            TypeChoice::Appointment => LeadType::Appointment,
            TypeChoice::Other => LeadType::Other,
        })
    }
}

/// The inputs of a command that reads records.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files, directories (searched recursively for *.json, *.jsonl, *.ndjson, *.har,
    /// *.http, and those names plus .gz) or `-` for stdin. With none, stdin is read when it
    /// is not a terminal.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// How inputs are framed: auto (detected per input: gzip, HAR, raw HTTP requests,
    /// form-urlencoded, else JSON), json, http, har or form. Gzip is always detected.
    #[arg(long, value_enum, default_value_t = Format::Auto, value_name = "FORMAT")]
    pub input_format: Format,
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

    /// The lead type's schema to check records against: auto (by each record's
    /// lead_type) or one type for every record.
    #[arg(
        long = "type",
        value_enum,
        default_value_t = TypeChoice::Auto,
        value_name = "TYPE",
        conflicts_with = "schema"
    )]
    pub lead_type: TypeChoice,

    /// Validate against this JSON Schema instead of the bundled lead schemas. It may
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
