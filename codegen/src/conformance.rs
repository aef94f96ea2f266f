//! The generated crate's conformance test: for every method whose spec has a JSON request and a
//! JSON response example, a case that runs `bitrix24::conformance::check_json` on them.

use bitrix_spec::{ExampleKind, Method, Spec};
use proc_macro2::{Ident, Literal, Span};
use quote::quote;

use crate::emit;
use crate::ir::{Crate, Item};

/// Path of the test inside the generated crate.
pub const PATH: &str = "tests/conformance.rs";

/// The first request and the first successful response example, as compact JSON.
fn examples(m: &Method) -> Option<(String, String)> {
    let first = |kind: ExampleKind| {
        m.examples
            .iter()
            .find(|e| e.kind == kind && e.status.is_none_or(|s| (200..300).contains(&s)))
            .map(|e| e.body.to_string())
    };
    Some((first(ExampleKind::Request)?, first(ExampleKind::Response)?))
}

/// The test file; `None` when no method has both examples.
pub fn test_file(spec: &Spec, krate: &Crate, header: &str) -> Option<String> {
    let mut cases = Vec::new();
    for group in &krate.groups {
        let group_ident = Ident::new(&group.name, Span::call_site());
        for module in &group.modules {
            for item in &module.items {
                let Item::Method(item) = item else { continue };
                let Some(method) = spec.methods.get(&(item.wire.clone(), item.version)) else {
                    continue;
                };
                let Some((request, response)) = examples(method) else {
                    continue;
                };
                let ty = Ident::new(&item.name, Span::call_site());
                let label = format!("{} ({})", item.wire, item.version);
                let (request, response) = (Literal::string(&request), Literal::string(&response));
                let cfg = group
                    .feature
                    .as_ref()
                    .or(module.feature.as_ref())
                    .map(|f| quote!(#[cfg(feature = #f)]));
                cases.push(quote! {
                    #cfg
                    cases.push(Case {
                        method: #label,
                        run: || check_json::<bitrix24::#group_ident::#ty>(#request, #response),
                    });
                });
            }
        }
    }
    if cases.is_empty() {
        return None;
    }
    let count = cases.len();
    let doc = format!(
        "Conformance of the generated types with the documentation's examples ({count} methods \
         with a JSON request and response example): each request example decodes into the typed \
         request and serializes back to the same JSON, and each response example decodes into \
         the typed result.\n\nRun `cargo test -p bitrix24 --test conformance -- --nocapture` \
         to see `conformance: N/M` and the failures by cause (every failure with `CONFORMANCE_ALL=1`)."
    );
    let tokens = quote! {
        use bitrix24::conformance::{check_json, Case, Summary};

        /// The share of methods that must conform, in percent.
        const GOAL: usize = 95;

        #[allow(clippy::vec_init_then_push)] // each push has its own feature gate
        fn cases() -> Vec<Case> {
            let mut cases = Vec::new();
            #(#cases)*
            cases
        }

        #[test]
        fn conformance() {
            let summary = Summary::run(&cases());
            if std::env::var_os("CONFORMANCE_ALL").is_some() {
                println!("{summary:#}");
            } else {
                println!("{summary}");
            }
            assert!(
                summary.at_least(GOAL),
                "fewer than {GOAL}% of the methods with examples conform:\n{summary}"
            );
        }
    };
    Some(emit::format_file(header, &doc, tokens))
}
