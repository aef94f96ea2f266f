//! Error-code enums. A method's enum has a variant per code its page documents, `Common(CommonError)`
//! for the shared codes it does not list, and `Unknown(String)`. Nesting the shared codes
//! instead of repeating them keeps 1,600 method enums small to compile.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Visibility};

pub use bitrix_spec::error_codes::{merge, Code};

/// A method's error enum, its `ErrorCode` and `Display` impls: a variant per documented code,
/// `Common(common)` for the shared codes, `Unknown` for the rest.
pub fn error_enum(
    vis: &Visibility,
    name: &Ident,
    doc: &str,
    codes: &[Code],
    common: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let names: Vec<String> = codes
        .iter()
        .map(Code::variant_name)
        // `Common` is the nesting variant.
        .map(|n| {
            if n == "Common" {
                "CommonCode".to_owned()
            } else {
                n
            }
        })
        .collect();
    let names = bitrix_spec::naming::unique_variants(&names);
    let idents: Vec<Ident> = names.iter().map(|n| format_ident!("{}", n)).collect();
    let docs: Vec<String> = codes.iter().map(Code::variant_doc).collect();
    let wires: Vec<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    let unknown = quote!(Self::Unknown(::std::borrow::ToOwned::to_owned(other)));
    let common_variant = quote! {
        /// A shared system or REST 3.0 code that this method's page does not list.
        Common(#common),
    };
    let common_from = quote! {
        match <#common as #krate::ErrorCode>::from_code(other) {
            shared if #krate::ErrorCode::is_unknown(&shared) => #unknown,
            shared => Self::Common(shared),
        }
    };
    let common_code = quote!(Self::Common(shared) => #krate::ErrorCode::code(shared),);
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
