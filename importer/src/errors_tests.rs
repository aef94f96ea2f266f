//! The error reader on small synthetic pages, one docs habit each.

use std::collections::BTreeSet;

use bitrix_spec::ErrorEntry;

use super::read;
use crate::page::Page;

/// The entries and reasons of a page whose error section is `section`.
fn errors(section: &str, v3: bool) -> (Vec<ErrorEntry>, Vec<String>) {
    let text =
        format!("# Method `x.y.z`\n\n## Parameters\n\nNone.\n\n{section}\n## Continue Learning\n");
    let known = BTreeSet::new();
    let page = Page::new(&text, &known);
    let mut reasons = Vec::new();
    let read = read(&page, v3, &mut reasons);
    reasons.extend(read.none_because);
    (read.errors, reasons)
}

fn entry(code: Option<&str>, status: u16, message: &str) -> ErrorEntry {
    ErrorEntry {
        code: code.map(str::to_owned),
        status,
        message: message.to_owned(),
        exception: None,
        field: None,
    }
}

#[test]
fn empty_string_in_the_code_column_means_no_code_and_the_message_is_kept() {
    let (out, reasons) = errors(
        "## Error Handling\n\nHTTP Status: **400**\n\n#|\n|| **Code** | **Error Message** | **Description** ||\n|| Empty string | Access denied | Creating is prohibited ||\n|| Empty value | The list must be an `array` | Wrong format ||\n|| `-` | Not found | No such event ||\n|| — | Failed | Another error ||\n|| `NOT_FOUND` | Event not found | No such event ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(None, 400, "Access denied"),
            entry(None, 400, "The list must be an array"),
            entry(None, 400, "Not found"),
            entry(None, 400, "Failed"),
            entry(Some("NOT_FOUND"), 400, "Event not found"),
        ]
    );
    assert!(reasons.is_empty(), "{reasons:?}");
}

#[test]
fn a_table_without_a_code_column_gives_message_only_errors() {
    let (out, _) = errors(
        "## Error Handling\n\nHTTP Status: **400**\n\n```json\n{\n    \"error\": \"\",\n    \"error_description\": \"ID is not defined or invalid.\"\n}\n```\n\n#|\n|| **Description** | **Value** ||\n|| `ID is not defined or invalid` | The `id` is not a positive integer ||\n|| `Access denied` | No permission ||\n|| \"Inadmissible fields | Unclosed quote ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(None, 400, "ID is not defined or invalid"),
            entry(None, 400, "Access denied"),
            entry(None, 400, "Inadmissible fields"),
        ]
    );
}

#[test]
fn a_message_in_the_code_column_of_a_two_column_table_is_the_message() {
    let (out, _) = errors(
        "## Error handling\n\nHTTP status: **400**\n\n#|\n|| **Code** | **Description** ||\n|| `Activity is not found` | The activity was not found ||\n|| `ACCESS_DENIED` | No rights ||\n|| `200240400001`, `200240400002` | Not found ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(None, 400, "Activity is not found"),
            entry(Some("ACCESS_DENIED"), 400, "No rights"),
            entry(Some("200240400001"), 400, "Not found"),
            entry(Some("200240400002"), 400, "Not found"),
        ]
    );
}

#[test]
fn an_http_status_in_the_code_column_is_the_status_of_a_code_less_error() {
    let (out, reasons) = errors(
        "## Error Handling\n\nHTTP status: **400**\n\n```json\n{\n    \"error\": \"\",\n    \"error_description\": \"Access denied\"\n}\n```\n\n#|\n|| **Code** | **Description** | **Value** ||\n|| `400` | `Access denied` | No permission ||\n|| `403` | `You don't have access to these entities` | No access ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(None, 400, "Access denied"),
            entry(None, 403, "You don't have access to these entities"),
        ]
    );
    assert_eq!(
        reasons,
        ["the error table's code column holds HTTP status 400, 403: read as the status of errors the server sends without a code"]
    );
}

#[test]
fn an_http_status_the_example_sends_as_the_code_stays_the_code() {
    let (out, reasons) = errors(
        "## Error Handling\n\nHTTP status: **400**\n\n```json\n{\n    \"error\": 422,\n    \"error_description\": \"Invalid date period\"\n}\n```\n\n#|\n|| **Code** | **Description** | **Value** ||\n|| `422` | `Invalid date period` | Incorrect period ||\n|| `0` | `Required fields:` | A field is missing ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(Some("422"), 400, "Invalid date period"),
            entry(Some("0"), 400, "Required fields:"),
        ]
    );
    assert_eq!(
        reasons,
        ["error code 422 looks like an HTTP status, but the error example sends it as the code"]
    );
}

#[test]
fn codes_only_in_the_examples_are_imported_and_shared_ones_are_not() {
    let (out, reasons) = errors(
        "## Error Handling\n\nHTTP status: **403**\n\n```json\n{\n    \"error\": \"403\",\n    \"error_description\": \"No rights\"\n}\n```\n\n```json\n{\n    \"error\": \"ATTACH_DENIED\",\n    \"error_description\": \"No rights\"\n}\n```\n\n```json\n{\n    \"error\": \"QUERY_LIMIT_EXCEEDED\",\n    \"error_description\": \"Too many requests\"\n}\n```\n\n#|\n|| **Code** | **Description** ||\n|| `NOT_FOUND` | Not found ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(Some("NOT_FOUND"), 403, "Not found"),
            entry(Some("ATTACH_DENIED"), 403, "No rights"),
        ]
    );
    assert_eq!(
        reasons,
        ["error `ATTACH_DENIED` comes from the page's error example; the code table does not list it"]
    );
}

#[test]
fn a_message_sent_as_the_code_is_an_error_without_a_code() {
    let (out, reasons) = errors(
        "## Error Handling\n\nHTTP Status: **400**\n\n```json\n{\n    \"error\": \"Incorrect list id\",\n    \"error_description\": \"An incorrect list identifier was provided.\"\n}\n```\n\n#|\n|| **Code** | **Description** | **Value** ||\n|| `400` | `Invalid parameters` | Invalid parameters were provided ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(None, 400, "Invalid parameters"),
            entry(None, 400, "Incorrect list id"),
        ]
    );
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

#[test]
fn a_code_less_example_counts_only_where_no_table_lists_errors() {
    let example =
        "```json\n{\n    \"error\": \"\",\n    \"error_description\": \"Task not found\"\n}\n```\n";
    let (out, _) = errors(&format!("## Error Handling\n\n{example}"), false);
    assert_eq!(out, [entry(None, 400, "Task not found")]);
    let (out, _) = errors(
        &format!("## Error Handling\n\n{example}\n#|\n|| **Code** | **Description** ||\n|| `NOT_FOUND` | Not found ||\n|#\n"),
        false,
    );
    assert_eq!(out, [entry(Some("NOT_FOUND"), 400, "Not found")]);
}

#[test]
fn rest_v3_tables_take_their_group_code_and_field() {
    let (out, _) = errors(
        "## Error Handling\n\n#### Request Validation Errors\n\nHTTP status: **400**\n\nError Code: `BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION`\n\n#|\n|| **Field** | **Error Description** | **How to Fix** ||\n|| `id` | Required field `id` is missing | Add `id` ||\n|| `-` | Bad request | Fix it ||\n|#\n\n#|\n|| **Field** | **Error Description** | **How to Fix** ||\n|| `id` | Orphan | No group line above ||\n|#\n",
        true,
    );
    let code = "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION";
    let exception = bitrix_spec::catalog::find(code).and_then(|e| e.exception.clone());
    let v3 = |field: Option<&str>, message: &str| ErrorEntry {
        code: Some(code.to_owned()),
        status: 400,
        message: message.to_owned(),
        exception: exception.clone(),
        field: field.map(str::to_owned),
    };
    // The second table repeats the group line above it: its row joins the group.
    assert_eq!(
        out,
        [
            v3(Some("id"), "Required field id is missing"),
            v3(None, "Bad request"),
            v3(Some("id"), "Orphan"),
        ]
    );
}

#[test]
fn field_tables_and_troubleshooting_tables_are_not_error_tables() {
    let (out, reasons) = errors(
        "## Error Handling\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **error**\n`string` | String error code ||\n|#\n\n#|\n|| **Error** | **How to Resolve** ||\n|| Widget does not display | Reinstall ||\n|#\n",
        false,
    );
    assert_eq!(out, []);
    assert_eq!(
        reasons,
        ["the error section documents no method error: it refers to the system errors only"]
    );
}

#[test]
fn a_page_without_an_error_section_has_no_errors() {
    let (out, reasons) = errors("## Examples\n\nNone.\n", false);
    assert_eq!((out, reasons), (vec![], vec![]));
}

#[test]
fn a_quoted_message_explained_below_is_the_message() {
    let (out, _) = errors(
        "## Error Handling\n\nHTTP Status: **400**\n\n#|\n|| **Code** | **Description** ||\n|| `200140400009` | `Order not found`\n\nThe order does not exist\n||\n|| `200040300010` | Insufficient permissions to modify ||\n|| `X` | `Bad` value given ||\n|#\n",
        false,
    );
    let messages: Vec<&str> = out.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Order not found",
            "Insufficient permissions to modify",
            "Bad value given"
        ]
    );
}

#[test]
fn markdown_escapes_in_a_message_are_their_characters() {
    let (out, _) = errors(
        "## Error Handling\n\nHTTP Status: **400**\n\n#|\n|| **Code** | **Description** ||\n|| `100` | Bitrix\\\\DocumentGenerator\\\\Document must be public ||\n|| `101` | Value \\*required\\* ||\n|| `102` | Path `C:\\\\tmp` is wrong ||\n|| `103` | Bitrix\\\\Main in `a\\\\b` ||\n|#\n",
        false,
    );
    let messages: Vec<&str> = out.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Bitrix\\DocumentGenerator\\Document must be public",
            "Value *required*",
            // A code span keeps what it holds, and only it.
            "Path C:\\\\tmp is wrong",
            "Bitrix\\Main in a\\\\b"
        ]
    );
}

#[test]
fn a_loop_index_in_a_message_is_a_placeholder() {
    use super::clean;
    assert_eq!(
        clean("Element at index `j` in section at index `i` does not have name."),
        "Element at index {j} in section at index {i} does not have name."
    );
    assert_eq!(
        clean("Section at index `i` have type `data[i].type`. The expected type is 'section'."),
        "Section at index {i} have type {data[i].type}. The expected type is 'section'."
    );
    // Names in code spans are the message's own words.
    assert_eq!(
        clean("Field `TITLE` is required"),
        "Field TITLE is required"
    );
}

#[test]
fn an_example_of_a_listed_message_gives_its_code_only_where_the_table_has_none() {
    let (out, _) = errors(
        "## Error Handling\n\nHTTP status: **400**\n\n```json\n{\n    \"error\": \"ERROR_CORE\",\n    \"error_description\": \"Discount too big.<br>\"\n}\n```\n\n```json\n{\n    \"error\": \"ERROR_CODE\",\n    \"error_description\": \"Text not specified.<br>\"\n}\n```\n\n#|\n|| **Code** | **Description** ||\n|| Empty string | Discount too big. ||\n|| `ERROR_CORE` | Text not specified. ||\n|#\n",
        false,
    );
    assert_eq!(
        out,
        [
            entry(Some("ERROR_CORE"), 400, "Discount too big."),
            entry(Some("ERROR_CORE"), 400, "Text not specified."),
        ]
    );
}
