//! The value of `pod_template`: a template name, or a template given inline.

use proc_macro2::TokenStream;
use syn::LitStr;

use super::fields;
use crate::errors::Errors;

/// The fields of an inline pod template, in the order of the documentation.
const FIELDS: &[&str] = &["labels", "annotations", "primary_container_name"];

/// A Kubernetes pod template for the task.
pub enum PodTemplate {
    /// A template that exists on the cluster, by name.
    Named(LitStr),
    Inline(InlinePodTemplate),
}

/// A pod template given in the declaration.
pub struct InlinePodTemplate {
    /// `(key, value)` pairs as declared; an identifier key is a literal at
    /// the identifier's span.
    pub labels: Vec<(LitStr, LitStr)>,
    pub annotations: Vec<(LitStr, LitStr)>,
    pub primary_container_name: Option<LitStr>,
}

/// Parses `"name"` or `{ labels: {...}, annotations: {...},
/// primary_container_name: "..." }`, reporting every error and returning
/// what parsed.
pub fn parse(value: TokenStream, errors: &mut Errors) -> Option<PodTemplate> {
    if let Ok(name) = syn::parse2::<LitStr>(value.clone()) {
        return Some(PodTemplate::Named(name));
    }
    let example = r#"pod_template = { labels: { app: "x" } }"#;
    if !fields::is_braced(&value) {
        let message = format!(
            "`pod_template` must be a template name such as `\"my-template\"` or fields in \
             braces, for example `{example}`"
        );
        errors.push_spanned(value, message);
        return None;
    }
    let fields = match fields::parse("pod_template", example, value) {
        Ok(fields) => fields,
        Err(error) => {
            errors.push(error);
            return None;
        }
    };

    let mut template = InlinePodTemplate {
        labels: Vec::new(),
        annotations: Vec::new(),
        primary_container_name: None,
    };
    for field in fields::known("pod_template", FIELDS, fields, errors) {
        match field.name.as_str() {
            "labels" => {
                template.labels = fields::string_map("labels", "label", field.value, errors);
            }
            "annotations" => {
                let annotations =
                    fields::string_map("annotations", "annotation", field.value, errors);
                template.annotations = annotations;
            }
            _ => match syn::parse2::<LitStr>(field.value.clone()) {
                Ok(name) => template.primary_container_name = Some(name),
                Err(_) => errors.push_spanned(
                    &field.value,
                    "`primary_container_name` must be a string literal, for example \
                     `primary_container_name: \"main\"`",
                ),
            },
        }
    }
    Some(PodTemplate::Inline(template))
}
