//! Error-code enums. `CommonError` has a variant per code of the spec's catalogues (system and
//! REST 3.0); a method's enum has a variant per code its page documents, `Common(CommonError)`
//! for the shared codes it does not list, and `Unknown(String)`. Nesting the shared codes
//! instead of repeating them keeps 1,600 method enums small to compile.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Visibility};

/// One code with what the docs say about it (messages merged by code).
pub struct Code {
    pub code: String,
    pub status: Option<u16>,
    pub messages: Vec<String>,
    pub exception: Option<String>,
    /// `None` for a method's own codes, else the catalogue it comes from.
    pub catalogue: Option<String>,
}

/// Adds `entry` to `codes`, merging messages of a code seen before.
pub fn merge(codes: &mut Vec<Code>, entry: Code) {
    if entry.code.trim().is_empty() {
        return;
    }
    if let Some(existing) = codes.iter_mut().find(|c| c.code == entry.code) {
        for m in entry.messages {
            if !m.is_empty() && !existing.messages.contains(&m) {
                existing.messages.push(m);
            }
        }
        existing.status = existing.status.or(entry.status);
        existing.exception = existing.exception.take().or(entry.exception);
    } else {
        codes.push(entry);
    }
}

/// The codes of the embedded catalogues (system first, then REST 3.0).
pub fn common_codes() -> Vec<Code> {
    let mut codes = Vec::new();
    for cat in bitrix_spec::catalog::embedded() {
        for e in &cat.errors {
            merge(
                &mut codes,
                Code {
                    code: e.code.clone(),
                    status: Some(e.status),
                    messages: vec![e.message.clone()],
                    exception: e.exception.clone(),
                    catalogue: Some(cat.name.clone()),
                },
            );
        }
    }
    codes
}

fn variant_name(c: &Code) -> String {
    c.exception
        .as_deref()
        .and_then(bitrix_spec::naming::error_variant)
        .or_else(|| bitrix_spec::naming::error_variant(&c.code))
        .unwrap_or_else(|| "Empty".to_owned())
}

fn variant_doc(c: &Code) -> String {
    let mut doc = format!("`{}`", c.code);
    if let Some(s) = c.status {
        doc.push_str(&format!(" (HTTP {s})"));
    }
    match c.catalogue.as_deref() {
        Some("system") => doc.push_str(", a system error any method may return"),
        Some(other) => doc.push_str(&format!(", shared `{other}` error")),
        None => {}
    }
    let messages: Vec<&str> = c
        .messages
        .iter()
        .map(String::as_str)
        .filter(|m| !m.is_empty())
        .collect();
    if !messages.is_empty() {
        doc.push_str(": ");
        doc.push_str(&messages.join("; "));
    }
    doc
}

/// How an error enum treats codes it does not list itself.
pub enum Fallback<'a> {
    /// Everything else is `Unknown` (the shared enum itself).
    UnknownOnly,
    /// Shared codes become `Common(path)`, the rest `Unknown` (a method's enum).
    Common(&'a TokenStream),
}

/// The enum, its `ErrorCode` and `Display` impls.
pub fn error_enum(
    vis: &Visibility,
    name: &Ident,
    doc: &str,
    codes: &[Code],
    fallback: Fallback<'_>,
    krate: &TokenStream,
) -> TokenStream {
    let names: Vec<String> = codes
        .iter()
        .map(variant_name)
        // `Common` is the nesting variant of a method's enum.
        .map(|n| match fallback {
            Fallback::Common(_) if n == "Common" => "CommonCode".to_owned(),
            _ => n,
        })
        .collect();
    let names = bitrix_spec::naming::unique_variants(&names);
    let idents: Vec<Ident> = names.iter().map(|n| format_ident!("{}", n)).collect();
    let docs: Vec<String> = codes.iter().map(variant_doc).collect();
    let wires: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    let unknown = quote!(Self::Unknown(::std::borrow::ToOwned::to_owned(other)));
    let (common_variant, common_from, common_code) = match fallback {
        Fallback::UnknownOnly => (quote!(), unknown, quote!()),
        Fallback::Common(common) => (
            quote! {
                /// A shared system or REST 3.0 code that this method's page does not list.
                Common(#common),
            },
            quote! {
                match <#common as #krate::ErrorCode>::from_code(other) {
                    shared if #krate::ErrorCode::is_unknown(&shared) => #unknown,
                    shared => Self::Common(shared),
                }
            },
            quote!(Self::Common(shared) => #krate::ErrorCode::code(shared),),
        ),
    };
    quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
        #[non_exhaustive]
        #vis enum #name {
            #(
                #[doc = #docs]
                #idents,
            )*
            #common_variant
            /// A code this version of the crate does not know; the wire code is kept.
            Unknown(::std::string::String),
        }

        impl #krate::ErrorCode for #name {
            fn from_code(code: &str) -> Self {
                match code {
                    #( #wires => Self::#idents, )*
                    other => #common_from,
                }
            }

            fn code(&self) -> &str {
                match self {
                    #( Self::#idents => #wires, )*
                    #common_code
                    Self::Unknown(code) => code,
                }
            }

            fn is_unknown(&self) -> bool {
                ::core::matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#krate::ErrorCode::code(self))
            }
        }
    }
}
