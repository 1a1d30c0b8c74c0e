//! A progress bar for runs on an interactive terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::options::Progress;

/// Counts of tasks by state, drawn as a bar on standard error when it is a
/// terminal; otherwise it draws nothing and the log lines tell the progress.
/// Each element of a map counts as a task, and so does the map node, which
/// is done when all its elements are.
pub(super) struct ProgressDisplay {
    bar: Option<ProgressBar>,
    running: u64,
    failed: u64,
    skipped: u64,
    cancelled: u64,
}

impl ProgressDisplay {
    pub(super) fn new(setting: Progress, total: usize) -> Self {
        let draw = setting == Progress::Auto && std::io::stderr().is_terminal();
        let bar = draw.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} done, {msg}",
            )
            .expect("the template is valid")
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        let display = ProgressDisplay {
            bar,
            running: 0,
            failed: 0,
            skipped: 0,
            cancelled: 0,
        };
        display.redraw();
        display
    }

    pub(super) fn started(&mut self) {
        self.running += 1;
        self.redraw();
    }

    pub(super) fn finished(&mut self, failed: bool) {
        self.running -= 1;
        self.failed += u64::from(failed);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.redraw();
    }

    /// Adds the elements of a map node that started to the total.
    pub(super) fn add_elements(&mut self, count: usize) {
        if let Some(bar) = &self.bar {
            bar.inc_length(count as u64);
        }
    }

    /// Counts a map node as done once its elements are; its elements were
    /// counted as they ran.
    pub(super) fn finished_map(&mut self, failed: bool) {
        self.failed += u64::from(failed);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.redraw();
    }

    pub(super) fn skipped(&mut self) {
        self.skipped += 1;
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.redraw();
    }

    /// Counts the tasks that a stopped run will not finish, running or not
    /// started, as cancelled and done.
    pub(super) fn cancelled(&mut self, count: usize) {
        self.running = 0;
        self.cancelled += count as u64;
        if let Some(bar) = &self.bar {
            bar.inc(count as u64);
        }
        self.redraw();
    }

    pub(super) fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            let mut message = format!(
                "{} running, {} failed, {} skipped",
                self.running, self.failed, self.skipped
            );
            if self.cancelled > 0 {
                message.push_str(&format!(", {} cancelled", self.cancelled));
            }
            bar.set_message(message);
        }
    }
}
