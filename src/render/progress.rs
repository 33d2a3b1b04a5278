//! Progress of a long run on stderr: bytes and records read, rate, and a percentage when the
//! total size is known. Shown only when stderr is a terminal and the run has lasted a moment,
//! so CI logs and pipes stay clean and short runs do not flash a bar; when it is off, every
//! call is a branch on a `bool`.
//!
//! The bar is drawn by indicatif into a buffer (a [`TermLike`] target), and leadcheck copies
//! what it drew to the writer each call is given: the bar never writes to the process's
//! stderr behind the command's back, and tests can read it from a `Vec<u8>`.
//!
//! Redraws: at most [`HZ`] a second. The bar is updated only when [`INTERVAL`] has passed
//! since its last update, and indicatif's own limiter is set to the same rate. Printing
//! output ([`Progress::hide`]) clears the bar without redrawing it (indicatif's `suspend`
//! redraws at once, which was a redraw per printed record); the next update draws it again.
//!
//! Position and rate: the position is the bytes of the inputs read so far, in file bytes:
//! the sizes of the inputs finished plus the current record's offset in its input, clamped
//! to that input's size (a `.gz` input's offsets are in its decompressed text), and never
//! going back. An input of unknown size (stdin) counts the largest offset seen in it. The
//! rate is that position over the time since the run started (indicatif's own estimate
//! would count everything read before the bar appeared as read in an instant).

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{
    BinaryBytes, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike,
};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(700);
/// Records between two looks at the clock.
const CHECK_EVERY: u64 = 64;
/// Redraws per second, at most.
pub const HZ: u8 = 10;
/// Time between two updates of the bar.
pub const INTERVAL: Duration = Duration::from_millis(1000 / HZ as u64);

pub struct Progress {
    enabled: bool,
    started: Instant,
    delay: Duration,
    bar: Option<ProgressBar>,
    /// What indicatif drew and leadcheck has not yet copied to the writer.
    drawn: Arc<Mutex<Vec<u8>>>,
    /// The bar is on the screen (drawn and not cleared since).
    visible: bool,
    last_update: Option<Instant>,
    width: u16,
    /// Sizes of the inputs, in order, where known.
    sizes: Vec<Option<u64>>,
    /// Index of the input being read, and bytes of the inputs before it.
    current: Option<usize>,
    done_before: u64,
    /// The largest offset seen in the current input.
    current_max: u64,
    position: u64,
    /// Shared with the bar's `{records}` key.
    records: Arc<AtomicU64>,
    /// Records counted by this thread (copied into `records` at each update).
    counted: u64,
}

impl Progress {
    /// A progress report for inputs of these sizes; `enabled` when stderr is a terminal,
    /// `width` its width in columns.
    pub fn new(enabled: bool, sizes: Vec<Option<u64>>, width: usize) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            delay: DELAY,
            bar: None,
            drawn: Arc::default(),
            visible: false,
            last_update: None,
            width: u16::try_from(width).unwrap_or(u16::MAX),
            sizes,
            current: None,
            done_before: 0,
            current_max: 0,
            position: 0,
            records: Arc::default(),
            counted: 0,
        }
    }

    /// The next input starts.
    pub fn input(&mut self) {
        if let Some(i) = self.current {
            self.done_before += self
                .sizes
                .get(i)
                .copied()
                .flatten()
                .unwrap_or(self.current_max);
            self.position = self.position.max(self.done_before);
        }
        self.current_max = 0;
        self.current = Some(self.current.map_or(0, |i| i + 1));
    }

    /// A record was read; `offset` is where it starts in its input. Draws the bar on `err`
    /// when it is due.
    pub fn record(&mut self, offset: u64, err: &mut dyn Write) -> io::Result<()> {
        if !self.enabled {
            return Ok(());
        }
        self.counted += 1;
        self.current_max = self.current_max.max(offset);
        let size = self
            .current
            .and_then(|i| self.sizes.get(i).copied().flatten());
        let within = size.map_or(offset, |s| offset.min(s));
        self.position = self.position.max(self.done_before + within);
        if self.counted % CHECK_EVERY != 0 {
            return Ok(());
        }
        let now = Instant::now();
        if self.bar.is_none() {
            if now - self.started < self.delay {
                return Ok(());
            }
            self.bar = Some(self.make_bar());
        } else if self.last_update.is_some_and(|last| now - last < INTERVAL) {
            return Ok(());
        }
        self.last_update = Some(now);
        self.records.store(self.counted, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            // One call, one draw (a set_message too would draw a second time).
            bar.set_position(self.position);
        }
        self.copy_drawn(err)
    }

    fn make_bar(&self) -> ProgressBar {
        let total: Option<u64> = self.sizes.iter().copied().sum();
        let target = ProgressDrawTarget::term_like_with_hz(
            Box::new(Buffer {
                drawn: Arc::clone(&self.drawn),
                width: self.width,
            }),
            HZ,
        );
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total), target),
                "{bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} {rate} {records} records ({elapsed})",
            ),
            None => (
                ProgressBar::with_draw_target(None, target),
                "{spinner} {binary_bytes} {rate} {records} records ({elapsed})",
            ),
        };
        let started = self.started;
        let records = Arc::clone(&self.records);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(
                style
                    .with_key(
                        "rate",
                        move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = w.write_str(&rate(state.pos(), started.elapsed()));
                        },
                    )
                    .with_key(
                        "records",
                        move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{}", records.load(Ordering::Relaxed));
                        },
                    ),
            );
        }
        // The bar's clock starts with the run, not when the bar appears.
        bar.with_elapsed(self.started.elapsed())
    }

    /// Copies what indicatif drew to `err`.
    fn copy_drawn(&mut self, err: &mut dyn Write) -> io::Result<()> {
        let bytes = std::mem::take(&mut *self.drawn.lock().unwrap_or_else(PoisonError::into_inner));
        if !bytes.is_empty() {
            err.write_all(&bytes)?;
            err.flush()?;
            self.visible = true;
        }
        Ok(())
    }

    /// Clears the bar from the screen, so output can be written; it is drawn again at its
    /// next update (not at once).
    pub fn hide(&mut self, err: &mut dyn Write) -> io::Result<()> {
        self.copy_drawn(err)?;
        if self.visible {
            err.write_all(CLEAR_LINE.as_bytes())?;
            err.flush()?;
            self.visible = false;
        }
        Ok(())
    }

    /// Clears the bar before the summary line.
    pub fn finish(&mut self, err: &mut dyn Write) -> io::Result<()> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            self.copy_drawn(err)?;
            self.hide(err)?;
        }
        Ok(())
    }
}

/// `RATE/s`: `bytes` over `elapsed`, the time since the run started.
fn rate(bytes: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64().max(1e-3);
    format!("{}/s", BinaryBytes((bytes as f64 / seconds) as u64))
}

/// Back to the start of the line, and the line erased.
const CLEAR_LINE: &str = "\r\x1b[2K";

/// indicatif's terminal: a buffer that [`Progress`] empties into the writer it is given.
#[derive(Debug)]
struct Buffer {
    drawn: Arc<Mutex<Vec<u8>>>,
    width: u16,
}

impl Buffer {
    fn push(&self, s: &str) -> io::Result<()> {
        self.drawn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn cursor(&self, n: usize, code: char) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.push(&format!("\x1b[{n}{code}"))
    }
}

impl TermLike for Buffer {
    fn width(&self) -> u16 {
        self.width
    }

    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        self.cursor(n, 'A')
    }

    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        self.cursor(n, 'B')
    }

    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        self.cursor(n, 'C')
    }

    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        self.cursor(n, 'D')
    }

    fn write_line(&self, s: &str) -> io::Result<()> {
        self.push(s)?;
        self.push("\n")
    }

    fn write_str(&self, s: &str) -> io::Result<()> {
        self.push(s)
    }

    fn clear_line(&self) -> io::Result<()> {
        self.push(CLEAR_LINE)
    }

    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An enabled progress that shows its bar at once.
    fn shown(sizes: Vec<Option<u64>>) -> Progress {
        let mut p = Progress::new(true, sizes, 100);
        p.delay = Duration::ZERO;
        p
    }

    /// The bar lines drawn (each redraw writes one).
    fn draws(out: &[u8]) -> usize {
        String::from_utf8_lossy(out).matches(" records").count()
    }

    #[test]
    fn disabled_progress_never_draws() {
        let mut p = Progress::new(false, vec![Some(10), None], 100);
        let mut err = Vec::new();
        p.input();
        for i in 0..10_000 {
            p.record(i, &mut err).unwrap();
            p.hide(&mut err).unwrap();
        }
        p.finish(&mut err).unwrap();
        assert!(p.bar.is_none());
        assert!(err.is_empty());
    }

    #[test]
    fn bytes_of_finished_inputs_add_up() {
        let mut p = Progress::new(false, vec![Some(10), Some(20), None], 100);
        p.input();
        p.input();
        assert_eq!(p.done_before, 10);
        p.input();
        assert_eq!(p.done_before, 30);
    }

    #[test]
    fn redraws_at_most_ten_times_a_second_into_the_writer_given() {
        let started = Instant::now();
        let mut p = shown(vec![Some(1 << 30)]);
        let mut err = Vec::new();
        p.input();
        // As validate does: every record printed, so the bar is hidden before each.
        for i in 0..300_000u64 {
            p.record(i * 100, &mut err).unwrap();
            p.hide(&mut err).unwrap();
        }
        p.finish(&mut err).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let n = draws(&err);
        assert!(n >= 1, "the bar was drawn");
        assert!(
            n as f64 <= seconds * f64::from(HZ) + 2.0,
            "{n} redraws in {seconds:.2} s"
        );
        // Every draw was cleared again, and the run ends on a clear line.
        assert!(String::from_utf8_lossy(&err).ends_with(CLEAR_LINE));
    }

    #[test]
    fn position_counts_file_bytes_across_inputs() {
        let mut p = shown(vec![Some(100), None, Some(50)]);
        let mut err = Vec::new();
        p.input();
        p.record(40, &mut err).unwrap();
        assert_eq!(p.position, 40);
        // A .gz input's offsets run past its size: clamped.
        p.record(1_000_000, &mut err).unwrap();
        assert_eq!(p.position, 100);
        p.input();
        p.record(0, &mut err).unwrap();
        assert_eq!(p.position, 100, "never back");
        p.record(70, &mut err).unwrap();
        assert_eq!(p.position, 170);
        // The input of unknown size counts as far as it was read.
        p.input();
        assert_eq!(p.done_before, 170);
        p.record(10, &mut err).unwrap();
        assert_eq!(p.position, 180);
    }

    #[test]
    fn the_rate_is_the_bytes_read_over_the_time_taken() {
        assert_eq!(rate(10 << 20, Duration::from_secs(4)), "2.50 MiB/s");
        assert_eq!(rate(0, Duration::ZERO), "0 B/s");
        // The bar shows it: 1 GiB of a 4 GiB input read in a run started 2 s ago.
        let mut p = shown(vec![Some(4 << 30)]);
        p.started = Instant::now() - Duration::from_secs(2);
        let mut err = Vec::new();
        p.input();
        for _ in 0..CHECK_EVERY {
            p.record(1 << 30, &mut err).unwrap();
        }
        let drawn = String::from_utf8_lossy(&err).into_owned();
        // 1 GiB over the run's 2 s and a little more (the clock has moved on since, by as
        // much as a loaded machine makes it): at most 512 MiB/s, and never the bytes over
        // the time since the last draw (which would be far more).
        assert!(drawn.contains(" 25% 1.00 GiB/4.00 GiB "), "{drawn:?}");
        let mibs: f64 = drawn
            .split("/4.00 GiB ")
            .nth(1)
            .and_then(|rest| rest.split(" MiB/s").next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no rate in {drawn:?}"));
        assert!((256.0..=512.0).contains(&mibs), "{drawn:?}");
        assert!(drawn.contains(" MiB/s 64 records ("), "{drawn:?}");
    }
}
