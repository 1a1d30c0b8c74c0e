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
//! | list | `Vec<T>` | `[a,b,c]`: each element rendered, joined by `,`, no quotes or spaces | see `docs/data-protocol.md` |
//! | map | `BTreeMap<String, T>` | never substituted into a command | a directory with one file per key |
//!
//! Parsed text is first trimmed of surrounding whitespace, `\r` included.

use std::collections::BTreeMap;
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
    /// A list whose elements have the given type, staged as a directory with
    /// one entry per element, named `0`, `1`, ...
    List(&'static ValueType),
    /// A map from string keys to values of the given type, staged as a
    /// directory with one entry per key.
    Map(&'static ValueType),
    /// A value of the given type, or none. Only the elements of a list input
    /// can be optional: a map run with a minimum success ratio gathers its
    /// outputs as lists that hold none at the failed elements.
    Optional(&'static ValueType),
}

impl ValueType {
    /// Returns the lowercase name of a scalar or path type: `int`, `file`,
    /// ... A list or a map returns `list` or `map`; its [`Display`](fmt::Display)
    /// form names the element type too, as in `list of int`.
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
            ValueType::List(_) => "list",
            ValueType::Map(_) => "map",
            ValueType::Optional(_) => "optional",
        }
    }

    /// Returns true for `File` and `Dir`, which are staged as paths.
    pub fn is_path(self) -> bool {
        matches!(self, ValueType::File | ValueType::Dir)
    }

    /// Returns true when this type, or the element type of a list or map,
    /// is `File` or `Dir`, whose values point into a job's output directory.
    pub fn contains_path(self) -> bool {
        match self {
            ValueType::List(element) | ValueType::Map(element) | ValueType::Optional(element) => {
                element.contains_path()
            }
            scalar => scalar.is_path(),
        }
    }

    /// Returns the element type of a list or a map.
    pub fn element(self) -> Option<ValueType> {
        match self {
            ValueType::List(element) | ValueType::Map(element) => Some(*element),
            _ => None,
        }
    }

    /// Returns a `'static` reference to `self`, for the element of a list or
    /// map type built at run time. A nested collection has no such reference
    /// and returns `None`.
    fn to_static(self) -> Option<&'static ValueType> {
        Some(match self {
            ValueType::String => &ValueType::String,
            ValueType::Int => &ValueType::Int,
            ValueType::Float => &ValueType::Float,
            ValueType::Bool => &ValueType::Bool,
            ValueType::Datetime => &ValueType::Datetime,
            ValueType::Duration => &ValueType::Duration,
            ValueType::File => &ValueType::File,
            ValueType::Dir => &ValueType::Dir,
            ValueType::List(_) | ValueType::Map(_) | ValueType::Optional(_) => return None,
        })
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::List(element) => write!(f, "list of {element}"),
            ValueType::Map(element) => write!(f, "map of string to {element}"),
            ValueType::Optional(inner) => write!(f, "optional {inner}"),
            scalar => f.write_str(scalar.name()),
        }
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
    /// A list, in order.
    List(Vec<Value>),
    /// A map from string keys to values, sorted by key.
    Map(BTreeMap<String, Value>),
    /// No value, where an optional one is expected.
    None,
}

impl Value {
    /// Returns the type of this value.
    ///
    /// A list or a map takes its element type from its first element, so an
    /// empty one returns `list of string` or `map of string to string`, and a
    /// nested one returns its outer type with `string` elements. Use
    /// [`has_type`](Self::has_type) to check a value against a declared type.
    pub fn value_type(&self) -> ValueType {
        let element = |first: Option<&Value>| {
            first
                .and_then(|value| value.value_type().to_static())
                .unwrap_or(&ValueType::String)
        };
        match self {
            Value::List(elements) => ValueType::List(element(elements.first())),
            Value::Map(entries) => ValueType::Map(element(entries.values().next())),
            Value::String(_) => ValueType::String,
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::Bool(_) => ValueType::Bool,
            Value::Datetime(_) => ValueType::Datetime,
            Value::Duration(_) => ValueType::Duration,
            Value::File(_) => ValueType::File,
            Value::Dir(_) => ValueType::Dir,
            Value::None => ValueType::Optional(&ValueType::String),
        }
    }

    /// Returns true when this value is of type `ty`, every element of a list
    /// or map included. An empty list or map has every list or map type.
    pub fn has_type(&self, ty: ValueType) -> bool {
        match (self, ty) {
            (Value::List(elements), ValueType::List(element)) => {
                elements.iter().all(|value| value.has_type(*element))
            }
            (Value::Map(entries), ValueType::Map(element)) => {
                entries.values().all(|value| value.has_type(*element))
            }
            (Value::None, ValueType::Optional(_)) => true,
            (value, ValueType::Optional(inner)) => value.has_type(*inner),
            (Value::List(_) | Value::Map(_) | Value::None, _) => false,
            (scalar, ty) => scalar.value_type() == ty,
        }
    }

    /// Renders a scalar as the text written to its input file and substituted
    /// into commands. A list of scalars renders as `[a,b,c]`, the elements
    /// joined by commas with no quotes or spaces, as Flyte renders a list in a
    /// command. No value renders as `null`, the text Flyte writes for it.
    /// Returns `None` for `File`, `Dir`, a map, and a list with any element
    /// that has no text form.
    pub fn render(&self) -> Option<String> {
        Some(match self {
            Value::List(elements) => {
                let texts: Option<Vec<String>> = elements.iter().map(Value::render).collect();
                format!("[{}]", texts?.join(","))
            }
            Value::Map(_) => return None,
            Value::None => "null".to_owned(),
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
    /// and for `File`, `Dir`, lists and maps, which are not read from one text.
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
            ValueType::List(_) | ValueType::Map(_) => {
                Err("a directory or a file of lines, which is never parsed as one value")
            }
            ValueType::Optional(_) => Err("a value of a declared type; outputs cannot be optional"),
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
/// `std::time::Duration`, [`File`] and [`Dir`], for `Vec<T>` and
/// `BTreeMap<String, T>` of those, and for `Option<T>`, the element type of a
/// partially gathered map output. Only lists of scalars or `File` and maps of
/// scalars can be staged; the others fail at run time with
/// [`Error::UnsupportedType`](crate::Error::UnsupportedType).
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

impl<T: TaskValue> TaskValue for Vec<T> {
    const TYPE: ValueType = ValueType::List(&T::TYPE);

    fn into_value(self) -> Value {
        Value::List(self.into_iter().map(TaskValue::into_value).collect())
    }

    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::List(elements) => elements.into_iter().map(T::from_value).collect(),
            _ => None,
        }
    }
}

impl<T: TaskValue> TaskValue for Option<T> {
    const TYPE: ValueType = ValueType::Optional(&T::TYPE);

    fn into_value(self) -> Value {
        self.map_or(Value::None, TaskValue::into_value)
    }

    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::None => Some(None),
            value => T::from_value(value).map(Some),
        }
    }
}

impl<T: TaskValue> TaskValue for BTreeMap<String, T> {
    const TYPE: ValueType = ValueType::Map(&T::TYPE);

    fn into_value(self) -> Value {
        let entries = self
            .into_iter()
            .map(|(key, value)| (key, value.into_value()));
        Value::Map(entries.collect())
    }

    fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Map(entries) => entries
                .into_iter()
                .map(|(key, value)| Some((key, T::from_value(value)?)))
                .collect(),
            _ => None,
        }
    }
}

/// Checks that a map key can be the name of a file in a directory: not
/// empty, not `.` or `..`, and without `/` or NUL.
///
/// # Errors
///
/// Returns the reason the key is invalid.
pub(crate) fn check_map_key(key: &str) -> Result<(), &'static str> {
    match key {
        "" => Err("the key is empty"),
        "." | ".." => Err("`.` and `..` are not file names"),
        _ if key.contains('/') => Err("the key contains `/`"),
        _ if key.contains('\0') => Err("the key contains a NUL character"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_types_display_their_elements() {
        assert_eq!(<Vec<i64>>::TYPE.to_string(), "list of int");
        assert_eq!(<Vec<File>>::TYPE.to_string(), "list of file");
        assert_eq!(
            <BTreeMap<String, bool>>::TYPE.to_string(),
            "map of string to bool"
        );
    }

    #[test]
    fn list_renders_in_brackets() {
        let list = vec![1_i64, -2, 3].into_value();
        assert_eq!(list.render().as_deref(), Some("[1,-2,3]"));
        let words = vec!["a b".to_owned(), "c".to_owned()].into_value();
        assert_eq!(words.render().as_deref(), Some("[a b,c]"));
        assert_eq!(
            Vec::<i64>::new().into_value().render().as_deref(),
            Some("[]")
        );
        assert_eq!(vec![File::new("/x")].into_value().render(), None);
    }

    #[test]
    fn empty_list_has_every_list_type() {
        let empty = Value::List(Vec::new());
        assert!(empty.has_type(ValueType::List(&ValueType::Int)));
        assert!(empty.has_type(ValueType::List(&ValueType::File)));
        assert!(!empty.has_type(ValueType::Map(&ValueType::Int)));
        let mixed = Value::List(vec![Value::Int(1), Value::Bool(true)]);
        assert!(!mixed.has_type(ValueType::List(&ValueType::Int)));
    }

    #[test]
    fn collections_round_trip_through_value() {
        let map: BTreeMap<String, f64> = [("a".to_owned(), 1.5)].into();
        assert_eq!(
            BTreeMap::<String, f64>::from_value(map.clone().into_value()),
            Some(map)
        );
        assert_eq!(Vec::<bool>::from_value(Value::Bool(true)), None);
    }

    #[test]
    fn map_keys_must_be_file_names() {
        assert!(check_map_key("alpha-1.txt").is_ok());
        for key in ["", ".", "..", "a/b", "a\0b"] {
            assert!(check_map_key(key).is_err(), "{key:?} accepted");
        }
    }

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
