//! Parsers for the value of each key.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{braced, Expr, ExprArray, ExprLit, Ident, Lit, LitBool, LitStr, Token, Type};

use super::{DataDir, EnvVar, MetadataFormat, Param, Params};
use crate::errors::Errors;
use crate::suggest;

/// The reason an element must be a literal, shared by the messages that
/// reject one.
const FIXED_AT_COMPILE_TIME: &str = "the command is fixed at compile time, so pass values as \
    inputs and refer to them with `{{.inputs.NAME}}`";

/// The elements of `command` or `arguments` that are string literals.
pub struct StringArray {
    /// The span of the whole array, brackets included.
    pub span: Span,
    pub items: Vec<LitStr>,
    /// How many elements were rejected.
    pub rejected: usize,
}

pub fn string(key: &str, value: TokenStream) -> syn::Result<LitStr> {
    syn::parse2::<LitStr>(value.clone()).map_err(|_| {
        let message = format!("`{key}` must be a string literal, for example `{key} = \"...\"`");
        syn::Error::new_spanned(value, message)
    })
}

pub fn data_dir(key: &str, value: TokenStream) -> syn::Result<DataDir> {
    let literal = string(key, value)?;
    Ok(DataDir {
        path: literal.value(),
        span: literal.span(),
        declared: true,
    })
}

pub fn bool(key: &str, value: TokenStream) -> syn::Result<bool> {
    syn::parse2::<LitBool>(value.clone())
        .map(|literal| literal.value)
        .map_err(|_| syn::Error::new_spanned(value, format!("`{key}` must be `true` or `false`")))
}

pub fn metadata_format(value: TokenStream) -> syn::Result<MetadataFormat> {
    const FORMATS: [&str; 3] = ["Json", "Yaml", "Proto"];
    let expected = "expected one of `Json`, `Yaml`, `Proto`";
    let Ok(ident) = syn::parse2::<Ident>(value.clone()) else {
        let message = format!("`metadata_format` must be a format name, {expected}");
        return Err(syn::Error::new_spanned(value, message));
    };
    match ident.to_string().as_str() {
        "Json" => Ok(MetadataFormat::Json),
        "Yaml" => Ok(MetadataFormat::Yaml),
        "Proto" => Ok(MetadataFormat::Proto),
        unknown => {
            let mut message = format!("unknown metadata format `{unknown}`, {expected}");
            if let Some(closest) = suggest::closest(unknown, FORMATS) {
                message.push_str(&format!("\nhelp: did you mean `{closest}`?"));
            }
            Err(syn::Error::new(ident.span(), message))
        }
    }
}

/// Parses `["a", "b"]`, reporting each element that is not a string literal.
/// Returns `None` when the value is not an array.
pub fn string_array(key: &str, value: TokenStream, errors: &mut Errors) -> Option<StringArray> {
    let Ok(array) = syn::parse2::<ExprArray>(value.clone()) else {
        let message = format!(
            "`{key}` must be an array of string literals, for example \
             `{key} = [\"/bin/sh\", \"-c\", \"echo hello\"]`"
        );
        errors.push_spanned(value, message);
        return None;
    };

    let mut strings = StringArray {
        span: array.bracket_token.span.join(),
        items: Vec::new(),
        rejected: 0,
    };
    for element in array.elems {
        match element {
            Expr::Lit(ExprLit {
                lit: Lit::Str(literal),
                attrs,
            }) if attrs.is_empty() => strings.items.push(literal),
            other => {
                errors.push_spanned(&other, non_string_message(key, &other));
                strings.rejected += 1;
            }
        }
    }
    Some(strings)
}

fn non_string_message(key: &str, element: &Expr) -> String {
    let start = format!("`{key}` element must be a string literal");
    match element {
        Expr::Lit(ExprLit {
            lit: Lit::Int(_) | Lit::Float(_) | Lit::Bool(_),
            ..
        }) => {
            let text = quote::quote!(#element).to_string();
            format!("{start}, write `\"{text}\"`")
        }
        Expr::Macro(_) => format!("{start}, not a macro call: {FIXED_AT_COMPILE_TIME}"),
        _ => format!("{start}: {FIXED_AT_COMPILE_TIME}"),
    }
}

/// Parses `{ name: Type, ... }` and maps each type. A syntax error leaves
/// the list empty and not complete.
pub fn params(key: &str, value: TokenStream, errors: &mut Errors) -> Params {
    let parser = |input: ParseStream| {
        let content;
        braced!(content in input);
        Punctuated::<(Ident, Type), Token![,]>::parse_terminated_with(&content, |field| {
            let ident: Ident = field.parse()?;
            expect_colon(field, &ident, "String")?;
            Ok((ident, field.parse()?))
        })
    };
    let fields = match expect_braces(key, &value).and_then(|()| parser.parse2(value)) {
        Ok(fields) => fields,
        Err(error) => {
            errors.push(error);
            return Params::default();
        }
    };

    let items = fields
        .into_iter()
        .map(|(ident, ty)| Param::new(ident, ty, errors))
        .collect();
    Params {
        items,
        complete: true,
    }
}

/// Parses `{ NAME: "value", "NAME": "value" }`, reporting each value that is
/// not a string literal.
pub fn env(value: TokenStream, errors: &mut Errors) -> Vec<EnvVar> {
    let parser = |input: ParseStream| {
        let content;
        braced!(content in input);
        Punctuated::<(LitStr, Expr), Token![,]>::parse_terminated_with(&content, |entry| {
            let name = if entry.peek(LitStr) {
                entry.parse()?
            } else {
                let ident = Ident::parse_any(entry)?;
                LitStr::new(&ident.unraw().to_string(), ident.span())
            };
            expect_colon(entry, name.value(), "\"value\"")?;
            Ok((name, entry.parse()?))
        })
    };
    let entries = match expect_braces("env", &value).and_then(|()| parser.parse2(value)) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };

    let mut vars = Vec::new();
    for (name, value) in entries {
        match value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(value),
                attrs,
            }) if attrs.is_empty() => vars.push(EnvVar {
                name: name.value(),
                name_span: name.span(),
                value,
            }),
            other => {
                let message = format!(
                    "the value of environment variable `{}` must be a string literal",
                    name.value()
                );
                errors.push_spanned(other, message);
            }
        }
    }
    vars
}

/// Parses the `:` after the field `name`, or returns an error that shows
/// `example` as the value after it.
fn expect_colon(input: ParseStream, name: impl Display, example: &str) -> syn::Result<()> {
    if input.peek(Token![:]) {
        input.parse::<Token![:]>()?;
        return Ok(());
    }
    Err(input.error(format!(
        "expected `:` after `{name}`, as in `{name}: {example}`"
    )))
}

/// Rejects a value that is not a single `{ ... }` group, with an example.
fn expect_braces(key: &str, value: &TokenStream) -> syn::Result<()> {
    let mut tokens = value.clone().into_iter();
    let is_braced = matches!(
        (tokens.next(), tokens.next()),
        (Some(proc_macro2::TokenTree::Group(group)), None)
            if group.delimiter() == proc_macro2::Delimiter::Brace
    );
    if is_braced {
        return Ok(());
    }
    let example = match key {
        "env" => r#"env = { NAME: "value" }"#,
        "outputs" => "outputs = { result: String }",
        _ => "inputs = { name: String, count: i64 }",
    };
    let message = format!("`{key}` must be a list of fields in braces, for example `{example}`");
    Err(syn::Error::new_spanned(value, message))
}
