//! The Rust types that inputs and outputs may have, and their canonical paths
//! in generated code.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{GenericArgument, PathArguments, Type, TypePath};

use crate::suggest;

/// The type of an input or output, mirroring the runtime's `ValueType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Int,
    Float,
    Bool,
    Datetime,
    Duration,
    File,
    Dir,
    /// `Vec<T>`, with `T` a scalar or `File`.
    List(&'static ValueType),
    /// `BTreeMap<String, T>`, with `T` a scalar.
    Map(&'static ValueType),
    /// `Option<T>`, only as the element of a list input, with `T` a scalar
    /// or `File`.
    Optional(&'static ValueType),
}

/// The spellings of the supported types, for error messages.
const SUPPORTED: &str = "`String`, `i64`, `f64`, `bool`, `DateTime<Utc>`, `Duration`, `File`, \
     `Dir`, `Vec<T>`, `BTreeMap<String, T>`";

/// The element types that a list or a map may have, for error messages.
const SUPPORTED_ELEMENTS: &str = "`Vec<T>` takes `String`, `i64`, `f64`, `bool`, \
     `DateTime<Utc>`, `Duration` or `File`, or `Option` of one of them in an input, and \
     `BTreeMap<String, T>` the same except `File` and `Option`";

impl ValueType {
    /// Maps a declared type to its value type by the last segment of its
    /// path, so `String`, `std::string::String` and `containerflow::File`
    /// are all accepted.
    ///
    /// # Errors
    ///
    /// Returns an error on `ty` listing the supported types, with a hint for
    /// close types such as `&str` or `i32`.
    pub fn from_type(ty: &Type) -> syn::Result<ValueType> {
        match last_segment(ty) {
            Some((name, arguments)) if name == "Vec" => {
                let [element] = type_arguments(arguments)[..] else {
                    return Err(unsupported(ty));
                };
                if let Some((name, arguments)) = last_segment(element) {
                    if name == "Option" {
                        let [inner] = type_arguments(arguments)[..] else {
                            return Err(unsupported(ty));
                        };
                        let inner = element_type(ty, inner, ValueType::File)?;
                        return Ok(ValueType::List(inner.optional()));
                    }
                }
                let element = element_type(ty, element, ValueType::File)?;
                Ok(ValueType::List(element))
            }
            Some((name, arguments)) if name == "BTreeMap" => match type_arguments(arguments)[..] {
                [key, element] if ValueType::scalar_from_type(key) == Some(ValueType::String) => {
                    Ok(ValueType::Map(element_type(ty, element, ValueType::String)?))
                }
                _ => Err(syn::Error::new_spanned(
                    ty,
                    format!(
                        "unsupported type `{}`, map keys must be `String` because each key is a file name",
                        type_text(ty)
                    ),
                )),
            },
            _ => ValueType::scalar_from_type(ty).ok_or_else(|| unsupported(ty)),
        }
    }

    /// Maps a scalar type, `File` or `Dir` to its value type.
    fn scalar_from_type(ty: &Type) -> Option<ValueType> {
        match last_segment(ty) {
            Some((name, arguments)) => match (name.as_str(), arguments) {
                ("String", PathArguments::None) => Some(ValueType::String),
                ("i64", PathArguments::None) => Some(ValueType::Int),
                ("f64", PathArguments::None) => Some(ValueType::Float),
                ("bool", PathArguments::None) => Some(ValueType::Bool),
                ("Duration", PathArguments::None) => Some(ValueType::Duration),
                ("File", PathArguments::None) => Some(ValueType::File),
                ("Dir", PathArguments::None) => Some(ValueType::Dir),
                ("DateTime", arguments) if is_utc_argument(arguments) => Some(ValueType::Datetime),
                _ => None,
            },
            None => None,
        }
    }

    /// Returns the absolute path of the Rust type, spanned at `span`.
    pub fn rust_type(self, span: Span) -> TokenStream {
        match self {
            ValueType::String => quote_spanned!(span=> ::containerflow::__private::String),
            ValueType::Int => quote_spanned!(span=> ::core::primitive::i64),
            ValueType::Float => quote_spanned!(span=> ::core::primitive::f64),
            ValueType::Bool => quote_spanned!(span=> ::core::primitive::bool),
            ValueType::Datetime => quote_spanned! {span=>
                ::containerflow::__private::DateTime<::containerflow::__private::Utc>
            },
            ValueType::Duration => quote_spanned!(span=> ::containerflow::__private::Duration),
            ValueType::File => quote_spanned!(span=> ::containerflow::__private::File),
            ValueType::Dir => quote_spanned!(span=> ::containerflow::__private::Dir),
            ValueType::List(element) => {
                let element = element.rust_type(span);
                quote_spanned!(span=> ::containerflow::__private::Vec<#element>)
            }
            ValueType::Map(element) => {
                let element = element.rust_type(span);
                quote_spanned! {span=>
                    ::containerflow::__private::BTreeMap<::containerflow::__private::String, #element>
                }
            }
            ValueType::Optional(inner) => {
                let inner = inner.rust_type(span);
                quote_spanned!(span=> ::containerflow::__private::Option<#inner>)
            }
        }
    }

    /// Returns the path of the runtime's `ValueType` variant.
    pub fn runtime_variant(self) -> TokenStream {
        let variant = match self {
            ValueType::List(element) => {
                let element = element.runtime_variant();
                quote!(List(&#element))
            }
            ValueType::Map(element) => {
                let element = element.runtime_variant();
                quote!(Map(&#element))
            }
            ValueType::Optional(inner) => {
                let inner = inner.runtime_variant();
                quote!(Optional(&#inner))
            }
            ValueType::String => quote!(String),
            ValueType::Int => quote!(Int),
            ValueType::Float => quote!(Float),
            ValueType::Bool => quote!(Bool),
            ValueType::Datetime => quote!(Datetime),
            ValueType::Duration => quote!(Duration),
            ValueType::File => quote!(File),
            ValueType::Dir => quote!(Dir),
        };
        quote!(::containerflow::__private::ValueType::#variant)
    }

    /// Returns true for `i64` and `f64`, whose text can be all digits.
    pub fn is_number(self) -> bool {
        matches!(self, ValueType::Int | ValueType::Float)
    }

    /// Returns true for `File` and `Dir`, which are staged as paths.
    pub fn is_path(self) -> bool {
        matches!(self, ValueType::File | ValueType::Dir)
    }

    /// Returns a `'static` reference to a scalar, `File` or `Dir` type, to
    /// be the element of a list or map type.
    fn to_static(self) -> &'static ValueType {
        match self {
            ValueType::String => &ValueType::String,
            ValueType::Int => &ValueType::Int,
            ValueType::Float => &ValueType::Float,
            ValueType::Bool => &ValueType::Bool,
            ValueType::Datetime => &ValueType::Datetime,
            ValueType::Duration => &ValueType::Duration,
            ValueType::File => &ValueType::File,
            ValueType::Dir => &ValueType::Dir,
            ValueType::List(_) | ValueType::Map(_) | ValueType::Optional(_) => {
                unreachable!("collections and optional values are never elements")
            }
        }
    }

    /// Returns the optional form of a scalar or `File` element type.
    fn optional(&self) -> &'static ValueType {
        match self {
            ValueType::String => &ValueType::Optional(&ValueType::String),
            ValueType::Int => &ValueType::Optional(&ValueType::Int),
            ValueType::Float => &ValueType::Optional(&ValueType::Float),
            ValueType::Bool => &ValueType::Optional(&ValueType::Bool),
            ValueType::Datetime => &ValueType::Optional(&ValueType::Datetime),
            ValueType::Duration => &ValueType::Optional(&ValueType::Duration),
            ValueType::File => &ValueType::Optional(&ValueType::File),
            _ => unreachable!("only scalars and files are optional elements"),
        }
    }

    /// Returns true for a list whose elements are optional.
    pub fn has_optional_elements(self) -> bool {
        matches!(self, ValueType::List(ValueType::Optional(_)))
    }
}

/// Returns the types among the generic arguments of a path segment.
fn type_arguments(arguments: &PathArguments) -> Vec<&Type> {
    let PathArguments::AngleBracketed(bracketed) = arguments else {
        return Vec::new();
    };
    let types = bracketed.args.iter().map(|argument| match argument {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    types.collect::<Option<Vec<&Type>>>().unwrap_or_default()
}

/// Maps the element type of the collection `ty`, accepting scalars and, when
/// `widest` is `File`, `File` too.
fn element_type(ty: &Type, element: &Type, widest: ValueType) -> syn::Result<&'static ValueType> {
    match ValueType::scalar_from_type(element) {
        Some(ValueType::Dir) => {}
        Some(ValueType::File) if widest != ValueType::File => {}
        Some(scalar) => return Ok(scalar.to_static()),
        None => {}
    }
    let message = format!(
        "unsupported element type `{}` in `{}`\nhelp: {SUPPORTED_ELEMENTS}",
        type_text(element),
        type_text(ty)
    );
    Err(syn::Error::new_spanned(element, message))
}

/// Returns the name and generic arguments of the last segment of a plain
/// path type, looking through the invisible groups that `macro_rules!`
/// puts around a `$ty`.
fn last_segment(ty: &Type) -> Option<(String, &PathArguments)> {
    match ty {
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        Type::Path(TypePath { qself: None, path }) => {
            let segment = path.segments.last()?;
            Some((segment.ident.to_string(), &segment.arguments))
        }
        _ => None,
    }
}

/// Returns true for `<Utc>`, whatever the path of `Utc`.
fn is_utc_argument(arguments: &PathArguments) -> bool {
    let PathArguments::AngleBracketed(bracketed) = arguments else {
        return false;
    };
    let mut arguments = bracketed.args.iter();
    let (Some(GenericArgument::Type(zone)), None) = (arguments.next(), arguments.next()) else {
        return false;
    };
    matches!(last_segment(zone), Some((name, PathArguments::None)) if name == "Utc")
}

fn unsupported(ty: &Type) -> syn::Error {
    let mut message = format!(
        "unsupported type `{}`, expected one of {SUPPORTED}",
        type_text(ty)
    );
    if let Some(hint) = hint(ty) {
        message.push_str(&format!("\nhelp: use {hint}"));
    }
    syn::Error::new_spanned(ty, message)
}

/// Returns the supported types to suggest in place of `ty`, in backticks,
/// when one is close.
fn hint(ty: &Type) -> Option<&'static str> {
    let name = match ty {
        Type::Reference(reference) => last_segment(&reference.elem)?.0,
        _ => last_segment(ty)?.0,
    };
    match name.as_str() {
        "str" | "String" | "Cow" | "char" | "OsString" => Some("`String`"),
        "i8" | "i16" | "i32" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => Some("`i64`"),
        "f32" => Some("`f64`"),
        "DateTime" | "NaiveDateTime" | "SystemTime" | "Instant" => Some("`DateTime<Utc>`"),
        "Path" | "PathBuf" => Some("`File` or `Dir`"),
        "HashMap" | "IndexMap" => Some("`BTreeMap<String, T>`"),
        "VecDeque" | "HashSet" | "BTreeSet" => Some("`Vec<T>`"),
        "Option" => Some("a required value; only the elements of a `Vec` input can be `Option`"),
        misspelt => closest_supported(misspelt),
    }
}

/// Returns the supported type whose name is closest to `name`, for a
/// misspelling such as `Strin` or `Duraton`.
fn closest_supported(name: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 10] = [
        ("String", "`String`"),
        ("i64", "`i64`"),
        ("f64", "`f64`"),
        ("bool", "`bool`"),
        ("DateTime", "`DateTime<Utc>`"),
        ("Duration", "`Duration`"),
        ("File", "`File`"),
        ("Dir", "`Dir`"),
        ("Vec", "`Vec<T>`"),
        ("BTreeMap", "`BTreeMap<String, T>`"),
    ];
    let closest = suggest::closest(name, NAMES.iter().map(|(spelling, _)| *spelling))?;
    NAMES
        .iter()
        .find(|(spelling, _)| *spelling == closest)
        .map(|(_, hint)| *hint)
}

/// Returns the source text of `ty` with the spaces that token printing adds
/// around `<`, `>`, `::`, `,` and `&` removed.
pub fn type_text(ty: &Type) -> String {
    let spaced = ty.to_token_stream().to_string();
    spaced
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(source: &str) -> syn::Result<ValueType> {
        ValueType::from_type(&syn::parse_str(source).unwrap())
    }

    #[test]
    fn from_type_accepts_every_spelling() {
        let cases = [
            ("String", ValueType::String),
            ("std::string::String", ValueType::String),
            ("::std::string::String", ValueType::String),
            ("i64", ValueType::Int),
            ("core::primitive::i64", ValueType::Int),
            ("f64", ValueType::Float),
            ("bool", ValueType::Bool),
            ("DateTime<Utc>", ValueType::Datetime),
            ("chrono::DateTime<chrono::Utc>", ValueType::Datetime),
            ("containerflow::chrono::DateTime<Utc>", ValueType::Datetime),
            ("Duration", ValueType::Duration),
            ("std::time::Duration", ValueType::Duration),
            ("File", ValueType::File),
            ("containerflow::File", ValueType::File),
            ("Dir", ValueType::Dir),
            ("containerflow::Dir", ValueType::Dir),
            ("(String)", ValueType::String),
            ("Vec<i64>", ValueType::List(&ValueType::Int)),
            ("std::vec::Vec<File>", ValueType::List(&ValueType::File)),
            ("BTreeMap<String, f64>", ValueType::Map(&ValueType::Float)),
            (
                "std::collections::BTreeMap<std::string::String, bool>",
                ValueType::Map(&ValueType::Bool),
            ),
        ];
        for (source, expected) in cases {
            assert_eq!(map(source).ok(), Some(expected), "type {source}");
        }
    }

    #[test]
    fn from_type_rejects_with_hint() {
        let cases = [
            ("&str", Some("`String`")),
            ("&'static str", Some("`String`")),
            ("&String", Some("`String`")),
            ("str", Some("`String`")),
            ("i32", Some("`i64`")),
            ("u64", Some("`i64`")),
            ("usize", Some("`i64`")),
            ("f32", Some("`f64`")),
            ("DateTime<Local>", Some("`DateTime<Utc>`")),
            ("DateTime", Some("`DateTime<Utc>`")),
            ("DateTime<Utc, Utc>", Some("`DateTime<Utc>`")),
            ("std::path::PathBuf", Some("`File` or `Dir`")),
            ("&Path", Some("`File` or `Dir`")),
            (
                "Option<i64>",
                Some("a required value; only the elements of a `Vec` input can be `Option`"),
            ),
            ("HashMap<String, i64>", Some("`BTreeMap<String, T>`")),
            ("String<i64>", Some("`String`")),
            ("<T as Trait>::String", None),
            ("(i64, i64)", None),
            ("Strin", Some("`String`")),
            ("Duraton", Some("`Duration`")),
            ("BTreeMapp<String, i64>", Some("`BTreeMap<String, T>`")),
            ("Widget", None),
        ];
        for (source, expected_hint) in cases {
            let message = map(source).unwrap_err().to_string();
            assert!(
                message.starts_with("unsupported type `"),
                "message for {source}: {message}"
            );
            assert!(
                message.contains(SUPPORTED),
                "message for {source}: {message}"
            );
            let help = expected_hint.map(|hint| format!("\nhelp: use {hint}"));
            let found_help = message.find("\nhelp").map(|start| &message[start..]);
            assert_eq!(found_help, help.as_deref(), "help for {source}");
        }
    }

    #[test]
    fn collections_reject_unstageable_elements() {
        let cases = [
            ("Vec<Dir>", "unsupported element type `Dir` in `Vec<Dir>`"),
            ("Vec<Vec<i64>>", "unsupported element type `Vec<i64>`"),
            ("BTreeMap<String, File>", "unsupported element type `File`"),
            (
                "BTreeMap<String, Vec<i64>>",
                "unsupported element type `Vec<i64>`",
            ),
            ("Vec<i32>", "unsupported element type `i32`"),
            ("BTreeMap<i64, i64>", "map keys must be `String`"),
            ("Vec", "unsupported type `Vec`"),
        ];
        for (source, expected) in cases {
            let message = map(source).unwrap_err().to_string();
            assert!(
                message.contains(expected),
                "message for {source}: {message}"
            );
        }
    }

    #[test]
    fn collection_rust_types_are_absolute() {
        let list = ValueType::List(&ValueType::Int).rust_type(Span::call_site());
        assert_eq!(
            list.to_string(),
            ":: containerflow :: __private :: Vec < :: core :: primitive :: i64 >"
        );
        let variant = ValueType::Map(&ValueType::Bool)
            .runtime_variant()
            .to_string();
        assert!(
            variant.ends_with("Map (& :: containerflow :: __private :: ValueType :: Bool)"),
            "{variant}"
        );
    }

    #[test]
    fn type_text_removes_token_spaces() {
        let cases = [
            ("&'static str", "&'static str"),
            (
                "chrono::DateTime<chrono::Utc>",
                "chrono::DateTime<chrono::Utc>",
            ),
            ("::std::vec::Vec<(i64, i64)>", "::std::vec::Vec<(i64, i64)>"),
            ("HashMap<String, Vec<u8>>", "HashMap<String, Vec<u8>>"),
        ];
        for (source, expected) in cases {
            let ty: Type = syn::parse_str(source).unwrap();
            assert_eq!(type_text(&ty), expected, "text of {source}");
        }
    }

    #[test]
    fn rust_type_is_absolute() {
        for value_type in [ValueType::String, ValueType::Datetime, ValueType::File] {
            let path = value_type.rust_type(Span::call_site()).to_string();
            assert!(
                path.starts_with(":: containerflow :: __private ::"),
                "{path}"
            );
        }
        assert_eq!(
            ValueType::Int.rust_type(Span::call_site()).to_string(),
            ":: core :: primitive :: i64"
        );
    }
}
