//! The runtime of containerflow: workflow graphs of container tasks, and a
//! Docker executor that runs them.
#![warn(missing_docs)]

mod attempt;
mod config;
mod container;
mod diagram;
mod docker;
mod duration;
mod error;
mod executor;
mod export;
mod flyteidl;
mod identity;
mod image;
mod logs;
mod mapping;
mod metadata;
mod orphans;
mod outputs;
mod permissions;
mod records;
mod render;
mod report;
mod scheduler;
mod secrets;
mod spec;
mod stage;
mod task;
mod value;
mod workflow;

pub use docker::{DockerExecutor, DockerExecutorBuilder};
pub use error::Error;
pub use executor::{Attempt, AttemptDetails, Executor, Job};
pub use mapping::{Complete, Gathering, MapOptions, Mapped, Partial};
pub use report::{NodeReport, NodeState, RunReport};
pub use scheduler::{run_task, run_task_with, Progress, RunOptions};
pub use spec::{
    ArgTemplate, MetadataFormat, ParamSpec, PodTemplate, Quoting, RunAs, SecretSource, SecretSpec,
    Segment, Settings, TaskSpec,
};
pub use task::{Binding, ContainerTask, NodeOutputs, NodeRef, OutputRef, Source};
pub use value::{Dir, File, TaskValue, Value, ValueType};
pub use workflow::{Overrides, Workflow};

/// Re-exports for the code that `container_task!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::spec::{
        ArgTemplate, MetadataFormat, ParamSpec, PodTemplate, Quoting, RunAs, SecretSource,
        SecretSpec, Segment, Settings, TaskSpec,
    };
    pub use crate::task::{Binding, ContainerTask, NodeOutputs, NodeRef, OutputRef, Source};
    pub use crate::value::{Dir, File, TaskValue, Value, ValueType};
    pub use ::chrono::{self, DateTime, Utc};
    pub use ::core::option::Option;
    pub use ::serde;
    pub use ::std::collections::BTreeMap;
    pub use ::std::string::String;
    pub use ::std::time::Duration;
    pub use ::std::vec::Vec;
}
