//! Permissions of what a container wrote into a job's output directory.
//!
//! A container running as root can write directories and files with any
//! owner and mode, such as a `0700` directory owned by root. Another
//! container that reads them as a `Dir` input under a different user would
//! fail, and a process that is not root could not delete them. After each
//! attempt the executor therefore widens the modes under `outputs/`:
//! directories get at least `0755`, files at least `0644`, and the owner
//! always gets read, write, and execute where anyone had execute.
//!
//! Every function here blocks on the file system.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Mode bits every directory under `outputs/` gets.
const DIR_MODE: u32 = 0o755;

/// Mode bits every regular file under `outputs/` gets.
const FILE_MODE: u32 = 0o644;

/// The entries whose mode could not be widened, and the first error.
#[derive(Debug)]
pub(crate) struct Unchanged {
    /// How many entries kept their mode.
    pub count: usize,
    /// The first entry that kept its mode.
    pub path: PathBuf,
    /// The error that kept the first entry's mode unchanged.
    pub error: io::Error,
}

/// Widens the modes of `root` and everything under it, without following
/// symbolic links. Symbolic links and special files are left as they are.
///
/// Entries that cannot be changed are skipped and counted, and the walk goes on.
/// That happens when this process is not root and a container running as
/// another user owns them.
pub(crate) fn widen(root: &Path) -> Result<(), Unchanged> {
    let mut unchanged: Option<Unchanged> = None;
    let mut record = |path: &Path, error: io::Error| match &mut unchanged {
        Some(unchanged) => unchanged.count += 1,
        None => {
            unchanged = Some(Unchanged {
                count: 1,
                path: path.to_owned(),
                error,
            });
        }
    };
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        // The directory's mode is widened before it is read, because a
        // process that owns a `0300` directory can read it only afterwards.
        if let Err(error) = widen_entry(&dir) {
            record(&dir, error);
        }
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                record(&dir, error);
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    record(&dir, error);
                    continue;
                }
            };
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() => {
                    if let Err(error) = widen_entry(&path) {
                        record(&path, error);
                    }
                }
                Ok(_) => {}
                Err(error) => record(&path, error),
            }
        }
    }
    match unchanged {
        Some(unchanged) => Err(unchanged),
        None => Ok(()),
    }
}

/// Removes `path` and everything under it. When that fails, widens the modes
/// first and tries once more, which covers a directory without write
/// permission for its owner.
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
            // The result of `widen` does not matter: the second removal
            // reports what is still in the way.
            let _ = widen(path);
            fs::remove_dir_all(path)
        }
        Err(error) => Err(error),
    }
}

/// Adds the mode bits that `path`, a directory or a regular file, lacks. The
/// mode is written only when it changes.
fn widen_entry(path: &Path) -> io::Result<()> {
    let metadata = fs::symlink_metadata(path)?;
    let mode = metadata.permissions().mode() & 0o7777;
    let wanted = if metadata.is_dir() {
        mode | DIR_MODE
    } else if mode & 0o111 != 0 {
        mode | FILE_MODE | 0o100
    } else {
        mode | FILE_MODE
    };
    if wanted == mode {
        return Ok(());
    }
    // `path` is not a symbolic link, so `set_permissions` cannot follow one
    // out of the tree, and the container that could swap it has exited.
    fs::set_permissions(path, fs::Permissions::from_mode(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn modes_are_widened() {
        let root = tempfile::tempdir().unwrap();
        let private = root.path().join("private");
        fs::create_dir(&private).unwrap();
        let secret = private.join("data");
        let script = private.join("run.sh");
        fs::write(&secret, "x").unwrap();
        fs::write(&script, "true").unwrap();
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o400)).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o510)).unwrap();
        fs::set_permissions(&private, fs::Permissions::from_mode(0o300)).unwrap();

        widen(root.path()).unwrap();
        assert_eq!(mode(&private), 0o755);
        assert_eq!(mode(&secret), 0o644);
        assert_eq!(mode(&script), 0o754);
    }

    #[test]
    fn symbolic_links_are_not_followed() {
        let outside = tempfile::NamedTempFile::new().unwrap();
        fs::set_permissions(outside.path(), fs::Permissions::from_mode(0o600)).unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();

        widen(root.path()).unwrap();
        assert_eq!(mode(outside.path()), 0o600);
    }

    #[test]
    fn tree_without_write_permission_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let locked = root.path().join("locked");
        fs::create_dir(&locked).unwrap();
        fs::write(locked.join("data"), "x").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o500)).unwrap();

        remove_tree(&locked).unwrap();
        assert!(!locked.exists());
    }
}
