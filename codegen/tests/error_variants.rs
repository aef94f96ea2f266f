//! Every variant of every generated error enum is reachable: over the whole checked-in spec,
//! the answer the server sends for each documented error (v1 and REST 3.0 shapes) decodes, the
//! way the client decodes it, to exactly that error's variant, not to another variant, a
//! shared code or `Unknown`. Nothing here builds the generated crate: the enums' variants and
//! arms come from the same `error_codes` data the `#[bitrix_method]` expansion uses.

use std::fmt;
use std::path::Path;

use bitrix_runtime::__private::{decode_answer, is_message};
use bitrix_runtime::{CommonError, Error, ErrorCode};
use bitrix_spec::error_codes::{self, Code, Decoded};
use bitrix_spec::{ErrorEntry, Method, Spec, Version};
use serde_json::{json, Value};

/// The code and message the client hands to an enum's `from_answer`.
#[derive(Debug, Clone, PartialEq)]
struct Wire {
    code: String,
    message: String,
}

impl ErrorCode for Wire {
    fn from_code(code: &str) -> Self {
        Self::from_answer(code, "")
    }

    fn from_answer(code: &str, message: &str) -> Self {
        Wire {
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    fn code(&self) -> &str {
        &self.code
    }

    fn is_unknown(&self) -> bool {
        false
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

fn spec() -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    bitrix_codegen::load_spec(&dir).expect("the checked-in spec loads")
}

/// The codes a method's `#[bitrix_method]` attribute carries, merged as the expansion merges
/// them: what codegen emits (an error without a code only with a message), with the REST 3.0
/// exception a shared code takes from its catalogue.
fn method_codes(spec: &Spec, m: &Method) -> Vec<Code> {
    let shared_exception = |e: &ErrorEntry| {
        spec.catalogues
            .values()
            .flat_map(|c| &c.errors)
            .find(|s| e.code.is_some() && s.code == e.code)
            .and_then(|s| s.exception.clone())
    };
    let mut codes = Vec::new();
    for e in &m.errors {
        if e.code.is_none() && e.message.trim().is_empty() {
            continue;
        }
        error_codes::merge(
            &mut codes,
            Code {
                code: e.code.clone(),
                status: Some(e.status),
                messages: vec![e.message.clone()],
                exception: e.exception.clone().or_else(|| shared_exception(e)),
                catalogue: None,
            },
        );
    }
    codes
}

/// The answers the server sends for `code`, in the method's generation's shape; a numeric v1
/// code also as a JSON number, which some methods send.
fn answers(version: Version, code: &Code) -> Vec<Value> {
    let wire = code.code.clone().unwrap_or_default();
    let message = code.messages.first().cloned().unwrap_or_default();
    match version {
        Version::V1 => {
            let mut out = vec![json!({"error": wire, "error_description": message})];
            if let Ok(n) = wire.parse::<u64>() {
                out.push(json!({"error": n, "error_description": message}));
            }
            out
        }
        Version::V3 => vec![json!({"error": {"code": wire, "message": message}})],
    }
}

/// What the client makes of `body`: the code and message it decodes.
fn received(status: u16, body: &Value) -> Wire {
    let bytes = serde_json::to_vec(body).expect("a JSON value encodes");
    match decode_answer::<Value, Wire>(status, &bytes, None) {
        Err(Error::Api(api)) => api.code,
        other => panic!("{body}: not an API error: {other:?}"),
    }
}

fn is_shared(code: &str) -> bool {
    !CommonError::from_code(code).is_unknown()
}

#[test]
fn every_documented_error_decodes_to_its_own_variant() {
    let spec = spec();
    let (mut variants, mut unreachable) = (0, Vec::new());
    for m in spec.methods.values() {
        let codes = method_codes(&spec, m);
        let names = error_codes::variant_names(&codes);
        for (i, code) in codes.iter().enumerate() {
            variants += 1;
            for body in answers(m.version, code) {
                let wire = received(code.status.unwrap_or(400), &body);
                let got =
                    error_codes::decode(&codes, &wire.code, &wire.message, is_message, is_shared);
                if got != Decoded::Own(i) {
                    let got = match got {
                        Decoded::Own(j) => names[j].clone(),
                        other => format!("{other:?}"),
                    };
                    unreachable.push(format!(
                        "{} ({}): {} from {body} decodes to {got}",
                        m.name, m.version, names[i]
                    ));
                }
            }
        }
    }
    println!("error variants: {variants}");
    println!("unreachable error variants: {}", unreachable.len());
    assert!(variants > 1000, "the spec has {variants} error variants");
    assert!(unreachable.is_empty(), "{}", unreachable.join("\n"));
}

#[test]
fn variant_names_are_unique_identifiers_apart_from_the_nesting_ones() {
    let spec = spec();
    let mut bad = Vec::new();
    for m in spec.methods.values() {
        let names = error_codes::variant_names(&method_codes(&spec, m));
        for (i, n) in names.iter().enumerate() {
            let ident = syn::parse_str::<syn::Ident>(n).is_ok();
            let taken = names[..i].contains(n) || n == "Common" || n == "Unknown";
            if !ident || taken {
                bad.push(format!("{}: `{n}`", m.name));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn an_unknown_code_or_message_is_never_taken_for_a_documented_error() {
    let spec = spec();
    let m = spec
        .method("calendar.event.add", Version::V1)
        .expect("calendar.event.add is in the spec");
    let codes = method_codes(&spec, m);
    assert!(codes.iter().all(|c| c.code.is_none()), "{codes:?}");
    let decode = |code: &str, message: &str| {
        error_codes::decode(&codes, code, message, is_message, is_shared)
    };
    assert_eq!(decode("", "Something else"), Decoded::Unknown);
    assert_eq!(
        decode("QUERY_LIMIT_EXCEEDED", "Access denied"),
        Decoded::Common
    );
    let denied = codes
        .iter()
        .position(|c| c.matched_message() == Some("Access denied"))
        .expect("calendar.event.add documents \"Access denied\"");
    assert_eq!(decode("", "Access denied."), Decoded::Own(denied));
}
