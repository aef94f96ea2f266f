//! Commands of a batch that failed in a way that allows another run are sent again, alone,
//! under the rules of single calls: a command the portal refused for its limits did not run,
//! so any goes again; one that failed inside the portal (`INTERNAL_SERVER_ERROR`) goes again
//! only when it is a read. Commands bound to other commands' results, or whose results others
//! use, stay as they are: run alone, their references would not resolve.

use super::wire::{Command, Outcome};
use super::{Queued, MAX_BATCH_COMMANDS};
use crate::client::Client;
use crate::error::Error;
use crate::method::ApiVersion;
use crate::response::error_code;
use crate::retry::{BUCKET_REFUSAL, OPERATING_REFUSAL, RETRY_COST};

/// Codes of a command the portal did not run because of its limits.
const NOT_RUN_CODES: [&str; 2] = [BUCKET_REFUSAL, OPERATING_REFUSAL];
/// Codes of a command that failed inside the portal, which a read may retry.
const FAILED_CODES: [&str; 1] = ["INTERNAL_SERVER_ERROR"];

/// Whether the command at `index` of `group` may run again after `outcome`.
fn may_go_again(group: &[Queued], index: usize, outcome: &Outcome) -> bool {
    let Outcome::Failed { error, .. } = outcome else {
        return false;
    };
    let queued = &group[index];
    let bound = !queued.refers_to.is_empty()
        || group
            .iter()
            .any(|q| q.refers_to.iter().any(|r| r % MAX_BATCH_COMMANDS == index));
    if bound {
        return false;
    }
    match error_code(error) {
        Some(c) if NOT_RUN_CODES.contains(&c) => true,
        Some(c) if FAILED_CODES.contains(&c) => !queued.mutates,
        _ => false,
    }
}

/// Sends the commands of `group` that may go again, as a batch of their own, until they
/// succeed, fail for good, or the client's policy or budget says stop; their outcomes
/// replace the ones in `outcomes`. When the answer to a round is lost, its commands' outcomes
/// become [`Outcome::Unknown`] for writes, and stay the failures they were for reads. A batch
/// that halts on errors is left as it is: its later commands depend on the order.
pub(super) async fn retry_failed(
    client: &Client,
    version: ApiVersion,
    group: &[Queued],
    halt: bool,
    outcomes: &mut [Outcome],
) {
    if halt {
        return;
    }
    let inner = client.inner();
    let policy = inner.retry;
    let mut round = 1;
    loop {
        let again: Vec<usize> = (0..group.len().min(outcomes.len()))
            .filter(|&i| may_go_again(group, i, &outcomes[i]))
            .collect();
        if again.is_empty()
            || round >= policy.max_attempts
            || !inner.retry_budget.try_spend(RETRY_COST)
        {
            return;
        }
        tokio::time::sleep(policy.backoff(round)).await;
        inner.counters.retried();
        round += 1;
        let commands: Vec<Command> = again.iter().map(|&i| group[i].command.clone()).collect();
        let mutates = again.iter().any(|&i| group[i].mutates);
        match super::run(client, version, commands, false, mutates).await {
            Ok((_, answers)) => {
                for (i, answer) in again.into_iter().zip(answers) {
                    outcomes[i] = answer;
                }
            }
            Err(Error::OutcomeUnknown { cause, .. }) => {
                for i in again.into_iter().filter(|&i| group[i].mutates) {
                    outcomes[i] = Outcome::Unknown {
                        method: group[i].command.method.clone(),
                        cause: cause.clone(),
                    };
                }
                return;
            }
            Err(_) => return,
        }
    }
}
