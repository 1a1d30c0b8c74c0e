//! What the executor reports through `tracing`.
//!
//! One global subscriber captures the events of the whole test binary, and
//! each test looks only at the events of its own node name. A subscriber set
//! per test with `with_subscriber` missed events when other tests ran in
//! parallel, because `tracing` caches per call site whether any subscriber
//! is interested.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use containerflow_runtime::{DockerExecutor, Executor, TaskSpec};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::common::*;

/// One event: its target and its fields, `message` included, as text.
#[derive(Debug, Clone)]
pub struct Captured {
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

/// A subscriber that stores every event and ignores spans.
#[derive(Clone, Default)]
pub struct Capture {
    events: Arc<Mutex<Vec<Captured>>>,
}

struct FieldText<'a>(&'a mut BTreeMap<String, String>);

impl Visit for FieldText<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut FieldText(&mut fields));
        let target = event.metadata().target().to_owned();
        self.events
            .lock()
            .unwrap()
            .push(Captured { target, fields });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Capture {
    /// Returns the subscriber of the test binary, installed on first use.
    pub fn global() -> &'static Capture {
        static CAPTURE: OnceLock<Capture> = OnceLock::new();
        CAPTURE.get_or_init(|| {
            let capture = Capture::default();
            tracing::subscriber::set_global_default(capture.clone())
                .expect("no other global subscriber in this test binary");
            capture
        })
    }

    /// Returns every event of node `task`.
    pub fn of_task(&self, task: &str) -> Vec<Captured> {
        let events = self.events.lock().unwrap();
        let matching = events
            .iter()
            .filter(|event| event.fields.get("task").map(String::as_str) == Some(task));
        matching.cloned().collect()
    }

    /// Returns every event with a field that contains `text`, of any task.
    pub fn containing(&self, text: &str) -> Vec<Captured> {
        let events = self.events.lock().unwrap();
        let matching = events
            .iter()
            .filter(|event| event.fields.values().any(|value| value.contains(text)));
        matching.cloned().collect()
    }

    /// Returns the events of node `task` whose `message` is `message`.
    pub fn find(&self, task: &str, message: &str) -> Vec<Captured> {
        let events = self.events.lock().unwrap();
        let field = |event: &Captured, name: &str| event.fields.get(name).cloned();
        let matching = events
            .iter()
            .filter(|event| field(event, "task").as_deref() == Some(task))
            .filter(|event| field(event, "message").as_deref() == Some(message));
        matching.cloned().collect()
    }
}

static TALKS: TaskSpec = TaskSpec {
    name: "talks",
    arguments: &[text!("echo 'to stdout'; echo 'to stderr' >&2")],
    ..BASE
};

#[tokio::test]
async fn output_lines_carry_node_name() {
    let capture = Capture::global();
    let executor = executor().await;
    let mut job = job(&TALKS, vec![]);
    job.node = "talks-node".to_owned();
    executor.execute(job).await.result.unwrap();

    for (line, stream) in [("to stdout", "stdout"), ("to stderr", "stderr")] {
        let events = capture.find("talks-node", line);
        assert_eq!(events.len(), 1, "{line}: {events:?}");
        assert_eq!(events[0].target, DockerExecutor::OUTPUT_TARGET);
        assert_eq!(events[0].fields["stream"], stream);
    }
    for message in ["task started", "task finished"] {
        let events = capture.find("talks-node", message);
        assert_eq!(events.len(), 1, "{message}: {events:?}");
        assert_eq!(
            events[0].fields["container"].len(),
            12,
            "{message}: {events:?}"
        );
    }
    let finished = capture.find("talks-node", "task finished");
    assert!(
        finished[0].fields.contains_key("elapsed_ms"),
        "{finished:?}"
    );
    assert_cleaned_up(executor).await;
}

static FAILS: TaskSpec = TaskSpec {
    name: "fails",
    arguments: &[text!("exit 9")],
    ..BASE
};

#[tokio::test]
async fn failure_is_logged_with_error() {
    let capture = Capture::global();
    let executor = executor().await;
    let mut job = job(&FAILS, vec![]);
    job.node = "fails-node".to_owned();
    let error = executor.execute(job).await.result.unwrap_err();

    let events = capture.find("fails-node", "task failed");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].fields["error"], error.to_string());
    assert_cleaned_up(executor).await;
}
