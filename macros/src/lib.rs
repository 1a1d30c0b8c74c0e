//! The `container_task!` macro of containerflow. Use it through the
//! `containerflow` crate, which documents the declaration syntax.
//!
//! The macro runs in three steps: `ast` parses the declaration into a
//! model that keeps spans, `valid` checks it and resolves the placeholders
//! that `template` parses, and `expand` generates the code. Every error
//! found is reported in the same build.

mod ast;
mod duration;
mod errors;
mod expand;
mod quantity;
mod shell;
mod suggest;
mod template;
mod types;
mod valid;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Declares a container task. The generated code refers to
/// `::containerflow`, so use the macro through the `containerflow` crate,
/// which documents the syntax.
#[proc_macro]
pub fn container_task(input: TokenStream) -> TokenStream {
    let declaration = parse_macro_input!(input as ast::Declaration);
    expand_declaration(declaration).into()
}

fn expand_declaration(declaration: ast::Declaration) -> proc_macro2::TokenStream {
    let mut errors = errors::Errors::default();
    let task = ast::Task::from_declaration(declaration, &mut errors);
    let checked = valid::check(&task, &mut errors);
    match errors.to_compile_errors() {
        None => expand::task(&task, &checked),
        Some(mut output) => {
            output.extend(expand::placeholder(&task));
            output
        }
    }
}
