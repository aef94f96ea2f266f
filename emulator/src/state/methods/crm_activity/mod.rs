//! `crm.activity.*`: activities and their bindings, to-dos, badges, custom types, configurable
//! activities and additional content blocks. Adding, updating and deleting an activity raise
//! `onCrmActivityAdd` / `Update` / `Delete`.

mod activity;
mod row;
mod timeline;
mod todo;

use activity::{
    add, binding_add, binding_delete, binding_list, binding_move, delete, get, list, update,
};
use timeline::{
    badge_add, badge_delete, badge_get, badge_list, configurable_add, configurable_get,
    configurable_update, layout_blocks_delete, layout_blocks_get, layout_blocks_set, type_add,
    type_delete, type_list,
};
use todo::{todo_add, todo_update};

use crate::http::reply::{Done, Fail};
use crate::state::methods::call::{Call, Handled};
use crate::state::store::Data;

pub(super) use activity::owner_deleted;

/// What a `crm.activity.*` handler does with a call it owns.
type Run = fn(&mut Data, &mut Call<'_>) -> Result<Done, Fail>;

/// One `crm.activity.*` method with state behind it.
struct Action {
    /// The name after `crm.activity.`, in lower case (calls are matched in lower case).
    name: &'static str,
    /// Whether it changes data: read-only users then get the documented `ACCESS_DENIED`.
    writes: bool,
    /// Its handler.
    run: Run,
}

/// A method that only reads.
const fn read(name: &'static str, run: Run) -> Action {
    Action {
        name,
        writes: false,
        run,
    }
}

/// A method that changes data.
const fn write(name: &'static str, run: Run) -> Action {
    Action {
        name,
        writes: true,
        run,
    }
}

/// Every `crm.activity.*` method answered from the data. The family's other methods
/// (`fields`, `communication.fields`, `call.gettranscript`) get answers shaped from the spec.
static ACTIONS: &[Action] = &[
    write("add", add),
    read("get", get),
    read("list", |data, call| Ok(list(data, call))),
    write("update", update),
    write("delete", delete),
    read("binding.list", binding_list),
    write("binding.add", binding_add),
    write("binding.delete", binding_delete),
    write("binding.move", binding_move),
    write("badge.add", badge_add),
    read("badge.get", badge_get),
    read("badge.list", badge_list),
    write("badge.delete", badge_delete),
    write("type.add", type_add),
    read("type.list", type_list),
    write("type.delete", type_delete),
    write("configurable.add", configurable_add),
    read("configurable.get", configurable_get),
    write("configurable.update", configurable_update),
    write("layout.blocks.set", layout_blocks_set),
    read("layout.blocks.get", layout_blocks_get),
    write("layout.blocks.delete", layout_blocks_delete),
    write("todo.add", todo_add),
    // The to-do updates differ only in which parameter fills which field.
    write("todo.update", |d, c| {
        todo_update(d, c, Some(("DEADLINE", "deadline")))
    }),
    write("todo.updatecolor", |d, c| todo_update(d, c, None)),
    write("todo.updatedeadline", |d, c| {
        todo_update(d, c, Some(("DEADLINE", "value")))
    }),
    write("todo.updatedescription", |d, c| {
        todo_update(d, c, Some(("DESCRIPTION", "value")))
    }),
    write("todo.updateresponsibleuser", |d, c| todo_update(d, c, None)),
];

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    let action = name.strip_prefix("crm.activity.")?;
    let action = ACTIONS.iter().find(|a| a.name == action)?;
    if action.writes {
        if let Err(denied) = call.writable() {
            return Some(Err(denied));
        }
    }
    Some((action.run)(data, call))
}

#[cfg(test)]
mod tests {
    use bitrix_spec::Version;

    use super::ACTIONS;
    use crate::spec::index::SpecIndex;

    #[test]
    fn every_action_is_a_spec_method_and_every_to_do_method_has_one() {
        let index = SpecIndex::embedded();
        for action in ACTIONS {
            let name = format!("crm.activity.{}", action.name);
            assert!(index.method(&name, Version::V1).is_some(), "{name}");
        }
        // The to-dos are answered from the data as a family: a new one must join the table.
        for (name, _) in index.spec().methods.keys() {
            let name = name.to_ascii_lowercase();
            if let Some(todo) = name.strip_prefix("crm.activity.") {
                if todo.starts_with("todo.") {
                    assert!(ACTIONS.iter().any(|a| a.name == todo), "{name}");
                }
            }
        }
    }
}
