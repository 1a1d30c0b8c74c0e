//! Warnings that do not fail the build: a call to a `#[deprecated]` item,
//! spanned at the user's token, is the only warning a procedural macro can
//! raise on stable Rust.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::ast::Task;
use crate::valid::UnwrittenOutput;

/// Generates one deprecation warning per output that is never written,
/// at the output's name. The task's `#[allow(...)]` attributes apply to
/// them, so `#[allow(deprecated)]` on the task silences them.
pub fn unwritten_outputs(task: &Task, outputs: &[UnwrittenOutput]) -> TokenStream {
    if outputs.is_empty() {
        return TokenStream::new();
    }
    let allows = task
        .attrs
        .iter()
        .filter(|attribute| attribute.path().is_ident("allow"));
    let warnings = outputs.iter().map(|output| {
        let UnwrittenOutput { ident, note } = output;
        let name = ident.to_string();
        let function = format!("{}_is_never_written", name.trim_start_matches("r#"));
        // The lint points at the path of the call, so that path carries the
        // output's span.
        let definition = Ident::new(&function, Span::call_site());
        let call = Ident::new(&function, ident.span());
        quote! {
            #[deprecated(note = #note)]
            #[allow(non_snake_case)]
            const fn #definition() {}
            #call();
        }
    });
    quote! {
        #(#allows)*
        const _: () = {
            #(#warnings)*
        };
    }
}
