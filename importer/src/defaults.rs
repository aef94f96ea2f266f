//! A field's default as its row's description states it: "Default is `P`", "If not provided,
//! the default value is `Y`", "`true` (default)", "`1` by default". Only a value that fits the
//! field's type (and its listed values, when it has them) is taken; prose about some other
//! default ("the portal's default currency") names none.

use bitrix_spec::{EnumLiteral, Kind, Type};
use serde_json::Value;

/// Words that may stand between "default" and its value ("the default value is `Y`").
const BETWEEN: [&str; 8] = ["value", "values", "is", "are", "to", "equals", "set", "of"];

/// The default the description states for the field `name` of type `ty`, as a wire value.
pub(crate) fn documented(name: &str, description: &str, ty: &Type) -> Option<Value> {
    let span = after_word(description).or_else(|| before_word(description))?;
    // "By default, `event_type=online`": the value assigned to this field.
    let value = match span.split_once('=') {
        Some((key, value)) if key.trim().eq_ignore_ascii_case(name) => value,
        Some(_) => return None,
        None => span,
    };
    // `'0'`, `"N"`: the quotes say it is a string; the value is inside them.
    let value = value.trim();
    let value = ['\'', '"']
        .iter()
        .find_map(|q| value.strip_prefix(*q)?.strip_suffix(*q))
        .unwrap_or(value);
    fitting(value, ty)
}

/// Where the word "default" (or "defaults") stands on its own: not inside a name such as
/// `defaultValue` or `isDefault`.
fn word_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let lower = text.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("default").map(|(at, _)| at).collect();
    starts.into_iter().filter_map(move |at| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + "default".len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        let after = rest.chars().next();
        let part_of_name =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '`');
        (!part_of_name(before) && !part_of_name(after)).then_some((at, rest))
    })
}

/// The code span right after "default" and the linking words ("Default is `P`").
fn after_word(text: &str) -> Option<&str> {
    word_at(text).find_map(|(_, mut rest)| {
        // "defaults to", "default:" and "default —" as well.
        for _ in 0..4 {
            rest = rest.trim_start_matches([' ', ':', '—', '-', ',', '=']);
            let next: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if next.is_empty() || !BETWEEN.contains(&next.to_ascii_lowercase().as_str()) {
                break;
            }
            rest = &rest[next.len()..];
        }
        let rest = rest.strip_prefix('`')?;
        rest.find('`').map(|end| &rest[..end])
    })
}

/// The code span right before "(default)", "— default" or "by default" ("`true` (default)").
fn before_word(text: &str) -> Option<&str> {
    word_at(text).find_map(|(at, _)| {
        let head = text[..at].trim_end();
        let head = ["(", "by", "—", "-", "is the"]
            .iter()
            .find_map(|w| head.strip_suffix(w))?
            .trim_end();
        let head = head.strip_suffix('`')?;
        head.rfind('`').map(|start| &head[start + 1..])
    })
}

/// `value` as the wire value of a field of type `ty`; `None` when it does not fit.
fn fitting(value: &str, ty: &Type) -> Option<Value> {
    // "Default is `null`", "`''`": no value is sent, which is no default to record.
    if matches!(value, "null" | "undefined" | "''" | "\"\"") {
        return None;
    }
    let wire = match &ty.kind {
        Kind::Integer => Value::from(value.parse::<i64>().ok()?),
        Kind::Double => Value::from(value.parse::<f64>().ok().filter(|f| f.is_finite())?),
        Kind::Boolean => Value::Bool(value.parse::<bool>().ok()?),
        Kind::Yn if matches!(value, "Y" | "N") => Value::from(value),
        // `true`/`false` for a string field say something the docs did not mean to type.
        Kind::String
            if !value.is_empty()
                && !value.contains(char::is_whitespace)
                && !matches!(value, "true" | "false") =>
        {
            Value::from(value)
        }
        _ => return None,
    };
    if !ty.enum_values.is_empty() {
        let listed = ty.enum_values.iter().any(|e| match &e.value {
            EnumLiteral::Int(i) => wire.as_i64() == Some(*i),
            EnumLiteral::Str(s) => wire.as_str() == Some(s),
        });
        if !listed {
            return None;
        }
    }
    Some(wire)
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{EnumValue, Kind, Type};
    use serde_json::{json, Value};

    fn default(description: &str, kind: Kind) -> Option<Value> {
        super::documented("EVENT_TYPE", description, &Type::of(kind))
    }

    #[test]
    fn stated_defaults_of_a_fitting_type() {
        assert_eq!(
            default("Scope. Default is `P`", Kind::String),
            Some(json!("P"))
        );
        assert_eq!(
            default("If not provided, the default value is `Y`", Kind::Yn),
            Some(json!("Y"))
        );
        assert_eq!(
            default("Mark it: `true` (default)", Kind::Boolean),
            Some(json!(true))
        );
        assert_eq!(
            default("Sort, `500` by default", Kind::Integer),
            Some(json!(500))
        );
        assert_eq!(
            default("Quantity. Defaults to `1.0`", Kind::Double),
            Some(json!(1.0))
        );
        assert_eq!(default("Type; default: `2`", Kind::Integer), Some(json!(2)));
        assert_eq!(
            default("Pad with `'0'` by default", Kind::String),
            Some(json!("0"))
        );
        assert_eq!(
            default("By default, `event_type=online`", Kind::String),
            Some(json!("online"))
        );
    }

    #[test]
    fn other_prose_about_defaults_names_none() {
        // Not a value of the field's type.
        assert_eq!(default("Default is `P`", Kind::Integer), None);
        assert_eq!(default("Default is `Y`", Kind::Boolean), None);
        // A default that is not a code span right there.
        assert_eq!(
            default(
                "The portal's default currency, see `crm.currency.list`",
                Kind::String
            ),
            None
        );
        assert_eq!(default("Uses the default settings", Kind::String), None);
        assert_eq!(default("Default is `two words`", Kind::String), None);
        // An assignment to another field, or a flag word for a string, is no default here.
        assert_eq!(default("By default, `mode=online`", Kind::String), None);
        assert_eq!(default("Default is `false`", Kind::String), None);
        // No value at all is no default.
        assert_eq!(default("Default is `null`", Kind::String), None);
        assert_eq!(
            default("Empty by default: `''` (default)", Kind::String),
            None
        );
        // A name with "default" in it is no statement of a default.
        assert_eq!(
            default("See `defaultValue` — `X`, and `isDefault`", Kind::String),
            None
        );
        // Not one of the listed values.
        let mut listed = Type::of(Kind::String);
        listed.enum_values = vec![EnumValue {
            value: bitrix_spec::EnumLiteral::Str("A".into()),
            name: None,
        }];
        assert_eq!(super::documented("X", "Default is `B`", &listed), None);
        assert_eq!(
            super::documented("X", "Default is `A`", &listed),
            Some(json!("A"))
        );
    }
}
