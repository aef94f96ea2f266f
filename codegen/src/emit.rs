//! IR → tokens → formatted Rust source (prettyplease).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Alias, Enum, Field, Item, MethodItem, Module, Object, RustTy};

/// Where a module file finds the `types` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypesPath {
    /// `crate::types`: the module is part of the `bitrix24` crate.
    Crate,
    /// `super::super::types`: the module sits two levels below wherever a downstream crate
    /// `include!`s the single generated file.
    Relative,
}

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// The type as a person would write it: prelude names bare, everything else imported at the
/// top of the file by [`module_body`]. Generated names never shadow these (the naming module
/// reserves them).
pub fn ty_tokens(ty: &RustTy) -> TokenStream {
    match ty {
        RustTy::Int => quote!(i64),
        RustTy::Float => quote!(f64),
        RustTy::Bool => quote!(bool),
        RustTy::Str => quote!(String),
        RustTy::Secret => quote!(Secret),
        RustTy::EventAuth => quote!(EventAuth),
        RustTy::Json => quote!(Value),
        RustTy::JsonMap => quote!(Map<String, Value>),
        RustTy::Map(v) => {
            let v = ty_tokens(v);
            quote!(BTreeMap<String, #v>)
        }
        RustTy::Vec(t) => {
            let t = ty_tokens(t);
            quote!(Vec<#t>)
        }
        RustTy::Option(t) => {
            let t = ty_tokens(t);
            quote!(Option<#t>)
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
    let paging = m.paging.as_deref().map(paging_tokens);
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
        #[bitrix_method(
            name = #wire,
            version = #version,
            scope = #scope,
            result = #result,
            #mutates
            #wrapper
            #paging
            #(#errors)*
        )]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `paging(kind = "start", id = "ID", ...)`, with the keys the spec knows.
fn paging_tokens(shape: &bitrix_spec::ListShape) -> TokenStream {
    let kind = match shape.paging {
        bitrix_spec::Paging::Start => "start",
        bitrix_spec::Paging::Pagination => "pagination",
    };
    let key = |name: &str, value: &Option<String>| {
        value.as_ref().map(|v| {
            let name = ident(name);
            quote!(, #name = #v)
        })
    };
    let id = key("id", &shape.id_field);
    let order = key("order", &shape.order);
    let filter = key("filter", &shape.filter);
    let items = key("items", &shape.items);
    quote!(paging(kind = #kind #id #order #filter #items),)
}

fn object_tokens(o: &Object) -> TokenStream {
    let name = ident(&o.name);
    let doc = doc_attrs(&o.doc);
    let fields = o.fields.iter().map(field_tokens);
    quote! {
        #doc
        #[non_exhaustive]
        #[bitrix_object]
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
        #[bitrix_enum(repr = #repr)]
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

/// What the items of a module name besides their own types, so that the file imports
/// exactly that.
#[derive(Default)]
struct Uses {
    types: bool,
    value: bool,
    map: bool,
    btree_map: bool,
    secret: bool,
    event_auth: bool,
    method: bool,
    object: bool,
    enumeration: bool,
}

impl Uses {
    fn of(items: &[Item]) -> Uses {
        let mut uses = Uses::default();
        for item in items {
            match item {
                Item::Method(m) => {
                    uses.method = true;
                    uses.ty(&m.result);
                    uses.fields(&m.fields);
                }
                Item::Object(o) => {
                    uses.object = true;
                    uses.fields(&o.fields);
                }
                Item::Alias(a) => uses.ty(&a.ty),
                Item::Enum(_) => uses.enumeration = true,
            }
        }
        uses
    }

    fn fields(&mut self, fields: &[Field]) {
        for f in fields {
            self.ty(&f.ty);
        }
    }

    fn ty(&mut self, ty: &RustTy) {
        match ty {
            RustTy::Named(_) => self.types = true,
            RustTy::Json => self.value = true,
            RustTy::JsonMap => {
                self.map = true;
                self.value = true;
            }
            RustTy::Secret => self.secret = true,
            RustTy::EventAuth => self.event_auth = true,
            RustTy::Map(t) => {
                self.btree_map = true;
                self.ty(t);
            }
            RustTy::Vec(t) | RustTy::Option(t) => self.ty(t),
            RustTy::Int | RustTy::Float | RustTy::Bool | RustTy::Str | RustTy::Local(_) => {}
        }
    }

    /// The `use` items, std first, then the `bitrix24` crate, then the `types` group.
    fn imports(&self, types: TypesPath) -> TokenStream {
        let btree_map = self.btree_map.then(|| {
            quote!(
                use std::collections::BTreeMap;
            )
        });
        let json: Vec<TokenStream> = [(self.map, quote!(Map)), (self.value, quote!(Value))]
            .into_iter()
            .filter_map(|(used, name)| used.then_some(name))
            .collect();
        let json = (!json.is_empty()).then(|| quote!(use bitrix24::serde_json::{#(#json),*};));
        let names: Vec<TokenStream> = [
            (self.enumeration, quote!(bitrix_enum)),
            (self.method, quote!(bitrix_method)),
            (self.object, quote!(bitrix_object)),
            (self.event_auth, quote!(EventAuth)),
            (self.secret, quote!(Secret)),
        ]
        .into_iter()
        .filter_map(|(used, name)| used.then_some(name))
        .collect();
        let names = (!names.is_empty()).then(|| quote!(use bitrix24::{#(#names),*};));
        let types = self.types.then(|| match types {
            TypesPath::Crate => quote!(
                use crate::types;
            ),
            TypesPath::Relative => quote!(
                use super::super::types;
            ),
        });
        quote!(#btree_map #json #names #types)
    }
}

/// The tokens of one module's items (without the module wrapper), with their imports.
pub fn module_body(module: &Module, types: TypesPath) -> TokenStream {
    let imports = Uses::of(&module.items).imports(types);
    let items = module.items.iter().map(|i| match i {
        Item::Method(m) => method_tokens(m),
        Item::Object(o) => object_tokens(o),
        Item::Enum(e) => enum_tokens(e),
        Item::Alias(a) => alias_tokens(a),
    });
    quote! {
        #imports
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
