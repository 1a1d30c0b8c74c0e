//! Compile tests of `container_task!`: declarations that must build, and
//! declarations whose errors must match the `.stderr` file next to them.
//!
//! Compiler messages change between Rust releases, so the `.stderr` files
//! match only the compiler named in `tests/ui/RUSTC_VERSION`. With another
//! compiler, regenerate them with `TRYBUILD=overwrite cargo test --test ui`
//! and read every diff before committing it.

use std::panic;
use std::path::Path;
use std::process::Command;

const UI_DIR: &str = "tests/ui";

#[test]
fn ui() {
    let version_note = compiler_version_note();
    if let Some(note) = &version_note {
        eprintln!("{note}");
    }

    let outcome = panic::catch_unwind(|| {
        let cases = trybuild::TestCases::new();
        cases.pass(format!("{UI_DIR}/pass/*.rs"));
        for topic in compile_fail_topics() {
            cases.compile_fail(format!("{UI_DIR}/{topic}/*.rs"));
        }
        // The cases run when `cases` is dropped, at the end of this closure.
    });

    if let Err(failure) = outcome {
        match version_note {
            Some(note) => panic!("UI tests failed\n{note}"),
            None => panic::resume_unwind(failure),
        }
    }
}

/// Returns every directory under `tests/ui` except `pass`.
fn compile_fail_topics() -> Vec<String> {
    let mut topics: Vec<String> = std::fs::read_dir(UI_DIR)
        .expect("tests/ui is readable")
        .map(|entry| entry.expect("tests/ui entry is readable"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|topic| topic != "pass")
        .collect();
    topics.sort();
    topics
}

/// Returns a note when the running compiler is not the one the `.stderr`
/// files were generated with.
fn compiler_version_note() -> Option<String> {
    let recorded_path = Path::new(UI_DIR).join("RUSTC_VERSION");
    let recorded = std::fs::read_to_string(&recorded_path)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let running = match Command::new(&rustc).arg("--version").output() {
        Ok(output) => String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        Err(error) => format!("unknown (`{rustc} --version` failed: {error})"),
    };
    if running == recorded {
        return None;
    }
    Some(format!(
        "the .stderr files were generated with `{recorded}` but the compiler is `{running}`, \
         so messages may differ\nto regenerate them: TRYBUILD=overwrite cargo test --test ui, \
         then read every diff and update {}",
        recorded_path.display()
    ))
}
