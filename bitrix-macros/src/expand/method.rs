//! `#[bitrix_method]`: the request struct, its builder methods, validator, `Method` impl and
//! error-code enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::codes::{self, Code};
use crate::ast::Struct;
use crate::attr::MethodArgs;

pub fn expand(args: &MethodArgs, s: Struct, krate: &TokenStream) -> TokenStream {
    let name = args
        .name
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let version = args
        .version
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let scope = args
        .scope
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let ident = s.item.ident.clone();
    let vis = s.item.vis.clone();
    let error_ident = format_ident!("{}Error", ident);

    let what = format!("a `{name}` request");

    let version_variant = if version == "v3" {
        quote!(V3)
    } else {
        quote!(V1)
    };
    let mutates = args.mutates;
    let wrapper = match &args.wrapper {
        Some(w) => quote!(::core::option::Option::Some(#w)),
        None => quote!(::core::option::Option::None),
    };
    let paging = paging(args, krate);
    let result = args
        .result
        .clone()
        .map_or_else(|| quote!(()), |t| quote!(#t));
    // `result = Option<T>`: the answer may say "none" (`false`, `null`, `[]`).
    let optional = args.result.as_ref().is_some_and(is_option);

    // What the attribute says, nothing more: the generator fills in what the spec's
    // catalogues know, so an expansion reads no files.
    let mut codes = Vec::new();
    for e in &args.errors {
        codes::merge(
            &mut codes,
            Code {
                code: e.code.as_ref().map(syn::LitStr::value),
                status: e.status.as_ref().and_then(|s| s.base10_parse().ok()),
                messages: e.message.iter().map(syn::LitStr::value).collect(),
                exception: e.exception.as_ref().map(syn::LitStr::value),
                catalogue: None,
            },
        );
    }
    let error_doc = format!(
        "Error codes of [`{ident}`] (`{name}`, REST {}; its page is linked there): its documented codes, `Common` for the shared system and REST 3.0 codes, and `Unknown` for anything else.",
        if version == "v3" { "3.0" } else { "v1" }
    );
    let common = quote!(#krate::CommonError);
    let error_enum = codes::error_enum(&vis, &error_ident, &error_doc, &codes, &common, krate);
    let core = super::object::expand(s, &what, true, krate);
    quote! {
        #core

        impl #krate::Method for #ident {
            const NAME: &'static str = #name;
            const VERSION: #krate::ApiVersion = #krate::ApiVersion::#version_variant;
            const SCOPE: &'static str = #scope;
            const MUTATES: bool = #mutates;
            const RESULT_WRAPPER: ::core::option::Option<&'static str> = #wrapper;
            const RESULT_OPTIONAL: bool = #optional;
            #paging
            type Output = #result;
            type Error = #error_ident;
        }

        #error_enum
    }
}

/// Whether a type is spelled `Option<…>` (or `std::option::Option<…>`).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option" && !s.arguments.is_empty()),
        _ => false,
    }
}

/// `const PAGING` from `paging(...)`; nothing (the trait's `None`) without it.
fn paging(args: &MethodArgs, krate: &TokenStream) -> TokenStream {
    let Some(p) = &args.paging else {
        return TokenStream::new();
    };
    let kind = match p.kind.as_ref().map(syn::LitStr::value).as_deref() {
        Some("start_upper") => quote!(StartUpper),
        Some("nav_params") => quote!(NavParams),
        Some("offset_limit") => quote!(OffsetLimit),
        Some("pagination") => quote!(Pagination),
        Some("cursor") => quote!(Cursor),
        _ => quote!(Start),
    };
    let key = |lit: &Option<syn::LitStr>| match lit {
        Some(l) => quote!(::core::option::Option::Some(#l)),
        None => quote!(::core::option::Option::None),
    };
    let (id, order, filter, items) = (key(&p.id), key(&p.order), key(&p.filter), key(&p.items));
    quote! {
        const PAGING: ::core::option::Option<#krate::Paging> =
            ::core::option::Option::Some(#krate::Paging {
                kind: #krate::PagingKind::#kind,
                id_field: #id,
                order: #order,
                filter: #filter,
                items: #items,
            });
    }
}

/// What is emitted when the attribute has errors: the item without `#[bitrix]` attributes and
/// stand-in impls, so that one mistake yields its own error and not a cascade at every use.
pub fn fallback(s: &Struct, krate: &TokenStream) -> TokenStream {
    let item = &s.item;
    let ident = &item.ident;
    let stand_ins = super::stand_in_impls(ident, krate);
    quote! {
        #item
        #stand_ins
        impl #krate::Method for #ident {
            const NAME: &'static str = "";
            const VERSION: #krate::ApiVersion = #krate::ApiVersion::V1;
            const SCOPE: &'static str = "";
            const MUTATES: bool = true;
            type Output = #krate::__private::serde_json::Value;
            type Error = #krate::CommonError;
        }
    }
}
