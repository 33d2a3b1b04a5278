//! `leadcheck.toml`: rule levels, exceptions by location, and defaults users repeat.
//!
//! ```toml
//! [lint]
//! phone-e164 = "off"          # a rule …
//! quirk = "warn"              # … or a group: "error", "warn", "info" or "off"
//!
//! [lint.except]
//! # JSON has no comments: exceptions live here, by file and JSON Pointer.
//! "fixtures/lead_42.json#/contact_phone_number" = ["phone-e164"]
//! "fixtures/legacy" = ["format"]          # a file or directory, every pointer
//!
//! [validate]
//! type = "chat"
//! strict = true
//!
//! [diff]
//! ignore = ["/last_updated"]
//! ```
//!
//! The file is found upward from a directory ([`Config::discover`]) or given
//! ([`Config::load`]). Paths in it are relative to its own directory; `<stdin>` names piped
//! input. Every unknown table or key and every bad value is reported with its line:column
//! and, for a near miss, a did-you-mean; all of them at once, in file order.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::registry::{Level, Rule, RuleSet, Target};
use crate::input::STDIN_NAME;
use crate::position::LineCol;
use crate::schema::LeadType;
use crate::suggest;

/// The name looked for by [`Config::discover`].
pub const FILE_NAME: &str = "leadcheck.toml";

/// A parsed `leadcheck.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file, as given to [`Config::load`], or as found by [`Config::discover`] relative
    /// to its start directory (`leadcheck.toml`, `../leadcheck.toml`): for messages and
    /// `lint --list`.
    pub path: PathBuf,
    /// The file's directory, absolute and normalised: what exception paths are relative to.
    base: PathBuf,
    /// `[lint]`: levels by rule or group, in file order.
    pub lint: Vec<Setting>,
    /// `[lint.except]`, in file order.
    pub except: Vec<Exception>,
    pub validate: ValidateDefaults,
    pub diff: DiffDefaults,
}

/// One `rule-or-group = "level"` of `[lint]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub name: String,
    pub target: Target,
    pub level: Level,
    pub at: LineCol,
}

/// One entry of `[lint.except]`: the named rules do not report at `path` (a file, every
/// file under a directory, or piped input: [`Exception::piped`]), at `pointer` and
/// everything under it (or anywhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The key as written.
    pub key: String,
    /// Absolute and normalised (for [`STDIN_NAME`], the name in the file's directory,
    /// which no file input is matched against).
    pub path: PathBuf,
    /// Written as [`STDIN_NAME`]: the exception is about piped input, wherever leadcheck
    /// runs, and about no file.
    pub piped: bool,
    pub pointer: Option<String>,
    pub rules: RuleSet,
    pub at: LineCol,
}

/// `[validate]`: defaults of `validate` and `lint` (the command line overrides them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidateDefaults {
    /// `type`: `auto` or a lead type's slug (`chat`, `phone-call`, …), checked.
    pub lead_type: Option<String>,
    /// `strict`.
    pub strict: Option<bool>,
}

/// `[diff]`: defaults of `diff` (and `history`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffDefaults {
    /// `ignore`: JSON Pointers, each `""` or starting with `/` (a trailing `/*` allowed).
    pub ignore: Option<Vec<String>>,
}

/// Why a config file could not be used.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// Every problem found, in file order.
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based; columns count characters.
    pub at: LineCol,
    pub message: String,
}

impl fmt::Display for ConfigError {
    /// `cannot read PATH: …`, or one `PATH:LINE:COL: message` line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            ConfigError::Invalid { path, problems } => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{}:{}: {}", path.display(), p.at, p.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Invalid { .. } => None,
        }
    }
}

impl Config {
    /// The `leadcheck.toml` of `start` or of its nearest ancestor that has one, or `None`.
    pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
        let start = normalise(&absolute(start));
        let mut shown = PathBuf::new();
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                let text = read(&candidate)?;
                return Config::parse_in(&text, shown.join(FILE_NAME), dir.to_path_buf()).map(Some);
            }
            shown.push("..");
        }
        Ok(None)
    }

    /// The config file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        Config::parse(&text, path)
    }

    /// `text`, the content of the config file at `path` (which need not exist: exception
    /// paths are relative to its directory).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Config::parse_in(text, path.to_path_buf(), normalise(&absolute(dir)))
    }

    fn parse_in(text: &str, path: PathBuf, base: PathBuf) -> Result<Config, ConfigError> {
        let mut parser = Parser {
            text,
            problems: Vec::new(),
        };
        let mut config = Config {
            path,
            base,
            lint: Vec::new(),
            except: Vec::new(),
            validate: ValidateDefaults::default(),
            diff: DiffDefaults::default(),
        };
        match DeTable::parse(text) {
            Ok(root) => parser.root(root.get_ref(), &mut config),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                parser.problem(at..at, e.message().to_string());
            }
        }
        if parser.problems.is_empty() {
            return Ok(config);
        }
        let mut problems = parser.problems;
        problems.sort_by_key(|p| p.at);
        Err(ConfigError::Invalid {
            path: config.path,
            problems,
        })
    }

    /// Whether `[lint.except]` exempts `rule`'s findings at `pointer` in the input
    /// `input_path` (as given on the command line: relative to the current directory; or
    /// [`STDIN_NAME`], piped input).
    pub fn exempt(&self, input_path: &Path, pointer: &str, rule: &str) -> bool {
        if self.except.is_empty() {
            return false;
        }
        self.exceptions_for(input_path).exempt(pointer, rule)
    }

    /// The exceptions that apply to one input, to test many findings of it cheaply. Piped
    /// input, reported as [`STDIN_NAME`], has the exceptions written for that name, and
    /// no file's or directory's (it is in none).
    pub fn exceptions_for(&self, input_path: &Path) -> InputExceptions<'_> {
        self.exceptions_at(&self.exception_indices(input_path))
    }

    /// [`Config::exceptions_for`] as where its exceptions are in `except`: what a caller
    /// keeps for an input it meets again (finding them makes the input's path absolute).
    pub fn exception_indices(&self, input_path: &Path) -> Vec<usize> {
        // Piped input is in no file or directory: `None`.
        let file = (input_path != Path::new(STDIN_NAME)).then(|| normalise(&absolute(input_path)));
        self.except
            .iter()
            .enumerate()
            .filter(|(_, e)| match &file {
                None => e.piped,
                Some(input) => !e.piped && input.starts_with(&e.path),
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The exceptions at `indices` of `except` (see [`Config::exception_indices`]; an index
    /// past its end names none).
    pub fn exceptions_at(&self, indices: &[usize]) -> InputExceptions<'_> {
        InputExceptions {
            exceptions: indices.iter().filter_map(|&i| self.except.get(i)).collect(),
        }
    }
}

/// The exceptions of a config file that apply to one input.
#[derive(Debug, Clone)]
pub struct InputExceptions<'a> {
    exceptions: Vec<&'a Exception>,
}

impl InputExceptions<'_> {
    /// Whether `rule`'s findings at `pointer` are exempt.
    pub fn exempt(&self, pointer: &str, rule: &str) -> bool {
        let Some(rule) = Rule::from_name(rule) else {
            return false;
        };
        self.exceptions.iter().any(|e| {
            e.rules.contains(rule)
                && e.pointer.as_deref().is_none_or(|p| {
                    pointer
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                })
        })
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` without `.` and with `..` applied to the components before it (no symbolic link
/// is followed: the same lexical view the command line gives).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// Walks the parsed document, collecting problems.
struct Parser<'t> {
    text: &'t str,
    problems: Vec<Problem>,
}

const TABLES: [&str; 3] = ["diff", "lint", "validate"];
const VALIDATE_KEYS: [&str; 2] = ["strict", "type"];
const DIFF_KEYS: [&str; 1] = ["ignore"];
const LEVELS: &str = r#""error", "warn", "info" or "off""#;

impl Parser<'_> {
    fn problem(&mut self, span: Range<usize>, message: String) {
        let end = span.start.min(self.text.len());
        let at = LineCol::START.advance(&self.text.as_bytes()[..end]);
        self.problems.push(Problem { at, message });
    }

    /// An unknown key of `table` (`[lint]`, or "the top level"), with a did-you-mean.
    fn unknown(&mut self, span: Range<usize>, what: &str, key: &str, known: &[&str]) {
        let mut message = format!("unknown {what} {}", quote(key));
        if let Some(s) = suggest::closest(key, known.iter().copied()) {
            message.push_str(&format!("; did you mean {}?", quote(s)));
        } else {
            message.push_str(&format!("; expected {}", list(known)));
        }
        self.problem(span, message);
    }

    fn table<'a, 'i>(
        &mut self,
        name: &str,
        value: &'a Spanned<DeValue<'i>>,
    ) -> Option<&'a DeTable<'i>> {
        let table = value.get_ref().as_table();
        if table.is_none() {
            self.problem(
                value.span(),
                format!(
                    "[{name}] must be a table, found {}",
                    value.get_ref().type_str()
                ),
            );
        }
        table
    }

    fn root(&mut self, root: &DeTable<'_>, config: &mut Config) {
        for (key, value) in root.iter() {
            match key.get_ref().as_ref() {
                "lint" => {
                    if let Some(t) = self.table("lint", value) {
                        self.lint(t, config);
                    }
                }
                "validate" => {
                    if let Some(t) = self.table("validate", value) {
                        self.validate(t, config);
                    }
                }
                "diff" => {
                    if let Some(t) = self.table("diff", value) {
                        self.diff(t, config);
                    }
                }
                other => {
                    let home = [("validate", &VALIDATE_KEYS[..]), ("diff", &DIFF_KEYS[..])]
                        .into_iter()
                        .find(|(_, keys)| keys.contains(&other));
                    if let Some((table, _)) = home.filter(|_| !value.get_ref().is_table()) {
                        self.problem(
                            key.span(),
                            format!("{} belongs in the [{table}] table", quote(other)),
                        );
                    } else if Target::from_name(other).is_some() {
                        self.problem(
                            key.span(),
                            format!("{} belongs in the [lint] table", quote(other)),
                        );
                    } else {
                        self.unknown(key.span(), "table", other, &TABLES);
                    }
                }
            }
        }
    }

    fn lint(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            if name == "except" {
                if let Some(t) = self.table("lint.except", value) {
                    self.except(t, config);
                }
                continue;
            }
            // An unknown name is one problem, whatever its value.
            let Some(target) = self.target(key.span(), name, "[lint]") else {
                continue;
            };
            if let Some(level) = self.level(value) {
                config.lint.push(Setting {
                    name: name.to_string(),
                    target,
                    level,
                    at: LineCol::START.advance(&self.text.as_bytes()[..key.span().start]),
                });
            }
        }
    }

    /// The rule or group called `name`, or a problem with a did-you-mean.
    fn target(&mut self, span: Range<usize>, name: &str, place: &str) -> Option<Target> {
        let target = Target::from_name(name);
        if target.is_none() {
            let mut message = format!("{}: no rule or group has this name in {place}", quote(name));
            match Target::suggest(name) {
                Some(s) => message.push_str(&format!("; did you mean {}?", quote(s))),
                None => message.push_str(" (`leadcheck lint --list` lists them)"),
            }
            self.problem(span, message);
        }
        target
    }

    fn level(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Level> {
        let Some(text) = value.get_ref().as_str() else {
            self.problem(
                value.span(),
                format!(
                    "expected a level ({LEVELS}), found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        let level = text.parse::<Level>().ok();
        if level.is_none() {
            let names = Level::ALL.map(Level::name);
            let mut message = format!("{} is not a level; expected {LEVELS}", quote(text));
            let near = suggest::closest(text, names).or(match text {
                "warning" => Some("warn"),
                "allow" | "none" | "ignore" => Some("off"),
                "deny" => Some("error"),
                "note" => Some("info"),
                _ => None,
            });
            if let Some(s) = near {
                message.push_str(&format!("; did you mean {}?", quote(s)));
            }
            self.problem(value.span(), message);
        }
        level
    }

    fn except(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in table.iter() {
            let text = key.get_ref().as_ref();
            let (file, pointer) = match text.split_once('#') {
                Some((file, pointer)) => (file, Some(pointer)),
                None => (text, None),
            };
            let mut ok = true;
            if file.is_empty() {
                self.problem(
                    key.span(),
                    format!(
                        "{}: an exception starts with a file or directory path, or <stdin>",
                        quote(text)
                    ),
                );
                ok = false;
            }
            if let Some(p) = pointer.filter(|p| !is_pointer(p)) {
                self.problem(
                    key.span(),
                    format!(
                        "{} is not a JSON Pointer (\"\" or /key/…, with ~0 for ~ and ~1 for /)",
                        quote(p)
                    ),
                );
                ok = false;
            }
            let rules = self.rule_list(value);
            if let (true, Some(rules)) = (ok, rules) {
                config.except.push(Exception {
                    key: text.to_string(),
                    path: normalise(&config.base.join(file)),
                    piped: file == STDIN_NAME,
                    pointer: pointer.map(str::to_string),
                    rules,
                    at: LineCol::START.advance(&self.text.as_bytes()[..key.span().start]),
                });
            }
        }
    }

    /// A non-empty array of rule or group names.
    fn rule_list(&mut self, value: &Spanned<DeValue<'_>>) -> Option<RuleSet> {
        let Some(items) = value.get_ref().as_array() else {
            self.problem(
                value.span(),
                format!(
                    "expected an array of rule or group names, found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.problem(
                value.span(),
                "an empty list exempts nothing; name rules or groups".to_string(),
            );
            return None;
        }
        let mut set = RuleSet::EMPTY;
        let mut ok = true;
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(name) => match self.target(item.span(), name, "[lint.except]") {
                    Some(t) => t.rules().iter().for_each(|r| set.insert(r)),
                    None => ok = false,
                },
                None => {
                    self.problem(
                        item.span(),
                        format!(
                            "expected a rule or group name, found {}",
                            item.get_ref().type_str()
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(set)
    }

    fn validate(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in table.iter() {
            match key.get_ref().as_ref() {
                "type" => {
                    let types: Vec<&str> = std::iter::once("auto")
                        .chain(LeadType::ALL.iter().map(|t| t.slug()))
                        .collect();
                    match value.get_ref().as_str() {
                        Some(t) if types.contains(&t) => {
                            config.validate.lead_type = Some(t.to_string());
                        }
                        Some(t) => {
                            // `Phone Call` is the payload's spelling of `phone-call`.
                            let slug = LeadType::from_name(t).map(LeadType::slug);
                            let near = slug.or_else(|| suggest::closest(t, types.iter().copied()));
                            let mut message = format!(
                                "{} is not a lead type; expected {}",
                                quote(t),
                                list(&types)
                            );
                            if let Some(s) = near {
                                message.push_str(&format!("; did you mean {}?", quote(s)));
                            }
                            self.problem(value.span(), message);
                        }
                        None => self.wrong_type(value, "a lead type (a string)"),
                    }
                }
                "strict" => match value.get_ref().as_bool() {
                    Some(b) => config.validate.strict = Some(b),
                    None => self.wrong_type(value, "true or false"),
                },
                other => self.unknown(key.span(), "key in [validate]", other, &VALIDATE_KEYS),
            }
        }
    }

    fn diff(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in table.iter() {
            match key.get_ref().as_ref() {
                "ignore" => {
                    let Some(items) = value.get_ref().as_array() else {
                        self.wrong_type(value, "an array of JSON Pointers");
                        continue;
                    };
                    let mut pointers = Vec::new();
                    for item in items.iter() {
                        match item.get_ref().as_str() {
                            Some(p) if is_pointer(p.strip_suffix("/*").unwrap_or(p)) => {
                                pointers.push(p.to_string());
                            }
                            Some(p) => self.problem(
                                item.span(),
                                format!(
                                    "{} is not a JSON Pointer (\"\" or /key/…, a trailing /* \
                                     for everything under it)",
                                    quote(p)
                                ),
                            ),
                            None => self.wrong_type(item, "a JSON Pointer (a string)"),
                        }
                    }
                    if pointers.len() == items.len() {
                        config.diff.ignore = Some(pointers);
                    }
                }
                other => self.unknown(key.span(), "key in [diff]", other, &DIFF_KEYS),
            }
        }
    }

    fn wrong_type(&mut self, value: &Spanned<DeValue<'_>>, expected: &str) {
        self.problem(
            value.span(),
            format!("expected {expected}, found {}", value.get_ref().type_str()),
        );
    }
}

/// Whether `p` is an RFC 6901 JSON Pointer: `""`, or `/`-separated tokens where every `~`
/// is followed by `0` or `1`.
fn is_pointer(p: &str) -> bool {
    (p.is_empty() || p.starts_with('/'))
        && p.match_indices('~')
            .all(|(i, _)| matches!(p.as_bytes().get(i + 1), Some(b'0' | b'1')))
}

fn quote(s: &str) -> String {
    super::quote(s).to_string()
}

/// `"a", "b" or "c"`.
fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::registry::Group;

    fn problems(text: &str) -> Vec<String> {
        match Config::parse(text, Path::new("conf/leadcheck.toml")) {
            Ok(c) => panic!("parsed: {c:?}"),
            Err(ConfigError::Invalid { path, problems }) => {
                assert_eq!(path, Path::new("conf/leadcheck.toml"));
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.at, p.message))
                    .collect()
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_full_file() {
        let text = r#"
[lint]
quirk = "off"
phone-e164 = "error"

[lint.except]
"fixtures/lead_42.json#/contact_phone_number" = ["phone-e164"]
"fixtures/legacy" = ["format", "user-id-profile"]
"whole.json#" = ["quirk"]

[validate]
type = "phone-call"
strict = true

[diff]
ignore = ["/last_updated", "/lead_analysis/*", ""]
"#;
        let c = Config::parse(text, Path::new("leadcheck.toml")).unwrap();
        let cwd = normalise(&absolute(Path::new(".")));
        assert_eq!(c.path, Path::new("leadcheck.toml"));
        let lint: Vec<_> = c
            .lint
            .iter()
            .map(|s| (s.name.as_str(), s.target, s.level, s.at.to_string()))
            .collect();
        // In key order (the parser's), each with its position.
        assert_eq!(
            lint,
            [
                (
                    "phone-e164",
                    Target::Rule(Rule::PhoneE164),
                    Level::Error,
                    "4:1".into()
                ),
                (
                    "quirk",
                    Target::Group(Group::Quirk),
                    Level::Off,
                    "3:1".into()
                ),
            ]
        );
        let except: Vec<_> = c
            .except
            .iter()
            .map(|e| (e.path.clone(), e.pointer.as_deref(), e.rules.iter().count()))
            .collect();
        assert_eq!(
            except,
            [
                (
                    cwd.join("fixtures/lead_42.json"),
                    Some("/contact_phone_number"),
                    1
                ),
                (cwd.join("fixtures/legacy"), None, 6),
                (cwd.join("whole.json"), Some(""), 2),
            ]
        );
        assert_eq!(
            c.validate,
            ValidateDefaults {
                lead_type: Some("phone-call".into()),
                strict: Some(true)
            }
        );
        assert_eq!(
            c.diff.ignore.as_deref(),
            Some(
                &[
                    "/last_updated".to_string(),
                    "/lead_analysis/*".into(),
                    "".into()
                ][..]
            )
        );
        let empty = Config::parse("", Path::new("x/leadcheck.toml")).unwrap();
        assert!(empty.lint.is_empty() && empty.except.is_empty());
        assert_eq!(empty.validate, ValidateDefaults::default());
        assert_eq!(empty.diff, DiffDefaults::default());
    }

    #[test]
    fn problems_have_positions_and_did_you_means() {
        let text = r##"[lint]
phone-e146 = "off"
format = "warning"
quirk = 1
pedantic = "loud"

[lint.except]
"#/x" = ["phone-e164"]
"a.json#x~2" = ["phone-e164"]
"b.json" = []
"zoë.json" = ["phone-e16", 3]
"c.json" = "phone-e164"

[validate]
type = "chatt"
strict = "yes"
stric = true

[dif]
x = 1

[diff]
ignore = ["last_updated", 5]
"##;
        assert_eq!(
            problems(text),
            [
                r#"2:1: "phone-e146": no rule or group has this name in [lint]; did you mean "phone-e164"?"#,
                r#"3:10: "warning" is not a level; expected "error", "warn", "info" or "off"; did you mean "warn"?"#,
                r#"4:9: expected a level ("error", "warn", "info" or "off"), found integer"#,
                r#"5:12: "loud" is not a level; expected "error", "warn", "info" or "off""#,
                r##"8:1: "#/x": an exception starts with a file or directory path, or <stdin>"##,
                r#"9:1: "x~2" is not a JSON Pointer ("" or /key/…, with ~0 for ~ and ~1 for /)"#,
                r#"10:12: an empty list exempts nothing; name rules or groups"#,
                r#"11:15: "phone-e16": no rule or group has this name in [lint.except]; did you mean "phone-e164"?"#,
                r#"11:28: expected a rule or group name, found integer"#,
                r#"12:12: expected an array of rule or group names, found string"#,
                r#"15:8: "chatt" is not a lead type; expected "auto", "chat", "phone-call", "web-form", "transaction", "text-message", "email", "event", "appointment" or "other"; did you mean "chat"?"#,
                r#"16:10: expected true or false, found string"#,
                r#"17:1: unknown key in [validate] "stric"; did you mean "strict"?"#,
                r#"19:2: unknown table "dif"; did you mean "diff"?"#,
                r#"23:11: "last_updated" is not a JSON Pointer ("" or /key/…, a trailing /* for everything under it)"#,
                r#"23:27: expected a JSON Pointer (a string), found integer"#,
            ]
        );
    }

    #[test]
    fn misplaced_keys_and_syntax_errors() {
        assert_eq!(
            problems("strict = true\nphone-e164 = \"off\"\n[lint.nope]\n[lint.quirk]\n"),
            [
                r#"1:1: "strict" belongs in the [validate] table"#,
                r#"2:1: "phone-e164" belongs in the [lint] table"#,
                r#"3:7: "nope": no rule or group has this name in [lint] (`leadcheck lint --list` lists them)"#,
                r#"4:1: expected a level ("error", "warn", "info" or "off"), found table"#,
            ]
        );
        assert_eq!(
            problems("lint = 3\n[validate]\ntype = \"Phone Call\"\n"),
            [
                "1:8: [lint] must be a table, found integer",
                r#"3:8: "Phone Call" is not a lead type; expected "auto", "chat", "phone-call", "web-form", "transaction", "text-message", "email", "event", "appointment" or "other"; did you mean "phone-call"?"#,
            ]
        );
        let syntax = problems("[lint]\nphone-e164 = \"off\n");
        assert_eq!(syntax, ["2:18: invalid basic string, expected `\"`"]);
        let duplicate = problems("[lint]\nquirk = \"off\"\nquirk = \"warn\"\n");
        assert_eq!(duplicate, ["3:1: duplicate key"]);
        let err = Config::parse("[lint]\nquirk = \"of\"\n", Path::new("a/leadcheck.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"a/leadcheck.toml:2:9: "of" is not a level; expected "error", "warn", "info" or "off"; did you mean "off"?"#
        );
    }

    #[test]
    fn exceptions_by_file_pointer_and_rule() {
        let text = r#"
[lint.except]
"fixtures/lead_42.json#/contact_phone_number" = ["phone-e164"]
"fixtures/lead_43.json#/field_mappings" = ["consistency"]
"fixtures/legacy" = ["format"]
"../elsewhere/x.json" = ["quirk"]
"#;
        let c = Config::parse(text, Path::new("conf/leadcheck.toml")).unwrap();
        let cwd = normalise(&absolute(Path::new(".")));
        let f42 = Path::new("conf/fixtures/lead_42.json");
        assert!(c.exempt(f42, "/contact_phone_number", "phone-e164"));
        assert!(c.exempt(
            Path::new("./conf/./fixtures/../fixtures/lead_42.json"),
            "/contact_phone_number",
            "phone-e164"
        ));
        assert!(c.exempt(
            &cwd.join("conf/fixtures/lead_42.json"),
            "/contact_phone_number",
            "phone-e164"
        ));
        assert!(!c.exempt(f42, "/contact_phone_number_2", "phone-e164"));
        assert!(!c.exempt(f42, "/phone_number", "phone-e164"));
        assert!(!c.exempt(f42, "/contact_phone_number", "email-syntax"));
        assert!(!c.exempt(f42, "/contact_phone_number", "no-such-rule"));
        assert!(!c.exempt(
            Path::new("fixtures/lead_42.json"),
            "/contact_phone_number",
            "phone-e164"
        ));
        // A pointer exempts the value and everything under it; a group names its rules.
        let f43 = Path::new("conf/fixtures/lead_43.json");
        assert!(c.exempt(f43, "/field_mappings", "mapping-mismatch"));
        assert!(c.exempt(f43, "/field_mappings/Phone Number", "mapping-mismatch"));
        assert!(!c.exempt(f43, "/mapped_fields/Email", "mapping-mismatch"));
        assert!(!c.exempt(f43, "/field_mappings/Email", "email-syntax"));
        // A directory exempts every file under it, at every pointer.
        let legacy = Path::new("conf/fixtures/legacy/2019/a.jsonl");
        assert!(c.exempt(legacy, "/lead_url", "url-syntax"));
        assert!(c.exempt(legacy, "", "private-ip"));
        assert!(!c.exempt(legacy, "/user_id", "user-id-profile"));
        assert!(!c.exempt(
            Path::new("conf/fixtures/legacy2/a.json"),
            "/x",
            "url-syntax"
        ));
        // `..` in the config file leaves its directory.
        assert!(c.exempt(Path::new("elsewhere/x.json"), "/x", "lead-state-spelling"));
        // Piped input has only the exceptions written for `<stdin>`, wherever leadcheck
        // runs; a file of that name has none of them (on the command line it is named
        // `./<stdin>`: `Input::file`).
        let piped = Config::parse(
            "[lint.except]\n\"<stdin>#/user_id\" = [\"user-id-profile\"]\n\".\" = [\"quirk\"]\n",
            Path::new("/elsewhere/conf/leadcheck.toml"),
        )
        .unwrap();
        let stdin = Path::new("<stdin>");
        assert!(piped.exempt(stdin, "/user_id", "user-id-profile"));
        assert!(!piped.exempt(stdin, "/user_id", "phone-e164"));
        assert!(!piped.exempt(stdin, "/lead_state", "lead-state-spelling"));
        let file_named_so = Path::new("/elsewhere/conf/<stdin>");
        assert!(!piped.exempt(file_named_so, "/user_id", "user-id-profile"));
        assert!(piped.exempt(file_named_so, "/lead_state", "lead-state-spelling"));
        assert!(!c.exempt(stdin, "/contact_phone_number", "phone-e164"));
        // Many findings of one input.
        let input = c.exceptions_for(f43);
        assert!(input.exempt("/field_mappings/Email", "mapping-mismatch"));
        assert!(!input.exempt("/contact_phone_number", "phone-e164"));
        let none = Config::parse("", Path::new("leadcheck.toml")).unwrap();
        assert!(!none.exempt(f42, "/contact_phone_number", "phone-e164"));
    }

    #[test]
    fn discovered_upward_and_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert!(Config::discover(&deep).unwrap().is_none_or(|c| {
            // Only if the machine's own temporary directory has a config above it.
            !c.path.starts_with("..")
        }));
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[lint.except]\n\"a/b/x.json\" = [\"phone-e164\"]\n",
        )
        .unwrap();
        let found = Config::discover(&deep).unwrap().unwrap();
        assert_eq!(found.path, Path::new("../../leadcheck.toml"));
        assert!(found.exempt(&deep.join("x.json"), "/phone_number", "phone-e164"));
        let here = Config::discover(dir.path()).unwrap().unwrap();
        assert_eq!(here.path, Path::new("leadcheck.toml"));
        assert_eq!(here.except, found.except);
        // A broken file found upward is an error, not ignored.
        std::fs::write(deep.join(FILE_NAME), "[lint]\nx = 1\n").unwrap();
        let err = Config::discover(&deep).unwrap_err().to_string();
        assert!(
            err.starts_with("leadcheck.toml:2:1: \"x\": no rule"),
            "{err}"
        );
        let loaded = Config::load(&dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(loaded.except, found.except);
        let missing = Config::load(&dir.path().join("nope.toml")).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }));
        assert!(missing.to_string().starts_with("cannot read "));
    }

    #[test]
    fn pointers_and_paths() {
        for good in ["", "/", "/a~0b", "/a~1b/0", "/field_mappings/Phone Number"] {
            assert!(is_pointer(good), "{good}");
        }
        for bad in ["a", "/a~", "/a~2", "~0"] {
            assert!(!is_pointer(bad), "{bad}");
        }
        assert_eq!(normalise(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(normalise(Path::new("/../a")), Path::new("/a"));
        assert_eq!(normalise(Path::new("../a/..")), Path::new(".."));
        assert_eq!(list(&["a", "b", "c"]), r#""a", "b" or "c""#);
        assert_eq!(list(&["a"]), r#""a""#);
    }
}
