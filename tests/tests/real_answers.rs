//! Answers in the shape real portals send them — every number as a string, `null` and `""`
//! for empty values, PHP's `[]` and `false` for empty objects, custom `UF_CRM_*`/`ufCrm*`
//! fields, keys the docs do not list — decode through the generated result types as the
//! client decodes them, and re-encode with every value kept (the wire quirks aside).
//!
//! The answers are in `tests/fixtures/real_answers/<method>.json` as
//! `{"method": "crm.deal.list", "answer": {"result": …, "total": …, "time": …}}`; they were
//! written after answers of live portals, not taken from the documentation's examples. Set
//! `BITRIX24_REAL_ANSWERS=<dir>` to check another set of such files (say, recorded from your
//! own portal) against the same table of methods.

use std::path::PathBuf;

use bitrix24::conformance::{check_answer, Failure};
use bitrix24::serde_json::{self, Value};

type Check = fn(&Value) -> Result<(), Failure>;

/// The methods the answers may be from, by wire name.
fn check_for(method: &str) -> Option<Check> {
    use bitrix24::{basic, calendar, catalog, crm, department, disk, task, user};
    let check: Check = match method {
        "app.info" => check_answer::<basic::AppInfo>,
        "profile" => check_answer::<basic::Profile>,
        "server.time" => check_answer::<basic::ServerTime>,
        "calendar.event.get" => check_answer::<calendar::CalendarEventGet>,
        "catalog.product.list" => check_answer::<catalog::CatalogProductList>,
        "crm.activity.list" => check_answer::<crm::CrmActivityList>,
        "crm.category.list" => check_answer::<crm::CrmCategoryList>,
        "crm.company.list" => check_answer::<crm::CrmCompanyList>,
        "crm.contact.get" => check_answer::<crm::CrmContactGet>,
        "crm.contact.list" => check_answer::<crm::CrmContactList>,
        "crm.deal.add" => check_answer::<crm::CrmDealAdd>,
        "crm.deal.delete" => check_answer::<crm::CrmDealDelete>,
        "crm.deal.fields" => check_answer::<crm::CrmDealFields>,
        "crm.deal.get" => check_answer::<crm::CrmDealGet>,
        "crm.deal.list" => check_answer::<crm::CrmDealList>,
        "crm.deal.productrows.get" => check_answer::<crm::CrmDealProductrowsGet>,
        "crm.deal.update" => check_answer::<crm::CrmDealUpdate>,
        "crm.deal.userfield.list" => check_answer::<crm::CrmDealUserfieldList>,
        "crm.item.add" => check_answer::<crm::CrmItemAdd>,
        "crm.item.delete" => check_answer::<crm::CrmItemDelete>,
        "crm.item.get" => check_answer::<crm::CrmItemGet>,
        "crm.item.list" => check_answer::<crm::CrmItemList>,
        "crm.lead.list" => check_answer::<crm::CrmLeadList>,
        "crm.requisite.list" => check_answer::<crm::CrmRequisiteList>,
        "crm.status.list" => check_answer::<crm::CrmStatusList>,
        "crm.timeline.comment.list" => check_answer::<crm::CrmTimelineCommentList>,
        "department.get" => check_answer::<department::DepartmentGet>,
        "disk.folder.getchildren" => check_answer::<disk::DiskFolderGetchildren>,
        "tasks.task.add" => check_answer::<task::TasksTaskAdd>,
        "tasks.task.delete" => check_answer::<task::TasksTaskDelete>,
        "tasks.task.get" => check_answer::<task::TasksTaskGet>,
        "tasks.task.list" => check_answer::<task::TasksTaskList>,
        "user.current" => check_answer::<user::UserCurrent>,
        "user.get" => check_answer::<user::UserGet>,
        _ => return None,
    };
    Some(check)
}

fn answers_dir() -> PathBuf {
    std::env::var_os("BITRIX24_REAL_ANSWERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/real_answers"))
}

#[test]
fn recorded_answers_decode_and_keep_every_value() {
    let dir = answers_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no answers in {}", dir.display());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a readable file");
        let recorded: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", file.display()));
        let method = recorded["method"].as_str().unwrap_or_default();
        let Some(check) = check_for(method) else {
            failures.push(format!(
                "{}: no check for method `{method}`",
                file.display()
            ));
            continue;
        };
        if let Err(failure) = check(&recorded["answer"]) {
            failures.push(format!("{method}: {failure}"));
        }
    }
    println!(
        "real answers: {}/{} decode with no loss",
        files.len() - failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_value_lost_by_the_types_is_named_by_its_path() {
    // A list whose rows are documented as objects cannot hold a bare number: the answer still
    // decodes (the row is kept raw), and what the types would lose is reported, not hidden.
    let answer = serde_json::json!({"result": [{"ID": "1"}, 7], "total": 2});
    let outcome = check_answer::<bitrix24::crm::CrmDealList>(&answer);
    let failure = outcome.expect_err("a bare number is not a deal");
    assert!(failure.detail.contains("result"), "{failure}");
}
