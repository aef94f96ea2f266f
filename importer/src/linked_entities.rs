//! A parameter object whose fields another page documents (`tasks.task.add` `fields` →
//! `tasks/fields.md`) is the entity that page defines, when the answers made a named type of
//! it: the request then uses that type, not a copy per method. Runs once every page is read
//! and the entities are shared ([`crate::results::entity::share`]).

use std::collections::BTreeMap;

use bitrix_spec::{named_types_reached, Field, Kind, MethodKey, Type};

use crate::linked::LinkedParam;
use crate::Import;

/// Replaces each linked parameter object by the named type defined from the same page, when
/// every field the object has is one of the type's. Only objects whose fields are all optional
/// are linked here (see [`crate::linked::resolve`]): a type that answers reach reads every
/// field as optional, so a creating method's required fields would be lost in it.
pub(crate) fn share(import: &mut Import, linked: &BTreeMap<MethodKey, Vec<LinkedParam>>) {
    let roots = import.methods.values().map(|m| &m.result).chain(
        import
            .events
            .values()
            .flat_map(|e| e.payload.iter().map(|f| &f.ty)),
    );
    let answered = named_types_reached(roots, &import.types);
    for (key, params) in linked {
        let Some(m) = import.methods.get_mut(key) else {
            continue;
        };
        for param in params {
            let Some(object) = at_mut(&mut m.params, &param.path) else {
                continue;
            };
            let own = object.fields();
            // The one type from that page that has every field of the object. A type only
            // requests use keeps its required fields; these objects have none.
            let mut from_page = import.types.values().filter(|t| {
                t.source == param.source
                    && (answered.contains(&t.name) || t.ty.fields().iter().all(|f| !f.required))
                    && !own.is_empty()
                    && own
                        .iter()
                        .all(|f| t.ty.fields().iter().any(|e| e.name == f.name))
            });
            let (Some(entity), None) = (from_page.next(), from_page.next()) else {
                continue;
            };
            object.kind = Kind::Named(entity.name.clone());
            if let Some(c) = &mut m.confidence {
                c.reasons.push(format!(
                    "`{}`: the entity `{}` its linked page ({}) defines",
                    param.path.join("."),
                    entity.name,
                    param.source
                ));
            }
        }
    }
}

/// The type at `path` (keys from the parameters down; a list is passed through to its items).
fn at_mut<'t>(params: &'t mut [Field], path: &[String]) -> Option<&'t mut Type> {
    let (first, rest) = path.split_first()?;
    let param = params.iter_mut().find(|p| p.name == *first)?;
    below(&mut param.ty, rest)
}

fn below<'t>(ty: &'t mut Type, path: &[String]) -> Option<&'t mut Type> {
    match ty.kind {
        Kind::Array(Some(ref mut item)) => below(item, path),
        _ => match path.split_first() {
            None => Some(ty),
            Some((key, rest)) => {
                let field = ty.fields_mut()?.iter_mut().find(|f| f.name == *key)?;
                below(&mut field.ty, rest)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use bitrix_spec::{Kind, Version};

    /// A method page with a parameter table and a returned-data table (rows as given).
    fn page(name: &str, params: &str, result: &str) -> String {
        format!(
            "# Do it {name}\n\n> Scope: [`crm`](../scopes.md)\n\nThe method `{name}` does it.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n{params}\n|#\n\n## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n{result}\n|| **time**\n[`time`](../data-types.md) | Timing ||\n|#\n\n## Error Handling\n\nNone.\n"
        )
    }

    #[test]
    fn a_linked_parameter_object_is_the_entity_its_page_defines() {
        let root = std::env::temp_dir().join(format!("b24-linked-entities-{}", std::process::id()));
        let dir = root.join("api-reference/crm/thing");
        fs::create_dir_all(&dir).unwrap();
        let fields = "# Thing fields\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **ID**\n[`integer`](../data-types.md) | Id ||\n|| **TITLE***\n[`string`](../data-types.md) | Title ||\n|#\n";
        let link = "[`object`](../data-types.md) | The [fields](./crm-thing-fields.md) ||";
        let pages = [
            ("crm-thing-fields.md", fields.to_owned()),
            (
                "crm-thing-get.md",
                page(
                    "crm.thing.get",
                    "|| **id***\n[`integer`](../data-types.md) | Id ||",
                    &format!("|| **result**\n{link}"),
                ),
            ),
            (
                "crm-thing-update.md",
                page(
                    "crm.thing.update",
                    &format!("|| **fields***\n{link}"),
                    "|| **result**\n[`boolean`](../data-types.md) | Done ||",
                ),
            ),
            (
                "crm-thing-add.md",
                page(
                    "crm.thing.add",
                    &format!("|| **fields***\n{link}"),
                    "|| **result**\n[`integer`](../data-types.md) | Id ||",
                ),
            ),
        ];
        for (file, text) in pages {
            fs::write(dir.join(file), text).unwrap();
        }
        let import = crate::import(&root);
        fs::remove_dir_all(&root).unwrap();
        let param = |name: &str| {
            import.methods[&(name.to_owned(), Version::V1)].params[0]
                .ty
                .kind
                .clone()
        };
        assert_eq!(
            import.types["crm_thing"].source,
            "api-reference/crm/thing/crm-thing-fields.md"
        );
        assert_eq!(param("crm.thing.update"), Kind::Named("crm_thing".into()));
        // Creating requires what the page marks required: its own object stays.
        assert!(
            matches!(param("crm.thing.add"), Kind::Object { fields, .. } if fields[1].required)
        );
    }
}
