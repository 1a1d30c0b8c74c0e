//! Summaries of repeated measurements, and what this process has used so far.

/// The median and quartiles of a sample.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub p25: f64,
    pub p75: f64,
    pub count: usize,
}

/// Summarizes `values` with linear interpolation between the nearest ranks.
///
/// # Panics
///
/// Panics when `values` is empty or contains a NaN.
pub fn summarize(values: &[f64]) -> Summary {
    assert!(!values.is_empty(), "no measurements to summarize");
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("no NaN measurements"));
    let quantile = |q: f64| {
        let position = q * (sorted.len() - 1) as f64;
        let (low, high) = (position.floor() as usize, position.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
    };
    Summary {
        median: quantile(0.5),
        p25: quantile(0.25),
        p75: quantile(0.75),
        count: sorted.len(),
    }
}

/// Returns `a[i] - b[i]` for each pair measured in the same round.
pub fn differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a - b).collect()
}

/// Returns `a[i] / b[i]` for each pair measured in the same round.
pub fn ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a / b).collect()
}

/// Returns the peak resident set size of this process (`VmHWM`) in KiB.
pub fn peak_kib() -> u64 {
    proc_field("/proc/self/status", "VmHWM:")
}

/// Returns the CPU time this process has used, user and system, in seconds.
pub fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` writes a `rusage` to the pointer and reads nothing.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |time: libc::timeval| time.tv_sec as f64 + time.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The write counters of this process from `/proc/self/io`, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct WriteCounters {
    /// Bytes passed to `write` and similar calls, sockets and pipes included.
    pub wchar: u64,
    /// Bytes this process caused to be written to storage.
    pub write_bytes: u64,
}

impl WriteCounters {
    pub fn now() -> WriteCounters {
        WriteCounters {
            wchar: proc_field("/proc/self/io", "wchar:"),
            write_bytes: proc_field("/proc/self/io", "write_bytes:"),
        }
    }

    /// Returns the bytes counted since `earlier`.
    pub fn since(self, earlier: WriteCounters) -> WriteCounters {
        WriteCounters {
            wchar: self.wchar - earlier.wchar,
            write_bytes: self.write_bytes - earlier.write_bytes,
        }
    }
}

/// Reads the number after `key` on its line of a `/proc` file, or 0.
fn proc_field(path: &str, key: &str) -> u64 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}
