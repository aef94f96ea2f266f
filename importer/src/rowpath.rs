//! Rows of a field table named by path (`items[]`, `employees[].name`, `fields.COMPANY_ID`):
//! the docs' way of writing nested fields in one table.

use bitrix_spec::{Field, Kind, Type};

/// Tables spell nested rows by path: `items[]` is each element of `items`, `employees[].name`
/// a key of each employee, `payment.url` a key of `payment`. Such a row moves under its
/// parent when the table documents the parent; a lone `chats[]` is the list `chats`. Other
/// dotted names (`edit.originator`, `.navbar`) are keys as they are.
pub(crate) fn nest_paths(fields: &mut Vec<Field>) {
    for row in std::mem::take(fields) {
        let path: Vec<(&str, bool)> = row
            .name
            .split('.')
            .map(|s| s.strip_suffix("[]").map_or((s, false), |n| (n, true)))
            .collect();
        let plain = path.len() == 1 && !path[0].1;
        if plain || path.iter().any(|(n, _)| n.is_empty()) || !place(fields, &path, &row, true) {
            // A list row after its element row (`items[]`, then `items`) adds nothing.
            if !(plain && fields.iter().any(|f| f.name == row.name)) {
                fields.push(row);
            }
        }
    }
}

/// REST 3.0 tables list an element's keys flat, after its row: `items`, `items[]` (an object),
/// then `id`, `name`… with no path; a get's `result`, `item`, then the item's keys, likewise.
/// Such rows are keys of each element, spelled here by path (`items[].id`) so that
/// [`nest_paths`] puts them there. The rows of the envelope (`time`) stay where they are, a
/// table that spells any key of the element by path is left as it is, and an element row
/// inside the open one (`tags[]`) opens none: the flat layout cannot tell whose later keys
/// are whose. Key patterns (`UF_*`) stay with the table.
pub(crate) struct FlatElement<'a> {
    /// The names of every row of the table, in order.
    names: &'a [String],
    /// The element row the rows that follow belong to (`items[]`).
    open: Option<String>,
    /// The name of the row before.
    previous: Option<String>,
}

impl<'a> FlatElement<'a> {
    /// A reader of a table whose rows have these names.
    pub(crate) fn new(names: &'a [String]) -> Self {
        FlatElement {
            names,
            open: None,
            previous: None,
        }
    }

    /// The path of the row named `name` of type `ty`: under the open element, if any.
    pub(crate) fn path_of(&mut self, name: &str, ty: &Type) -> String {
        let envelope = crate::fieldtable::ENVELOPE
            .iter()
            .any(|e| name.eq_ignore_ascii_case(e));
        let path = match &self.open {
            Some(element) if !name.contains('.') && !envelope => format!("{element}.{name}"),
            _ => name.to_owned(),
        };
        // An element row (`items[]`), or REST 3.0's `item` right after `result`: the one
        // object a get answers with, its keys listed flat after it.
        let element = name
            .strip_suffix("[]")
            .or_else(|| {
                (name == "item" && self.previous.as_deref() == Some("result")).then_some(name)
            })
            .filter(|n| !n.contains('.'));
        if let Some(element) = element {
            let by_path = |n: &String| {
                n.strip_prefix(element)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("[]."))
            };
            // One level only: a second element row inside the open one (`tags[]`) would
            // take the open element's later keys, which the flat layout cannot tell apart.
            if self.open.is_none() && ty.kind == Kind::object() && !self.names.iter().any(by_path) {
                self.open = Some(path.clone());
            }
        }
        self.previous = Some(name.to_owned());
        path
    }
}

/// Puts `row` at `path` among `fields`; `false` when its parent is not documented (or not a
/// container), and at the top when the list row it is the element of is already typed.
fn place(fields: &mut Vec<Field>, path: &[(&str, bool)], row: &Field, top: bool) -> bool {
    let Some((&(name, list), rest)) = path.split_first() else {
        return false;
    };
    let existing = fields.iter_mut().find(|f| f.name == name);
    if rest.is_empty() {
        // `x[]` is each element of `x`, unless its row already documents the list itself.
        let ty = if list && !matches!(row.ty.kind, Kind::Array(_)) {
            let mut element = row.ty.clone();
            let doc_type = element.doc_type.take();
            Type {
                doc_type,
                ..Type::of(Kind::array_of(element))
            }
        } else {
            row.ty.clone()
        };
        return match existing {
            Some(f) if matches!(f.ty.kind, Kind::Array(None) | Kind::Any) => {
                f.ty.kind = ty.kind;
                true
            }
            Some(_) => !top,
            None => {
                fields.push(Field::new(name.to_owned(), row.required, ty));
                true
            }
        };
    }
    let Some(parent) = existing else {
        return false;
    };
    let mut ty = &mut parent.ty;
    if list || matches!(ty.kind, Kind::Array(_)) {
        if matches!(ty.kind, Kind::Any | Kind::Array(None)) {
            ty.kind = Kind::array_of(Type::of(Kind::object_of(Vec::new())));
        }
        let Kind::Array(Some(items)) = &mut ty.kind else {
            return false;
        };
        ty = items;
    }
    if matches!(ty.kind, Kind::Any) {
        ty.kind = Kind::object_of(Vec::new());
    }
    match ty.fields_mut() {
        Some(inner) => place(inner, rest, row, false),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use bitrix_spec::{Field, Kind, Type};

    fn field(name: &str, kind: Kind) -> Field {
        Field {
            name: name.to_owned(),
            required: false,
            ty: Type::of(kind),
        }
    }

    #[test]
    fn a_list_row_and_its_element_row_are_one_list_field() {
        let task = Kind::object_of(vec![field("id", Kind::Integer)]);
        let mut fields = vec![
            field("items", Kind::Array(None)),
            field("items[]", task.clone()),
            field("total", Kind::Integer),
        ];
        super::nest_paths(&mut fields);
        assert_eq!(
            fields,
            vec![
                field("items", Kind::array_of(Type::of(task.clone()))),
                field("total", Kind::Integer)
            ]
        );
        // A lone element row is the list; one beside a typed list stays as documented.
        let mut alone = vec![field("chats[]", task.clone()), field("n", Kind::Integer)];
        super::nest_paths(&mut alone);
        assert_eq!(
            alone[0],
            field("chats", Kind::array_of(Type::of(task.clone())))
        );
        let typed = Kind::array_of(Type::of(Kind::String));
        let mut beside = vec![field("ids", typed.clone()), field("ids[]", task)];
        super::nest_paths(&mut beside);
        assert_eq!(beside.len(), 2);
        assert_eq!(beside[1].name, "ids[]");
    }

    #[test]
    fn rows_named_by_path_nest_under_their_documented_parent() {
        let mut fields = vec![
            field("employees", Kind::Array(None)),
            field("employees[].userId", Kind::Integer),
            field("employees[].departments[]", Kind::Array(None)),
            field("employees[].departments[].id", Kind::Integer),
            field("payment", Kind::object_of(Vec::new())),
            field("payment.url", Kind::String),
            field("fields", Kind::Any),
            field("fields.COMPANY_ID", Kind::Integer),
            // No `edit` row: an access name with a dot is a key as it is.
            field("edit.originator", Kind::Boolean),
            field(".navbar", Kind::String),
        ];
        super::nest_paths(&mut fields);
        let department = Kind::object_of(vec![field("id", Kind::Integer)]);
        let employee = Kind::object_of(vec![
            field("userId", Kind::Integer),
            field("departments", Kind::array_of(Type::of(department))),
        ]);
        assert_eq!(
            fields,
            vec![
                field("employees", Kind::array_of(Type::of(employee))),
                field("payment", Kind::object_of(vec![field("url", Kind::String)])),
                field(
                    "fields",
                    Kind::object_of(vec![field("COMPANY_ID", Kind::Integer)])
                ),
                field("edit.originator", Kind::Boolean),
                field(".navbar", Kind::String),
            ]
        );
    }
}
