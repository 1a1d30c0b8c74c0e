//! The body of `ContainerTask::spec`: the task's `TaskSpec` as a `static`.

use std::time::Duration;

use proc_macro2::TokenStream;
use quote::quote;

use super::fields;
use crate::ast::{MetadataFormat, Param, PodTemplate, RunAs, Secret, SecretSource, Settings, Task};
use crate::template::Quoting;
use crate::valid::{Arg, Commands, Segment, SANDBOX_LABEL, SANDBOX_TEMPLATE};

/// The name of the container that runs the command when an inline pod
/// template names none, as in flyte-sdk.
const DEFAULT_PRIMARY_CONTAINER: &str = "primary";

/// Generates the body of `spec`: a `static` spec and a reference to it.
pub fn spec(task: &Task, commands: &Commands) -> TokenStream {
    let name = &task.name;
    let image = &task.image;
    let inputs = param_specs(&task.inputs.items);
    let outputs = param_specs(&task.outputs.items);
    let command = arg_templates(&commands.command);
    let arguments = arg_templates(&commands.arguments);
    let input_data_dir = &task.input_data_dir.path;
    let output_data_dir = &task.output_data_dir.path;
    let block_network = task.block_network;
    let metadata_format = metadata_format(task.metadata_format);
    let env = task.env.iter().map(|var| {
        let name = &var.name;
        let value = &var.value;
        quote!((#name, #value))
    });
    let secrets = task.secrets.iter().map(secret_spec);
    let settings = settings(&task.settings);
    let pod_template = pod_template(task);

    quote! {
        static __SPEC: ::containerflow::__private::TaskSpec = ::containerflow::__private::TaskSpec {
            name: #name,
            image: #image,
            inputs: &[#(#inputs),*],
            outputs: &[#(#outputs),*],
            command: &[#(#command),*],
            arguments: &[#(#arguments),*],
            input_data_dir: #input_data_dir,
            output_data_dir: #output_data_dir,
            block_network: #block_network,
            metadata_format: #metadata_format,
            env: &[#(#env),*],
            secrets: &[#(#secrets),*],
            settings: #settings,
            pod_template: #pod_template,
        };
        &__SPEC
    }
}

fn param_specs(params: &[Param]) -> Vec<TokenStream> {
    fields(params)
        .iter()
        .map(|field| {
            let name = field.name;
            let value_type = field.value_type.runtime_variant();
            quote!(::containerflow::__private::ParamSpec { name: #name, ty: #value_type })
        })
        .collect()
}

fn arg_templates(args: &[Arg]) -> Vec<TokenStream> {
    args.iter()
        .map(|arg| {
            let source = &arg.source;
            let segments = arg.segments.iter().map(segment);
            quote! {
                ::containerflow::__private::ArgTemplate {
                    source: #source,
                    segments: &[#(#segments),*],
                }
            }
        })
        .collect()
}

fn segment(segment: &Segment) -> TokenStream {
    match segment {
        Segment::Text(text) => quote!(::containerflow::__private::Segment::Text(#text)),
        Segment::Input { index, quoting } => {
            let variant = match quoting {
                Quoting::Verbatim => quote!(Verbatim),
                Quoting::ShellSingle => quote!(ShellSingle),
                Quoting::ShellDouble => quote!(ShellDouble),
                Quoting::ShellBare => quote!(ShellBare),
            };
            let quoting = quote!(::containerflow::__private::Quoting::#variant);
            quote! {
                ::containerflow::__private::Segment::Input { index: #index, quoting: #quoting }
            }
        }
    }
}

fn metadata_format(format: MetadataFormat) -> TokenStream {
    let variant = match format {
        MetadataFormat::Json => quote!(Json),
        MetadataFormat::Yaml => quote!(Yaml),
        MetadataFormat::Proto => quote!(Proto),
    };
    quote!(::containerflow::__private::MetadataFormat::#variant)
}

fn secret_spec(secret: &Secret) -> TokenStream {
    let name = secret.name.value();
    let source = match &secret.source {
        SecretSource::Env(variable) => quote!(Env(#variable)),
        SecretSource::File(path) => quote!(File(#path)),
    };
    quote! {
        ::containerflow::__private::SecretSpec {
            name: #name,
            source: ::containerflow::__private::SecretSource::#source,
        }
    }
}

fn settings(settings: &Settings) -> TokenStream {
    let timeout = option(settings.timeout.map(duration));
    let retries = settings.retries;
    let retry_delay = match settings.retry_delay {
        Some(delay) => duration(delay),
        None => quote!(::containerflow::__private::Settings::DEFAULT.retry_delay),
    };
    let cpus = option(settings.cpus.map(|cpus| quote!(#cpus)));
    let memory = option(settings.memory.map(|bytes| quote!(#bytes)));
    let user = match settings.user {
        RunAs::Image => quote!(Image),
        RunAs::Invoking => quote!(Invoking),
        RunAs::Id { uid, gid } => quote!(Id { uid: #uid, gid: #gid }),
    };
    quote! {
        ::containerflow::__private::Settings {
            timeout: #timeout,
            retries: #retries,
            retry_delay: #retry_delay,
            cpus: #cpus,
            memory: #memory,
            user: ::containerflow::__private::RunAs::#user,
        }
    }
}

fn duration(duration: Duration) -> TokenStream {
    let seconds = duration.as_secs();
    let nanos = duration.subsec_nanos();
    quote!(::containerflow::__private::Duration::new(#seconds, #nanos))
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::containerflow::__private::Option::Some(#value)),
        None => quote!(::containerflow::__private::Option::None),
    }
}

/// Generates the pod template. With `block_network`, an inline template
/// gets the label `sandboxed: "true"` and a task with no template gets the
/// template name `sandboxed-pod-template`, as flyte-sdk does.
fn pod_template(task: &Task) -> TokenStream {
    let template = match &task.pod_template {
        None if task.block_network => quote!(Named(#SANDBOX_TEMPLATE)),
        None => return option(None),
        Some(PodTemplate::Named(name)) => quote!(Named(#name)),
        Some(PodTemplate::Inline(inline)) => {
            let pairs = |entries: &[(syn::LitStr, syn::LitStr)]| -> Vec<(String, String)> {
                let values = entries
                    .iter()
                    .map(|(key, value)| (key.value(), value.value()));
                values.collect()
            };
            let mut labels = pairs(&inline.labels);
            let (label, value) = SANDBOX_LABEL;
            if task.block_network && !labels.iter().any(|(key, _)| key == label) {
                labels.push((label.to_owned(), value.to_owned()));
            }
            let annotations = pairs(&inline.annotations);
            let primary = inline
                .primary_container_name
                .as_ref()
                .map_or(DEFAULT_PRIMARY_CONTAINER.to_owned(), syn::LitStr::value);
            let labels = labels.iter().map(|(key, value)| quote!((#key, #value)));
            let annotations = annotations
                .iter()
                .map(|(key, value)| quote!((#key, #value)));
            quote! {
                Inline {
                    labels: &[#(#labels),*],
                    annotations: &[#(#annotations),*],
                    primary_container_name: #primary,
                }
            }
        }
    };
    option(Some(
        quote!(::containerflow::__private::PodTemplate::#template),
    ))
}
