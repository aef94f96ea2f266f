//! `#[bitrix_object]`: a nested parameter or result structure with the same serde rules,
//! builder methods and validator as a method.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields;
use crate::ast::Struct;

/// The struct with its derives and serde impls, its constructor and setters (with `builder`),
/// and its `Validate` impl; `what` names the value in the constructor's doc. Methods build on
/// this.
pub fn expand(mut s: Struct, what: &str, with_builder: bool, krate: &TokenStream) -> TokenStream {
    fields::annotate(&mut s);
    let ident = s.item.ident.clone();
    let builder = with_builder.then(|| fields::builder_methods(&s, what, krate));
    let accessor = fields::extra_accessor(&s, krate);
    let validate = fields::validate_impl(&s, krate);
    let serde = fields::serde_impls(&s, krate);
    let item = &s.item;
    quote! {
        #item

        impl #ident {
            #builder
            #accessor
        }

        #validate

        #serde
    }
}

pub fn fallback(s: &Struct, krate: &TokenStream) -> TokenStream {
    let item = &s.item;
    let stand_ins = super::stand_in_impls(&item.ident, krate);
    quote!(#item #stand_ins)
}
