//! The runtime's `CommonError`: one variant per shared system and REST 3.0 code of the spec's
//! catalogues, written as a plain Rust file into the runtime crate and checked in, so that a
//! reader can open it and no expansion has to read the catalogues.

use bitrix_spec::error_codes::{self, Code};
use bitrix_spec::naming::unique_variants;
use bitrix_spec::Spec;
use proc_macro2::{Ident, Span};
use quote::quote;

use crate::emit;
use crate::emit::header;

/// The file's path inside the runtime crate.
pub const PATH: &str = "src/common_error.rs";

/// The file's text, from the catalogues of `spec` (system first, then REST 3.0).
pub fn file(spec: &Spec) -> String {
    let order = |name: &str| (name != "system", name.to_owned());
    let mut catalogues: Vec<_> = spec.catalogues.values().collect();
    catalogues.sort_by_key(|c| order(&c.name));
    let codes = error_codes::shared(&catalogues);
    let codes: Vec<Code> = codes.into_iter().filter(|c| c.code.is_some()).collect();
    let names = unique_variants(&codes.iter().map(Code::variant_name).collect::<Vec<_>>());
    let idents: Vec<Ident> = names
        .iter()
        .map(|n| Ident::new(n, Span::call_site()))
        .collect();
    let docs = codes.iter().map(|c| emit::doc_attrs(&c.variant_doc()));
    // Catalogue entries always have a code (the spec's validation says so).
    let wires: Vec<&str> = codes.iter().filter_map(|c| c.code.as_deref()).collect();
    let tokens = quote! {
        use std::fmt;

        use crate::ErrorCode;

        /// The shared system and REST 3.0 error codes, and `Unknown` for anything else.
        ///
        /// Untyped calls decode codes into this, and every method's own error enum nests it as
        /// `Common` for the shared codes its page does not list.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CommonError {
            #(
                #docs
                #idents,
            )*
            /// A code this version of the crate does not know; the wire code is kept.
            Unknown(String),
        }

        impl ErrorCode for CommonError {
            fn from_code(code: &str) -> Self {
                match code {
                    #( #wires => Self::#idents, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            fn code(&self) -> &str {
                match self {
                    #( Self::#idents => #wires, )*
                    Self::Unknown(code) => code,
                }
            }

            fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl fmt::Display for CommonError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
    emit::format_file(
        &header("spec/errors/"),
        "The shared error codes of the spec's catalogues (`spec/errors/*.json`).",
        tokens,
    )
}
