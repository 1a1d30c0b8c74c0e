//! Parsers for the `{ name: value, ... }` values of `pod_template`,
//! `resources` and `secrets`, and for maps of strings such as labels.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{braced, Ident, LitStr, Token};

use super::backticked;
use crate::errors::Errors;
use crate::suggest;

/// One `name: value` field, with the value kept as tokens.
pub struct Field {
    /// The name without `r#`, or the value of a string literal name.
    pub name: String,
    pub span: Span,
    /// The tokens up to the next top-level comma, never empty.
    pub value: TokenStream,
}

impl Field {
    /// Returns the name as a string literal at the name's span.
    pub fn name_literal(&self) -> LitStr {
        LitStr::new(&self.name, self.span)
    }
}

/// Parses `{ name: value, ... }` as the value of `key`, where a name is an
/// identifier or a string literal. `example` is a whole valid entry, shown
/// when the value is not in braces.
pub fn parse(key: &str, example: &str, value: TokenStream) -> syn::Result<Vec<Field>> {
    if !is_braced(&value) {
        let message =
            format!("`{key}` must be a list of fields in braces, for example `{example}`");
        return Err(syn::Error::new_spanned(value, message));
    }
    let parser = |input: ParseStream| {
        let content;
        braced!(content in input);
        let mut fields = Vec::new();
        while !content.is_empty() {
            fields.push(parse_field(&content)?);
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        Ok(fields)
    };
    parser.parse2(value)
}

/// Returns true when `value` is a single `{ ... }` group.
pub fn is_braced(value: &TokenStream) -> bool {
    let mut tokens = value.clone().into_iter();
    matches!(
        (tokens.next(), tokens.next()),
        (Some(TokenTree::Group(group)), None) if group.delimiter() == proc_macro2::Delimiter::Brace
    )
}

fn parse_field(input: ParseStream) -> syn::Result<Field> {
    let (name, span) = if input.peek(LitStr) {
        let literal: LitStr = input.parse()?;
        (literal.value(), literal.span())
    } else {
        let ident = Ident::parse_any(input)?;
        (ident.unraw().to_string(), ident.span())
    };
    if !input.peek(Token![:]) {
        return Err(input.error(format!("expected `:` after `{name}`")));
    }
    input.parse::<Token![:]>()?;
    let mut value = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        value.extend([input.parse::<TokenTree>()?]);
    }
    if value.is_empty() {
        return Err(input.error(format!("missing value after `{name}:`")));
    }
    Ok(Field { name, span, value })
}

/// Keeps the fields whose names are in `known`, reporting unknown names
/// with a suggestion and repeated ones. `key` is the key they belong to.
pub fn known(key: &str, known: &[&str], fields: Vec<Field>, errors: &mut Errors) -> Vec<Field> {
    let mut accepted: Vec<Field> = Vec::new();
    for field in fields {
        if !known.contains(&field.name.as_str()) {
            let expected = backticked(known.iter().copied());
            let mut message = format!(
                "unknown field `{}` in `{key}`, expected one of {expected}",
                field.name
            );
            if let Some(closest) = suggest::closest(&field.name, known.iter().copied()) {
                message.push_str(&format!("\nhelp: did you mean `{closest}`?"));
            }
            errors.push_at(field.span, message);
        } else if accepted.iter().any(|seen| seen.name == field.name) {
            let message = format!("duplicate field `{}` in `{key}`", field.name);
            errors.push_at(field.span, message);
        } else {
            accepted.push(field);
        }
    }
    accepted
}

/// Parses `{ name: "value", "other/name": "value" }`, reporting a value
/// that is not a string literal. `entry` names one entry in messages, such
/// as `label`.
pub fn string_map(
    key: &str,
    entry: &str,
    value: TokenStream,
    errors: &mut Errors,
) -> Vec<(LitStr, LitStr)> {
    let example = format!("{key}: {{ name: \"value\" }}");
    let fields = match parse(key, &example, value) {
        Ok(fields) => fields,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for field in fields {
        match syn::parse2::<LitStr>(field.value.clone()) {
            Ok(value) => entries.push((field.name_literal(), value)),
            Err(_) => {
                let message = format!(
                    "the value of {entry} `{}` must be a string literal",
                    field.name
                );
                errors.push_spanned(&field.value, message);
            }
        }
    }
    entries
}
