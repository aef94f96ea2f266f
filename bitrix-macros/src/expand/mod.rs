//! Expansion of each macro, from parsed and validated items.

pub mod codes;
pub mod enums;
pub mod fields;
pub mod method;
pub mod object;

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// Serialize, Deserialize and Validate impls that are never run: emitted beside compile errors
/// so that uses of the type do not pile up secondary errors.
fn stand_in_impls(ident: &Ident, krate: &TokenStream) -> TokenStream {
    let serde = quote!(#krate::__private::serde);
    quote! {
        impl #serde::Serialize for #ident {
            fn serialize<S: #serde::Serializer>(&self, _: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::core::unreachable!("expansion failed")
            }
        }
        impl<'de> #serde::Deserialize<'de> for #ident {
            fn deserialize<D: #serde::Deserializer<'de>>(_: D) -> ::core::result::Result<Self, D::Error> {
                ::core::unreachable!("expansion failed")
            }
        }
        impl #krate::Validate for #ident {
            fn validate_into(&self, _: &mut #krate::Validator) {}
        }
    }
}
