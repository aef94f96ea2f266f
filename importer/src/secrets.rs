//! Credentials in parameters, answers and events: a text field named as a password or an
//! access token is `secret`, so the generated code keeps it out of `Debug` and logs. The
//! pages do not mark them; the names do.

use bitrix_spec::{Field, Kind, Type};

use crate::Import;

/// Whether a field name names a credential: a password, a client secret, or a token that
/// grants access (`access_token`, `botToken`), not one that marks a place in a list
/// (`PAGE_TOKEN`, `SYNC_TOKEN`) or counts something (`max_tokens`).
fn names_a_credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let cursor = ["page", "sync", "next", "continuation"]
        .iter()
        .any(|w| lower.starts_with(w));
    lower.contains("password") || lower.contains("secret") || (lower.ends_with("token") && !cursor)
}

/// Marks every credential-named text field, at any depth, as `secret`.
pub(crate) fn mark(import: &mut Import) {
    for m in import.methods.values_mut() {
        fields(&mut m.params);
        ty(&mut m.result);
    }
    for t in import.types.values_mut() {
        ty(&mut t.ty);
    }
    for e in import.events.values_mut() {
        fields(&mut e.payload);
    }
}

fn fields(fields: &mut [Field]) {
    for f in fields {
        if f.ty.kind == Kind::String && names_a_credential(&f.name) {
            f.ty.secret = true;
        }
        ty(&mut f.ty);
    }
}

fn ty(t: &mut Type) {
    match &mut t.kind {
        Kind::Object {
            fields: own,
            patterns,
        } => {
            fields(own);
            for p in patterns {
                ty(&mut p.ty);
            }
        }
        Kind::Array(Some(item)) => ty(item),
        Kind::Union(variants) => variants.iter_mut().for_each(ty),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_access_tokens_are_secret_cursors_and_counts_are_not() {
        for name in [
            "PASSWORD",
            "SIP_PASSWORD",
            "access_token",
            "refresh_token",
            "application_token",
            "botToken",
            "client_secret",
        ] {
            assert!(names_a_credential(name), "{name}");
        }
        for name in [
            "PAGE_TOKEN",
            "SYNC_TOKEN",
            "ai_text_max_tokens",
            "TOKENIZER",
            "ID",
        ] {
            assert!(!names_a_credential(name), "{name}");
        }
    }

    #[test]
    fn only_text_fields_at_any_depth_are_marked() {
        let inner = Field::new("SIP_PASSWORD", false, Type::of(Kind::String));
        let mut list = vec![
            Field::new(
                "lines",
                false,
                Type::of(Kind::array_of(Type::of(Kind::object_of(vec![inner])))),
            ),
            // An object named so holds credentials; it is not one text to hide.
            Field::new("PASSWORD", false, Type::of(Kind::object())),
        ];
        fields(&mut list);
        let item = list[0].ty.items().unwrap();
        assert!(item.fields()[0].ty.secret);
        assert!(!list[1].ty.secret);
    }
}
