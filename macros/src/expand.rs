//! Code generation: the task's unit struct, its four companion structs, its
//! `TaskSpec` and the trait impls that connect them to the runtime.
//!
//! Every path is absolute, through `::containerflow::__private`, `::core` or
//! a generated name, so that the user's own `String`, `Option` or `Vec`
//! cannot change what the code means. Locals start with `__`.

mod spec;
mod warnings;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use crate::ast::{Param, Task};
use crate::types::ValueType;
use crate::valid::Checked;

/// An input or output whose type is supported.
struct Field<'a> {
    ident: &'a Ident,
    name: &'a str,
    value_type: ValueType,
    /// The span of the type as written, for errors about the type.
    type_span: Span,
}

impl Field<'_> {
    fn rust_type(&self) -> TokenStream {
        self.value_type.rust_type(self.type_span)
    }
}

/// The names of the generated structs.
struct Names {
    task: Ident,
    inputs: Ident,
    outputs: Ident,
    bindings: Ident,
    output_refs: Ident,
}

/// Generates every item of a valid task, and a warning for each output that
/// is never written.
pub fn task(task: &Task, checked: &Checked) -> TokenStream {
    let spec = spec::spec(task, &checked.commands);
    let mut tokens = items(task, spec);
    tokens.extend(warnings::unwritten_outputs(
        task,
        &checked.unwritten_outputs,
    ));
    tokens
}

/// Generates the items of a task with errors: the same structs and impls,
/// so that code using them raises no further errors, with a `spec` that is
/// never run because the build fails.
pub fn placeholder(task: &Task) -> TokenStream {
    let spec = quote! {
        ::core::unreachable!("the `container_task!` declaration has errors")
    };
    items(task, spec)
}

fn items(task: &Task, spec_body: TokenStream) -> TokenStream {
    let names = Names::new(&task.ident);
    let inputs = fields(&task.inputs.items);
    let outputs = fields(&task.outputs.items);

    let unit = unit_struct(task);
    let inputs_struct = value_struct(task, &names.inputs, &inputs, "Input");
    let outputs_struct = value_struct(task, &names.outputs, &outputs, "Output");
    let bindings = bindings_struct(task, &names, &inputs);
    let output_refs = output_refs_struct(task, &names, &outputs);
    let task_impl = task_impl(&names, &inputs, &outputs, spec_body);
    quote! {
        #unit
        #inputs_struct
        #outputs_struct
        #bindings
        #output_refs
        #task_impl
    }
}

impl Names {
    fn new(task: &Ident) -> Names {
        Names {
            task: task.clone(),
            inputs: format_ident!("{}Inputs", task),
            outputs: format_ident!("{}Outputs", task),
            bindings: format_ident!("{}Bindings", task),
            output_refs: format_ident!("{}OutputRefs", task),
        }
    }
}

/// Returns the parameters with a supported type, leaving out repeated names,
/// which are errors, so that the generated structs still compile.
fn fields(params: &[Param]) -> Vec<Field<'_>> {
    let mut fields: Vec<Field> = Vec::new();
    for param in params {
        let Some(value_type) = param.value_type else {
            continue;
        };
        if fields.iter().any(|field| field.name == param.name) {
            continue;
        }
        fields.push(Field {
            ident: &param.ident,
            name: &param.name,
            value_type,
            type_span: param.ty.span(),
        });
    }
    fields
}

fn unit_struct(task: &Task) -> TokenStream {
    let Task {
        attrs, vis, ident, ..
    } = task;
    quote! {
        #(#attrs)*
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::default::Default,
        )]
        #vis struct #ident;
    }
}

/// Generates the `Inputs` or `Outputs` struct. `kind` is `Input` or `Output`.
fn value_struct(task: &Task, name: &Ident, fields: &[Field], kind: &str) -> TokenStream {
    let vis = &task.vis;
    let doc = format!("{kind} values of the [`{}`] task.", task.ident);
    let field_docs = fields
        .iter()
        .map(|field| format!("{kind} `{}`.", field.name));
    let idents = fields.iter().map(|field| field.ident);
    let types = fields.iter().map(Field::rust_type);
    quote! {
        #[doc = #doc]
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::containerflow::__private::serde::Serialize,
        )]
        #[serde(crate = "::containerflow::__private::serde")]
        #vis struct #name {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }
    }
}

fn bindings_struct(task: &Task, names: &Names, inputs: &[Field]) -> TokenStream {
    let vis = &task.vis;
    let name = &names.bindings;
    let doc = format!(
        "Inputs of a workflow call to the [`{}`] task: each field is a value or an upstream \
         output, set with `.into()`.",
        task.ident
    );
    let field_docs = inputs
        .iter()
        .map(|field| format!("Input `{}`.", field.name));
    let idents = inputs.iter().map(|field| field.ident);
    let types = inputs.iter().map(|field| {
        let ty = field.rust_type();
        quote_spanned!(field.type_span=> ::containerflow::__private::Binding<#ty>)
    });
    quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #vis struct #name {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
        }
    }
}

fn output_refs_struct(task: &Task, names: &Names, outputs: &[Field]) -> TokenStream {
    let vis = &task.vis;
    let Names {
        task: task_name,
        output_refs: name,
        ..
    } = names;
    let doc = format!("Handles to the outputs of a workflow call to the [`{task_name}`] task.");
    let field_docs = outputs
        .iter()
        .map(|field| format!("Output `{}`.", field.name));
    let idents = outputs.iter().map(|field| field.ident);
    let types = outputs.iter().map(|field| {
        let ty = field.rust_type();
        quote_spanned!(field.type_span=> ::containerflow::__private::OutputRef<#ty>)
    });
    quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy)]
        #vis struct #name {
            #(
                #[doc = #field_docs]
                pub #idents: #types,
            )*
            /// The workflow node these outputs belong to.
            #[doc(hidden)]
            pub __node: ::containerflow::__private::NodeRef,
        }

        impl ::containerflow::__private::NodeOutputs for #name {
            type Task = #task_name;

            fn node(&self) -> ::containerflow::__private::NodeRef {
                self.__node
            }
        }
    }
}

fn task_impl(
    names: &Names,
    inputs: &[Field],
    outputs: &[Field],
    spec_body: TokenStream,
) -> TokenStream {
    let Names {
        task,
        inputs: inputs_name,
        outputs: outputs_name,
        bindings,
        output_refs,
    } = names;
    let input_values = input_values(inputs);
    let binding_sources = binding_sources(inputs);
    let outputs_from_values = outputs_from_values(outputs_name, outputs);
    let output_refs_body = output_refs_body(output_refs, outputs);
    quote! {
        impl ::containerflow::__private::ContainerTask for #task {
            type Inputs = #inputs_name;
            type Outputs = #outputs_name;
            type Bindings = #bindings;
            type OutputRefs = #output_refs;

            fn spec() -> &'static ::containerflow::__private::TaskSpec {
                #spec_body
            }

            fn input_values(
                __inputs: #inputs_name,
            ) -> ::containerflow::__private::Vec<::containerflow::__private::Value> {
                #input_values
            }

            fn binding_sources(
                __bindings: #bindings,
            ) -> ::containerflow::__private::Vec<::containerflow::__private::Source> {
                #binding_sources
            }

            fn outputs_from_values(
                __values: ::containerflow::__private::Vec<::containerflow::__private::Value>,
            ) -> ::containerflow::__private::Option<#outputs_name> {
                #outputs_from_values
            }

            fn output_refs(__node: ::containerflow::__private::NodeRef) -> #output_refs {
                #output_refs_body
            }
        }
    }
}

fn input_values(inputs: &[Field]) -> TokenStream {
    let values = inputs.iter().map(|field| {
        let Field { ident, .. } = field;
        let ty = field.rust_type();
        quote_spanned! {field.type_span=>
            <#ty as ::containerflow::__private::TaskValue>::into_value(__inputs.#ident)
        }
    });
    quote!(::containerflow::__private::Vec::from([#(#values),*]))
}

fn binding_sources(inputs: &[Field]) -> TokenStream {
    let sources = inputs.iter().map(|Field { ident, .. }| {
        quote!(::containerflow::__private::Binding::__into_source(__bindings.#ident))
    });
    quote!(::containerflow::__private::Vec::from([#(#sources),*]))
}

/// Generates the body that takes the values in declaration order, and
/// returns `None` on a value of the wrong type or a count that differs.
fn outputs_from_values(outputs_name: &Ident, outputs: &[Field]) -> TokenStream {
    let idents = outputs.iter().map(|field| field.ident);
    let values = outputs.iter().map(|field| {
        let ty = field.rust_type();
        quote! {
            <#ty as ::containerflow::__private::TaskValue>::from_value(
                ::core::iter::Iterator::next(&mut __values)?,
            )?
        }
    });
    quote! {
        let mut __values = ::core::iter::IntoIterator::into_iter(__values);
        let __outputs = #outputs_name {
            #(#idents: #values,)*
        };
        if ::core::iter::Iterator::next(&mut __values).is_some() {
            return ::containerflow::__private::Option::None;
        }
        ::containerflow::__private::Option::Some(__outputs)
    }
}

fn output_refs_body(output_refs: &Ident, outputs: &[Field]) -> TokenStream {
    let idents = outputs.iter().map(|field| field.ident);
    let indexes = 0..outputs.len();
    quote! {
        #output_refs {
            #(#idents: ::containerflow::__private::OutputRef::__new(__node, #indexes),)*
            __node,
        }
    }
}
