//! The error list of one declaration, so that a single build reports every
//! mistake in it.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Errors found so far, combined into one [`syn::Error`] in the order found.
#[derive(Default)]
pub struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    /// Adds `error`, which may itself contain several errors.
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Adds an error at `span`.
    pub fn push_at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Adds an error that covers all of `tokens`.
    pub fn push_spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Adds every error of `other`.
    pub fn append(&mut self, other: Errors) {
        if let Some(error) = other.combined {
            self.push(error);
        }
    }

    /// Returns the value of `result`, or adds its error and returns `None`.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// Returns one `compile_error!` per error, or `None` when there is none.
    pub fn to_compile_errors(&self) -> Option<TokenStream> {
        self.combined.as_ref().map(syn::Error::to_compile_error)
    }

    /// Returns the messages in the order they were added.
    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        let Some(combined) = &self.combined else {
            return Vec::new();
        };
        combined
            .clone()
            .into_iter()
            .map(|error| error.to_string())
            .collect()
    }
}
