//! What a struct's fields expand to, shared by methods and objects: derives and serde
//! attributes, the constructor, setters and the validator body.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, PathArguments, Type};

use crate::ast::{Field, Shape, Struct};

/// Adds the std derives to the struct item; serde comes from [`serde_impls`].
pub fn annotate(s: &mut Struct) {
    let all_default = s.fields.iter().all(|f| f.shape.has_default());
    let default = all_default.then(|| quote!(::core::default::Default,));
    s.item.attrs.push(syn::parse_quote! {
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, #default)]
    });
}

/// `Serialize` and `Deserialize` as a line per field calling the runtime's `object` helpers
/// (far cheaper to compile than serde_derive, see `bitrix_runtime::object`).
pub fn serde_impls(s: &Struct, krate: &TokenStream) -> TokenStream {
    let ident = &s.item.ident;
    let private = quote!(#krate::__private);
    let serde = quote!(#private::serde);
    let writes = s.fields.iter().map(|f| {
        let (ident, wire) = (&f.ident, &f.wire);
        if f.args.extra.is_some() {
            return quote! {
                for (__k, __v) in &self.#ident {
                    __m.serialize_entry(__k, __v)?;
                }
            };
        }
        let float = matches!(f.shape.unwrap_option(), Shape::Float);
        let value = |v: TokenStream| {
            if f.args.yn.is_some() {
                quote!(&#private::Yn(#v))
            } else if float {
                quote!(&#private::Num(#v))
            } else {
                v
            }
        };
        if f.shape.is_option() {
            let v = value(quote!(__v));
            quote! {
                if let ::core::option::Option::Some(__v) = &self.#ident {
                    __m.serialize_entry(#wire, #v)?;
                }
            }
        } else {
            let v = value(quote!(&self.#ident));
            quote!(__m.serialize_entry(#wire, #v)?;)
        }
    });
    // The `extra` map takes what is left, so it is read last.
    let is_extra = |f: &&Field| f.args.extra.is_some();
    let in_read_order = s
        .fields
        .iter()
        .filter(|f| !is_extra(f))
        .chain(s.fields.iter().filter(is_extra));
    let reads = in_read_order.map(|f| {
        let (ident, wire) = (&f.ident, &f.wire);
        if f.args.extra.is_some() {
            return quote!(let #ident = __f.rest(););
        }
        let convert = if f.shape.is_lenient() {
            quote!(#private::lenient)
        } else if f.shape.is_optional_other() {
            quote!(#private::optional)
        } else if f.shape.is_list_of_other() {
            quote!(#private::list)
        } else {
            quote!(#private::plain)
        };
        let take = if f.shape.has_default() {
            quote!(defaulted)
        } else {
            quote!(required)
        };
        quote!(let #ident = __f.#take(#wire, #convert)?;)
    });
    let idents = s.fields.iter().map(|f| &f.ident);
    // With an `extra` map, a value that does not fit is kept there rather than failing.
    let (read, name) = if s.fields.iter().any(|f| f.args.extra.is_some()) {
        let name = ident.to_string();
        (quote!(#private::read_keeping), quote!(#name,))
    } else {
        (quote!(#private::read), quote!())
    };
    quote! {
        impl #serde::Serialize for #ident {
            fn serialize<__S: #serde::Serializer>(&self, __s: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                use #serde::ser::SerializeMap as _;
                let mut __m = __s.serialize_map(::core::option::Option::None)?;
                #(#writes)*
                __m.end()
            }
        }

        impl<'de> #serde::Deserialize<'de> for #ident {
            fn deserialize<__D: #serde::Deserializer<'de>>(__d: __D) -> ::core::result::Result<Self, __D::Error> {
                #read(__d, #name |__f| {
                    #(#reads)*
                    ::core::result::Result::Ok(Self { #(#idents),* })
                })
            }
        }
    }
}

/// `T` of `Option<T>` (looking through nothing else).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `new(required...)` and a setter per optional field.
pub fn builder_methods(s: &Struct, what: &str, krate: &TokenStream) -> TokenStream {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required()).collect();
    let params = required.iter().map(|f| {
        let (ident, ty) = (&f.ident, &f.ty);
        quote!(#ident: impl ::core::convert::Into<#ty>)
    });
    let inits = s.fields.iter().map(|f| {
        let ident = &f.ident;
        if f.required() {
            quote!(#ident: #ident.into())
        } else {
            quote!(#ident: ::core::default::Default::default())
        }
    });
    let new_doc = if required.is_empty() {
        format!("Creates {what} with every optional parameter unset.")
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(
            "Creates {what} from its required parameters: {}.",
            names.join(", ")
        )
    };
    let setters = s
        .fields
        .iter()
        .filter(|f| !f.required())
        .map(|f| setter(f, krate));
    quote! {
        #[doc = #new_doc]
        #[allow(clippy::too_many_arguments)]
        #[must_use]
        pub fn new(#(#params),*) -> Self {
            Self { #(#inits),* }
        }
        #(#setters)*
    }
}

fn setter(f: &Field, krate: &TokenStream) -> TokenStream {
    let ident = &f.ident;
    let docs = &f.docs;
    if f.args.extra.is_some() {
        let doc =
            "Adds an undocumented key to send as is (the docs' lists are not always complete).";
        return quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #ident(
                mut self,
                key: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<#krate::__private::serde_json::Value>,
            ) -> Self {
                self.#ident.insert(key.into(), value.into());
                self
            }
        };
    }
    let inner = option_inner(&f.ty).unwrap_or(&f.ty);
    let fallback = format!("Sets `{}`.", f.wire);
    let doc = if docs.is_empty() {
        quote!(#[doc = #fallback])
    } else {
        quote!(#(#docs)*)
    };
    quote! {
        #doc
        #[must_use]
        pub fn #ident(mut self, #ident: impl ::core::convert::Into<#inner>) -> Self {
            self.#ident = ::core::option::Option::Some(#ident.into());
            self
        }
    }
}

/// `get_extra(key)`: an undocumented key's value (a custom field `UF_CRM_…`, a key added after
/// the docs), for a struct with an `extra` map; nothing when a field already has the name.
pub fn extra_accessor(s: &Struct, krate: &TokenStream) -> TokenStream {
    let Some(extra) = s.fields.iter().find(|f| f.args.extra.is_some()) else {
        return TokenStream::new();
    };
    if s.fields.iter().any(|f| f.ident == "get_extra") {
        return TokenStream::new();
    }
    let ident = &extra.ident;
    let doc = format!(
        "The value of a key the documentation does not list (a custom field such as \
         `UF_CRM_…`, a key added later), or of a documented key whose value did not fit its \
         type; `None` when absent. Shorthand for `self.{ident}.get(key)`."
    );
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn get_extra(&self, key: &str) -> ::core::option::Option<&#krate::__private::serde_json::Value> {
            self.#ident.get(key)
        }
    }
}

/// Whether validation has anything to look at inside a value of this shape.
fn has_nested(shape: &Shape) -> bool {
    match shape {
        // Maps may hold generated types (keyed blocks, buttons, sort orders).
        Shape::Other | Shape::Map => true,
        Shape::Option(i) | Shape::Vec(i) | Shape::Box(i) => has_nested(i),
        _ => false,
    }
}

/// Statements validating every field into `__v`.
pub fn validate_body(s: &Struct, krate: &TokenStream) -> TokenStream {
    let check = quote!(#krate::__private::check);
    let stmts = s
        .fields
        .iter()
        .filter(|f| f.args.extra.is_none())
        .filter_map(|f| {
            let ident = &f.ident;
            let wire = &f.wire;
            let mut checks = Vec::new();
            if f.required() && f.shape.can_be_empty() {
                checks.push(quote!(#check::required(__v, __value);));
            }
            if f.args.non_empty.is_some() {
                checks.push(quote!(#check::non_empty(__v, __value);));
            }
            if let Some(b) = &f.args.min {
                let min = b.value;
                checks.push(quote!(#check::minimum(__v, __value, #min);));
            }
            if let Some(b) = &f.args.max {
                let max = b.value;
                checks.push(quote!(#check::maximum(__v, __value, #max);));
            }
            if let Some(c) = &f.args.min_len {
                let n = c.value;
                checks.push(quote!(#check::min_length(__v, __value, #n);));
            }
            if let Some(c) = &f.args.max_len {
                let n = c.value;
                checks.push(quote!(#check::max_length(__v, __value, #n);));
            }
            if let Some(c) = &f.args.min_items {
                let n = c.value;
                checks.push(quote!(#check::min_items(__v, __value.len(), #n);));
            }
            if let Some(c) = &f.args.max_items {
                let n = c.value;
                checks.push(quote!(#check::max_items(__v, __value.len(), #n);));
            }
            if has_nested(f.shape.unwrap_option()) {
                checks.push(quote!(#krate::Validate::validate_into(__value, __v);));
            }
            if checks.is_empty() {
                return None;
            }
            let value = format_ident!("__value");
            Some(if f.shape.is_option() {
                quote! {
                    if let ::core::option::Option::Some(#value) = &self.#ident {
                        __v.at(#wire, |__v| { #(#checks)* });
                    }
                }
            } else {
                quote! {
                    let #value = &self.#ident;
                    __v.at(#wire, |__v| { #(#checks)* });
                }
            })
        });
    quote!(#(#stmts)*)
}

/// A `Validate` impl from [`validate_body`].
pub fn validate_impl(s: &Struct, krate: &TokenStream) -> TokenStream {
    let ident = &s.item.ident;
    let body = validate_body(s, krate);
    quote! {
        impl #krate::Validate for #ident {
            fn validate_into(&self, __v: &mut #krate::Validator) {
                #body
            }
        }
    }
}
