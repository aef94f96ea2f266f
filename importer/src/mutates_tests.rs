//! Tests of [`super`]: one per rule, on synthetic titles, sentences and parameters.

use bitrix_spec::{Kind, Type};
use serde_json::json;

use super::*;

/// Decides for a page with `title`, an introduction of `intro` lines and no parameters.
fn decide_on(name: &str, title: &str, intro: &[&str]) -> Decision {
    decide_with(name, title, intro, &[], &[])
}

fn decide_with(
    name: &str,
    title: &str,
    intro: &[&str],
    params: &[Field],
    examples: &[Example],
) -> Decision {
    let h1 = format!("# {title} {name}");
    let mut lines = vec![h1.as_str()];
    lines.extend_from_slice(intro);
    let intro_end = lines.len();
    lines.push("## Parameters");
    decide(&Page {
        name,
        title,
        lines: &lines,
        intro_end,
        params,
        examples,
    })
}

fn summary(d: &Decision) -> (bool, &'static str, bool) {
    (d.mutates, d.source.as_str(), d.doubtful)
}

#[test]
fn read_verbs_in_the_title_or_sentence_read() {
    let d = decide_on(
        "calendar.event.get.nearest",
        "Get a List of Upcoming Events",
        &["The method `calendar.event.get.nearest` retrieves upcoming events."],
    );
    assert_eq!(summary(&d), (false, "title", false));
    assert_eq!(d.reason(), "mutates: read by title: verb \"Get\"");
    // No title verb: the sentence's verb, past the subject and its code span.
    let d = decide_on(
        "crm.status.entity.types",
        "Entity types",
        &["The method `crm.status.entity.types` returns the types of reference books."],
    );
    assert_eq!(summary(&d), (false, "sentence", false));
    assert_eq!(d.why, "verb \"returns\"");
    // A write verb as a lower-case head of the name does not outweigh reading words.
    let d = decide_on("crm.enum.addresstype", "Get address types", &[]);
    assert_eq!(summary(&d), (false, "title", false));
}

#[test]
fn write_verbs_win_over_read_verbs() {
    let d = decide_on(
        "crm.item.update",
        "Update CRM Item",
        &["A deal is one of the CRM objects."],
    );
    assert_eq!(summary(&d), (true, "title", false));
    // A read title, a write sentence: the write wins.
    let d = decide_on(
        "im.notify.read.list",
        "Notifications",
        &["The method `im.notify.read.list` sets the read flag on notifications."],
    );
    assert_eq!(summary(&d), (true, "sentence", false));
    assert_eq!(d.reason(), "mutates: write by sentence: verb \"sets\"");
    // A name that is a write verb beside reading words: the safe side, with a doubt.
    let d = decide_on(
        "bizproc.event.send",
        "Return output parameters",
        &["The method returns the output parameters to the workflow."],
    );
    assert_eq!(summary(&d), (true, "name", true));
    assert_eq!(
        d.why,
        "`send` is a write verb, though the page's words read"
    );
}

#[test]
fn verb_forms_are_recognised() {
    for (title, mutates) in [
        ("Canceling a Booking", true),
        ("Getting the Field List", false),
        ("Setting a Stage", true),
        ("Copies a Disk File", true),
        ("Searches Messages", false),
        ("Unsubscribing From Events", true),
        ("Permanently Delete a Folder", true),
        ("List of Bots", false),
        ("Activate/Deactivate a Flow", true),
    ] {
        let d = decide_on("x.y.z", title, &[]);
        assert_eq!((d.mutates, d.source), (mutates, Source::Title), "{title}");
    }
}

#[test]
fn a_parameter_that_deletes_by_default_is_a_write() {
    let row = |default: &str| {
        [
            "The method `event.offline.get` returns the queued events.".to_owned(),
            "|| **clear**".to_owned(),
            format!("[`integer`](../data-types.md) | Whether to delete the selected records.{default} ||"),
            "|| **error**".to_owned(),
            "[`integer`](../data-types.md) | Default is `1` ||".to_owned(),
        ]
    };
    let decide_rows = |rows: &[String], params: &[Field]| {
        let lines: Vec<&str> = rows.iter().map(String::as_str).collect();
        decide_with(
            "event.offline.get",
            "Get Offline Events",
            &lines,
            params,
            &[],
        )
    };
    // The row says the default deletes.
    let d = decide_rows(&row(" Default is `1`"), &[]);
    assert_eq!(summary(&d), (true, "parameters", false));
    assert_eq!(d.why, "parameter `clear` deletes by default");
    // The field's default says it.
    let mut clear = Field::new("clear", false, Type::of(Kind::Integer));
    clear.ty.default = Some(json!(1));
    let d = decide_rows(&row(""), &[clear]);
    assert_eq!(summary(&d), (true, "parameters", false));
    // Off by default, it only reads; another row's default is not this row's.
    let d = decide_rows(&row(" Default is `0`"), &[]);
    assert_eq!(summary(&d), (false, "title", false));
}

#[test]
fn stated_side_effects_are_writes() {
    let d = decide_on(
        "im.notify.read.list",
        "Notifications",
        &["Notifications of the list are marked as read or unread."],
    );
    assert_eq!(summary(&d), (true, "sentence", false));
    assert_eq!(d.why, "\"as read\"");
    // Read access is not a mark.
    let d = decide_on(
        "disk.file.search",
        "Search",
        &[
            "The method searches files.",
            "The result holds only the files the user has read access to.",
        ],
    );
    assert_eq!(summary(&d), (false, "title", false));
    let d = decide_on(
        "crm.enum.settings",
        "Settings",
        &["The method sets the mode if it does not exist yet."],
    );
    assert_eq!(summary(&d), (true, "sentence", false));
}

#[test]
fn nouns_and_gerunds_in_sentences_are_not_verbs() {
    let d = decide_on(
        "rpa.timeline.listForItem",
        "Timeline",
        &["The method returns a set of timeline records for creating reports."],
    );
    assert_eq!(summary(&d), (false, "sentence", false));
    let d = decide_on(
        "sale.propertyRelation.getFields",
        "Fields",
        &["Fields of the property binding."],
    );
    assert_eq!(summary(&d), (false, "name", true));
    let d = decide_on(
        "im.search.chat.list",
        "Chats",
        &["The method performs a search of chats."],
    );
    assert_eq!(summary(&d), (false, "sentence", false));
}

#[test]
fn ambiguous_verbs_are_writes_unless_guarded() {
    let d = decide_on(
        "salescenter.payment.getPublicUrl",
        "Public link of a payment",
        &["The method generates a link to the payment."],
    );
    assert_eq!(summary(&d), (true, "sentence", true));
    assert_eq!(d.why, "ambiguous verb \"generates\"");
    // "Show" that returns only reads.
    let d = decide_on(
        "app.info",
        "Show Application Information",
        &["The method `app.info` returns information about the application."],
    );
    assert_eq!(summary(&d), (false, "sentence", false));
    // "Reads" without altering the queue only reads; the list family decides.
    let d = decide_on(
        "event.offline.list",
        "Offline events",
        &["The method reads the queue without altering its state."],
    );
    assert_eq!(summary(&d), (false, "name", true));
}

#[test]
fn without_words_the_example_answer_or_name_decides() {
    let get = ["```bash", "curl -X GET https://x/rest/foo.bar.items", "```"];
    let d = decide_on("foo.bar.items", "Items", &get);
    assert_eq!(summary(&d), (false, "example", false));
    let answer = [Example {
        kind: ExampleKind::Response,
        status: None,
        body: json!({"result": true}),
    }];
    let d = decide_with("user.admin", "Administrator", &[], &[], &answer);
    assert_eq!(summary(&d), (true, "answer", true));
    assert_eq!(d.why, "the answer is `true`");
    let helper = ["const all = await $b24.callListMethod('sonet_group.user.groups')"];
    let d = decide_on("sonet_group.user.groups", "Groups", &helper);
    assert_eq!(summary(&d), (false, "answer", true));
    // The name: `*.list` reads, a camel-cased write head writes, anything else writes.
    assert_eq!(
        summary(&decide_on("crm.vat.list", "VAT", &[])),
        (false, "name", true)
    );
    let d = decide_on("user.updateAvatar", "Avatar", &[]);
    assert_eq!(summary(&d), (true, "name", false));
    // A name that may write, beside reading words: the safe side.
    let d = decide_on("imopenlines.session.open", "Get Chat by User Code", &[]);
    assert_eq!(summary(&d), (true, "name", true));
    assert_eq!(d.why, "`open` may change data");
    let d = decide_on("task.stages.canmovetask", "Stages", &[]);
    assert_eq!(summary(&d), (true, "name", true));
    assert_eq!(d.why, "nothing says `canmovetask` only reads");
}

#[test]
fn the_opening_sentence_skips_notes_and_the_scope_block() {
    let lines = [
        "# Get deals crm.deal.list",
        "{% note tip \"\" %}",
        "Connect the MCP server.",
        "{% endnote %}",
        "> Scope: crm",
        "",
        "The method `crm.deal.list` returns deals. It deletes nothing.",
        "## Parameters",
    ];
    assert_eq!(
        opening_sentence(&lines, 7).as_deref(),
        Some("The method `crm.deal.list` returns deals")
    );
    assert_eq!(opening_sentence(&lines[..1], 1), None);
}

#[test]
fn the_census_counts_flags_and_sources() {
    let method = |name: &str, mutates: bool, reasons: Vec<String>| -> Method {
        let mut m: Method = serde_json::from_value(json!({
            "name": name, "version": "v1", "scope": "crm", "title": "t",
            "doc_url": "https://example.com", "source": "s.md", "mutates": mutates,
            "params": [], "result": {"type": "any"}, "errors": [],
        }))
        .unwrap();
        m.confidence = Some(bitrix_spec::Confidence {
            level: bitrix_spec::ConfidenceLevel::High,
            reasons,
        });
        m
    };
    let read = decide_on("crm.deal.list", "Get deals", &[]);
    let write = decide_on("crm.deal.add", "Add a deal", &[]);
    let named = decide_on("crm.deal.frobnicate", "Deal", &[]);
    let ms = [
        method("crm.deal.list", false, vec![read.reason()]),
        method(
            "crm.deal.add",
            true,
            vec!["imported".into(), write.reason()],
        ),
        method("crm.deal.frobnicate", true, vec![named.reason()]),
        // An override turned the flag: no decision of the import backs it.
        method("crm.deal.get", true, vec![read.reason()]),
    ];
    let c = census(&ms);
    assert_eq!((c.writes, c.reads), (3, 1));
    assert_eq!(
        c.by,
        BTreeMap::from([(None, 1), (Some(Source::Title), 2), (Some(Source::Name), 1),])
    );
}
