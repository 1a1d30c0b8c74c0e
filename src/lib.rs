//! containerflow: typed pipelines of container tasks, checked at compile time
//! and run on Docker.
pub use containerflow_macros::container_task;
pub use containerflow_runtime::*;

/// The datetime crate whose `DateTime<Utc>` is the datetime type of task inputs and outputs.
pub use containerflow_runtime::__private::chrono;
