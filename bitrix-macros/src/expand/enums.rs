//! `#[bitrix_enum]`: a documented value list with an `Unknown` catch-all, lenient decoding,
//! and a validator that refuses values the docs do not list.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Lit;

use crate::ast::Enum;
use crate::valid::Repr;

pub fn expand(e: Enum, repr: Repr, krate: &TokenStream) -> TokenStream {
    let mut item = e.item.clone();
    let ident = &item.ident;
    let serde = quote!(#krate::__private::serde);
    let json = quote!(#krate::__private::serde_json);
    let (raw_ty, unknown_doc) = match repr {
        Repr::Integer => (
            quote!(i64),
            "A value the docs do not list (refused by validation, kept when decoding).",
        ),
        Repr::String => (
            quote!(::std::string::String),
            "A value the docs do not list (refused by validation, kept when decoding).",
        ),
    };
    item.variants.push(syn::parse_quote! {
        #[doc = #unknown_doc]
        Unknown(#raw_ty)
    });
    item.attrs.push(syn::parse_quote!(#[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]));
    item.attrs.push(syn::parse_quote!(#[non_exhaustive]));

    let idents: Vec<&syn::Ident> = e.variants.iter().map(|v| &v.ident).collect();
    let values: Vec<&Lit> = e.variants.iter().filter_map(|v| v.value.as_ref()).collect();
    let documented = values
        .iter()
        .map(|v| match v {
            Lit::Str(s) => s.value(),
            Lit::Int(i) => i.base10_digits().to_owned(),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ");

    let (value_fn, from_fn, ser, de) = match repr {
        Repr::Integer => (
            quote! {
                /// The wire value.
                pub fn value(&self) -> i64 {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(v) => *v,
                    }
                }
            },
            quote! {
                /// The variant for a wire value; values the docs do not list become `Unknown`.
                pub fn from_value(value: i64) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::Unknown(other),
                    }
                }
            },
            quote!(serializer.serialize_i64(self.value())),
            quote! {
                let value = <#json::Value as #serde::Deserialize>::deserialize(deserializer)?;
                <i64 as #krate::__private::Lenient>::from_json(value)
                    .map(Self::from_value)
                    .map_err(<D::Error as #serde::de::Error>::custom)
            },
        ),
        Repr::String => (
            quote! {
                /// The wire value.
                pub fn value(&self) -> &str {
                    match self {
                        #( Self::#idents => #values, )*
                        Self::Unknown(v) => v,
                    }
                }
            },
            quote! {
                /// The variant for a wire value; values the docs do not list become `Unknown`.
                pub fn from_value(value: &str) -> Self {
                    match value {
                        #( #values => Self::#idents, )*
                        other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                    }
                }
            },
            quote!(serializer.serialize_str(self.value())),
            quote! {
                let value = <#json::Value as #serde::Deserialize>::deserialize(deserializer)?;
                <::std::string::String as #krate::__private::Lenient>::from_json(value)
                    .map(|s| Self::from_value(&s))
                    .map_err(<D::Error as #serde::de::Error>::custom)
            },
        ),
    };

    quote! {
        #item

        impl #ident {
            /// The documented values, comma-separated, as the validator reports them.
            pub const DOCUMENTED: &'static str = #documented;

            #value_fn
            #from_fn
        }

        impl #serde::Serialize for #ident {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #ser
            }
        }

        impl<'de> #serde::Deserialize<'de> for #ident {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #de
            }
        }

        impl #krate::Validate for #ident {
            fn validate_into(&self, __v: &mut #krate::Validator) {
                if let Self::Unknown(value) = self {
                    #krate::__private::check::undocumented_value(__v, value, Self::DOCUMENTED);
                }
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.value(), f)
            }
        }
    }
}

pub fn fallback(e: &Enum, krate: &TokenStream) -> TokenStream {
    let item = &e.item;
    let stand_ins = super::stand_in_impls(&item.ident, krate);
    quote!(#item #stand_ins)
}
