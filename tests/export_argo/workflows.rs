//! Each example's workflow, exported by the example itself with
//! `cargo run --example <name> -- --export-argo <path>`, so the test checks
//! the examples' own task declarations and wiring.

use std::path::Path;
use std::process::Command;

/// The examples, each of which exports one workflow.
pub const EXAMPLES: &[&str] = &[
    "greeting",
    "word_count",
    "fan_out",
    "transfer",
    "map_over_list",
];

/// Runs `example` with `--export-argo path`, and panics with its output
/// when it fails.
pub fn export(example: &str, path: &Path) {
    export_with(example, path, &[]);
}

/// Runs `example` with `--export-argo path` and the example's own
/// `arguments`, and panics with its output when it fails.
pub fn export_with(example: &str, path: &Path, arguments: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--quiet",
            "--example",
            example,
            "--",
            "--export-argo",
        ])
        .arg(path)
        .args(arguments)
        .output()
        .expect("cargo did not start");
    assert!(
        output.status.success(),
        "example `{example}` failed to export:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
