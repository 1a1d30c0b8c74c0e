//! Values that flow between tasks, and their text form in files and commands.
//!
//! | type | Rust type | rendered as | parsed from |
//! |---|---|---|---|
//! | string | `String` | the text as it is | the text, trimmed |
//! | int | `i64` | decimal: `-42` | decimal with optional sign: `+42`, `-7` |
//! | float | `f64` | shortest decimal that reads back to the same value, never an exponent: `3`, `0.1`, `1000000` | any decimal or exponent form, `inf`, `NaN` |
//! | bool | `bool` | `true` / `false` | `true`, `false`, `1`, `0`, `t`, `f`, in any case |
//! | datetime | `chrono::DateTime<Utc>` | RFC 3339 in UTC: `2024-01-02T03:04:05.000006Z` | RFC 3339 with any offset |
//! | duration | `std::time::Duration` | Go duration text: `1h30m0.5s`, `300ms`, `0s` | Go duration text |
//! | file | [`File`] | the path inside the container | a file the container wrote |
//! | dir | [`Dir`] | the path inside the container | a directory the container wrote |
//!
//! Parsed text is first trimmed of surrounding whitespace, `\r` included.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::duration;

/// The type of a task input or output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// UTF-8 text.
    String,
    /// A 64-bit signed integer.
    Int,
    /// A 64-bit float.
    Float,
    /// A boolean.
    Bool,
    /// An instant in UTC.
    Datetime,
    /// A non-negative span of time.
    Duration,
    /// A single file, passed by path.
    File,
    /// A directory tree, passed by path.
    Dir,
}

impl ValueType {
    /// Returns the lowercase name used in messages: `int`, `file`, ...
    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Int => "int",
            ValueType::Float => "float",
            ValueType::Bool => "bool",
            ValueType::Datetime => "datetime",
            ValueType::Duration => "duration",
            ValueType::File => "file",
            ValueType::Dir => "dir",
        }
    }

    /// Returns true for `File` and `Dir`, which are staged as paths.
    pub fn is_path(self) -> bool {
        matches!(self, ValueType::File | ValueType::Dir)
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file on the host, passed to a container as a read-only bind mount.
///
/// A `File` produced as a task output points into the executor's working
/// directory and stays valid as long as that executor lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct File {
    path: PathBuf,
}

impl File {
    /// Creates a reference to the file at `path`. Nothing is read until a task uses it.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        File { path: path.into() }
    }

    /// Returns the host path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A directory on the host, passed to a container as a read-only bind mount.
///
/// A `Dir` produced as a task output points into the executor's working
/// directory and stays valid as long as that executor lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Dir {
    path: PathBuf,
}

impl Dir {
    /// Creates a reference to the directory at `path`. Nothing is read until a task uses it.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Dir { path: path.into() }
    }

    /// Returns the host path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A value of any supported type, as the scheduler and executors see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A bool.
    Bool(bool),
    /// A datetime.
    Datetime(DateTime<Utc>),
    /// A duration.
    Duration(Duration),
    /// A file on the host.
    File(File),
    /// A directory on the host.
    Dir(Dir),
}

impl Value {
    /// Returns the type of this value.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::String(_) => ValueType::String,
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::Bool(_) => ValueType::Bool,
            Value::Datetime(_) => ValueType::Datetime,
            Value::Duration(_) => ValueType::Duration,
            Value::File(_) => ValueType::File,
            Value::Dir(_) => ValueType::Dir,
        }
    }

    /// Renders a scalar as the text written to its input file and substituted
    /// into commands. Returns `None` for `File` and `Dir`, which are staged as
    /// mounts, not as text.
    pub fn render(&self) -> Option<String> {
        Some(match self {
            Value::String(text) => text.clone(),
            Value::Int(number) => number.to_string(),
            // `Display` for f64 prints the shortest digits that parse back to
            // the same value, and never uses an exponent.
            Value::Float(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Datetime(instant) => instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            Value::Duration(span) => duration::format_go(*span),
            Value::File(_) | Value::Dir(_) => return None,
        })
    }

    /// Parses the text of a scalar output file as a value of type `ty`.
    ///
    /// # Errors
    ///
    /// Returns a description of the expected form when `text` does not parse,
    /// and for `File` and `Dir`, which are not read from text.
    pub fn parse(ty: ValueType, text: &str) -> Result<Value, &'static str> {
        let text = text.trim();
        match ty {
            ValueType::String => Ok(Value::String(text.to_owned())),
            ValueType::Int => text
                .parse()
                .map(Value::Int)
                .map_err(|_| "a decimal 64-bit integer such as `42` or `-7`"),
            ValueType::Float => text
                .parse()
                .map(Value::Float)
                .map_err(|_| "a decimal number such as `3.5`, `1e-3` or `inf`"),
            ValueType::Bool => parse_bool(text)
                .map(Value::Bool)
                .ok_or("one of `true`, `false`, `1`, `0`, `t`, `f` (any case)"),
            ValueType::Datetime => DateTime::parse_from_rfc3339(text)
                .map(|instant| Value::Datetime(instant.with_timezone(&Utc)))
                .map_err(|_| "an RFC 3339 datetime with an offset, such as `2024-01-02T03:04:05Z`"),
            ValueType::Duration => duration::parse_go(text)
                .map(Value::Duration)
                .ok_or("a Go duration such as `1h30m`, `2.5s` or `300ms`"),
            ValueType::File | ValueType::Dir => Err("a path, which is never read from text"),
        }
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "t" | "1" => Some(true),
        "false" | "f" | "0" => Some(false),
        _ => None,
    }
}

/// A Rust type that can be a task input or output.
///
/// Implemented for `String`, `i64`, `f64`, `bool`, `DateTime<Utc>`,
/// `std::time::Duration`, [`File`] and [`Dir`].
pub trait TaskValue: Clone + fmt::Debug + Send + Sync + 'static {
    /// The runtime type tag of `Self`.
    const TYPE: ValueType;

    /// Wraps `self` in a [`Value`].
    fn into_value(self) -> Value;

    /// Unwraps a [`Value`] of type [`Self::TYPE`]; returns `None` for any other type.
    fn from_value(value: Value) -> Option<Self>;
}

macro_rules! task_value {
    ($($rust:ty => $variant:ident),* $(,)?) => {$(
        impl TaskValue for $rust {
            const TYPE: ValueType = ValueType::$variant;

            fn into_value(self) -> Value {
                Value::$variant(self)
            }

            fn from_value(value: Value) -> Option<Self> {
                match value {
                    Value::$variant(inner) => Some(inner),
                    _ => None,
                }
            }
        }
    )*};
}

task_value! {
    String => String,
    i64 => Int,
    f64 => Float,
    bool => Bool,
    DateTime<Utc> => Datetime,
    Duration => Duration,
    File => File,
    Dir => Dir,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_renders_shortest_round_trip() {
        for (number, text) in [(3.0, "3"), (3.5, "3.5"), (0.1, "0.1"), (1e6, "1000000")] {
            let rendered = Value::Float(number).render().unwrap();
            assert_eq!(rendered, text);
            assert_eq!(
                Value::parse(ValueType::Float, &rendered),
                Ok(Value::Float(number))
            );
        }
    }

    #[test]
    fn int_parse_is_strict() {
        assert_eq!(Value::parse(ValueType::Int, " +42\r\n"), Ok(Value::Int(42)));
        for text in ["4.2", "0x10", "1_000", "", "12a"] {
            assert!(
                Value::parse(ValueType::Int, text).is_err(),
                "{text:?} parsed"
            );
        }
    }

    #[test]
    fn bool_parse_accepts_listed_spellings_only() {
        for text in ["true", "TRUE", "t", "T", "1", "True\r\n"] {
            assert_eq!(
                Value::parse(ValueType::Bool, text),
                Ok(Value::Bool(true)),
                "{text:?}"
            );
        }
        for text in ["false", "F", "0", " False "] {
            assert_eq!(
                Value::parse(ValueType::Bool, text),
                Ok(Value::Bool(false)),
                "{text:?}"
            );
        }
        for text in ["yes", "no", "2", "", "tru"] {
            assert!(
                Value::parse(ValueType::Bool, text).is_err(),
                "{text:?} parsed"
            );
        }
    }

    #[test]
    fn datetime_needs_offset_and_renders_utc() {
        let parsed = Value::parse(ValueType::Datetime, "2024-01-02T05:04:05.000006+02:00").unwrap();
        assert_eq!(parsed.render().unwrap(), "2024-01-02T03:04:05.000006Z");
        assert!(Value::parse(ValueType::Datetime, "2024-01-02T03:04:05").is_err());
        assert!(Value::parse(ValueType::Datetime, "2024-01-02").is_err());
    }

    #[test]
    fn string_parse_trims_carriage_return() {
        assert_eq!(
            Value::parse(ValueType::String, "  hello world\r\n"),
            Ok(Value::String("hello world".into()))
        );
    }

    #[test]
    fn paths_have_no_text_form() {
        assert_eq!(Value::File(File::new("/tmp/x")).render(), None);
        assert!(Value::parse(ValueType::Dir, "/tmp").is_err());
    }
}
