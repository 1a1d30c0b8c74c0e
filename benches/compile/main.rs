//! Compile time of `container_task!`: a crate that declares its tasks with
//! the macro against the same crate with the generated code written out.
//!
//! Run with `cargo bench --bench compile`: 100 tasks, `cargo build` (dev
//! profile), 5 rounds. `-- --quick` runs 10 tasks, `cargo check`, 1 round
//! (the CI smoke). Both crates live in one workspace under
//! `target/bench/compile`, which is kept, so their dependencies are built
//! once and later runs rebuild only the two crates. Each round touches a
//! crate's `lib.rs` and times `cargo` on it alone, the two crates
//! alternating. Prints a table and writes `target/bench/compile.json`.

mod generate;
#[path = "../docker/report.rs"]
mod report;
// Shared with the Docker bench, which uses more of it.
#[allow(dead_code)]
#[path = "../docker/stats.rs"]
mod stats;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use report::Report;

const CRATES: [&str; 2] = ["tasks_macro", "tasks_hand"];

/// The workspace of the generated crates and how to run `cargo` in it.
struct Bench {
    repo: PathBuf,
    dir: PathBuf,
    cargo: PathBuf,
}

impl Bench {
    /// Runs `cargo ARGS` in the workspace, with its own target directory,
    /// and fails with cargo's output if it fails.
    fn cargo(&self, args: &[&str]) {
        let output = Command::new(&self.cargo)
            .args(args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .stdin(Stdio::null())
            .output()
            .expect("run cargo");
        assert!(
            output.status.success(),
            "cargo {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn write(&self, path: &str, contents: &str) {
        let path = self.dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a file in a directory"))
            .expect("create a directory of the workspace");
        std::fs::write(&path, contents).expect("write a file of the workspace");
    }

    /// Writes the workspace manifest, the lock file, the expander and the
    /// manifests of the two crates.
    fn set_up(&self) {
        let dependencies = generate::workspace_dependencies(&self.repo);
        let manifest = format!(
            "[workspace]\nmembers = [\"expander\", \"tasks_macro\", \"tasks_hand\"]\n\
             resolver = \"2\"\n\n[workspace.dependencies]\n{dependencies}"
        );
        self.write("Cargo.toml", &manifest);
        // The repository's lock file pins the same dependency versions.
        let lock = self.dir.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(self.repo.join("Cargo.lock"), lock).expect("copy Cargo.lock");
        }
        self.set_up_expander();
        for name in CRATES {
            let manifest = format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
                 publish = false\n\n[dependencies]\ncontainerflow = {{ path = \"{}\" }}\n",
                self.repo.display()
            );
            self.write(&format!("{name}/Cargo.toml"), &manifest);
            // Cargo needs a target in every member before the real source is generated.
            self.write(&format!("{name}/src/lib.rs"), "");
        }
    }

    /// Copies the macro crate's source into the expander and gives it a `main`.
    fn set_up_expander(&self) {
        let sources = self.dir.join("expander/src");
        if sources.exists() {
            std::fs::remove_dir_all(&sources).expect("remove the old expander");
        }
        generate::copy_tree(&self.repo.join("macros/src"), &sources);
        let macro_lib = std::fs::read_to_string(sources.join("lib.rs")).expect("read lib.rs");
        std::fs::remove_file(sources.join("lib.rs")).expect("remove lib.rs");
        self.write("expander/src/main.rs", &generate::expander_main(&macro_lib));
        let expander_manifest = format!(
            "[package]\nname = \"expander\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{}\n",
            generate::macro_dependencies(&self.repo)
        );
        self.write("expander/Cargo.toml", &expander_manifest);
    }

    /// Formats a file with rustfmt, as a person pasting the code would. The
    /// layout changes nothing the compiler does after lexing, so a failure
    /// only leaves the file on one line per task.
    fn format(&self, path: &str) {
        let status = Command::new("rustfmt")
            .args(["--edition", "2021"])
            .arg(self.dir.join(path))
            .status();
        if !matches!(status, Ok(status) if status.success()) {
            eprintln!("rustfmt failed on {path}; keeping it unformatted");
        }
    }

    /// Returns the macro's output for `declaration`, printed by the expander.
    fn expand(&self, declaration: &str) -> String {
        let mut child = Command::new(self.dir.join("target/debug/expander"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("run the expander");
        let mut stdin = child.stdin.take().expect("the expander's stdin");
        std::io::Write::write_all(&mut stdin, declaration.as_bytes()).expect("write a declaration");
        drop(stdin);
        let output = child.wait_with_output().expect("the expander's output");
        assert!(
            output.status.success(),
            "the expander failed on:\n{declaration}"
        );
        String::from_utf8(output.stdout).expect("UTF-8 Rust code")
    }

    /// Touches `lib.rs` of `name`, so that cargo rebuilds that crate alone,
    /// and returns the seconds `cargo SUBCOMMAND -p NAME` takes.
    fn time(&self, subcommand: &str, name: &str) -> f64 {
        let lib = self.dir.join(name).join("src/lib.rs");
        let file = std::fs::File::options()
            .write(true)
            .open(&lib)
            .expect("open lib.rs");
        file.set_modified(SystemTime::now()).expect("touch lib.rs");
        let started = Instant::now();
        self.cargo(&[subcommand, "--quiet", "-p", name]);
        started.elapsed().as_secs_f64()
    }
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (tasks, rounds, subcommand) = if quick {
        (10, 1, "check")
    } else {
        (100, 5, "build")
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).to_owned();
    let bench = Bench {
        dir: repo.join("target/bench/compile"),
        cargo: std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from),
        repo,
    };
    eprintln!("load average before: {}", load_average());
    bench.set_up();
    bench.cargo(&["build", "--quiet", "-p", "expander"]);
    let declarations = generate::declarations(tasks);
    let expansions: Vec<String> = declarations.iter().map(|text| bench.expand(text)).collect();
    bench.write(
        "tasks_macro/src/lib.rs",
        &generate::macro_crate(&declarations),
    );
    bench.write("tasks_hand/src/lib.rs", &generate::hand_crate(&expansions));
    bench.format("tasks_hand/src/lib.rs");
    eprintln!("building the dependencies of {CRATES:?} (not timed)");
    bench.cargo(&[subcommand, "--quiet", "-p", CRATES[0], "-p", CRATES[1]]);

    let mut seconds = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for offset in 0..2 {
            let index = (round + offset) % 2;
            seconds[index].push(bench.time(subcommand, CRATES[index]));
        }
    }
    eprintln!("load average after: {}", load_average());
    let case = format!("{tasks} tasks, cargo {subcommand}, dev profile");
    let mut report = Report::default();
    report.add(
        "compile",
        case.clone(),
        "with container_task!",
        "s",
        &seconds[0],
    );
    report.add("compile", case.clone(), "written out", "s", &seconds[1]);
    let ratios = stats::ratios(&seconds[0], &seconds[1]);
    let row = report.add("compile", case, "macro / written out", "ratio", &ratios);
    row.target("< 1.5", |median| median < 1.5);
    report.print();
    let path = bench.repo.join("target/bench/compile.json");
    report.write_json(&path);
    println!("\nwritten to {}", path.display());
}

fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
