//! The parsed declaration: first a list of `key = value` entries, then a
//! model of the task with the span of everything an error may point at.

mod fields;
mod pod;
mod settings;
mod values;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{braced, Attribute, Ident, LitStr, Token, Type, Visibility};

use crate::errors::Errors;
use crate::suggest;
use crate::types::ValueType;

pub use pod::{InlinePodTemplate, PodTemplate};
pub use settings::{RunAs, Secret, SecretSource, Settings};
pub use values::StringArray;

/// The keys of a declaration, in the order of the documentation.
pub const KEYS: &[&str] = &[
    "name",
    "image",
    "command",
    "arguments",
    "inputs",
    "outputs",
    "input_data_dir",
    "output_data_dir",
    "block_network",
    "pod_template",
    "metadata_format",
    "env",
    "secrets",
    "timeout",
    "retries",
    "retry_delay",
    "resources",
    "user",
];

/// Required keys, each with an example for the error that reports it missing.
const REQUIRED: &[(&str, &str)] = &[
    ("name", r#"name = "my_task""#),
    ("image", r#"image = "busybox:1.36""#),
    ("command", r#"command = ["/bin/sh", "-c", "echo hello"]"#),
];

/// The macro input: `#[attrs] vis struct Name { key = value, ... }`, with
/// each value kept as tokens until its key is known.
pub struct Declaration {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub entries: Vec<Entry>,
    /// Keys of entries with no `=` or no value, which are not reported
    /// missing as well.
    pub malformed_keys: Vec<String>,
    /// Entries that are not of the form `key = value`.
    pub errors: Errors,
}

/// One `key = value` entry.
pub struct Entry {
    pub key: Ident,
    /// The tokens up to the next top-level comma, never empty.
    pub value: TokenStream,
}

impl Parse for Declaration {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error("expected `struct Name { key = value, ... }`"));
        }
        input.parse::<Token![struct]>()?;
        let ident = input.parse()?;
        let content;
        braced!(content in input);
        let body: TokenStream = content.parse()?;
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the task's closing brace"));
        }

        let mut entries = Entries::default();
        for part in split_at_commas(body, &mut entries.errors) {
            entries.push(part);
        }
        Ok(Declaration {
            attrs,
            vis,
            ident,
            entries: entries.entries,
            malformed_keys: entries.malformed_keys,
            errors: entries.errors,
        })
    }
}

/// Splits the body at top-level commas, reporting empty parts such as the
/// second comma of `,,`. A comma inside brackets is part of its group.
fn split_at_commas(body: TokenStream, errors: &mut Errors) -> Vec<Vec<TokenTree>> {
    let mut parts = Vec::new();
    let mut part: Vec<TokenTree> = Vec::new();
    for token in body {
        match token {
            TokenTree::Punct(comma) if comma.as_char() == ',' => {
                if part.is_empty() {
                    errors.push_at(comma.span(), "unexpected `,`, expected `key = value`");
                }
                parts.push(std::mem::take(&mut part));
            }
            token => part.push(token),
        }
    }
    parts.push(part);
    parts
}

/// The entries parsed so far.
#[derive(Default)]
struct Entries {
    entries: Vec<Entry>,
    malformed_keys: Vec<String>,
    errors: Errors,
}

impl Entries {
    /// Parses `key = value` tokens. Empty tokens are skipped.
    fn push(&mut self, part: Vec<TokenTree>) {
        let mut tokens = part.into_iter();
        let key = match tokens.next() {
            None => return,
            Some(TokenTree::Ident(key)) => key,
            Some(other) => {
                let message = "expected a key such as `name` or `image`";
                self.errors.push_at(other.span(), message);
                return;
            }
        };
        let has_equals = matches!(tokens.next(), Some(TokenTree::Punct(eq)) if eq.as_char() == '=');
        let value: TokenStream = tokens.collect();
        if !has_equals {
            self.errors
                .push_at(key.span(), format!("expected `=` after `{key}`"));
        } else if value.is_empty() {
            self.errors
                .push_at(key.span(), format!("missing value after `{key} =`"));
        } else {
            self.entries.push(Entry { key, value });
            return;
        }
        self.malformed_keys.push(key.to_string());
    }
}

/// A task declaration with every value parsed and its span kept.
///
/// Values that failed to parse are left at their defaults and their errors
/// are reported, so the rest of the declaration can still be checked.
pub struct Task {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub name: Option<LitStr>,
    pub image: Option<LitStr>,
    pub command: Option<StringArray>,
    pub arguments: Option<StringArray>,
    pub inputs: Params,
    pub outputs: Params,
    pub input_data_dir: DataDir,
    pub output_data_dir: DataDir,
    pub block_network: bool,
    pub pod_template: Option<PodTemplate>,
    pub metadata_format: MetadataFormat,
    pub env: Vec<EnvVar>,
    pub secrets: Vec<Secret>,
    pub settings: Settings,
}

/// The declared inputs or outputs.
#[derive(Default)]
pub struct Params {
    pub items: Vec<Param>,
    /// False when the list failed to parse, so that an unknown name may be
    /// one of the lost entries.
    pub complete: bool,
}

/// One declared input or output.
pub struct Param {
    pub ident: Ident,
    /// The identifier without `r#`, which is also the file name.
    pub name: String,
    /// The type as written.
    pub ty: Type,
    /// `None` when the type is unsupported, an error already reported.
    pub value_type: Option<ValueType>,
}

/// A data directory inside the container.
pub struct DataDir {
    pub path: String,
    /// The literal's span, or the task name's span for the default.
    pub span: Span,
    /// False for the default.
    pub declared: bool,
}

/// The format of the inputs metadata file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    Json,
    Yaml,
    Proto,
}

/// One `env` entry.
pub struct EnvVar {
    pub name: String,
    pub name_span: Span,
    pub value: LitStr,
}

impl Task {
    /// Builds the model from the entries, reporting unknown, duplicate and
    /// missing keys and every value that does not parse.
    pub fn from_declaration(declaration: Declaration, errors: &mut Errors) -> Task {
        let Declaration {
            attrs,
            vis,
            ident,
            entries,
            malformed_keys,
            errors: entry_errors,
        } = declaration;
        errors.append(entry_errors);

        let mut task = Task::with_defaults(attrs, vis, ident);
        let mut seen: Vec<String> = Vec::new();
        // Keys not to report missing: the keys present, the keys of malformed
        // entries and the keys suggested for misspelt ones, which already
        // have an error.
        let mut not_missing: Vec<&str> = Vec::new();
        not_missing.extend(malformed_keys.iter().map(String::as_str));
        for entry in entries {
            let key = entry.key.to_string();
            if !KEYS.contains(&key.as_str()) {
                let closest = suggest::closest(&key, KEYS.iter().copied());
                errors.push_at(entry.key.span(), unknown_key_message(&key, closest));
                not_missing.extend(closest);
            } else if seen.contains(&key) {
                let message = format!("duplicate key `{key}`, each key may appear once");
                errors.push_at(entry.key.span(), message);
            } else {
                task.set(&key, entry.value, errors);
                seen.push(key);
            }
        }

        not_missing.extend(seen.iter().map(String::as_str));
        report_missing_keys(&task.ident, &not_missing, errors);
        task
    }

    fn with_defaults(attrs: Vec<Attribute>, vis: Visibility, ident: Ident) -> Task {
        let default_dir = |path: &str| DataDir {
            path: path.to_owned(),
            span: ident.span(),
            declared: false,
        };
        let complete = || Params {
            items: Vec::new(),
            complete: true,
        };
        Task {
            input_data_dir: default_dir("/var/inputs"),
            output_data_dir: default_dir("/var/outputs"),
            attrs,
            vis,
            name: None,
            image: None,
            command: None,
            arguments: None,
            inputs: complete(),
            outputs: complete(),
            block_network: false,
            pod_template: None,
            metadata_format: MetadataFormat::Json,
            env: Vec::new(),
            secrets: Vec::new(),
            settings: Settings::default(),
            ident,
        }
    }

    /// Parses the value of `key`, one of [`KEYS`], into its field.
    fn set(&mut self, key: &str, value: TokenStream, errors: &mut Errors) {
        match key {
            "name" => self.name = errors.ok(values::string(key, value)),
            "image" => self.image = errors.ok(values::string(key, value)),
            "command" => self.command = values::string_array(key, value, errors),
            "arguments" => self.arguments = values::string_array(key, value, errors),
            "inputs" => self.inputs = values::params(key, value, errors),
            "outputs" => self.outputs = values::params(key, value, errors),
            "env" => self.env = values::env(value, errors),
            "secrets" => self.secrets = settings::secrets(value, errors),
            "pod_template" => self.pod_template = pod::parse(value, errors),
            "timeout" => self.settings.timeout = errors.ok(settings::timeout(value)),
            "retry_delay" => self.settings.retry_delay = errors.ok(settings::retry_delay(value)),
            "retries" => {
                if let Some(count) = errors.ok(settings::retries(value)) {
                    self.settings.retries = count;
                }
            }
            "resources" => {
                let (cpus, memory) = settings::resources(value, errors);
                self.settings.cpus = cpus;
                self.settings.memory = memory;
            }
            "user" => {
                if let Some(user) = errors.ok(settings::user(value)) {
                    self.settings.user = user;
                }
            }
            "input_data_dir" => {
                if let Some(dir) = errors.ok(values::data_dir(key, value)) {
                    self.input_data_dir = dir;
                }
            }
            "output_data_dir" => {
                if let Some(dir) = errors.ok(values::data_dir(key, value)) {
                    self.output_data_dir = dir;
                }
            }
            "block_network" => {
                if let Some(flag) = errors.ok(values::bool(key, value)) {
                    self.block_network = flag;
                }
            }
            "metadata_format" => {
                if let Some(format) = errors.ok(values::metadata_format(value)) {
                    self.metadata_format = format;
                }
            }
            _ => unreachable!("key `{key}` is not in `KEYS`"),
        }
    }
}

/// Reports each required key that is not in `not_missing`, at the task name.
fn report_missing_keys(ident: &Ident, not_missing: &[&str], errors: &mut Errors) {
    for (key, example) in REQUIRED {
        if !not_missing.contains(key) {
            let message = format!("missing required key `{key}`, for example `{example}`");
            errors.push_at(ident.span(), message);
        }
    }
}

fn unknown_key_message(key: &str, closest: Option<&str>) -> String {
    let expected = backticked(KEYS.iter().copied());
    let mut message = format!("unknown key `{key}`, expected one of {expected}");
    if let Some(closest) = closest {
        message.push_str(&format!("\nhelp: did you mean `{closest}`?"));
    }
    message
}

/// Returns the names in backticks, separated by commas.
pub fn backticked<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

impl Param {
    /// Creates a parameter, reporting its type if it is unsupported.
    pub fn new(ident: Ident, ty: Type, errors: &mut Errors) -> Param {
        let value_type = ValueType::from_type(&ty)
            .map_err(|error| errors.push(error))
            .ok();
        Param {
            name: ident.unraw().to_string(),
            ident,
            ty,
            value_type,
        }
    }
}
