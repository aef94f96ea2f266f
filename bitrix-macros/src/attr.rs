//! Parsing of the attribute arguments: `#[bitrix_method(...)]`, `#[bitrix_enum(...)]` and the
//! `#[bitrix(...)]` field and variant attributes. Syntax only; meaning is checked in `valid.rs`.
//! Every problem is collected; parsing goes on after an unknown key.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Attribute, Expr, Ident, Lit, LitInt, LitStr, Token, Type};

use crate::errors::Errors;

/// Arguments of `#[bitrix_method(...)]`.
#[derive(Default)]
pub struct MethodArgs {
    pub name: Option<LitStr>,
    pub version: Option<LitStr>,
    pub scope: Option<LitStr>,
    pub result: Option<Type>,
    pub wrapper: Option<LitStr>,
    pub mutates: bool,
    pub paging: Option<PagingArg>,
    pub errors: Vec<ErrorArg>,
}

/// `paging(kind = "start", id = "ID", order = "ORDER", filter = "FILTER", items = "tasks")`.
pub struct PagingArg {
    pub kind: Option<LitStr>,
    pub id: Option<LitStr>,
    pub order: Option<LitStr>,
    pub filter: Option<LitStr>,
    pub items: Option<LitStr>,
    pub span: Span,
}

/// One `error(code = "...", status = 400, message = "...", exception = "...", field = "...")`.
pub struct ErrorArg {
    pub code: Option<LitStr>,
    pub status: Option<LitInt>,
    pub message: Option<LitStr>,
    pub exception: Option<LitStr>,
    pub field: Option<LitStr>,
    pub span: Span,
}

const METHOD_KEYS: &str = "name, version, scope, result, wrapper, mutates, paging(...), error(...)";
const PAGING_KEYS: &str = "kind, id, order, filter, items";
const ERROR_KEYS: &str = "code, status, message, exception, field";

pub fn method_args(tokens: TokenStream, errors: &mut Errors) -> MethodArgs {
    let mut args = MethodArgs::default();
    let parser = syn::meta::parser(|meta| {
        let key = key(&meta);
        match key.as_str() {
            "name" => args.name = Some(meta.value()?.parse()?),
            "version" => args.version = Some(meta.value()?.parse()?),
            "scope" => args.scope = Some(meta.value()?.parse()?),
            "wrapper" => args.wrapper = Some(meta.value()?.parse()?),
            "result" => args.result = Some(meta.value()?.parse()?),
            "mutates" => args.mutates = true,
            "paging" => args.paging = Some(paging_arg(&meta, errors)?),
            "error" => args.errors.push(error_arg(&meta, errors)?),
            _ => unknown(&meta, METHOD_KEYS, errors)?,
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        errors.push(e);
    }
    args
}

fn paging_arg(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<PagingArg> {
    let mut arg = PagingArg {
        kind: None,
        id: None,
        order: None,
        filter: None,
        items: None,
        span: key_span(meta),
    };
    meta.parse_nested_meta(|inner| {
        let key = key(&inner);
        match key.as_str() {
            "kind" => arg.kind = Some(inner.value()?.parse()?),
            "id" => arg.id = Some(inner.value()?.parse()?),
            "order" => arg.order = Some(inner.value()?.parse()?),
            "filter" => arg.filter = Some(inner.value()?.parse()?),
            "items" => arg.items = Some(inner.value()?.parse()?),
            _ => unknown(&inner, PAGING_KEYS, errors)?,
        }
        Ok(())
    })?;
    Ok(arg)
}

fn error_arg(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<ErrorArg> {
    let mut arg = ErrorArg {
        code: None,
        status: None,
        message: None,
        exception: None,
        field: None,
        span: key_span(meta),
    };
    meta.parse_nested_meta(|inner| {
        let key = key(&inner);
        match key.as_str() {
            "code" => arg.code = Some(inner.value()?.parse()?),
            "status" => arg.status = Some(inner.value()?.parse()?),
            "message" => arg.message = Some(inner.value()?.parse()?),
            "exception" => arg.exception = Some(inner.value()?.parse()?),
            "field" => arg.field = Some(inner.value()?.parse()?),
            _ => unknown(&inner, ERROR_KEYS, errors)?,
        }
        Ok(())
    })?;
    Ok(arg)
}

/// Arguments of `#[bitrix_object(...)]`.
#[derive(Default)]
pub struct ObjectArgs {
    /// `received`: a structure only the server sends (an answer, an event post). It is
    /// decoded, never built field by field, so it gets no constructor and no setters, which
    /// also keeps the generated crate quicker to compile; when every field is optional,
    /// `Default` makes an empty one.
    pub received: bool,
}

/// Parses `#[bitrix_object(...)]`'s arguments; unknown ones are reported with what is expected.
pub fn object_args(tokens: TokenStream, errors: &mut Errors) -> ObjectArgs {
    let mut args = ObjectArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("received") {
            args.received = true;
        } else {
            unknown(&meta, "received", errors)?;
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        errors.push(e);
    }
    args
}

/// Arguments of `#[bitrix_enum(...)]`.
#[derive(Default)]
pub struct EnumArgs {
    pub repr: Option<LitStr>,
}

pub fn enum_args(tokens: TokenStream, errors: &mut Errors) -> EnumArgs {
    let mut args = EnumArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("repr") {
            args.repr = Some(meta.value()?.parse()?);
        } else {
            unknown(&meta, "repr", errors)?;
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(tokens) {
        errors.push(e);
    }
    args
}

/// A numeric bound as written (`min = 1`, `max = 2.5`, `min = -3`).
pub struct Bound {
    pub value: f64,
    pub span: Span,
}

/// A count bound (`min_len = 1`).
pub struct Count {
    pub value: usize,
    pub span: Span,
}

/// `#[bitrix(...)]` on a field.
#[derive(Default)]
pub struct FieldArgs {
    pub rename: Option<LitStr>,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub min_len: Option<Count>,
    pub max_len: Option<Count>,
    pub min_items: Option<Count>,
    pub max_items: Option<Count>,
    pub non_empty: Option<Span>,
    pub yn: Option<Span>,
    pub extra: Option<Span>,
}

const FIELD_KEYS: &str =
    "rename, min, max, min_len, max_len, min_items, max_items, non_empty, yn, extra";

/// Parses every `#[bitrix(...)]` among `attrs`.
pub fn field_args(attrs: &[Attribute], errors: &mut Errors) -> FieldArgs {
    let mut args = FieldArgs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("bitrix")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = key(&meta);
            let span = key_span(&meta);
            match key.as_str() {
                "rename" => args.rename = Some(meta.value()?.parse()?),
                "min" => args.min = Some(bound(&meta, span)?),
                "max" => args.max = Some(bound(&meta, span)?),
                "min_len" => args.min_len = Some(count(&meta, span)?),
                "max_len" => args.max_len = Some(count(&meta, span)?),
                "min_items" => args.min_items = Some(count(&meta, span)?),
                "max_items" => args.max_items = Some(count(&meta, span)?),
                "non_empty" => args.non_empty = Some(span),
                "yn" => args.yn = Some(span),
                "extra" => args.extra = Some(span),
                _ => unknown(&meta, FIELD_KEYS, errors)?,
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    args
}

/// `#[bitrix(value = ...)]` on an enum variant.
pub fn variant_value(attrs: &[Attribute], errors: &mut Errors) -> Option<Lit> {
    let mut value = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("bitrix")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("value") {
                let expr: Expr = meta.value()?.parse()?;
                value = Some(literal(&expr)?);
            } else {
                unknown(&meta, "value", errors)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    value
}

/// A literal, allowing a leading minus on integers.
fn literal(expr: &Expr) -> syn::Result<Lit> {
    match expr {
        Expr::Lit(l) => Ok(l.lit.clone()),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(i), ..
            }) => {
                let text = format!("-{}", i.base10_digits());
                Ok(Lit::Int(LitInt::new(&text, i.span())))
            }
            other => Err(syn::Error::new_spanned(other, "expected a literal")),
        },
        other => Err(syn::Error::new_spanned(other, "expected a literal")),
    }
}

fn bound(meta: &ParseNestedMeta<'_>, span: Span) -> syn::Result<Bound> {
    let expr: Expr = meta.value()?.parse()?;
    let value = match literal(&expr)? {
        Lit::Int(i) => i.base10_parse::<f64>()?,
        Lit::Float(f) => f.base10_parse::<f64>()?,
        other => return Err(syn::Error::new_spanned(other, "expected a number")),
    };
    Ok(Bound { value, span })
}

fn count(meta: &ParseNestedMeta<'_>, span: Span) -> syn::Result<Count> {
    let lit: LitInt = meta.value()?.parse()?;
    Ok(Count {
        value: lit.base10_parse()?,
        span,
    })
}

/// The key a nested attribute item names (`""` when its path is not a plain identifier).
fn key(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_default()
}

/// Where that key is written, for errors about the item as a whole.
fn key_span(meta: &ParseNestedMeta<'_>) -> Span {
    meta.path
        .get_ident()
        .map_or_else(Span::call_site, Ident::span)
}

/// Records an unknown key and skips its value, so the keys after it are still read.
fn unknown(meta: &ParseNestedMeta<'_>, expected: &str, errors: &mut Errors) -> syn::Result<()> {
    let name = meta
        .path
        .get_ident()
        .map_or_else(|| "?".to_owned(), Ident::to_string);
    errors.push(meta.error(format!(
        "unknown attribute `{name}`; expected one of: {expected}"
    )));
    if meta.input.peek(Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _ = meta.parse_nested_meta(|inner| {
            if inner.input.peek(Token![=]) {
                let _: Expr = inner.value()?.parse()?;
            }
            Ok(())
        });
    }
    Ok(())
}
