//! Error-code enums. A method's enum has a variant per code its page documents (and per message
//! of an error documented without a code), `Common(CommonError)` for the shared codes it does
//! not list, and `Unknown(String)`. Nesting the shared codes
//! instead of repeating them keeps 1,600 method enums small to compile.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Visibility};

pub use bitrix_spec::error_codes::{merge, Code};

/// A method's error enum, its `ErrorCode` and `Display` impls: a variant per documented code
/// or code-less message, `Common(common)` for the shared codes, `Unknown` for the rest.
///
/// The arms follow [`bitrix_spec::error_codes::decode`]: own codes, then code-less errors by
/// message, then the shared codes.
pub fn error_enum(
    vis: &Visibility,
    name: &Ident,
    doc: &str,
    codes: &[Code],
    common: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let names = bitrix_spec::error_codes::variant_names(codes);
    let idents: Vec<Ident> = names.iter().map(|n| format_ident!("{}", n)).collect();
    let docs: Vec<String> = codes.iter().map(Code::variant_doc).collect();
    let (coded, by_message): (Vec<usize>, Vec<usize>) =
        (0..codes.len()).partition(|&i| codes[i].code.is_some());
    let coded_idents: Vec<&Ident> = coded.iter().map(|&i| &idents[i]).collect();
    let wires: Vec<&str> = coded
        .iter()
        .filter_map(|&i| codes[i].code.as_deref())
        .collect();
    let message_idents: Vec<&Ident> = by_message.iter().map(|&i| &idents[i]).collect();
    let messages: Vec<&str> = by_message
        .iter()
        .filter_map(|&i| codes[i].matched_message())
        .collect();
    let unknown = quote!(Self::Unknown(::std::borrow::ToOwned::to_owned(other)));
    let common_from = quote! {
        match <#common as #krate::ErrorCode>::from_code(other) {
            shared if #krate::ErrorCode::is_unknown(&shared) => #unknown,
            shared => Self::Common(shared),
        }
    };
    // Without code-less errors the code alone decides, and the trait's `from_answer` defers
    // to `from_code`.
    let decoding = if by_message.is_empty() {
        quote! {
            fn from_code(code: &str) -> Self {
                match code {
                    #( #wires => Self::#coded_idents, )*
                    other => #common_from,
                }
            }
        }
    } else {
        quote! {
            fn from_code(code: &str) -> Self {
                Self::from_answer(code, "")
            }

            fn from_answer(code: &str, message: &str) -> Self {
                use #krate::__private::is_message;
                match code {
                    #( #wires => Self::#coded_idents, )*
                    #( _ if is_message(#messages, code, message) => Self::#message_idents, )*
                    other => #common_from,
                }
            }
        }
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
            /// A shared system or REST 3.0 code that this method's page does not list.
            Common(#common),
            /// A code this version of the crate does not know; the wire code is kept.
            Unknown(::std::string::String),
        }

        impl #krate::ErrorCode for #name {
            #decoding

            fn code(&self) -> &str {
                match self {
                    #( Self::#coded_idents => #wires, )*
                    #( Self::#message_idents => "", )*
                    Self::Common(shared) => #krate::ErrorCode::code(shared),
                    Self::Unknown(code) => code,
                }
            }

            fn is_unknown(&self) -> bool {
                ::core::matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::fmt::Display for #name {
            /// The wire code; the documented message for an error sent without a code.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    #( Self::#message_idents => f.write_str(#messages), )*
                    other => f.write_str(#krate::ErrorCode::code(other)),
                }
            }
        }
    }
}
