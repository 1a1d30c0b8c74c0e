//! Export to Flyte 1.x: a registration package of protobuf files, as
//! flytekit's `pyflyte package` writes it and `flytectl register files`
//! reads it.
//!
//! The package contains one admin `TaskSpec` per distinct task, then one
//! `WorkflowSpec` and one `LaunchPlan`, both named after the workflow. Each
//! file is `<index>_<name>_<kind>.pb`, where kind is 1 for a task, 2 for a
//! workflow and 3 for a launch plan, and the index counts from 0 in that
//! order, zero-padded to the digits of the file count as flytekit 1.16 pads
//! it. flytectl registers the files sorted by name, so tasks come before the
//! workflow that calls them.
//!
//! `task` builds the task templates, with the commands that `command`
//! rewrites, `graph` builds the workflow and the launch plan, and `package`
//! writes the files.

mod command;
mod graph;
mod package;
mod task;

use std::path::Path;

use prost::Message;

use crate::error::Error;
use crate::spec::TaskSpec;
use crate::workflow::Workflow;

/// The engine name in [`Error::Unexportable`].
const ENGINE: &str = "flyte";

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entity {
    /// The task, workflow or launch plan name.
    name: String,
    kind: Kind,
    /// The encoded admin message.
    bytes: Vec<u8>,
}

/// The kind of a package file, with the number flytekit puts in its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Task = 1,
    Workflow = 2,
    LaunchPlan = 3,
}

pub(super) fn export(workflow: &Workflow, path: &Path) -> Result<(), Error> {
    let entities = entities(workflow)?;
    package::write(&entities, path)
}

/// Builds every file of the package, in registration order.
fn entities(workflow: &Workflow) -> Result<Vec<Entity>, Error> {
    let reject = Rejection::new(workflow);
    check_entity_name("workflow", workflow.name()).map_err(|reason| reject.workflow(reason))?;
    let mut entities = Vec::new();
    for (spec, node) in task::distinct_specs(workflow, &reject)? {
        let template = task::template(spec, node, &reject)?;
        let bytes = crate::flyteidl::admin::TaskSpec {
            template: Some(template),
        }
        .encode_to_vec();
        entities.push(Entity {
            name: spec.name.to_owned(),
            kind: Kind::Task,
            bytes,
        });
    }
    let (template, launch_plan) = graph::workflow_and_launch_plan(workflow, &reject)?;
    let name = workflow.name().to_owned();
    let spec = crate::flyteidl::admin::WorkflowSpec {
        template: Some(template),
    };
    entities.push(Entity {
        name: name.clone(),
        kind: Kind::Workflow,
        bytes: spec.encode_to_vec(),
    });
    entities.push(Entity {
        name,
        kind: Kind::LaunchPlan,
        bytes: launch_plan.encode_to_vec(),
    });
    Ok(entities)
}

/// Rejects a task or workflow name that is not a Flyte entity name as
/// flytekit writes one: ASCII letters, digits, `_`, `.` and `-`, starting
/// with a letter, a digit or `_`, as in the `module.function` names of
/// Python objects.
///
/// flyteadmin only requires a name to be non-empty. But the name is part of
/// each file name in the package and of the `flytectl` commands that launch
/// the workflow, where a `/`, a space or a NUL would break them.
fn check_entity_name(kind: &str, name: &str) -> Result<(), String> {
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let valid_rest = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if valid_start && valid_rest {
        return Ok(());
    }
    Err(format!(
        "the {kind} name {name:?} is not a valid Flyte name: it must be ASCII letters, digits, \
         `_`, `.` or `-`, starting with a letter, a digit or `_`, because it is part of the \
         package's file names and of `flytectl` commands; rename the {kind}"
    ))
}

/// Builds [`Error::Unexportable`] for one workflow.
struct Rejection<'a> {
    workflow: &'a str,
}

impl<'a> Rejection<'a> {
    fn new(workflow: &'a Workflow) -> Self {
        Rejection {
            workflow: workflow.name(),
        }
    }

    /// Rejects the whole workflow.
    fn workflow(&self, reason: String) -> Error {
        Error::Unexportable {
            engine: ENGINE,
            workflow: self.workflow.to_owned(),
            node: None,
            reason,
        }
    }

    /// Rejects one node.
    fn node(&self, node: &str, reason: String) -> Error {
        Error::Unexportable {
            engine: ENGINE,
            workflow: self.workflow.to_owned(),
            node: Some(node.to_owned()),
            reason,
        }
    }

    /// Rejects a task, naming the first node that calls it.
    fn task(&self, node: &str, spec: &TaskSpec, reason: String) -> Error {
        self.node(node, format!("task `{}`: {reason}", spec.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_names() {
        for name in [
            "greeting",
            "word_count",
            "pkg.module.flow",
            "Flow-2",
            "_private",
            "1st",
        ] {
            assert!(check_entity_name("workflow", name).is_ok(), "{name:?}");
        }
        for name in [
            "",
            "My Flow!",
            "../../tmp/escaped",
            "a/b",
            "nul\0",
            ".hidden",
            "-flag",
            "ü",
        ] {
            assert!(check_entity_name("workflow", name).is_err(), "{name:?}");
        }
    }
}
