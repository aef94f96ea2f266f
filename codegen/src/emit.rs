//! IR → tokens → formatted Rust source (prettyplease).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Alias, Enum, Field, Item, MethodItem, Module, Object, RustTy};

/// The `types` group seen from a module file inside any group (root → group → module).
const TYPES_FROM_MODULE: &str = "super::super::types";

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

pub fn ty_tokens(ty: &RustTy) -> TokenStream {
    match ty {
        RustTy::Int => quote!(i64),
        RustTy::Float => quote!(f64),
        RustTy::Bool => quote!(bool),
        RustTy::Str => quote!(::std::string::String),
        RustTy::Secret => quote!(::bitrix24::Secret),
        RustTy::Json => quote!(::bitrix24::serde_json::Value),
        RustTy::JsonMap => {
            quote!(::bitrix24::serde_json::Map<::std::string::String, ::bitrix24::serde_json::Value>)
        }
        RustTy::Map(v) => {
            let v = ty_tokens(v);
            quote!(::std::collections::BTreeMap<::std::string::String, #v>)
        }
        RustTy::Vec(t) => {
            let t = ty_tokens(t);
            quote!(::std::vec::Vec<#t>)
        }
        RustTy::Option(t) => {
            let t = ty_tokens(t);
            quote!(::core::option::Option<#t>)
        }
        RustTy::Local(n) => {
            let n = ident(n);
            quote!(#n)
        }
        RustTy::Named(n) => {
            let n = ident(n);
            quote!(types::#n)
        }
    }
}

fn field_tokens(f: &Field) -> TokenStream {
    let name = ident(&f.ident);
    let ty = ty_tokens(&f.ty);
    let doc = doc_attrs(&f.doc);
    let mut args = Vec::new();
    if f.flags.extra {
        args.push(quote!(extra));
    } else if f.wire != f.ident {
        let wire = &f.wire;
        args.push(quote!(rename = #wire));
    }
    if let Some(v) = f.flags.min {
        args.push(number("min", v));
    }
    if let Some(v) = f.flags.max {
        args.push(number("max", v));
    }
    for (key, v) in [
        ("min_len", f.flags.min_len),
        ("max_len", f.flags.max_len),
        ("min_items", f.flags.min_items),
        ("max_items", f.flags.max_items),
    ] {
        if let Some(v) = v {
            let key = ident(key);
            let v = proc_macro2::Literal::u64_unsuffixed(v);
            args.push(quote!(#key = #v));
        }
    }
    if f.flags.non_empty {
        args.push(quote!(non_empty));
    }
    if f.flags.yn {
        args.push(quote!(yn));
    }
    let attr = if args.is_empty() {
        quote!()
    } else {
        quote!(#[bitrix(#(#args),*)])
    };
    quote! {
        #doc
        #attr
        pub #name: #ty,
    }
}

fn number(key: &str, v: f64) -> TokenStream {
    let key = ident(key);
    let lit = if v.fract() == 0.0 && v.abs() < 1e15 {
        let i = v as i64;
        if i < 0 {
            let abs = proc_macro2::Literal::i64_unsuffixed(-i);
            return quote!(#key = -#abs);
        }
        proc_macro2::Literal::i64_unsuffixed(i)
    } else {
        proc_macro2::Literal::f64_unsuffixed(v)
    };
    quote!(#key = #lit)
}

pub fn doc_attrs(doc: &str) -> TokenStream {
    let lines = doc.lines().map(|l| format!(" {l}").trim_end().to_owned());
    quote!(#(#[doc = #lines])*)
}

fn method_tokens(m: &MethodItem) -> TokenStream {
    let name = ident(&m.name);
    let doc = doc_attrs(&m.doc);
    let wire = &m.wire;
    let version = m.version.as_str();
    let scope = &m.scope;
    let result = ty_tokens(&m.result);
    let mutates = m.mutates.then(|| quote!(mutates,));
    let wrapper = m.wrapper.map(|w| quote!(wrapper = #w,));
    let errors = m
        .errors
        .iter()
        .filter(|e| !e.code.trim().is_empty())
        .map(|e| {
            let code = &e.code;
            let status = proc_macro2::Literal::u16_unsuffixed(e.status);
            let message = &e.message;
            let exception = e.exception.as_ref().map(|x| quote!(, exception = #x));
            let field = e.field.as_ref().map(|x| quote!(, field = #x));
            quote!(error(code = #code, status = #status, message = #message #exception #field),)
        });
    let fields = m.fields.iter().map(field_tokens);
    quote! {
        #doc
        #[non_exhaustive]
        #[::bitrix24::bitrix_method(
            name = #wire,
            version = #version,
            scope = #scope,
            result = #result,
            #mutates
            #wrapper
            #(#errors)*
        )]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn object_tokens(o: &Object) -> TokenStream {
    let name = ident(&o.name);
    let doc = doc_attrs(&o.doc);
    let fields = o.fields.iter().map(field_tokens);
    quote! {
        #doc
        #[non_exhaustive]
        #[::bitrix24::bitrix_object]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn enum_tokens(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc_attrs(&e.doc);
    let repr = if e.integer { "integer" } else { "string" };
    let variants = e.variants.iter().map(|v| {
        let id = format_ident!("{}", v.ident);
        let doc = doc_attrs(&v.doc);
        let value = match &v.value {
            bitrix_spec::EnumLiteral::Int(i) if *i < 0 => {
                let abs = proc_macro2::Literal::i64_unsuffixed(-i);
                quote!(-#abs)
            }
            bitrix_spec::EnumLiteral::Int(i) => {
                let lit = proc_macro2::Literal::i64_unsuffixed(*i);
                quote!(#lit)
            }
            bitrix_spec::EnumLiteral::Str(s) => quote!(#s),
        };
        quote! {
            #doc
            #[bitrix(value = #value)]
            #id,
        }
    });
    quote! {
        #doc
        #[::bitrix24::bitrix_enum(repr = #repr)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn alias_tokens(a: &Alias) -> TokenStream {
    let name = ident(&a.name);
    let doc = doc_attrs(&a.doc);
    let ty = ty_tokens(&a.ty);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

fn uses_types(items: &[Item]) -> bool {
    let field_uses = |fields: &[Field]| fields.iter().any(|f| f.ty.uses_named());
    items.iter().any(|i| match i {
        Item::Method(m) => m.result.uses_named() || field_uses(&m.fields),
        Item::Object(o) => field_uses(&o.fields),
        Item::Alias(a) => a.ty.uses_named(),
        Item::Enum(_) => false,
    })
}

/// The tokens of one module's items (without the module wrapper).
pub fn module_body(module: &Module) -> TokenStream {
    let import = uses_types(&module.items).then(|| {
        let path: syn::Path = syn::parse_str(TYPES_FROM_MODULE).expect("static path");
        quote!(use #path;)
    });
    let items = module.items.iter().map(|i| match i {
        Item::Method(m) => method_tokens(m),
        Item::Object(o) => object_tokens(o),
        Item::Enum(e) => enum_tokens(e),
        Item::Alias(a) => alias_tokens(a),
    });
    quote! {
        #import
        #(#items)*
    }
}

/// Formats tokens as a file, with `header` comment lines on top.
///
/// # Panics
/// If the generator produced tokens that are not a Rust file (a bug, caught by its tests).
pub fn format_file(header: &str, inner_doc: &str, tokens: TokenStream) -> String {
    let doc_lines = inner_doc
        .lines()
        .map(|l| format!(" {l}").trim_end().to_owned());
    // The output is formatted by prettyplease; rustfmt would lay it out differently.
    let with_doc = quote!(#(#![doc = #doc_lines])* #![cfg_attr(rustfmt, rustfmt::skip)] #tokens);
    let file: syn::File = syn::parse2(with_doc).expect("generated tokens parse as a file");
    let body = prettyplease::unparse(&file);
    let mut out = String::with_capacity(header.len() + body.len() + 1);
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&body);
    out
}
