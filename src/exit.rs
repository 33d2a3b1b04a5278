//! Exit codes, in one place, for every command.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | all good: every record valid (`diff`: no difference; `history`: shown; `fmt`: every record printed; `listen`: stopped; `send`: every delivery answered 2xx) |
//! | 1 | a payload is invalid or unreadable (`diff`: the inputs differ; `history`: `--lead` matched nothing; `send`: a delivery answered otherwise, timed out or refused, or a record unreadable and not sent) |
//! | 2 | leadcheck could not do its job: a usage error, an input that cannot be opened or read, a schema that cannot be compiled (`listen`: cannot start; `send`: a bad URL, https without the `tls` feature, a `--set` that cannot be made) |
//!
//! A closed output pipe (`leadcheck … | head`) ends the run quietly with 0.

use std::process::ExitCode;

use leadcheck::check::Tally;

/// The outcome of a run, from best to worst; combining two keeps the worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything checked out.
    Ok,
    /// Something was found: an invalid or unreadable record, a difference.
    Found,
    /// The job could not be done.
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Found => 1,
            Outcome::Error => 2,
        }
    }

    pub fn worst(self, other: Outcome) -> Outcome {
        self.max(other)
    }

    /// What a tally of records calls for: an input that could not be read is 2, an
    /// invalid or unreadable record 1.
    pub fn of(tally: &Tally) -> Outcome {
        if tally.failed_inputs > 0 {
            Outcome::Error
        } else if tally.invalid + tally.unreadable > 0 {
            Outcome::Found
        } else {
            Outcome::Ok
        }
    }

    /// What a run of `send` calls for: an input that could not be read is 2; a delivery
    /// that got no 2xx, or an unreadable record (not sent), 1.
    pub fn of_deliveries(tally: &Tally, every_2xx: bool) -> Outcome {
        let delivered = if every_2xx {
            Outcome::Ok
        } else {
            Outcome::Found
        };
        Outcome::of(tally).worst(delivered)
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(o.code())
    }
}

/// Whether an error is a closed output pipe (`leadcheck … | head`), which ends the run
/// quietly with exit code 0; `anyhow` may carry it under context.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_documented_ones() {
        assert_eq!(Outcome::Ok.code(), 0);
        assert_eq!(Outcome::Found.code(), 1);
        assert_eq!(Outcome::Error.code(), 2);
        assert_eq!(Outcome::Found.worst(Outcome::Ok), Outcome::Found);
        assert_eq!(Outcome::Found.worst(Outcome::Error), Outcome::Error);
        let mut t = Tally::default();
        assert_eq!(Outcome::of(&t), Outcome::Ok);
        t.unreadable = 1;
        assert_eq!(Outcome::of(&t), Outcome::Found);
        t.failed_inputs = 1;
        assert_eq!(Outcome::of(&t), Outcome::Error);
        // send
        let t = Tally::default();
        assert_eq!(Outcome::of_deliveries(&t, true), Outcome::Ok);
        assert_eq!(Outcome::of_deliveries(&t, false), Outcome::Found);
        let unreadable = Tally {
            unreadable: 1,
            ..Tally::default()
        };
        assert_eq!(Outcome::of_deliveries(&unreadable, true), Outcome::Found);
        let failed = Tally {
            failed_inputs: 1,
            ..Tally::default()
        };
        assert_eq!(Outcome::of_deliveries(&failed, false), Outcome::Error);
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing output");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
