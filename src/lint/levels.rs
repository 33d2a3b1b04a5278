//! Each rule's level: its default, then `leadcheck.toml`'s `[lint]` table, then the
//! command line's `--deny`, `--warn` and `--allow`, and where the level came from.
//!
//! Within the config file and within the flags, a rule beats its group whatever the order
//! (`--allow format --deny phone-e164` and `--deny phone-e164 --allow format` both leave
//! phone-e164 at error); between flags of the same kind, the last one wins. Flags beat the
//! config file, and the config file beats the defaults.

use std::fmt;
use std::path::PathBuf;

use super::config::Config;
use super::registry::{Level, Rule, RuleInfo, RuleSet, Target, rules};

/// What a command-line flag does to the rules it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `--deny`: level error.
    Deny,
    /// `--warn`: level warn.
    Warn,
    /// `--allow`: off.
    Allow,
}

impl Action {
    /// The level it sets.
    pub fn level(self) -> Level {
        match self {
            Action::Deny => Level::Error,
            Action::Warn => Level::Warn,
            Action::Allow => Level::Off,
        }
    }

    /// The flag as written on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            Action::Deny => "--deny",
            Action::Warn => "--warn",
            Action::Allow => "--allow",
        }
    }
}

/// One `--deny/--warn/--allow NAME` of the command line, NAME a rule or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub action: Action,
    pub name: String,
}

impl Flag {
    pub fn new(action: Action, name: impl Into<String>) -> Flag {
        Flag {
            action,
            name: name.into(),
        }
    }
}

/// Where a rule's level came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The rule's default.
    Default,
    /// `leadcheck.toml`'s `[lint]` table, under `key` (the rule's or its group's name).
    Config { path: PathBuf, key: String },
    /// A command-line flag.
    Flag(Flag),
}

impl fmt::Display for Source {
    /// `default`, `leadcheck.toml ([lint] format)`, `--deny phone-e164`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::Config { path, key } => write!(f, "{} ([lint] {key})", path.display()),
            Source::Flag(flag) => write!(f, "{} {}", flag.action.flag(), flag.name),
        }
    }
}

/// A flag that names neither a rule nor a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub flag: Flag,
    /// The closest rule or group name, if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: no rule or group has this name",
            self.flag.action.flag(),
            super::quote(&self.flag.name)
        )?;
        match self.suggestion {
            Some(s) => write!(f, "; did you mean \"{s}\"?"),
            None => f.write_str(" (`leadcheck lint --list` lists them)"),
        }
    }
}

impl std::error::Error for UnknownName {}

/// The effective level of every rule, and where each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    /// Indexed by [`Rule`].
    entries: Vec<(Level, Source)>,
}

impl Levels {
    /// Every rule at its default level.
    pub fn defaults() -> Levels {
        Levels {
            entries: rules()
                .iter()
                .map(|r| (r.default, Source::Default))
                .collect(),
        }
    }

    /// Defaults, then the config file's `[lint]` table, then `flags` in command-line order.
    /// A flag naming no rule or group is an error (the first such flag).
    pub fn resolve(config: Option<&Config>, flags: &[Flag]) -> Result<Levels, UnknownName> {
        let mut levels = Levels::defaults();
        if let Some(config) = config {
            // Groups first, so that a rule's own entry wins over its group's.
            for rule_pass in [false, true] {
                for setting in &config.lint {
                    if matches!(setting.target, Target::Rule(_)) == rule_pass {
                        let source = Source::Config {
                            path: config.path.clone(),
                            key: setting.name.clone(),
                        };
                        levels.set(setting.target.rules(), setting.level, &source);
                    }
                }
            }
        }
        let mut targets = Vec::with_capacity(flags.len());
        for flag in flags {
            match Target::from_name(&flag.name) {
                Some(target) => targets.push((target, flag)),
                None => {
                    return Err(UnknownName {
                        flag: flag.clone(),
                        suggestion: Target::suggest(&flag.name),
                    });
                }
            }
        }
        for rule_pass in [false, true] {
            for (target, flag) in &targets {
                if matches!(target, Target::Rule(_)) == rule_pass {
                    let source = Source::Flag((*flag).clone());
                    levels.set(target.rules(), flag.action.level(), &source);
                }
            }
        }
        Ok(levels)
    }

    fn set(&mut self, rules: RuleSet, level: Level, source: &Source) {
        for rule in rules.iter() {
            self.entries[rule as usize] = (level, source.clone());
        }
    }

    /// The level of the rule named `name` (a [`super::Finding`]'s `rule`); off for a name
    /// that is no rule.
    pub fn level(&self, name: &str) -> Level {
        Rule::from_name(name).map_or(Level::Off, |r| self.get(r).0)
    }

    /// A rule's level and where it came from.
    pub fn get(&self, rule: Rule) -> (Level, &Source) {
        let (level, source) = &self.entries[rule as usize];
        (*level, source)
    }

    /// Every rule with its level and its level's source, in the order of [`rules()`]
    /// (`lint --list`).
    pub fn iter(&self) -> impl Iterator<Item = (&'static RuleInfo, Level, &Source)> {
        rules()
            .iter()
            .zip(&self.entries)
            .map(|(info, (level, source))| (info, *level, source))
    }

    /// The rules that are not off: the ones worth running.
    pub fn enabled(&self) -> RuleSet {
        self.iter()
            .filter(|(_, level, _)| *level != Level::Off)
            .map(|(info, _, _)| info.rule)
            .collect()
    }
}

impl Default for Levels {
    fn default() -> Levels {
        Levels::defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("conf/leadcheck.toml")).unwrap()
    }

    fn level(levels: &Levels, rule: Rule) -> (Level, String) {
        let (level, source) = levels.get(rule);
        (level, source.to_string())
    }

    #[test]
    fn defaults_come_from_the_registry() {
        let levels = Levels::defaults();
        for (info, level, source) in levels.iter() {
            assert_eq!((level, source), (info.default, &Source::Default));
        }
        assert_eq!(levels.level("user-id-profile"), Level::Error);
        assert_eq!(levels.level("empty-string"), Level::Off);
        assert_eq!(levels.level("nope"), Level::Off);
        assert!(!levels.enabled().contains(Rule::EmptyString));
        assert!(levels.enabled().contains(Rule::TimestampsOrder));
        assert_eq!(levels.enabled().iter().count(), rules().len() - 1);
    }

    #[test]
    fn config_rule_beats_config_group() {
        let c = config("[lint]\nphone-e164 = \"error\"\nformat = \"off\"\npedantic = \"info\"\n");
        let levels = Levels::resolve(Some(&c), &[]).unwrap();
        assert_eq!(
            level(&levels, Rule::PhoneE164),
            (
                Level::Error,
                "conf/leadcheck.toml ([lint] phone-e164)".into()
            )
        );
        assert_eq!(
            level(&levels, Rule::EmailSyntax),
            (Level::Off, "conf/leadcheck.toml ([lint] format)".into())
        );
        assert_eq!(
            level(&levels, Rule::EmptyString),
            (Level::Info, "conf/leadcheck.toml ([lint] pedantic)".into())
        );
        assert_eq!(
            level(&levels, Rule::UserIdProfile),
            (Level::Error, "default".into())
        );
    }

    #[test]
    fn flags_beat_config_a_rule_beats_its_group_and_the_last_flag_wins() {
        let c = config("[lint]\nphone-e164 = \"off\"\nquirk = \"off\"\n");
        let flags = [
            Flag::new(Action::Deny, "phone-e164"),
            Flag::new(Action::Allow, "format"),
            Flag::new(Action::Warn, "quirk"),
            Flag::new(Action::Deny, "quirk"),
            Flag::new(Action::Allow, "user-id-profile"),
            Flag::new(Action::Warn, "user-id-profile"),
        ];
        let levels = Levels::resolve(Some(&c), &flags).unwrap();
        // A rule beats its group, whichever comes last.
        assert_eq!(
            level(&levels, Rule::PhoneE164),
            (Level::Error, "--deny phone-e164".into())
        );
        assert_eq!(
            level(&levels, Rule::UrlSyntax),
            (Level::Off, "--allow format".into())
        );
        // Between flags of the same kind, the last wins; flags beat the config file.
        assert_eq!(
            level(&levels, Rule::LeadStateSpelling),
            (Level::Error, "--deny quirk".into())
        );
        assert_eq!(
            level(&levels, Rule::UserIdProfile),
            (Level::Warn, "--warn user-id-profile".into())
        );
        assert_eq!(
            level(&levels, Rule::MappingMismatch),
            (Level::Warn, "default".into())
        );
        // The order of a rule and its group does not matter.
        let reversed = [
            Flag::new(Action::Allow, "format"),
            Flag::new(Action::Deny, "phone-e164"),
        ];
        let levels = Levels::resolve(None, &reversed).unwrap();
        assert_eq!(levels.level("phone-e164"), Level::Error);
        assert_eq!(levels.level("email-syntax"), Level::Off);
    }

    #[test]
    fn unknown_flag_names_are_errors_with_a_suggestion() {
        let err = Levels::resolve(None, &[Flag::new(Action::Allow, "phone-e146")]).unwrap_err();
        assert_eq!(err.suggestion, Some("phone-e164"));
        assert_eq!(
            err.to_string(),
            r#"--allow "phone-e146": no rule or group has this name; did you mean "phone-e164"?"#
        );
        let err = Levels::resolve(None, &[Flag::new(Action::Deny, "Format")]).unwrap_err();
        assert_eq!(err.suggestion, Some("format"));
        let err = Levels::resolve(None, &[Flag::new(Action::Warn, "everything")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"--warn "everything": no rule or group has this name (`leadcheck lint --list` lists them)"#
        );
    }
}
