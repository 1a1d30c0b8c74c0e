//! POSIX shell awareness: which argv element a shell runs as a script, and
//! the quoting context of each placeholder inside that script.
//!
//! The runtime escapes a value for the context the macro reports, so a value
//! containing `'`, `"`, `$(...)` or a line break stays one piece of data.

mod lexer;

use std::ops::Range;

pub use lexer::{contexts, Context, ScriptPiece, Unsafe};

/// Shells whose quoting follows POSIX closely enough for [`contexts`].
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"];

/// Shells that `busybox` runs as an applet, as in `busybox sh -c '...'`.
const BUSYBOX_SHELLS: &[&str] = &["sh", "ash", "hush", "bash"];

/// Options of `sh` and `bash` that take the next element as their value.
const LONG_OPTIONS_WITH_VALUE: &[&str] = &["--rcfile", "--init-file"];

/// The parts of an argv that runs a shell:
/// `shell [options] -c script [$0 [$1 ...]]`.
#[derive(Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The shell's base name, such as `sh` or `bash`.
    pub shell: String,
    /// The elements from the shell (or `busybox`) up to its first operand:
    /// the shell's options, and the script file when there is no `-c`. A
    /// value substituted here could be read as an option such as `-c`.
    pub options: Range<usize>,
    /// The element the shell runs as its script, when an option contains
    /// `c`. Without `-c` the first operand is a script file, and it stays
    /// in `options`.
    pub script: Option<usize>,
}

/// Returns how a POSIX shell reads `argv`, or `None` when no element runs
/// one. The shell is the first element whose base name is in [`SHELLS`], or
/// `busybox` followed by a shell, so that wrappers such as `env bash`,
/// `timeout 60 sh` or `tini -- sh` are seen through.
pub fn invocation(argv: &[&str]) -> Option<Invocation> {
    let (first, program, shell) = find_shell(argv)?;
    let mut index = program + 1;
    let mut runs_script = false;
    while let Some(option) = argv.get(index) {
        if *option == "--" || *option == "-" {
            index += 1;
            break;
        }
        if option.starts_with("--") {
            let takes_value = LONG_OPTIONS_WITH_VALUE.contains(option);
            index += if takes_value { 2 } else { 1 };
            continue;
        }
        let Some(letters) = option.strip_prefix(['-', '+']).filter(|l| !l.is_empty()) else {
            break;
        };
        runs_script |= option.starts_with('-') && letters.contains('c');
        // `-o pipefail` and `-O extglob` take the next element, and a group
        // such as `-eo pipefail` takes one element per `o` or `O`.
        let values = letters.chars().filter(|c| matches!(c, 'o' | 'O')).count();
        index += 1 + values;
    }

    let operand = index.min(argv.len());
    let (options_end, script) = if runs_script && operand < argv.len() {
        (operand, Some(operand))
    } else {
        ((operand + 1).min(argv.len()), None)
    };
    Some(Invocation {
        shell: shell.to_owned(),
        options: first..options_end,
        script,
    })
}

/// Returns the index of the shell's first element, the index of its last
/// one (the applet after `busybox`), and the shell's name.
// NOTE: a script that a program other than a shell runs, such as `su -c`,
// `ssh host '...'` or `python3 -c`, is not recognised, so its placeholders
// are inserted unescaped. The macro docs tell users to read input files there.
fn find_shell<'a>(argv: &[&'a str]) -> Option<(usize, usize, &'a str)> {
    for (index, element) in argv.iter().enumerate() {
        let name = base_name(element);
        if SHELLS.contains(&name) {
            return Some((index, index, name));
        }
        let applet = argv.get(index + 1).copied();
        let is_applet = |applet: &&str| name == "busybox" && BUSYBOX_SHELLS.contains(applet);
        if let Some(applet) = applet.filter(is_applet) {
            return Some((index, index + 1, applet));
        }
    }
    None
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(argv: &[&str]) -> Option<(String, Range<usize>, Option<usize>)> {
        invocation(argv).map(|found| (found.shell, found.options, found.script))
    }

    #[test]
    fn invocation_finds_script_after_c() {
        let script = |shell: &str, end: usize| Some((shell.to_owned(), 0..end, Some(end)));
        let cases: &[(&[&str], _)] = &[
            (&["sh", "-c", "x"], script("sh", 2)),
            (&["/bin/sh", "-c", "x"], script("sh", 2)),
            (
                &["/usr/bin/bash", "-ec", "x", "name", "1"],
                script("bash", 2),
            ),
            (&["dash", "-euxc", "x"], script("dash", 2)),
            (&["bash", "-o", "pipefail", "-c", "x"], script("bash", 4)),
            (&["bash", "-eo", "pipefail", "-c", "x"], script("bash", 4)),
            (&["bash", "-c", "-o", "pipefail", "x"], script("bash", 4)),
            (&["bash", "--norc", "-c", "x"], script("bash", 3)),
            (&["bash", "--rcfile", "/r", "-c", "x"], script("bash", 4)),
            (&["sh", "-c", "--", "x"], script("sh", 3)),
            (&["sh", "-e", "+x", "-c", "x"], script("sh", 4)),
            (&["ksh", "-c", "x"], script("ksh", 2)),
            (&["zsh", "-c", "x"], script("zsh", 2)),
            (&["ash", "-c", "x"], script("ash", 2)),
            (&["busybox", "sh", "-c", "x"], script("sh", 3)),
            (&["/bin/busybox", "ash", "-c", "x"], script("ash", 3)),
        ];
        for (argv, expected) in cases {
            assert_eq!(detect(argv), *expected, "argv {argv:?}");
        }
    }

    #[test]
    fn invocation_sees_through_wrappers() {
        let script =
            |shell: &str, start: usize, end: usize| Some((shell.to_owned(), start..end, Some(end)));
        let cases: &[(&[&str], _)] = &[
            (&["env", "bash", "-c", "x"], script("bash", 1, 3)),
            (
                &["/usr/bin/env", "A=1", "-i", "sh", "-c", "x"],
                script("sh", 3, 5),
            ),
            (&["env", "-u", "A", "sh", "-c", "x"], script("sh", 3, 5)),
            (&["timeout", "60", "sh", "-c", "x"], script("sh", 2, 4)),
            (
                &["tini", "--", "/bin/bash", "-ec", "x"],
                script("bash", 2, 4),
            ),
        ];
        for (argv, expected) in cases {
            assert_eq!(detect(argv), *expected, "argv {argv:?}");
        }
    }

    #[test]
    fn invocation_without_c_has_no_script() {
        let file = |shell: &str, end: usize| Some((shell.to_owned(), 0..end, None));
        let cases: &[(&[&str], _)] = &[
            (&["sh", "/var/inputs/script", "a"], file("sh", 2)),
            (&["sh", "-e", "script", "a"], file("sh", 3)),
            (&["sh"], file("sh", 1)),
            (&["sh", "-s"], file("sh", 2)),
            (&["sh", "+c", "x"], file("sh", 3)),
            (&["sh", "-c"], file("sh", 2)),
        ];
        for (argv, expected) in cases {
            assert_eq!(detect(argv), *expected, "argv {argv:?}");
        }
    }

    #[test]
    fn invocation_ignores_other_programs() {
        let cases: &[&[&str]] = &[
            &["echo", "-c", "x"],
            &["python3", "-c", "x"],
            &["shell", "-c", "x"],
            &["/bin/sh.real", "-c", "x"],
            &["busybox", "echo", "x"],
            &["busybox"],
            &["env", "A=1", "python3", "-c", "x"],
            &["env"],
            &[],
        ];
        for argv in cases {
            assert_eq!(detect(argv), None, "argv {argv:?}");
        }
    }
}
