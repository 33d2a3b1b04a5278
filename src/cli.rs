//! The command line, as clap derive types. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use leadcheck::capture::Format;
use leadcheck::schema::LeadType;

/// Inspect and validate the lead payloads WhatConverts sends to webhooks.
///
/// Reads payload files, directories of fixtures and webhook capture logs (one JSON
/// document, NDJSON / JSON Lines, JSON values one after another, API list responses, raw
/// HTTP requests, HAR files, form-urlencoded bodies, any of them gzip-compressed), checks
/// every record against the bundled JSON Schema of its WhatConverts lead type, shows,
/// formats, redacts and summarises them, shows what changed between two payloads, and
/// how each lead evolved across a capture.
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

    /// Check every record against the schema and the lint rules: the things a schema
    /// cannot say (a phone number a CRM rejects, a user_id of another profile, a contact
    /// email that disagrees with the form's own Email field, a lead that goes from
    /// Completed back to In Progress).
    ///
    /// The same as `validate --lint`, with control over the rules: their levels (error,
    /// warn, info, off) come from their defaults, then leadcheck.toml (found upward from
    /// the current directory, or --config), then --deny/--warn/--allow (a rule beats its
    /// group, the last flag wins). `leadcheck lint --list` lists the rules; `leadcheck
    /// explain RULE` documents one. Exit status: 1 for a schema violation, an unreadable
    /// record or an `error` finding (see --fail-on and --max-warnings), 2 when leadcheck
    /// could not do its job (an unknown rule name, a bad leadcheck.toml).
    Lint(LintArgs),

    /// Show each lead as a readable card, grouped the way a marketer reads it.
    ///
    /// Identity, contact, location, attribution, device, analysis, what the visitor
    /// submitted, value and flags; empty sections are left out and fields the card does not
    /// know are listed at the end. Each card says whether the record is valid. Exit status
    /// as for validate.
    Show(ShowArgs),

    /// Pretty-print each record, keeping key order and numbers exactly as received.
    ///
    /// Unreadable records are reported on stderr, as by validate, and skipped. Exit status:
    /// 0 when every record was printed, 1 when a record is unreadable, 2 when leadcheck
    /// could not do its job.
    Fmt(FmtArgs),

    /// Summarise a whole capture: counts by type, state, trigger, source / medium, flags,
    /// and which fields arrive, how often, with which JSON types.
    ///
    /// Streams: memory grows with the number of distinct values, not of records. Exit
    /// status as for validate.
    Stats(StatsArgs),

    /// Explain a field from the bundled schema (type, allowed values, description,
    /// example); without FIELD, list the fields by section.
    Explain(ExplainArgs),

    /// Print the bundled schema as one self-contained JSON Schema document (references
    /// resolved into $defs), for other validators and code generators.
    Schema,

    /// Print a bundled sample payload: by default the official Chat (In Progress) example.
    ///
    /// `leadcheck send URL --sample NAME` sends it to your own endpoint (`--sample all`:
    /// every one).
    Sample(SampleArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish) to stdout.
    ///
    /// For example: leadcheck completions bash > ~/.local/share/bash-completion/completions/leadcheck
    Completions(CompletionsArgs),

    /// Print the manual page (roff) to stdout; with a command name, that command's page.
    ///
    /// For example: leadcheck man > leadcheck.1 && man ./leadcheck.1
    Man(ManArgs),

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

    /// Receive webhooks: store every delivery in a capture file, check it, show it, and
    /// optionally forward it to your app.
    ///
    /// Each POST is appended to the capture (raw HTTP requests, which every leadcheck
    /// command reads) and synced before it is answered 200 {"ok":true,"seq":N}; then it is
    /// checked as validate checks it, shown on one line (violations under it, at their
    /// line:column in the capture), and queued for --forward. GET on the path answers a
    /// health line. Ctrl-C or SIGTERM stops it after the deliveries in flight, with the
    /// counts. Exit status: 0 when stopped, 2 when it cannot start (address in use, the
    /// capture locked by another listen or not a capture).
    Listen(ListenArgs),

    /// Replay payloads and captures to your own endpoint, exactly as they arrived, and show
    /// each answer.
    ///
    /// Each record of the inputs (and each --sample) is POSTed to URL: a record that was
    /// the whole body of a captured request (raw HTTP, HAR, a form line) with that body's
    /// exact bytes, Content-Type and Content-Encoding; any other record (a payload file, an
    /// NDJSON line, each lead of an API list response) with its own JSON text as
    /// application/json. One line per delivery: where the record is, lead type, lead_id,
    /// trigger, status and time, and the start of the answer when it is not a 2xx; the
    /// summary on stderr. Records of one lead go one after another, in input order, also
    /// with --concurrency. No redirect is followed. Exit status: 0 when every delivery got a
    /// 2xx, 1 when one did not (or a record is unreadable, and not sent), 2 when leadcheck
    /// could not do its job (usage, an input that cannot be read, a bad URL or --set).
    Send(SendArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SendArgs {
    /// Where to POST each record, such as http://127.0.0.1:3000/hooks/whatconverts
    /// (https:// needs leadcheck built with the `tls` feature).
    #[arg(value_name = "URL")]
    pub url: String,

    #[command(flatten)]
    pub input: InputArgs,

    /// Send a bundled sample (see `leadcheck sample --list`), or `all` of them; repeatable.
    /// Samples go first, then the inputs; with samples and no INPUT, stdin is not read.
    #[arg(long, value_name = "NAME")]
    pub sample: Vec<String>,

    /// Change a value before sending: a JSON Pointer and a JSON value, such as
    /// /quote_value=1250.5 or '/contact_name="Jane Doe"'. A field that does not exist is
    /// added; a parent that does not exist is an error. The record then goes as compact
    /// JSON, keys in their order, numbers as written. Repeatable.
    #[arg(long = "set", value_name = "POINTER=JSON", value_parser = parse_edit)]
    pub set: Vec<leadcheck::tree::Edit>,

    /// A header to send with every delivery, as 'Name: value'; repeatable. A Content-Type
    /// given here replaces each record's own.
    #[arg(short = 'H', long = "header", value_name = "'NAME: VALUE'", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// Deliveries in flight at once. Records of the same lead_id still go one after
    /// another, in input order.
    #[arg(short = 'c', long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,

    /// Start at most this many deliveries per second: 50/s, 600/min.
    #[arg(long, value_name = "N/s", value_parser = leadcheck::send::Rate::parse)]
    pub rate: Option<leadcheck::send::Rate>,

    /// Time for each delivery's answer, such as 10s or 500ms.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,

    /// Output format: a line per delivery, or a JSON object per delivery.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub format: OutputFormat,

    /// Show what would be sent (with --format json, the bodies too), and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `--set POINTER=JSON`.
fn parse_edit(text: &str) -> Result<leadcheck::tree::Edit, String> {
    leadcheck::tree::Edit::parse(text).map_err(|e| match e {
        leadcheck::tree::EditError::Syntax { message, .. } => message,
        other => other.to_string(),
    })
}

/// `--header 'Name: value'`.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!("{text:?}: expected 'Name: value'"));
    };
    let name = name.trim();
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(tchar) {
        return Err(format!("{name:?} is not a header name"));
    }
    let value = value.trim();
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!("the value of {name} has a control character"));
    }
    if leadcheck::client::is_hop_by_hop(name) {
        return Err(format!(
            "{name} is set by the connection itself, not per delivery"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

/// `--timeout`: `10s`, `500ms`, `1m` (more than zero).
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("the timeout must be more than zero".into()),
        Err(e) => Err(format!("{text:?}: {e} (such as 10s or 500ms)")),
    }
}

/// When `listen` syncs the capture to disk before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FsyncChoice {
    /// Deliveries arriving together share one sync (group commit).
    Batch,
    /// One sync per delivery.
    Always,
    /// No sync: a crash of the machine may lose deliveries already answered 200.
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// The port to listen on (0: any free port; the address is printed on stderr).
    #[arg(long, default_value_t = 8787, value_name = "PORT")]
    pub port: u16,

    /// The address to listen on. Anything but a loopback address (127.0.0.1, ::1) is
    /// reachable from other machines and needs --secret-env.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR", value_parser = parse_host)]
    pub host: std::net::IpAddr,

    /// The path deliveries are POSTed to; other paths are answered 404.
    #[arg(long, default_value = "/", value_name = "PATH")]
    pub path: String,

    /// The capture file every delivery is appended to (created when missing; a torn last
    /// record from a crash is moved to FILE.torn-TIME). Default: leadcheck-capture.http in
    /// the current directory.
    #[arg(long, default_value = "leadcheck-capture.http", value_name = "FILE")]
    pub out: PathBuf,

    /// Forward each delivery (its exact body and Content-Type) to this URL, your app,
    /// after it is stored; the app's status is shown. http:// (https:// needs the `tls`
    /// build feature).
    #[arg(long, value_name = "URL")]
    pub forward: Option<String>,

    /// When the capture is synced to disk before a delivery is answered.
    #[arg(long, value_enum, default_value_t = FsyncChoice::Batch, value_name = "WHEN")]
    pub fsync: FsyncChoice,

    /// The largest body accepted (larger ones are answered 413): bytes, or with KiB or MiB.
    #[arg(long, default_value = "1MiB", value_name = "SIZE", value_parser = parse_size)]
    pub max_body: u64,

    /// The name of an environment variable holding a secret every request must carry, as
    /// ?token=SECRET or Authorization: Bearer SECRET (401 otherwise). The secret is never
    /// stored or shown.
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,

    /// Output format: a line per delivery, or a JSON object per delivery and per forward.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub format: OutputFormat,

    /// Replace personal values with placeholders in what is shown (see `show --redact`);
    /// the capture keeps the deliveries as they came.
    #[arg(long)]
    pub redact: bool,
}

/// `--host`: an IP address, or `localhost`.
fn parse_host(text: &str) -> Result<std::net::IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::IpAddr::from([127, 0, 0, 1]));
    }
    text.parse()
        .map_err(|_| format!("{text:?} is not an IP address (such as 127.0.0.1, ::1 or 0.0.0.0)"))
}

/// The largest `--max-body`: the largest record leadcheck reads.
const MAX_BODY_LIMIT: u64 = leadcheck::reader::MAX_RECORD_BYTES as u64;

/// `--max-body`: `1048576`, `512KiB`, `1MiB` (also `K`, `KB`, `M`, `MB`, all powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 1MiB, 512KiB or 100000"))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        _ => return Err(format!("{text:?}: the units are KiB and MiB")),
    };
    let size = number.saturating_mul(scale);
    if size == 0 || size > MAX_BODY_LIMIT {
        return Err(format!(
            "{text:?}: between 1 byte and {}MiB",
            MAX_BODY_LIMIT >> 20
        ));
    }
    Ok(size)
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

/// `--type`: `auto` (by each record's lead_type), or one lead type for every record. The
/// types and their names come from the library's [`LeadType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeChoice(pub Option<LeadType>);

impl TypeChoice {
    /// The forced lead type, or `None` for `auto`.
    pub fn lead_type(self) -> Option<LeadType> {
        self.0
    }

    fn parser() -> impl clap::builder::TypedValueParser<Value = TypeChoice> {
        use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
        let auto = PossibleValue::new("auto")
            .help("By each record's lead_type (a missing or unknown one is reported)");
        let types = LeadType::ALL.iter().map(|t| PossibleValue::new(t.slug()));
        PossibleValuesParser::new(std::iter::once(auto).chain(types))
            .map(|slug| TypeChoice(LeadType::ALL.into_iter().find(|t| t.slug() == slug)))
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
    #[arg(long, value_enum, default_value_t = InputFormat::Auto, value_name = "FORMAT")]
    pub input_format: InputFormat,

    /// Threads that read and work on records (default: one per core). Output is in input
    /// order, and the same, whatever the number.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,

    /// Read every input on one thread with the sequential reader, parsing each record into
    /// a value: the reference the parallel pipeline is tested against (hidden: slower,
    /// never needed for the results, which are the same).
    #[arg(long, hide = true)]
    pub sequential: bool,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Detected per input from its first bytes (and its name's extension).
    Auto,
    /// JSON documents: one, NDJSON, JSON text sequences, or values one after another.
    Json,
    /// Raw HTTP requests, one or many.
    Http,
    /// A HAR file: each POST request's body.
    Har,
    /// application/x-www-form-urlencoded bodies, one per line.
    Form,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Auto => Format::Auto,
            InputFormat::Json => Format::Json,
            InputFormat::Http => Format::Http,
            InputFormat::Har => Format::Har,
            InputFormat::Form => Format::Form,
        }
    }
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
    /// lead_type; the default, unless leadcheck.toml says otherwise) or one type for every
    /// record.
    #[arg(
        long = "type",
        value_parser = TypeChoice::parser(),
        value_name = "TYPE",
        conflicts_with = "schema"
    )]
    pub lead_type: Option<TypeChoice>,

    /// Also apply the lint rules at their levels (see `leadcheck lint`).
    #[arg(long)]
    pub lint: bool,

    /// Validate against this JSON Schema instead of the bundled lead schemas. It may
    /// refer to the bundled schemas by their $id; nothing is fetched from the network.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// Report at most N violations of each record (and say how many more there were), so
    /// one broken fixture does not flood a CI log.
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub max_errors: Option<u64>,

    /// Replace personal values with stable placeholders before checking, so that no
    /// message quotes them (see `show --redact`): for CI logs.
    #[arg(long)]
    pub redact: bool,

    /// Print nothing; only the exit status tells the result.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub check: ValidateArgs,

    /// Make a rule, or every rule of a group, an error (repeatable; the last flag for a
    /// rule wins, and a rule beats its group).
    #[arg(long, value_name = "RULE|GROUP")]
    pub deny: Vec<String>,

    /// Make a rule, or every rule of a group, a warning (repeatable).
    #[arg(long, value_name = "RULE|GROUP")]
    pub warn: Vec<String>,

    /// Turn a rule, or every rule of a group, off (repeatable).
    #[arg(long, value_name = "RULE|GROUP")]
    pub allow: Vec<String>,

    /// The configuration file (default: leadcheck.toml in the current directory or the
    /// nearest one above it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Exit 1 also for findings at this level and above: warn (warnings) or info (any
    /// finding). By default only errors do.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// Exit 1 when there are more than N warnings (as eslint's --max-warnings).
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<u64>,

    /// List the rules: group, level, where the level comes from, and what each checks.
    #[arg(long)]
    pub list: bool,

    /// --deny/--warn/--allow in the order given on the command line (filled in from the
    /// parsed arguments: clap keeps each option's values apart).
    #[arg(skip)]
    pub flags: Vec<(usize, leadcheck::lint::Action, String)>,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Warn,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Text,
    /// One JSON object per record (stats: one object), one per line.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// One aligned line per record (time, lead id, type, state, trigger, source / medium,
    /// contact, valid?), fitted to the width: COLUMNS, else the terminal's, else 100.
    #[arg(long, conflicts_with = "format")]
    pub table: bool,

    /// Output format: text cards, or the card's data as JSON (one object per record).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub format: OutputFormat,

    /// Replace personal values (names, emails, phones, IP addresses, zip, free text,
    /// click and visitor ids) with stable placeholders of the same type and shape.
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Clone, Args)]
pub struct FmtArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// One record per line (turns any capture into NDJSON).
    #[arg(long, conflicts_with = "indent")]
    pub compact: bool,

    /// Spaces per indentation level.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=16))]
    pub indent: u8,

    /// Sort the keys of every object (values are kept exactly as written).
    #[arg(long)]
    pub sort_keys: bool,

    /// Replace personal values with stable placeholders (see `show --redact`).
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// A field name, such as lead_state (without it: every field, by section).
    #[arg(value_name = "FIELD")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SampleArgs {
    /// The sample to print (see --list).
    #[arg(value_name = "NAME", default_value = "chat-in-progress")]
    pub name: String,

    /// List the bundled samples.
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
}

/// `--max-errors N`: a whole number from 1 up (0 would hide every violation).
fn at_least_one(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err(
            "must be at least 1 (leave --max-errors out to report every violation; \
                      -q prints nothing)"
                .into(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err("expected a whole number, 1 or more".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_and_hosts_parse() {
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("100000"), Ok(100_000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("1GiB").is_err());
        assert!(parse_size("lots").is_err());
        assert_eq!(parse_host("localhost"), Ok([127, 0, 0, 1].into()));
        assert!(parse_host("example.com").is_err());
    }

    #[test]
    fn headers_and_timeouts_parse() {
        assert_eq!(
            parse_header("X-Token:  abc "),
            Ok(("X-Token".into(), "abc".into()))
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("Host: example.com").is_err());
        assert!(parse_header("X-A: a\rb").is_err());
        assert_eq!(
            parse_timeout("500ms"),
            Ok(std::time::Duration::from_millis(500))
        );
        assert!(parse_timeout("0s").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}
