//! Writing the package files to a directory or a tar.gz archive.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::Entity;
use crate::error::Error;

/// Writes the entities as a tar.gz archive when `path` ends in `.tgz` or
/// `.tar.gz`, and otherwise as files in the directory `path`, which must be
/// missing or empty. An archive is written to a temporary name beside `path`
/// and renamed, so a failed export leaves no partial archive.
///
/// A directory that contains files is rejected, not cleared or mixed,
/// because `flytectl register files` registers every file it is given, and
/// old files beside new ones would register tasks the workflow no longer has.
pub(super) fn write(entities: &[Entity], path: &Path) -> Result<(), Error> {
    let files: Vec<(String, &[u8])> = entities
        .iter()
        .enumerate()
        .map(|(index, entity)| (file_name(index, entities.len(), entity), &entity.bytes[..]))
        .collect();
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::ExportWrite { path, source }
    };
    if is_archive(path) {
        write_archive(&files, path).map_err(failed(path))
    } else {
        write_directory(&files, path).map_err(failed(path))
    }
}

fn is_archive(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// Names the file of entity number `index` of `count` as flytekit 1.16's
/// `persist_registrable_entities` does: the index zero-padded to
/// `ceil(log10(count))` digits, the name, and the kind.
fn file_name(index: usize, count: usize, entity: &Entity) -> String {
    let width = digits_for(count);
    let kind = entity.kind as u8;
    format!("{index:0width$}_{}_{kind}.pb", entity.name)
}

/// Returns `ceil(log10(count))`, and 0 for a count of 0 or 1.
fn digits_for(count: usize) -> usize {
    let mut width = 0;
    let mut reach = 1usize;
    while reach < count {
        reach = reach.saturating_mul(10);
        width += 1;
    }
    width
}

fn write_directory(files: &[(String, &[u8])], directory: &Path) -> io::Result<()> {
    fs::create_dir_all(directory)?;
    if fs::read_dir(directory)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::DirectoryNotEmpty,
            "the directory is not empty, and flytectl would register every file in it; \
             remove its files or export to a new directory",
        ));
    }
    for (name, bytes) in files {
        fs::write(directory.join(name), bytes)?;
    }
    Ok(())
}

/// Writes a flat archive: regular files only, no directory entries, with a
/// fixed mode and time so the same workflow gives the same bytes.
///
/// The archive gets mode 0644 minus the umask, as a file that `fs::write`
/// creates, where a temporary file would keep its private 0600.
fn write_archive(files: &[(String, &[u8])], path: &Path) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temporary = temporary_file(&directory)?;
    {
        let encoder = GzEncoder::new(temporary.as_file_mut(), Compression::default());
        let mut archive = tar::Builder::new(encoder);
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(0);
            archive.append_data(&mut header, name, *bytes)?;
        }
        archive.into_inner()?.finish()?.flush()?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Creates the temporary archive in `directory`, with the mode that
/// [`write_archive`] documents.
#[cfg(unix)]
fn temporary_file(directory: &Path) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;

    // `open` applies the umask to this mode.
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o644))
        .tempfile_in(directory)
}

#[cfg(not(unix))]
fn temporary_file(directory: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::NamedTempFile::new_in(directory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::flyte::Kind;

    #[test]
    fn digits_match_flytekit() {
        let cases = [
            (0, 0),
            (1, 0),
            (2, 1),
            (3, 1),
            (10, 1),
            (11, 2),
            (100, 2),
            (101, 3),
        ];
        for (count, width) in cases {
            assert_eq!(digits_for(count), width, "{count}");
        }
    }

    #[test]
    fn file_names() {
        let entity = |kind| Entity {
            name: "greeting".to_owned(),
            kind,
            bytes: Vec::new(),
        };
        assert_eq!(file_name(0, 1, &entity(Kind::Task)), "0_greeting_1.pb");
        assert_eq!(
            file_name(2, 3, &entity(Kind::LaunchPlan)),
            "2_greeting_3.pb"
        );
        assert_eq!(
            file_name(3, 11, &entity(Kind::Workflow)),
            "03_greeting_2.pb"
        );
    }

    #[test]
    fn archive_suffixes() {
        assert!(is_archive(Path::new("out.tgz")));
        assert!(is_archive(Path::new("dir/out.tar.gz")));
        assert!(!is_archive(Path::new("out")));
        assert!(!is_archive(Path::new("out.tar")));
    }
}
