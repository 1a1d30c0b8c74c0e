//! The values of the execution-settings keys: `timeout`, `retries`,
//! `retry_delay`, `resources`, `user` and `secrets`.

use std::time::Duration;

use proc_macro2::TokenStream;
use syn::{Expr, ExprCall, ExprLit, ExprPath, Ident, Lit, LitStr};

use super::fields::{self, Field};
use crate::duration::{self, DurationError, UNIT_LIST};
use crate::errors::Errors;
use crate::quantity::{self, QuantityError, SUFFIX_LIST};
use crate::suggest;

/// The maximum of `retries`.
pub const MAX_RETRIES: u32 = 100;

/// Docker's smallest CPU limit: the kernel's smallest CFS quota, 1 ms per
/// 100 ms period. Docker 20.10 fails to start a container with `--cpus 0.009`.
const MIN_CPUS: f64 = 0.01;

/// Docker's smallest memory limit, 6 MiB: Docker 20.10 rejects less with
/// "Minimum memory limit allowed is 6MB".
const MIN_MEMORY: u64 = 6 * 1024 * 1024;

/// The execution settings of a task. A field is `None`, or the runtime's
/// default, when its key is absent.
#[derive(Default)]
pub struct Settings {
    pub timeout: Option<Duration>,
    pub retries: u32,
    pub retry_delay: Option<Duration>,
    pub cpus: Option<f64>,
    /// The memory limit in bytes.
    pub memory: Option<u64>,
    pub user: RunAs,
}

/// The user a container's command runs as, mirroring the runtime's `RunAs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RunAs {
    #[default]
    Image,
    Invoking,
    Id {
        uid: u32,
        gid: u32,
    },
}

/// One `secrets` entry.
pub struct Secret {
    /// The variable name inside the container, at the span of the name.
    pub name: LitStr,
    pub source: SecretSource,
}

/// The host source of a secret's value.
pub enum SecretSource {
    /// `env("HOST_VARIABLE")`.
    Env(LitStr),
    /// `file("/path")`.
    File(LitStr),
}

/// Parses `timeout = "1m30s"`, rejecting zero.
pub fn timeout(value: TokenStream) -> syn::Result<Duration> {
    let (literal, duration) = duration_value("timeout", value)?;
    if duration.is_zero() {
        let message = "`timeout` must be greater than zero, leave the key out for no timeout";
        return Err(syn::Error::new(literal.span(), message));
    }
    Ok(duration)
}

/// Parses `retry_delay = "2s"`; zero retries at once.
pub fn retry_delay(value: TokenStream) -> syn::Result<Duration> {
    duration_value("retry_delay", value).map(|(_, duration)| duration)
}

fn duration_value(key: &str, value: TokenStream) -> syn::Result<(LitStr, Duration)> {
    let literal = syn::parse2::<LitStr>(value.clone()).map_err(|_| {
        let message = format!("`{key}` must be a duration string, for example `{key} = \"1m30s\"`");
        syn::Error::new_spanned(value, message)
    })?;
    let text = literal.value();
    let problem = match duration::parse(&text) {
        Ok(duration) => return Ok((literal, duration)),
        Err(DurationError::Empty) => format!("`{key}` must not be empty"),
        Err(DurationError::Negative) => format!("`{key}` `{text}` must not be negative"),
        Err(DurationError::MissingUnit) => {
            let mut message = format!(
                "`{key}` `{text}` has a number without a unit, expected one of {UNIT_LIST}"
            );
            if text.parse::<f64>().is_ok() {
                message.push_str(&format!("\nhelp: write `{text}s` for seconds"));
            }
            message
        }
        Err(DurationError::UnknownUnit(unit)) => {
            let mut message = format!(
                "`{key}` `{text}` has an unknown unit `{unit}`, expected one of {UNIT_LIST}"
            );
            if unit == "d" {
                message.push_str("\nhelp: write days as hours, such as `24h`");
            }
            message
        }
        Err(DurationError::Invalid) => format!(
            "`{key}` `{text}` is not a Go duration, expected numbers with units and no spaces, \
             such as `1h30m` or `2.5s`"
        ),
        Err(DurationError::TooLarge) => {
            format!("`{key}` `{text}` is too long, the maximum is about 292 years")
        }
    };
    Err(syn::Error::new(literal.span(), problem))
}

/// Parses `retries = 3`, an integer from 0 to [`MAX_RETRIES`].
pub fn retries(value: TokenStream) -> syn::Result<u32> {
    let message = format!("`retries` must be an integer from 0 to {MAX_RETRIES}");
    match syn::parse2::<Lit>(value.clone()) {
        Ok(Lit::Int(literal)) => match literal.base10_parse::<u32>() {
            Ok(count) if count <= MAX_RETRIES => Ok(count),
            _ => Err(syn::Error::new(literal.span(), message)),
        },
        _ => Err(syn::Error::new_spanned(value, message)),
    }
}

/// Parses `resources = { cpus: 0.5, memory: "512Mi" }` into the CPU limit
/// and the memory limit in bytes.
pub fn resources(value: TokenStream, errors: &mut Errors) -> (Option<f64>, Option<u64>) {
    let example = r#"resources = { cpus: 0.5, memory: "512Mi" }"#;
    let fields = match fields::parse("resources", example, value) {
        Ok(fields) => fields,
        Err(error) => {
            errors.push(error);
            return (None, None);
        }
    };
    let (mut cpus, mut memory) = (None, None);
    for field in fields::known("resources", &["cpus", "memory"], fields, errors) {
        if field.name == "cpus" {
            cpus = errors.ok(cpus_value(&field));
        } else {
            memory = errors.ok(memory_value(&field));
        }
    }
    (cpus, memory)
}

fn cpus_value(field: &Field) -> syn::Result<f64> {
    let parsed = match syn::parse2::<Lit>(field.value.clone()) {
        Ok(Lit::Int(literal)) => literal.base10_parse::<f64>().ok(),
        Ok(Lit::Float(literal)) => literal.base10_parse::<f64>().ok(),
        _ => None,
    };
    match parsed {
        Some(cpus) if cpus >= MIN_CPUS => Ok(cpus),
        Some(_) => {
            let message = format!(
                "`cpus` must be at least {MIN_CPUS}, the smallest CPU limit Docker can set"
            );
            Err(syn::Error::new_spanned(&field.value, message))
        }
        None => {
            let message = "`cpus` must be a number of cores, for example `cpus: 0.5` or `cpus: 2`";
            Err(syn::Error::new_spanned(&field.value, message))
        }
    }
}

fn memory_value(field: &Field) -> syn::Result<u64> {
    let Ok(literal) = syn::parse2::<LitStr>(field.value.clone()) else {
        let message = "`memory` must be a Kubernetes quantity string, for example \
                       `memory: \"512Mi\"`";
        return Err(syn::Error::new_spanned(&field.value, message));
    };
    let text = literal.value();
    let problem = match quantity::parse_bytes(&text) {
        Ok(bytes) if bytes >= MIN_MEMORY => return Ok(bytes),
        Ok(bytes) => format!(
            "`memory` `{text}` is {bytes} bytes, below Docker's minimum of `6Mi` \
             ({MIN_MEMORY} bytes)"
        ),
        Err(QuantityError::Invalid) => format!(
            "`memory` `{text}` is not a quantity, expected a number and a suffix such as `512Mi`"
        ),
        Err(QuantityError::UnknownSuffix(suffix)) => {
            let mut message = format!(
                "`memory` `{text}` has an unknown suffix `{suffix}`, expected {SUFFIX_LIST}"
            );
            if suffix == "m" {
                message.push_str("\nhelp: `m` means thousandths in Kubernetes, write `Mi` or `M`");
            }
            message
        }
        Err(QuantityError::NotWholeBytes) => {
            format!("`memory` `{text}` is not a whole number of bytes")
        }
        Err(QuantityError::TooLarge) => format!("`memory` `{text}` is too large"),
    };
    Err(syn::Error::new(literal.span(), problem))
}

/// Parses `user = "1000:1000"`, `user = "1000"`, `user = Invoking` or
/// `user = Image`.
pub fn user(value: TokenStream) -> syn::Result<RunAs> {
    const NAMES: [&str; 2] = ["Image", "Invoking"];
    let expected = "expected `Image`, `Invoking`, or a numeric `\"uid\"` or `\"uid:gid\"`";
    if let Ok(ident) = syn::parse2::<Ident>(value.clone()) {
        return match ident.to_string().as_str() {
            "Image" => Ok(RunAs::Image),
            "Invoking" => Ok(RunAs::Invoking),
            unknown => {
                let mut message = format!("unknown user `{unknown}`, {expected}");
                if let Some(closest) = suggest::closest(unknown, NAMES) {
                    message.push_str(&format!("\nhelp: did you mean `{closest}`?"));
                }
                Err(syn::Error::new(ident.span(), message))
            }
        };
    }
    let Ok(literal) = syn::parse2::<LitStr>(value.clone()) else {
        return Err(syn::Error::new_spanned(
            value,
            format!("invalid `user`, {expected}"),
        ));
    };
    let text = literal.value();
    let (uid, gid) = text.split_once(':').unwrap_or((&text, &text));
    match (parse_id(uid), parse_id(gid)) {
        (Some(uid), Some(gid)) => Ok(RunAs::Id { uid, gid }),
        _ => {
            let message = format!(
                "invalid `user` `{text}`, expected a numeric `\"uid\"` or `\"uid:gid\"` below \
                 4294967295, because a user name depends on the image's `/etc/passwd`"
            );
            Err(syn::Error::new(literal.span(), message))
        }
    }
}

/// Parses a uid or gid. `u32::MAX` is rejected: the kernel reserves it.
fn parse_id(text: &str) -> Option<u32> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|id| *id != u32::MAX)
}

/// Parses `secrets = { NAME: env("HOST_VARIABLE"), OTHER: file("/path") }`,
/// reporting each entry whose source is not one of the two calls.
pub fn secrets(value: TokenStream, errors: &mut Errors) -> Vec<Secret> {
    let example = r#"secrets = { API_TOKEN: env("API_TOKEN") }"#;
    let fields = match fields::parse("secrets", example, value) {
        Ok(fields) => fields,
        Err(error) => {
            errors.push(error);
            return Vec::new();
        }
    };
    fields
        .into_iter()
        .filter_map(|field| errors.ok(secret(&field)))
        .collect()
}

fn secret(field: &Field) -> syn::Result<Secret> {
    let name = &field.name;
    let expected = format!(
        "the source of secret `{name}` must be `env(\"HOST_VARIABLE\")` or `file(\"/path\")`"
    );
    let invalid = || syn::Error::new_spanned(&field.value, &expected);
    let Ok(Expr::Call(ExprCall { func, args, .. })) = syn::parse2::<Expr>(field.value.clone())
    else {
        return Err(invalid());
    };
    let Expr::Path(ExprPath { path, .. }) = &*func else {
        return Err(invalid());
    };
    let Some(function) = path.get_ident() else {
        return Err(invalid());
    };
    let argument = match args.first() {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Str(argument),
            ..
        })) if args.len() == 1 => argument.clone(),
        _ => return Err(invalid()),
    };
    let source = match function.to_string().as_str() {
        "env" => SecretSource::Env(argument),
        "file" => SecretSource::File(argument),
        unknown => {
            let mut message =
                format!("unknown secret source `{unknown}`, expected `env` or `file`");
            if let Some(closest) = suggest::closest(unknown, ["env", "file"]) {
                message.push_str(&format!("\nhelp: did you mean `{closest}`?"));
            }
            return Err(syn::Error::new(function.span(), message));
        }
    };
    Ok(Secret {
        name: field.name_literal(),
        source,
    })
}
