//! A tour of the typed client on the seed methods.
//!
//! ```text
//! cargo run -p bitrix24 --example tour
//! ```
//!
//! By default it starts the bitrix24-emulator in this process, on a free loopback port, with
//! its demo data (deals and contacts 1–5, e-mail messages 1–10). With `BITRIX24_WEBHOOK_URL`
//! set (`https://your.bitrix24.com/rest/1/secret/`) it talks to that portal instead: it then
//! creates and deletes activities on deal 1–3 and chats for e-mail message 1, so point it at a
//! test portal.

use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};

use bitrix24::crm::*;
use bitrix24::mail::*;
use bitrix24::types::CrmEnumActivitytype;
use bitrix24::{Client, Error, ErrorCode};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the emulator alive for the whole tour.
    let (client, _emulator) = match std::env::var("BITRIX24_WEBHOOK_URL") {
        Ok(url) => {
            println!("portal: {} (from BITRIX24_WEBHOOK_URL)", redact(&url));
            (
                Client::builder()
                    .webhook(url)
                    .allow_http_loopback(true)
                    .build()?,
                None,
            )
        }
        Err(_) => {
            let emulator =
                bitrix24_emulator::Emulator::start(bitrix24_emulator::Config::default()).await?;
            let url = emulator
                .webhook_url()
                .ok_or("the default emulator has a webhook")?;
            println!("portal: the in-process emulator at {}", emulator.base_url());
            (
                Client::builder()
                    .webhook(url)
                    .allow_http_loopback(true)
                    .build()?,
                Some(emulator),
            )
        }
    };

    section("Activities on deal 1");
    let todo =
        CrmActivityTodoAdd::new(2, 1, "2026-12-01T10:00:00+00:00").title("Call the client back");
    let todo_id = show("crm.activity.todo.add", client.call_result(&todo).await)
        .flatten()
        .and_then(|r| r.id);
    let call = CrmActivityAdd::new(
        CrmActivityAddFields::new(
            1,
            2,
            CrmEnumActivitytype::Call,
            vec![CrmActivityAddFieldsCommunicationsItem::new(
                "+15550100",
                1,
                3,
            )],
            1,
        )
        .subject("Intro call"),
    );
    let activity = show("crm.activity.add", client.call_result(&call).await);
    if let Some(id) = activity {
        show(
            "crm.activity.get",
            client
                .call_result(&CrmActivityGet::new(id))
                .await
                .map(|a| (a.id, a.subject)),
        );
        let listed = client.call(&CrmActivityList::new().start(0)).await;
        show(
            "crm.activity.list (rows, total)",
            listed.map(|page| (page.result.len(), page.total)),
        );

        section("Bindings");
        show(
            "crm.activity.binding.add (deal 2)",
            client
                .call_result(&CrmActivityBindingAdd::new(id, 2, 2))
                .await,
        );
        show(
            "crm.activity.binding.move (deal 2 → 3)",
            client
                .call_result(&CrmActivityBindingMove::new(id, 2, 2, 2, 3))
                .await,
        );
        let bindings = client.call_result(&CrmActivityBindingList::new(id)).await;
        show(
            "crm.activity.binding.list",
            bindings.map(|b| {
                b.iter()
                    .map(|x| (x.entity_type_id, x.entity_id))
                    .collect::<Vec<_>>()
            }),
        );
        show(
            "crm.activity.binding.delete (deal 3)",
            client
                .call_result(&CrmActivityBindingDelete::new(id, 2, 3))
                .await,
        );
        // A v1 API error, as the user sees it: the typed code of the method.
        show_error(
            "crm.activity.binding.delete (the last one)",
            client
                .call_result(&CrmActivityBindingDelete::new(id, 2, 1))
                .await,
        );
    }
    if let Some(id) = todo_id {
        show(
            "crm.activity.todo.updateColor",
            client
                .call_result(&CrmActivityTodoUpdateColor::new(
                    id,
                    2,
                    1,
                    CrmActivityTodoUpdateColorColorId::V3,
                ))
                .await
                .map(|r| r.and_then(|r| r.id)),
        );
    }

    section("Badges and custom types");
    let badge = CrmActivityBadgeAdd::new(
        "missedCall",
        "Call status",
        "Missed",
        CrmActivityBadgeAddType::Failure,
    );
    show(
        "crm.activity.badge.add",
        client
            .call_result(&badge)
            .await
            .map(|r| r.and_then(|r| r.badge).and_then(|b| b.code)),
    );
    show(
        "crm.activity.badge.list",
        client
            .call_result(&CrmActivityBadgeList::new())
            .await
            .map(|r| r.badges.map_or(0, |b| b.len())),
    );
    let kind =
        CrmActivityTypeAdd::new(CrmActivityTypeAddFields::new("TOUR_TYPE").name("Tour activity"));
    show("crm.activity.type.add", client.call_result(&kind).await);
    show(
        "crm.activity.type.list",
        client
            .call_result(&CrmActivityTypeList::new())
            .await
            .map(|t| t.len()),
    );
    show(
        "crm.activity.type.delete",
        client
            .call_result(&CrmActivityTypeDelete::new("TOUR_TYPE"))
            .await,
    );

    section("E-mail (REST 3.0)");
    show(
        "mail.message.createchat (message 1)",
        client
            .call_result(&MailMessageCreatechat::new(1))
            .await
            .map(|r| (r.chat_id, r.existing)),
    );
    show(
        "mail.message.createchat (again)",
        client
            .call_result(&MailMessageCreatechat::new(1))
            .await
            .map(|r| (r.chat_id, r.existing)),
    );
    // A REST 3.0 API error: the request-validation exception with its field.
    show_error(
        "mail.message.createchat (message 999)",
        client.call_result(&MailMessageCreatechat::new(999)).await,
    );
    // A local validation error: nothing is sent.
    show_error(
        "mail.message.createchat (message 0)",
        client.call_result(&MailMessageCreatechat::new(0)).await,
    );

    section("Clean-up");
    if let Some(id) = activity {
        show(
            "crm.activity.delete",
            client.call_result(&CrmActivityDelete::new(id)).await,
        );
    }
    if let Some(id) = todo_id {
        show(
            "crm.activity.delete (to-do)",
            client.call_result(&CrmActivityDelete::new(id)).await,
        );
    }
    show_error(
        "crm.item.delete (an unknown type)",
        client.call_result(&CrmItemDelete::new(999, 1)).await,
    );
    let surprises = SURPRISES.load(Ordering::Relaxed);
    if surprises > 0 {
        println!("\n{surprises} step(s) did not go as the tour expects");
        if _emulator.is_some() {
            return Err("the emulator answered differently from the tour's expectations".into());
        }
    }
    Ok(())
}

/// Steps whose outcome (success or error) differed from what the tour expects.
static SURPRISES: AtomicUsize = AtomicUsize::new(0);

fn section(title: &str) {
    println!("\n== {title}");
}

/// Prints a call's outcome and gives back its value; the call is expected to succeed.
fn show<T: Debug, C: ErrorCode + Debug>(what: &str, outcome: Result<T, Error<C>>) -> Option<T> {
    if outcome.is_err() {
        SURPRISES.fetch_add(1, Ordering::Relaxed);
    }
    print_outcome(what, outcome)
}

/// Prints a call's outcome; the call is expected to fail.
fn show_error<T: Debug, C: ErrorCode + Debug>(what: &str, outcome: Result<T, Error<C>>) {
    if outcome.is_ok() {
        SURPRISES.fetch_add(1, Ordering::Relaxed);
    }
    print_outcome(what, outcome);
}

fn print_outcome<T: Debug, C: ErrorCode + Debug>(
    what: &str,
    outcome: Result<T, Error<C>>,
) -> Option<T> {
    match outcome {
        Ok(value) => {
            println!("{what}: {value:?}");
            Some(value)
        }
        Err(Error::Validation(problems)) => {
            println!("{what}: not sent, invalid locally: {problems}");
            None
        }
        Err(Error::Api(api)) => {
            println!(
                "{what}: API error {:?} (HTTP {}): {}",
                api.code, api.status, api.message
            );
            for problem in &api.validation {
                println!("    {}: {}", problem.field, problem.message);
            }
            None
        }
        Err(other) => {
            println!("{what}: {other}");
            None
        }
    }
}

/// The portal's address without the webhook secret.
fn redact(url: &str) -> String {
    url.split("/rest/").next().unwrap_or(url).to_owned()
}
