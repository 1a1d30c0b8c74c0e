//! containerflow: typed pipelines of container tasks, checked at compile time
//! and run on Docker.
/// Declares a container task, checked at compile time.
///
/// ```
/// use containerflow::{container_task, ContainerTask};
///
/// container_task! {
///     /// Doc comments and other outer attributes go to the task struct.
///     pub struct Greeting {
///         name = "echo_and_return_greeting",
///         image = "busybox:1.35",
///         inputs = { name: String },
///         outputs = { greeting: String },
///         command = ["/bin/sh", "-c", "echo 'Hello, {{.inputs.name}}.' | tee /var/outputs/greeting"],
///     }
/// }
///
/// let spec = Greeting::spec();
/// assert_eq!(spec.image, "busybox:1.35");
/// assert_eq!(spec.input_data_dir, "/var/inputs");
/// let bindings = GreetingBindings { name: "Ada".into() };
/// ```
///
/// # Keys
///
/// The body is a list of `key = value` entries separated by commas.
///
/// | key | value | default |
/// |---|---|---|
/// | `name` | string literal | required |
/// | `image` | string literal, an image reference | required |
/// | `command` | array of string literals, not empty | required |
/// | `arguments` | array of string literals, appended to `command` | `[]` |
/// | `inputs` | `{ name: Type, ... }` | `{}` |
/// | `outputs` | `{ name: Type, ... }` | `{}` |
/// | `input_data_dir` | absolute, normalised path in the container | `"/var/inputs"` |
/// | `output_data_dir` | absolute, normalised path in the container | `"/var/outputs"` |
/// | `block_network` | `true` or `false` | `false` |
/// | `metadata_format` | `Json`, `Yaml` or `Proto` | `Json` |
/// | `env` | `{ NAME: "value", "OTHER_NAME": "value" }` | `{}` |
///
/// The types of inputs and outputs are `String`, `i64`, `f64`, `bool`,
/// `DateTime<Utc>`, `Duration`, [`File`] and [`Dir`]. Qualified spellings such
/// as `std::time::Duration` or `chrono::DateTime<chrono::Utc>` are accepted,
/// and none of these names needs to be imported.
///
/// # Placeholders
///
/// An element of `command` or `arguments` refers to an input with
/// `{{.inputs.NAME}}`, which is replaced by the input's text form when the
/// task runs. Any other text that starts with `{{` is a compile error. A
/// `File` or `Dir` input has no text form: the command reads it at
/// `<input_data_dir>/<name>`. The command writes each output to
/// `<output_data_dir>/<name>`.
///
/// # Generated items
///
/// For `pub struct Greeting`, the macro generates:
///
/// - `Greeting`, a unit struct that implements [`ContainerTask`];
/// - `GreetingInputs` and `GreetingOutputs`, with one public field per input
///   or output;
/// - `GreetingBindings`, the inputs of a workflow call, whose fields take
///   `.into()` from a value or from an [`OutputRef`] of the same type;
/// - `GreetingOutputRefs`, the [`OutputRef`] of each output of a workflow call.
///
/// # Compile errors
///
/// Every mistake in a declaration is reported in the same build. The macro
/// rejects unknown, duplicate and missing keys, elements that are not string
/// literals, malformed placeholders, unknown input names and unsupported
/// types. It also rejects duplicate names, names starting with `__`, an output
/// called `_ERROR`, invalid data directories and invalid `env` entries.
pub use containerflow_macros::container_task;
pub use containerflow_runtime::*;

/// The datetime crate whose `DateTime<Utc>` is the datetime type of task inputs and outputs.
pub use containerflow_runtime::__private::chrono;

/// Compiles the Rust examples in README.md as doc tests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
