//! Reading list and map outputs.
//!
//! A list output is either a directory with one entry per element, named
//! `0` to `n - 1` with none missing, or a regular file with one element per
//! line. A map output is a directory with one regular file per key.

use std::collections::BTreeMap;
use std::fs::{self, Metadata};

use super::{describe, quote, Location};
use crate::error::Error;
use crate::value::{Value, ValueType};

/// Maximum size of a list output written as a file of lines.
pub(crate) const MAX_LINES_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a list output from a directory of elements or a file of lines.
pub(super) fn read_list(
    location: &Location<'_>,
    metadata: &Metadata,
    list_type: &'static ValueType,
    element: &'static ValueType,
) -> Result<Value, Error> {
    if metadata.is_dir() {
        read_list_dir(location, list_type, element)
    } else if metadata.is_file() && !element.is_path() {
        read_list_lines(location, metadata, list_type, element)
    } else if metadata.is_file() {
        Err(location.invalid(
            list_type,
            describe(metadata),
            "a directory with one entry per element",
        ))
    } else {
        Err(location.invalid(
            list_type,
            describe(metadata),
            "a directory of elements or a file of lines",
        ))
    }
}

/// Reads a directory whose entries are named `0`, `1`, ...
fn read_list_dir(
    location: &Location<'_>,
    list_type: &'static ValueType,
    element: &'static ValueType,
) -> Result<Value, Error> {
    let names = entry_names(location, list_type)?;
    let mut indices = Vec::with_capacity(names.len());
    for name in &names {
        match parse_index(name) {
            Some(index) => indices.push(index),
            None => {
                return Err(location.invalid(
                    list_type,
                    format!("an entry named {}", quote(&format!("{name:?}"))),
                    "entries named `0`, `1`, ... with no leading zeros",
                ));
            }
        }
    }
    indices.sort_unstable();
    // The sorted indices are 0..n exactly when each one equals its position.
    if let Some(missing) = indices.iter().enumerate().find(|(at, index)| at != *index) {
        return Err(Error::OutputListIncomplete {
            task: location.node.to_owned(),
            output: location.output.to_owned(),
            container_path: location.container_path.clone(),
            count: indices.len(),
            missing: missing.0,
        });
    }
    let elements = (0..indices.len())
        .map(|index| read_element(&location.join(&index.to_string()), element))
        .collect::<Result<_, Error>>()?;
    Ok(Value::List(elements))
}

/// Reads a file with one element per line. A trailing newline ends the last
/// line and adds no element, so an empty file is an empty list.
fn read_list_lines(
    location: &Location<'_>,
    metadata: &Metadata,
    list_type: &'static ValueType,
    element: &'static ValueType,
) -> Result<Value, Error> {
    let text = location.read_text(metadata, list_type, MAX_LINES_BYTES)?;
    if text.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut elements = Vec::new();
    for (number, line) in body.split('\n').enumerate() {
        let value = Value::parse(*element, line).map_err(|expected| {
            let found = format!("line {}: {}", number + 1, quote(line.trim()));
            location.invalid(element, found, expected)
        })?;
        elements.push(value);
    }
    Ok(Value::List(elements))
}

/// Reads a directory with one regular file per key.
pub(super) fn read_map(
    location: &Location<'_>,
    metadata: &Metadata,
    map_type: &'static ValueType,
    element: &'static ValueType,
) -> Result<Value, Error> {
    if !metadata.is_dir() {
        return Err(location.invalid(
            map_type,
            describe(metadata),
            "a directory with one file per key",
        ));
    }
    let mut entries = BTreeMap::new();
    for key in entry_names(location, map_type)? {
        let value = read_element(&location.join(&key), element)?;
        entries.insert(key, value);
    }
    Ok(Value::Map(entries))
}

/// Reads one element, without following a symbolic link.
fn read_element(location: &Location<'_>, element: &'static ValueType) -> Result<Value, Error> {
    let metadata =
        fs::symlink_metadata(&location.host_path).map_err(|source| location.io_error(source))?;
    location.read_single(&metadata, element)
}

/// Returns the names of the entries of a directory output, which must all be
/// UTF-8. `ty` is the type named in an error.
fn entry_names(location: &Location<'_>, ty: &'static ValueType) -> Result<Vec<String>, Error> {
    let entries = fs::read_dir(&location.host_path).map_err(|source| location.io_error(source))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| location.io_error(source))?;
        let name = entry.file_name().into_string().map_err(|name| {
            let found = format!("an entry named {}", quote(&format!("{name:?}")));
            location.invalid(ty, found, "entries with UTF-8 names")
        })?;
        names.push(name);
    }
    Ok(names)
}

/// Parses a list index: decimal digits with no sign and no leading zero.
fn parse_index(name: &str) -> Option<usize> {
    let digits_only = !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_digit());
    if !digits_only || (name.len() > 1 && name.starts_with('0')) {
        return None;
    }
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_are_plain_decimals() {
        assert_eq!(parse_index("0"), Some(0));
        assert_eq!(parse_index("17"), Some(17));
        for name in ["", "00", "01", "+1", "-1", "1.0", "a", "1 "] {
            assert_eq!(parse_index(name), None, "{name:?}");
        }
    }
}
