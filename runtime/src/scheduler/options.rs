//! Settings of one workflow run.

use std::path::PathBuf;

/// Settings of one workflow run.
///
/// # Examples
///
/// ```
/// use containerflow_runtime::RunOptions;
///
/// let options = RunOptions::default().max_parallel(4).fail_fast(true).records(None);
/// assert_eq!(options.max_parallel, 4);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// Maximum number of tasks running at once. Default: 16. Zero is read as one.
    pub max_parallel: usize,
    /// Stop the run at the first failed task: running tasks are stopped and
    /// their containers removed, and tasks not yet started never start.
    /// Default: false, so every branch independent of a failure still runs.
    pub fail_fast: bool,
    /// Stop the run on SIGINT (Ctrl-C) or SIGTERM: running containers are
    /// removed, the records are written, and the run returns
    /// [`Error::Interrupted`](crate::Error::Interrupted). Default: true.
    ///
    /// While a run listens, and after it for the rest of the process, tokio
    /// keeps its signal handlers installed, so those signals no longer end
    /// the process by themselves.
    pub handle_signals: bool,
    /// Directory under which each run writes its records, or `None` for no
    /// records. Default: the `CONTAINERFLOW_RUNS` environment variable if
    /// set, else `containerflow-runs` in the working directory.
    pub records: Option<PathBuf>,
    /// When to draw a progress bar. Default: [`Progress::Auto`].
    pub progress: Progress,
}

/// When a run draws a progress bar on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progress {
    /// Only when standard error is a terminal; otherwise the log lines are the progress.
    #[default]
    Auto,
    /// Never.
    Never,
}

impl Default for RunOptions {
    fn default() -> Self {
        let records = std::env::var_os("CONTAINERFLOW_RUNS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("containerflow-runs"));
        RunOptions {
            max_parallel: 16,
            fail_fast: false,
            handle_signals: true,
            records: Some(records),
            progress: Progress::Auto,
        }
    }
}

impl RunOptions {
    /// Sets the maximum number of tasks running at once.
    pub fn max_parallel(mut self, limit: usize) -> Self {
        self.max_parallel = limit;
        self
    }

    /// Sets whether the first failure stops the run.
    pub fn fail_fast(mut self, fail_fast: bool) -> Self {
        self.fail_fast = fail_fast;
        self
    }

    /// Sets whether SIGINT and SIGTERM stop the run.
    pub fn handle_signals(mut self, handle: bool) -> Self {
        self.handle_signals = handle;
        self
    }

    /// Sets the records directory, or `None` for no records.
    pub fn records(mut self, dir: Option<PathBuf>) -> Self {
        self.records = dir;
        self
    }

    /// Sets when to draw a progress bar.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }
}
