//! One node's attempts: run, record, and retry with a doubling delay.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::executor::{Attempt, Executor, Job};
use crate::records::{AttemptRecord, RunRecords};
use crate::value::Value;

use super::check_outputs;

/// The final result of a node after all its attempts.
pub(super) struct NodeOutcome {
    pub(super) result: Result<Vec<Value>, Error>,
    /// Wall-clock time from the first attempt's start to the last one's end.
    pub(super) elapsed: Duration,
}

impl NodeOutcome {
    /// The outcome of a node that finished without running a container.
    pub(super) fn succeeded(outputs: Vec<Value>) -> Self {
        NodeOutcome {
            result: Ok(outputs),
            elapsed: Duration::ZERO,
        }
    }

    /// The outcome of a node that failed without running a container.
    pub(super) fn failed(error: Error) -> Self {
        NodeOutcome {
            result: Err(error),
            elapsed: Duration::ZERO,
        }
    }
}

/// Runs `job` until an attempt succeeds, an error is not retryable, or
/// `job.settings.retries` retries are used up. `attempt` always contains the
/// number of the attempt in progress, so a cancelled run can report it.
pub(super) async fn run_attempts(
    executor: &dyn Executor,
    job: Job,
    attempt: &AtomicU32,
    records: Option<&RunRecords>,
    node_index: usize,
) -> NodeOutcome {
    let started = Instant::now();
    let max_attempts = job.settings.retries.saturating_add(1);
    let mut delay = job.settings.retry_delay;
    let mut errors = Vec::new();
    for number in 1..=max_attempts {
        attempt.store(number, Ordering::SeqCst);
        let mut this_attempt = job.clone();
        this_attempt.attempt = number;
        // Flyte sets this variable in every task pod, counting from 0, so a
        // script written for Flyte can tell a retry from the first attempt.
        let retry_count = (number - 1).to_string();
        this_attempt
            .env
            .push(("FLYTE_ATTEMPT_NUMBER".to_owned(), retry_count));
        this_attempt.log_file =
            records.map(|records| records.log_file(node_index, &job.node, number));
        let attempt_started = Instant::now();
        let Attempt { result, details } = executor.execute(this_attempt).await;
        let result = result.and_then(|values| check_outputs(&job.node, job.spec, values));
        if let Some(records) = records {
            records.write_attempt(&AttemptRecord {
                node: &job.node,
                node_index,
                task: job.spec.name,
                attempt: number,
                inputs: (job.spec.inputs, &job.inputs),
                outputs: result
                    .as_ref()
                    .ok()
                    .map(|values| (job.spec.outputs, values.as_slice())),
                error: result.as_ref().err().map(ToString::to_string),
                details: &details,
                elapsed: attempt_started.elapsed(),
            });
        }
        let error = match result {
            Ok(values) => {
                return NodeOutcome {
                    result: Ok(values),
                    elapsed: started.elapsed(),
                }
            }
            Err(error) => error,
        };
        let retry = error.is_retryable() && number < max_attempts;
        if retry {
            tracing::warn!(
                task = %job.node,
                attempt = number,
                max_attempts,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "attempt failed, retrying"
            );
        }
        errors.push(error);
        if !retry {
            break;
        }
        tokio::time::sleep(delay).await;
        delay = delay.saturating_mul(2);
    }
    let error = if errors.len() == 1 {
        errors.pop().expect("one error")
    } else {
        Error::RetriesExhausted {
            task: job.node.clone(),
            attempts: errors,
        }
    };
    NodeOutcome {
        result: Err(error),
        elapsed: started.elapsed(),
    }
}
