//! Running one operation of the soak and recording what the client said of each write.

use bitrix24::crm::{
    CrmDealAdd, CrmDealAddFields, CrmDealGet, CrmDealList, CrmDealUpdate, CrmDealUpdateFields,
};
use bitrix24::note::{NoteCollectionAdd, NoteCollectionAddFields};
use bitrix24::{Client, Error, ErrorCode};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::plan::Op;

/// Where a write's mark shows in the portal's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A deal's `TITLE`.
    DealTitle(String),
    /// The `COMMENTS` of deal `id`.
    DealComment {
        /// The deal.
        id: i64,
        /// The comment.
        text: String,
    },
    /// A note collection's `name`.
    NoteName(String),
}

/// What the client said of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// Success: the write must be in the data, once.
    Acknowledged,
    /// `Error::OutcomeUnknown`: it may or may not be there, at most once.
    Unknown,
    /// Another error, by kind: it may or may not be there, at most once.
    Failed(String),
}

/// One write of an operation.
#[derive(Debug, Clone)]
pub struct Write {
    /// Its mark.
    pub mark: Mark,
    /// Whether it went through REST 3.0 (with an `Idempotency-Key`).
    pub rest3: bool,
    /// What the client said.
    pub said: Said,
}

/// What an operation came to.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Its writes.
    pub writes: Vec<Write>,
    /// The error of a read, by kind.
    pub read_error: Option<String>,
}

/// The clients an operation may use.
pub struct Clients {
    /// A webhook client.
    pub webhook: Client,
    /// An OAuth client whose access token keeps expiring.
    pub oauth: Client,
}

/// An error's kind, for the report.
pub fn kind<C: ErrorCode>(e: &Error<C>) -> String {
    match e {
        Error::Api(a) => format!("API {}", a.code),
        Error::Validation(_) => "validation".to_owned(),
        Error::Encode(_) => "encode".to_owned(),
        Error::Transport(_) => "transport".to_owned(),
        Error::Timeout(_) => "timeout".to_owned(),
        Error::Decode { .. } => "decode".to_owned(),
        Error::NotRun => "not run".to_owned(),
        Error::Limit(_) => "rate limiter".to_owned(),
        Error::Config(_) => "configuration".to_owned(),
        Error::OutcomeUnknown { .. } => "outcome unknown".to_owned(),
        _ => "other".to_owned(),
    }
}

fn said<T, C: ErrorCode>(result: &Result<T, Error<C>>) -> Said {
    match result {
        Ok(_) => Said::Acknowledged,
        Err(Error::OutcomeUnknown { .. }) => Said::Unknown,
        Err(e) => Said::Failed(kind(e)),
    }
}

fn add(title: &str) -> CrmDealAdd {
    CrmDealAdd::new().fields(CrmDealAddFields::new().title(title.to_owned()))
}

/// Runs operation `op`; `mark` is its writes' unique prefix and `own_deal` the deal an update
/// may change (no other operation touches it).
pub async fn run(clients: &Clients, op: Op, mark: &str, own_deal: Option<i64>) -> Record {
    let mut record = Record::default();
    match op {
        Op::Read => {
            let r = clients.webhook.call(&CrmDealGet::new(1)).await;
            record.read_error = r.err().map(|e| kind(&e));
        }
        Op::OAuthRead => {
            let r = clients.oauth.call(&CrmDealGet::new(2)).await;
            record.read_error = r.err().map(|e| kind(&e));
        }
        Op::List => {
            let rows = clients
                .webhook
                .list(CrmDealList::new())
                .rows::<Value>()
                .take(120)
                .try_collect::<Vec<_>>()
                .await;
            record.read_error = rows.err().map(|e| kind(&e));
        }
        Op::V1Create => {
            let r = clients.webhook.call(&add(mark)).await;
            record.writes.push(Write {
                mark: Mark::DealTitle(mark.to_owned()),
                rest3: false,
                said: said(&r),
            });
        }
        Op::V1Update => {
            let id = own_deal.unwrap_or(1);
            let update =
                CrmDealUpdate::new(id).fields(CrmDealUpdateFields::new().comments(mark.to_owned()));
            let r = clients.webhook.call(&update).await;
            record.writes.push(Write {
                mark: Mark::DealComment {
                    id,
                    text: mark.to_owned(),
                },
                rest3: false,
                said: said(&r),
            });
        }
        Op::V3Create => {
            let create = NoteCollectionAdd::new(NoteCollectionAddFields::new(mark.to_owned()));
            let r = clients.webhook.call(&create).await;
            record.writes.push(Write {
                mark: Mark::NoteName(mark.to_owned()),
                rest3: true,
                said: said(&r),
            });
        }
        Op::Batch => batch(&clients.webhook, mark, &mut record).await,
    }
    record
}

async fn batch(client: &Client, mark: &str, record: &mut Record) {
    let titles = [format!("{mark}-a"), format!("{mark}-b")];
    let mut batch = client.batch();
    let (Ok(first), Ok(second), Ok(_read)) = (
        batch.push(&add(&titles[0])),
        batch.push(&add(&titles[1])),
        batch.push(&CrmDealGet::new(3)),
    ) else {
        record.read_error = Some("validation".to_owned());
        return;
    };
    let saids = match batch.send().await {
        Ok(answers) => [said(&answers.get(first)), said(&answers.get(second))],
        Err(e) => {
            let s = said::<(), _>(&Err(e));
            [s.clone(), s]
        }
    };
    for (title, said) in titles.into_iter().zip(saids) {
        record.writes.push(Write {
            mark: Mark::DealTitle(title),
            rest3: false,
            said,
        });
    }
}
