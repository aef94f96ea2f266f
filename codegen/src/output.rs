//! Assembling generated files, writing them, and checking checked-in output for staleness.

use std::io;
use std::path::Path;

pub use bitrix_spec::tree::Stale;

use proc_macro2::{Ident, Span};
use quote::quote;

use crate::emit::{self, header};
use crate::ir::{Crate, Group};

/// Generated files by path relative to the output root, in a stable order.
pub type Output = bitrix_spec::tree::Files;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

fn cfg(feature: Option<&String>) -> proc_macro2::TokenStream {
    match feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => quote!(),
    }
}

/// `mod x; pub use x::*;` for every module of a group.
fn group_index(group: &Group) -> proc_macro2::TokenStream {
    let decls = group.modules.iter().map(|m| {
        let name = ident(&m.name);
        let cfg = cfg(m.feature.as_ref());
        quote! {
            #cfg
            mod #name;
            #cfg
            pub use #name::*;
        }
    });
    quote!(#(#decls)*)
}

/// The checked-in crate.
pub fn crate_files(krate: &Crate) -> Output {
    let mut out = Output::new();
    out.insert("Cargo.toml".to_owned(), cargo_toml(krate));
    out.insert("src/lib.rs".to_owned(), lib_rs(krate));
    out.insert("src/list_paging.rs".to_owned(), list_paging_rs(krate));
    if let Some(event) = crate::event_enum::event_rs(krate) {
        out.insert("src/event.rs".to_owned(), event);
    }
    for group in &krate.groups {
        let dir = format!("src/{}", group.name);
        out.insert(
            format!("{dir}/mod.rs"),
            emit::format_file(&header("spec/"), &group.doc, group_index(group)),
        );
        for m in &group.modules {
            let body = emit::module_body(m, emit::TypesPath::Crate);
            out.insert(
                format!("{dir}/{}.rs", m.name),
                emit::format_file(&header(&m.source), &m.doc, body),
            );
        }
    }
    out
}

fn lib_rs(krate: &Crate) -> String {
    let groups = krate.groups.iter().map(|g| {
        let name = ident(&g.name);
        let cfg = cfg(g.feature.as_ref());
        let doc = emit::doc_attrs(&g.doc);
        quote! {
            #doc
            #cfg
            pub mod #name;
        }
    });
    let event = (!krate.events.is_empty()).then(|| {
        quote! {
            mod event;
            pub use event::Event;
        }
    });
    let features: Vec<String> = krate.scopes.iter().map(|s| format!("`{s}`")).collect();
    let doc = format!(
        "Typed Bitrix24 REST client, generated from the bitrix24-rs spec ({} methods).\n\n\
         Every method is a struct: required parameters are constructor arguments, optional ones \
         setters; [`Client::call`] validates it, sends it and decodes the typed result or the \
         typed error. Each method's docs link its official page.\n\n\
         Cargo features: one per scope ({}), `full` (the default) for all of them, `redis` \
         for `RedisBucket` and `RedisTokenStore`, a portal's request budget and an \
         application's OAuth tokens shared across processes through Redis, and `axum` for \
         `event_route`, an axum route for event posts.\n\n\
         Event posts decode with [`EventDecoder`] and type into [`Event`]; \
         [`Client::offline_events`] polls the events a portal queued.\n\n\
         Methods the spec lacks can be declared with [`bitrix_method`] and get the same API, or \
         called untyped with [`Client::call_raw`].",
        krate.method_count,
        features.join(", ")
    );
    let tokens = quote! {
        #![deny(missing_docs)]

        extern crate self as bitrix24;

        pub use bitrix_macros::{bitrix_enum, bitrix_method, bitrix_object};
        pub use bitrix_runtime::{
            ApiError, ApiVersion, AuthError, Batch, BatchAnswers, Bind, Bucket, CallOptions,
            CallStats, Client, ClientBuilder, CommonError, ConfigError, Error, ErrorCode,
            EventAuth, EventDecodeError, EventDecoder, EventPayloadError, EventPost, FieldError,
            FieldPath, FileStore, FromEventPost, Handle, LimitError, LimitFuture, Limits, List,
            LocalBucket, MemoryStore, Method, OAuthApp, OfflineAck, OfflineEvent, OfflineEvents,
            Page, Paging, PagingKind, Placeholder, RateLimiter, Ref, RefreshLock, Response,
            RetryPolicy, Secret, StoreError, StoreErrorKind, StoreFuture, Time, TokenSet,
            TokenStore, TransportError, UnknownOutcome, Validate, ValidationErrors, Validator,
            DEFAULT_REFRESH_AHEAD, DEFAULT_TIMEOUT, MAX_BATCH_COMMANDS, PAGE_SIZE,
        };
        #[cfg(feature = "redis")]
        pub use bitrix_runtime::{RedisBucket, RedisTokenStore};
        #[cfg(feature = "axum")]
        pub use bitrix_runtime::{axum, event_route, event_route_with, ReceivedEvent};
        /// The JSON library of untyped calls and loose result types.
        pub use bitrix_runtime::serde_json;
        #[doc(hidden)]
        pub use bitrix_runtime::{__private, conformance};

        mod list_paging;
        pub use list_paging::list_paging;
        #event

        #(#groups)*
    };
    emit::format_file(&header("spec/"), &doc, tokens)
}

/// `list_paging`: every list method's paging by wire name, for tools that pick a list at run
/// time (an export of any list). Each arm reads the method's own `PAGING`, so the table holds
/// no copy of it.
fn list_paging_rs(krate: &Crate) -> String {
    let arms = krate.groups.iter().flat_map(|g| {
        let group = ident(&g.name);
        g.modules.iter().flat_map(move |m| {
            let cfg = cfg(g.feature.as_ref().or(m.feature.as_ref()));
            let group = group.clone();
            m.items.iter().filter_map(move |item| match item {
                crate::ir::Item::Method(method) if method.paging.is_some() => {
                    let name = ident(&method.name);
                    let wire = &method.wire;
                    let version = match method.version {
                        bitrix_spec::Version::V1 => quote!(V1),
                        bitrix_spec::Version::V3 => quote!(V3),
                    };
                    Some(quote! {
                        #cfg
                        (ApiVersion::#version, #wire) => <crate::#group::#name as crate::Method>::PAGING,
                    })
                }
                _ => None,
            })
        })
    });
    let tokens = quote! {
        // `Method` by its path: with no scope feature on, no arm names it.
        use crate::{ApiVersion, Paging};

        /// How the list method `name` of REST generation `version` pages, when the spec has
        /// it as a list (and its scope's feature is on): what [`crate::Client::list_raw`]
        /// needs to stream a list chosen at run time.
        pub fn list_paging(version: ApiVersion, name: &str) -> Option<Paging> {
            match (version, name) {
                #(#arms)*
                _ => None,
            }
        }
    };
    emit::format_file(
        &header("spec/"),
        "The paging of every list method, by name.",
        tokens,
    )
}

fn cargo_toml(krate: &Crate) -> String {
    let mut s = String::new();
    for line in header("spec/").lines() {
        s.push_str("# ");
        s.push_str(line);
        s.push('\n');
    }
    s.push_str(
        r#"[package]
name = "bitrix24"
description = "Typed Bitrix24 REST client, generated from the bitrix24-rs spec."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[dependencies]
bitrix-runtime.workspace = true
bitrix-macros.workspace = true

[dev-dependencies]
tokio.workspace = true
bitrix24-emulator.workspace = true
clap.workspace = true
futures-util.workspace = true
indicatif.workspace = true

[lints]
workspace = true

[features]
default = ["full"]
# A portal's leaky bucket and an application's OAuth tokens kept in Redis, shared across
# processes (`RedisBucket`, `RedisTokenStore`).
redis = ["bitrix-runtime/redis"]
# `event_route`: an axum route that answers event posts at once and hands them to a channel.
axum = ["bitrix-runtime/axum"]
"#,
    );
    let all: Vec<String> = krate.scopes.iter().map(|s| format!("{s:?}")).collect();
    s.push_str(&format!("full = [{}]\n", all.join(", ")));
    for scope in &krate.scopes {
        s.push_str(&format!("{scope} = []\n"));
    }
    s.push_str(
        r#"
[[example]]
name = "events_axum"
required-features = ["axum", "crm"]
"#,
    );
    s
}

/// Everything in one file, for `include!` from a build script's output.
pub fn single_file(krate: &Crate, source: &str) -> String {
    let groups = krate.groups.iter().map(|g| {
        let name = ident(&g.name);
        let doc = emit::doc_attrs(&g.doc);
        let modules = g.modules.iter().map(|m| {
            let mname = ident(&m.name);
            let mdoc = emit::doc_attrs(&m.doc);
            let body = emit::module_body(m, emit::TypesPath::Relative);
            quote! {
                #mdoc
                mod #mname {
                    #body
                }
                pub use #mname::*;
            }
        });
        quote! {
            #doc
            pub mod #name {
                #(#modules)*
            }
        }
    });
    let file: syn::File =
        syn::parse2(quote!(#(#groups)*)).expect("generated tokens parse as a file");
    let mut out = String::new();
    for line in header(source).lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&prettyplease::unparse(&file));
    out
}

/// The folders whose `.rs` files are all generated.
const GENERATED: bitrix_spec::tree::Owned<'static> = bitrix_spec::tree::Owned {
    folders: &["src", "tests"],
    extension: ".rs",
};

/// Writes `output` under `root`, and removes generated `.rs` files under `root/src` and
/// `root/tests` that are no longer produced.
///
/// # Errors
/// I/O errors.
pub fn write(root: &Path, output: &Output) -> io::Result<()> {
    bitrix_spec::tree::write(root, output, GENERATED)
}

/// Compares `output` with what is under `root`.
///
/// # Errors
/// I/O errors other than missing files.
pub fn check(root: &Path, output: &Output) -> io::Result<Vec<Stale>> {
    bitrix_spec::tree::check(root, output, GENERATED)
}

/// In the runtime crate the generator owns only the files it writes: the rest is hand-written.
const GENERATED_IN_RUNTIME: bitrix_spec::tree::Owned<'static> = bitrix_spec::tree::Owned {
    folders: &[],
    extension: ".rs",
};

/// Writes the runtime crate's generated files (see [`crate::generate_runtime`]) under `root`,
/// the runtime crate's folder. Nothing else there is touched.
///
/// # Errors
/// I/O errors.
pub fn write_runtime(root: &Path, output: &Output) -> io::Result<()> {
    bitrix_spec::tree::write(root, output, GENERATED_IN_RUNTIME)
}

/// Compares the runtime crate's generated files with what is under `root`.
///
/// # Errors
/// I/O errors other than missing files.
pub fn check_runtime(root: &Path, output: &Output) -> io::Result<Vec<Stale>> {
    bitrix_spec::tree::check(root, output, GENERATED_IN_RUNTIME)
}

#[cfg(test)]
mod tests {
    use bitrix_spec::naming::{snake_ident, RESERVED_MODULES};

    use super::*;

    /// Leaf names of a `use` tree.
    fn leaves(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => leaves(&p.tree, out),
            syn::UseTree::Name(n) => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, out)),
            syn::UseTree::Glob(_) => out.push("*".to_owned()),
        }
    }

    /// A scope module can never collide with a name the crate root re-exports: every
    /// lowercase runtime name is reserved (the macros live in the macro namespace).
    #[test]
    fn root_reexports_cannot_collide_with_scope_modules() {
        let krate = Crate {
            groups: Vec::new(),
            events: Vec::new(),
            scopes: Vec::new(),
            method_count: 0,
        };
        let file = syn::parse_file(&lib_rs(&krate)).expect("lib.rs parses");
        let mut names = Vec::new();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                let syn::UseTree::Path(p) = &u.tree else {
                    panic!("unexpected re-export");
                };
                if p.ident != "bitrix_macros" {
                    leaves(&u.tree, &mut names);
                }
            }
        }
        assert!(names.contains(&"Client".to_owned()), "{names:?}");
        assert!(!names.contains(&"*".to_owned()), "no glob re-export");
        for name in names.iter().filter(|n| !n.starts_with(char::is_uppercase)) {
            // `__private` is not a name `snake_ident` produces.
            assert!(
                RESERVED_MODULES.contains(&name.as_str()) || snake_ident(name) != *name,
                "`{name}` is re-exported at the crate root but a scope could take it"
            );
        }
    }
}
