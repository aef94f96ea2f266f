//! Procedural macros of bitrix24-rs.
//!
//! - `#[bitrix_method]` turns a struct of request parameters into a typed Bitrix24 REST
//!   method: serialization to the wire format, a constructor taking the required parameters,
//!   setters for the optional ones, a validator that reports every problem at once, the
//!   runtime's `Method` impl, and a `#[non_exhaustive]` error-code enum.
//! - `#[bitrix_object]` does the same for nested parameter and result structures; those only
//!   the server sends (`received`) have no constructor or setters.
//! - `#[bitrix_enum]` turns a list of documented values into an enum with an `Unknown`
//!   catch-all.
//!
//! Required follows from the type: an `Option<T>` field is optional, anything else required.
//! Field attributes (`#[bitrix(...)]`): `rename = "WIRE_NAME"`, `min = n`, `max = n`,
//! `min_len = n`, `max_len = n`, `min_items = n`, `max_items = n`, `non_empty`, `yn` (a `bool`
//! sent as `"Y"`/`"N"`), `extra` (a `Map<String, Value>` for undocumented keys).
//!
//! The expansions refer to the `bitrix24` crate, which re-exports these macros; depend on it.
//! Each macro parses (`ast.rs`, `attr.rs`), validates (`valid.rs`) and expands (`expand/`);
//! on errors it emits them all, spanned, beside a stand-in expansion.

mod ast;
mod attr;
mod errors;
mod expand;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::parse_macro_input;

use errors::Errors;

fn krate() -> TokenStream2 {
    quote!(::bitrix24)
}

/// Declares a typed Bitrix24 REST method.
///
/// ```ignore
/// #[bitrix_method(
///     name = "crm.item.delete",
///     version = "v1",
///     scope = "crm",
///     result = Vec<serde_json::Value>,
///     mutates,
///     error(code = "NOT_FOUND", status = 400, message = "Item not found"),
/// )]
/// pub struct CrmItemDelete {
///     /// CRM object type.
///     #[bitrix(rename = "entityTypeId", min = 1)]
///     pub entity_type_id: i64,
///     /// Item id.
///     pub id: i64,
/// }
/// ```
///
/// Arguments: `name`, `version` (`"v1"` or `"v3"`), `scope`, `result` (what `result` decodes
/// into), optional `wrapper` (REST 3.0: `"item"`, `"items"` or `"result"`), `mutates`, for a
/// list `paging(kind = "start", id = "ID", order = "ORDER", filter = "FILTER", items = "tasks")`
/// (kinds: `start`, `start_upper`, `nav_params`, `offset_limit` for v1; `pagination`,
/// `cursor` for v3; `id`, `order`, `filter` and `items` are optional keys: the rows' id, the
/// order and filter parameters, the key of the rows inside `result`), and any number of
/// `error(code = "...", status = 400, message = "...", exception = "...", field = "...")`.
#[proc_macro_attribute]
pub fn bitrix_method(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = parse_macro_input!(input as syn::ItemStruct);
    let mut errors = Errors::default();
    let args = attr::method_args(args.into(), &mut errors);
    let s = ast::parse_struct(item, &mut errors);
    valid::method(&args, &s, &mut errors);
    let krate = krate();
    if errors.is_empty() {
        expand::method::expand(&args, s, &krate).into()
    } else {
        let fallback = expand::method::fallback(&s, &krate);
        let errs = errors.to_compile_errors();
        quote!(#errs #fallback).into()
    }
}

/// Declares a nested parameter or result structure (same field attributes as
/// `#[bitrix_method]`). `#[bitrix_object(received)]` declares one only the server sends (an
/// answer, an event post): it is decoded, not built, and has no constructor or setters.
#[proc_macro_attribute]
pub fn bitrix_object(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = parse_macro_input!(input as syn::ItemStruct);
    let mut errors = Errors::default();
    let args = attr::object_args(args.into(), &mut errors);
    let s = ast::parse_struct(item, &mut errors);
    valid::object(&s, &mut errors);
    let krate = krate();
    if errors.is_empty() {
        let what = format!("a [`{}`]", s.item.ident);
        let builder = !args.received;
        expand::object::expand(s, &what, builder, &krate).into()
    } else {
        let fallback = expand::object::fallback(&s, &krate);
        let errs = errors.to_compile_errors();
        quote!(#errs #fallback).into()
    }
}

/// Declares a list of documented values: `#[bitrix_enum(repr = "integer")]` or
/// `repr = "string"`, each variant with `#[bitrix(value = ...)]`. Adds `Unknown(..)`.
#[proc_macro_attribute]
pub fn bitrix_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = parse_macro_input!(input as syn::ItemEnum);
    let mut errors = Errors::default();
    let args = attr::enum_args(args.into(), &mut errors);
    let e = ast::parse_enum(item, &mut errors);
    let repr = valid::enumeration(&args, &e, &mut errors);
    let krate = krate();
    match repr {
        Some(repr) if errors.is_empty() => expand::enums::expand(e, repr, &krate).into(),
        _ => {
            let fallback = expand::enums::fallback(&e, &krate);
            let errs = errors.to_compile_errors();
            quote!(#errs #fallback).into()
        }
    }
}
