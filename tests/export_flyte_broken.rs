//! Breaks an exported Flyte package on purpose, one mistake at a time, and
//! shows that `tests/python/flyte_check.py` finds each one, so the
//! comparison with flytekit in `export_flyte.rs` is known to be able to fail.
//!
//! Needs `.venv-flytekit`, which `scripts/provision-python.sh` creates.

#[allow(dead_code, clippy::duplicate_mod)]
mod export_flyte_support;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use export_flyte_support::{check, example_workflow, partial_map_workflow, python, script};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use tempfile::TempDir;

/// The example whose package is broken: it has two tasks, five nodes and
/// eight bindings into its last node.
const EXAMPLE: &str = "fan_out";

/// Exports the example and returns the directory and the archive.
fn exported() -> (TempDir, PathBuf) {
    let directory = tempfile::tempdir().unwrap();
    let archive = directory.path().join("fan_out.tgz");
    example_workflow(EXAMPLE).export_flyte(&archive).unwrap();
    (directory, archive)
}

fn read_archive(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(GzDecoder::new(fs::File::open(path).unwrap()));
    let mut files = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.push((name, bytes));
    }
    files
}

fn write_archive(path: &Path, files: &[(String, Vec<u8>)]) {
    let encoder = GzEncoder::new(
        fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    let mut archive = tar::Builder::new(encoder);
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        archive.append_data(&mut header, name, &bytes[..]).unwrap();
    }
    archive.into_inner().unwrap().finish().unwrap();
}

/// Writes a copy of `archive` with `mistake` applied by `flyte_break.py`.
fn broken_by_python(archive: &Path, mistake: &str) -> PathBuf {
    let broken = archive.with_file_name(format!("{mistake}.tgz"));
    let status = Command::new(python())
        .arg(script("flyte_break.py"))
        .arg(archive)
        .arg(&broken)
        .arg(mistake)
        .status()
        .unwrap();
    assert!(status.success(), "flyte_break.py {mistake} failed");
    broken
}

/// Asserts that the checker fails on `archive` and prints `expected`.
fn assert_caught(archive: &Path, example: Option<&str>, expected: &str) {
    let checked = check(archive, example);
    assert!(!checked.passed, "the checker passed a broken package");
    assert!(
        checked.problems.contains(expected),
        "expected a problem containing {expected:?}, found:\n{}",
        checked.problems
    );
}

#[test]
fn unbroken_package_passes() {
    let (_directory, archive) = exported();
    let checked = check(&archive, Some(EXAMPLE));
    assert!(checked.passed, "{}", checked.problems);
}

#[test]
fn dropped_binding_is_caught() {
    let (_directory, archive) = exported();
    let broken = broken_by_python(&archive, "drop-binding");
    assert_caught(
        &broken,
        Some(EXAMPLE),
        "WorkflowSpec.template.nodes[4].inputs: 7 entries, flytekit writes 8",
    );
}

#[test]
fn changed_type_is_caught() {
    let (_directory, archive) = exported();
    let broken = broken_by_python(&archive, "change-type");
    assert_caught(
        &broken,
        Some(EXAMPLE),
        "interface.inputs.variables[mebibytes].type.simple: 3, flytekit writes 1",
    );
}

#[test]
fn version_set_is_caught() {
    let (_directory, archive) = exported();
    let broken = broken_by_python(&archive, "set-version");
    assert_caught(
        &broken,
        None,
        "LaunchPlan.id.version is set; flytectl must fill it in",
    );
}

/// Renumbers the `image` field of the first task's container from 1 to 15,
/// as a misspelt field name in a `.proto` file would: the bytes still
/// decode, but the image becomes a field that flyteidl does not know.
#[test]
fn changed_field_number_is_caught() {
    let (directory, archive) = exported();
    let mut files = read_archive(&archive);
    let task = &mut files[0].1;
    let image = b"busybox:1.35";
    let mut field = vec![0x0a, image.len() as u8];
    field.extend_from_slice(image);
    let at = task
        .windows(field.len())
        .position(|window| window == field)
        .expect("the image field is in the task file");
    task[at] = 15 << 3 | 2;
    let broken = directory.path().join("renumbered.tgz");
    write_archive(&broken, &files);

    assert_caught(
        &broken,
        None,
        "has fields unknown to flyteidl: numbers [15]",
    );
    assert_caught(
        &broken,
        Some(EXAMPLE),
        "TaskSpec.template.container.image: '', flytekit writes 'busybox:1.35'",
    );
}

/// Swaps the indices of the first task and the workflow, so flytectl would
/// register the workflow before a task it calls.
#[test]
fn workflow_before_tasks_is_caught() {
    let (directory, archive) = exported();
    let mut files = read_archive(&archive);
    assert_eq!(files[0].0, "0_digest_seed_1.pb");
    assert_eq!(files[2].0, "2_fan_out_2.pb");
    files[0].0 = "2_digest_seed_1.pb".to_owned();
    files[2].0 = "0_fan_out_2.pb".to_owned();
    files.sort();
    let broken = directory.path().join("reordered.tgz");
    write_archive(&broken, &files);

    assert_caught(
        &broken,
        None,
        "0_fan_out_2.pb: needs task `digest_seed` in an earlier file",
    );
    assert_caught(&broken, Some(EXAMPLE), "files: ");
}

/// flytectl rejects an archive with any file that is not a package file.
#[test]
fn stray_file_is_caught() {
    let (directory, archive) = exported();
    let mut files = read_archive(&archive);
    files.push(("README.txt".to_owned(), b"notes".to_vec()));
    let broken = directory.path().join("stray.tgz");
    write_archive(&broken, &files);

    assert_caught(&broken, None, "README.txt is not NN_<name>_<1|2|3>.pb");
}

/// Drops the none variant of the map's gathered lengths, so the workflow
/// would declare a list of plain ints where some elements may be missing.
#[test]
fn dropped_none_variant_is_caught() {
    let directory = tempfile::tempdir().unwrap();
    let archive = directory.path().join("partial_map.tgz");
    partial_map_workflow().export_flyte(&archive).unwrap();
    let broken = broken_by_python(&archive, "drop-none");
    assert_caught(
        &broken,
        Some("partial_map"),
        "outputs.variables[length__length].type.collection_type.union_type.variants: \
         1 entries, flytekit writes 2",
    );
}
