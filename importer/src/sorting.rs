//! `order`/`sort` parameters of list methods: an object whose keys are field names and whose
//! values are sort directions. The directions are one named type, `sort_direction`, shared by
//! every list method, rather than a copy of `ASC`/`DESC` per method.

use bitrix_spec::{EnumLiteral, EnumValue, Kind, NamedType, Type};

/// The named type of a sort direction.
pub(crate) const SORT_DIRECTION: &str = "sort_direction";

/// `ASC`/`DESC`. The list pages spell them in either case and the server reads either; most
/// request examples send upper case. No page of the docs defines the type on its own, so it
/// links the general page on list methods.
pub(crate) fn sort_direction() -> NamedType {
    let rel = "settings/how-to-call-rest-api/list-methods-pecularities.md";
    let mut ty = Type::of(Kind::String);
    ty.enum_values = [("ASC", "ascending"), ("DESC", "descending")]
        .map(|(value, label)| EnumValue {
            value: EnumLiteral::Str(value.to_owned()),
            name: Some(label.to_owned()),
        })
        .to_vec();
    NamedType {
        name: SORT_DIRECTION.to_owned(),
        title: "Sort direction of a list method's order".to_owned(),
        doc_url: format!(
            "https://apidocs.bitrix24.com/{}.html",
            rel.trim_end_matches(".md")
        ),
        source: rel.to_owned(),
        ty,
    }
}

/// Types the values of the row `name` when it is a sort object its `description` speaks of:
/// the values of the keys its table names are texts, and sort directions when the row names
/// `asc`/`desc` (then a free-form object is a map of directions).
pub(crate) fn type_sort_object(name: &str, description: &str, ty: &mut Type) {
    let sorts = ["order", "sort"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name));
    let lower = description.to_lowercase();
    if !sorts || !["sort", "asc", "desc"].iter().any(|w| lower.contains(w)) {
        return;
    }
    // "The order to pay": an entity named `order` keeps its fields.
    let directions = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "asc" || w == "desc");
    let value = || {
        Type::of(if directions {
            Kind::Named(SORT_DIRECTION.to_owned())
        } else {
            Kind::String
        })
    };
    match &mut ty.kind {
        Kind::Object { fields, .. } if !fields.is_empty() => {
            // A field with values of its own keeps them.
            for f in fields
                .iter_mut()
                .filter(|f| f.ty.kind != Kind::String || f.ty.enum_values.is_empty())
            {
                f.ty = value();
            }
        }
        Kind::Object { fields, patterns }
            if directions && fields.is_empty() && patterns.is_empty() =>
        {
            ty.kind = Kind::map_of(value());
        }
        // PHP's associative array, `{'sort_field': 'sort_direction'}`, which the docs call
        // `array`.
        Kind::Array(_) if directions => {
            ty.kind = Kind::map_of(value());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_objects_take_directions_and_other_objects_stay() {
        let direction = Kind::Named(SORT_DIRECTION.to_owned());
        let mut free = Type::of(Kind::object());
        type_sort_object("order", "In the form `{field: 'asc'}`", &mut free);
        assert_eq!(free.patterns()[0].ty.kind, direction);
        let mut keyed = Type::of(Kind::object_of(vec![bitrix_spec::Field::new(
            "ID",
            false,
            Type::of(Kind::Integer),
        )]));
        type_sort_object("SORT", "Sort by these fields", &mut keyed);
        assert_eq!(keyed.fields()[0].ty.kind, Kind::String);
        let mut sale_order = Type::of(Kind::object());
        type_sort_object("order", "The order to pay", &mut sale_order);
        assert_eq!(sale_order.kind, Kind::object());
        let mut php = Type::of(Kind::Array(None));
        type_sort_object(
            "order",
            "`{'sort_field': 'sort_direction'}`: `asc` or `desc`",
            &mut php,
        );
        assert_eq!(php.patterns()[0].ty.kind, direction);
        let mut filter = Type::of(Kind::object());
        type_sort_object("filter", "Sort of filter, `asc`", &mut filter);
        assert_eq!(filter.kind, Kind::object());
        let t = sort_direction();
        let values: Vec<String> =
            t.ty.enum_values
                .iter()
                .map(|v| v.value.to_string())
                .collect();
        assert_eq!(values, ["ASC", "DESC"]);
    }
}
