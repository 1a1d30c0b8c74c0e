//! The identity of this process, carried in container labels so that a later
//! executor on the same host can tell whether the process that created a
//! container is still running.
//!
//! A process id alone is not enough, because the kernel reuses ids. The start
//! time of the process (field 22 of `/proc/<pid>/stat`, in clock ticks since
//! boot) distinguishes a reused id from the original process.

use std::ffi::CStr;
use std::fs;
use std::sync::OnceLock;

/// The process id, start time and host name of a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProcessIdentity {
    /// The process id.
    pub pid: u32,
    /// The start time in clock ticks since boot, or `None` where `/proc` is
    /// not available.
    pub start_time: Option<u64>,
    /// The host name, as `gethostname` returns it.
    pub host: String,
}

impl ProcessIdentity {
    /// Returns the identity of this process, read once.
    pub(crate) fn current() -> &'static ProcessIdentity {
        static CURRENT: OnceLock<ProcessIdentity> = OnceLock::new();
        CURRENT.get_or_init(|| {
            let pid = std::process::id();
            ProcessIdentity {
                pid,
                start_time: read_start_time(pid),
                host: host_name(),
            }
        })
    }
}

/// Returns true when process `pid` exists on this host and started at
/// `start_time`. A process whose start time cannot be read counts as
/// running, so that a container is never removed on a guess.
pub(crate) fn is_running(pid: u32, start_time: Option<u64>) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => match (parse_start_time(&stat), start_time) {
            (Some(actual), Some(expected)) => actual == expected,
            _ => true,
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    }
}

fn read_start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_start_time(&stat)
}

/// Parses field 22, `starttime`, of a `/proc/<pid>/stat` line.
///
/// Field 2 is the command name in parentheses, which may itself contain
/// spaces and parentheses, so the fields are counted from the last `)`.
fn parse_start_time(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // `after_name` starts at field 3, so field 22 is its 20th word.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

fn host_name() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: the pointer and length describe `buffer`, which outlives the
    // call. The last byte stays 0, so the result is always NUL-terminated.
    let status = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len() - 1) };
    if status != 0 {
        return String::new();
    }
    CStr::from_bytes_until_nul(&buffer)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_time_is_field_22() {
        let stat = "1234 (a) b (c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 \
                    987654 1000 200 18446744073709551615";
        assert_eq!(parse_start_time(stat), Some(987_654));
        assert_eq!(parse_start_time("1234 (short) S 1 2"), None);
        assert_eq!(parse_start_time("no name"), None);
    }

    #[test]
    fn current_process_is_running() {
        let current = ProcessIdentity::current();
        assert!(current.start_time.is_some());
        assert!(!current.host.is_empty());
        assert!(is_running(current.pid, current.start_time));
        let other_start = current.start_time.map(|ticks| ticks + 1);
        assert!(!is_running(current.pid, other_start));
    }

    #[test]
    fn missing_process_is_not_running() {
        // Above the kernel's largest possible pid, 2^22.
        assert!(!is_running(u32::MAX, Some(1)));
    }
}
