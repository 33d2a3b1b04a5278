//! Progress of a long run on stderr: bytes and records read, rate, and a percentage when the
//! total size is known. Shown only when stderr is a terminal and the run has lasted a moment,
//! so CI logs and pipes stay clean and short runs do not flash a bar; when it is off, every
//! call is a branch on a `None`.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(700);
/// Records between two looks at the clock before the bar exists.
const CHECK_EVERY: u64 = 1024;

pub struct Progress {
    enabled: bool,
    started: Instant,
    bar: Option<ProgressBar>,
    /// Sizes of the inputs, in order, where known.
    sizes: Vec<Option<u64>>,
    /// Index of the input being read, and bytes of the inputs before it.
    current: Option<usize>,
    done_before: u64,
    records: u64,
}

impl Progress {
    /// A progress report for inputs of these sizes; `enabled` when stderr is a terminal.
    pub fn new(enabled: bool, sizes: Vec<Option<u64>>) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            bar: None,
            sizes,
            current: None,
            done_before: 0,
            records: 0,
        }
    }

    /// The next input starts.
    pub fn input(&mut self) {
        if let Some(i) = self.current {
            self.done_before += self.sizes.get(i).copied().flatten().unwrap_or(0);
        }
        self.current = Some(self.current.map_or(0, |i| i + 1));
    }

    /// A record was read; `offset` is where it starts in its input.
    pub fn record(&mut self, offset: u64) {
        if !self.enabled {
            return;
        }
        self.records += 1;
        if self.bar.is_none() {
            if self.records % CHECK_EVERY != 0 || self.started.elapsed() < DELAY {
                return;
            }
            self.bar = Some(self.make_bar());
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_before + offset);
            if self.records % 256 == 0 {
                bar.set_message(format!("{} records", self.records));
            }
        }
    }

    fn make_bar(&self) -> ProgressBar {
        let total: Option<u64> = self.sizes.iter().copied().sum();
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
                "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} ({elapsed})",
            ),
            None => (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                "{spinner} {binary_bytes} {binary_bytes_per_sec} {msg} ({elapsed})",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(format!("{} records", self.records));
        bar
    }

    /// Runs `f` (which writes to the terminal) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Clears the bar before the summary line.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_progress_never_draws() {
        let mut p = Progress::new(false, vec![Some(10), None]);
        p.input();
        for i in 0..10_000 {
            p.record(i);
        }
        assert!(p.bar.is_none());
        assert_eq!(p.suspend(|| 7), 7);
    }

    #[test]
    fn bytes_of_finished_inputs_add_up() {
        let mut p = Progress::new(false, vec![Some(10), Some(20), None]);
        p.input();
        p.input();
        assert_eq!(p.done_before, 10);
        p.input();
        assert_eq!(p.done_before, 30);
    }
}
