//! The two crates under test and the expander that writes the second one.
//!
//! `tasks_macro` declares its tasks with `container_task!`. `tasks_hand`
//! contains, for each task, the exact code the macro generates, as a person
//! would paste it: the derives stay derives, so both crates run the same
//! derive macros and differ only by `container_task!` itself. The expander
//! is the macro crate's own source built as an ordinary binary: its entry
//! point is replaced by a `main` that parses a declaration from standard
//! input and prints the generated tokens.

use std::fmt::Write as _;
use std::path::Path;

/// Writes the declarations of `count` tasks of four shapes, each in its own
/// `container_task!` call.
pub fn declarations(count: usize) -> Vec<String> {
    (0..count).map(declaration).collect()
}

fn declaration(index: usize) -> String {
    let body = match index % 4 {
        0 => {
            r#"
        image = "busybox:1.35",
        inputs = { name: String },
        outputs = { greeting: String },
        command = ["/bin/sh", "-c", "echo 'Hello, {{.inputs.name}}.' | tee /var/outputs/greeting"],"#
        }
        1 => {
            r#"
        image = "busybox:1.35",
        inputs = { name: String, count: i64, ratio: f64, data: File },
        outputs = { summary: String, total: i64, report: File },
        command = [
            "/bin/sh",
            "-c",
            "echo \"{{.inputs.name}}\" {{.inputs.count}} {{.inputs.ratio}} > /var/outputs/summary; \
             wc -c < /var/inputs/data > /var/outputs/total; cp /var/inputs/data /var/outputs/report",
        ],
        timeout = "10m",
        retries = 2,"#
        }
        2 => {
            r#"
        image = "registry.example.com:5000/tools/count:1.4",
        block_network = true,
        inputs = { source: Dir, pattern: String, strict: bool },
        outputs = { matches: i64 },
        command = ["sh", "-c", "grep -rc -- '{{.inputs.pattern}}' /var/inputs/source | wc -l > /var/outputs/matches"],
        env = { LC_ALL: "C" },
        resources = { cpus: 0.5, memory: "256Mi" },"#
        }
        _ => {
            r#"
        image = "busybox:1.35",
        inputs = { started: DateTime<Utc>, every: Duration },
        outputs = { line: String },
        command = ["/bin/sh", "-c", "echo \"$1 $2\" > /var/outputs/line", "line"],
        arguments = ["{{.inputs.started}}", "{{.inputs.every}}"],
        metadata_format = Yaml,
        user = Invoking,"#
        }
    };
    let mut text = String::new();
    writeln!(text, "    /// Task {index} of the compile-time benchmark.").unwrap();
    writeln!(text, "    pub struct Task{index} {{").unwrap();
    writeln!(text, "        name = \"task_{index}\",{body}").unwrap();
    text.push_str("    }\n");
    text
}

/// Returns the source of `tasks_macro`: one `container_task!` call per declaration.
pub fn macro_crate(declarations: &[String]) -> String {
    let mut source = String::from("//! Tasks declared with `container_task!`.\n\n");
    source.push_str("use containerflow::container_task;\n");
    for declaration in declarations {
        write!(source, "\ncontainer_task! {{\n{declaration}}}\n").unwrap();
    }
    source
}

/// Returns the source of `tasks_hand`: the expansions, one per line.
pub fn hand_crate(expansions: &[String]) -> String {
    let mut source = String::from("//! The code of `tasks_macro`, written out.\n\n");
    for expansion in expansions {
        source.push_str(expansion);
        source.push('\n');
    }
    source
}

/// Returns `main.rs` of the expander from the macro crate's `lib.rs`: the
/// `#[proc_macro]` function and the imports only it uses are dropped, and a
/// `main` calls `expand_declaration` on standard input.
///
/// # Panics
///
/// Panics when `lib.rs` no longer has the shape this relies on.
pub fn expander_main(macro_lib: &str) -> String {
    let lines: Vec<&str> = macro_lib.lines().collect();
    let entry = lines
        .iter()
        .position(|line| line.trim() == "#[proc_macro]")
        .expect("the macro crate's lib.rs has a #[proc_macro] function");
    let mut start = entry;
    while start > 0 && lines[start - 1].trim_start().starts_with("///") {
        start -= 1;
    }
    let end = entry
        + lines[entry..]
            .iter()
            .position(|line| *line == "}")
            .expect("the #[proc_macro] function ends with `}` on its own line");
    assert!(
        macro_lib.contains("fn expand_declaration(declaration: ast::Declaration)"),
        "the macro crate's lib.rs has no `expand_declaration`"
    );
    let mut source = String::new();
    for (number, line) in lines.iter().enumerate() {
        let imported_for_entry =
            line.starts_with("use proc_macro::") || line.starts_with("use syn::parse_macro_input");
        if (start..=end).contains(&number) || imported_for_entry {
            continue;
        }
        source.push_str(line);
        source.push('\n');
    }
    source.push_str(EXPANDER_MAIN);
    source
}

const EXPANDER_MAIN: &str = r#"
fn main() {
    let mut source = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut source).expect("read stdin");
    let declaration: ast::Declaration = syn::parse_str(&source).expect("a task declaration");
    let expansion = expand_declaration(declaration).to_string();
    assert!(!expansion.contains("compile_error"), "the declaration has errors: {expansion}");
    print!("{expansion}");
}
"#;

/// Returns the lines of the root manifest's `[workspace.dependencies]`
/// table, with relative paths made absolute.
pub fn workspace_dependencies(repo: &Path) -> String {
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).expect("read Cargo.toml");
    let mut lines = manifest
        .lines()
        .skip_while(|line| line.trim() != "[workspace.dependencies]")
        .skip(1)
        .take_while(|line| !line.starts_with('['));
    let repo = repo.display();
    let mut table = String::new();
    for line in lines.by_ref() {
        let line = line.replace("path = \"", &format!("path = \"{repo}/"));
        table.push_str(&line);
        table.push('\n');
    }
    table
}

/// Returns the `[dependencies]` table of the macro crate's manifest.
pub fn macro_dependencies(repo: &Path) -> String {
    let manifest =
        std::fs::read_to_string(repo.join("macros/Cargo.toml")).expect("read macros/Cargo.toml");
    let table: Vec<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != "[dependencies]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .collect();
    table.join("\n")
}

/// Copies the directory tree `from` to `to`, files only.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory of the expander");
    for entry in std::fs::read_dir(from).expect("read the macro crate's sources") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a source file");
        }
    }
}
