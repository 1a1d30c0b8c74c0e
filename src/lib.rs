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
/// The body is a list of `key = value` entries separated by commas. Each key
/// may appear once.
///
/// | key | value | default |
/// |---|---|---|
/// | `name` | string literal, not empty | required |
/// | `image` | string literal, a Docker image reference (see [Image](#image)) | required |
/// | `command` | array of string literals, not empty | required |
/// | `arguments` | array of string literals, appended to `command` | `[]` |
/// | `inputs` | `{ name: Type, ... }` | `{}` |
/// | `outputs` | `{ name: Type, ... }` | `{}` |
/// | `input_data_dir` | absolute, normalised path in the container | `"/var/inputs"` |
/// | `output_data_dir` | absolute, normalised path in the container | `"/var/outputs"` |
/// | `block_network` | `true` or `false` | `false` |
/// | `pod_template` | `"name"` or `{ labels: {...}, annotations: {...}, primary_container_name: "..." }` | none |
/// | `metadata_format` | `Json`, `Yaml` or `Proto` | `Json` |
/// | `env` | `{ NAME: "value", "OTHER_NAME": "value" }` | `{}` |
/// | `secrets` | `{ NAME: env("HOST_VARIABLE"), OTHER: file("/host/path") }` | `{}` |
/// | `timeout` | Go duration string such as `"1m30s"`, greater than zero | no timeout |
/// | `retries` | integer literal from 0 to 100 | `0` |
/// | `retry_delay` | Go duration string, zero allowed | `"1s"` |
/// | `resources` | `{ cpus: 0.5, memory: "512Mi" }`, both optional | no limits |
/// | `user` | `Image`, `Invoking`, `"uid"` or `"uid:gid"` | `Image` |
///
/// The types of inputs and outputs are `String`, `i64`, `f64`, `bool`,
/// `DateTime<Utc>`, `Duration`, [`File`], [`Dir`], `Vec<T>` with `T` one of
/// the scalars or `File`, and `BTreeMap<String, T>` with `T` a scalar. An
/// input may also be `Vec<Option<T>>`, the type of a map's output gathered
/// with a minimum success ratio, whose missing elements are staged as the
/// text `null`; an output may not. Qualified spellings such as `std::time::Duration` or
/// `chrono::DateTime<chrono::Utc>` are accepted, and none of these names needs
/// to be imported. List-of-`File`, optional-element and map inputs cannot
/// appear in a placeholder.
///
/// # Names
///
/// An input or output name is a Rust identifier of ASCII letters, digits and
/// `_` (`r#type` is the name `type`) and the name of its file, `<input_data_dir>/<name>` or
/// `<output_data_dir>/<name>`. Input names are unique, and so are output
/// names. An input and an output may share a name, because their files are
/// in different directories. Names starting with `__` are reserved for
/// generated code, and no output may be called `_ERROR`, the file a container
/// writes to report a failure. An input may be called `inputs`: the metadata
/// file beside the input files is `inputs.json`, `inputs.yaml` or
/// `inputs.pb`, and no identifier contains a `.`, so no input file can take
/// its place.
///
/// # Image
///
/// `image` must be a valid Docker image reference:
/// `[host[:port]/]path[:tag][@digest]`. The first component is a registry
/// host when it contains `.` or `:` or is `localhost`. Path components are
/// lowercase letters and digits separated by `.`, `_`, `__` or one or more
/// `-`. A tag is 1 to 128 letters, digits, `_`, `.` or `-`, not starting with
/// `.` or `-`. A digest is `sha256:` and 64 lowercase hexadecimal digits
/// (`sha384` and `sha512` take 96 and 128). The error names the part at
/// fault.
///
/// # Placeholders
///
/// An element of `command` or `arguments` refers to an input with
/// `{{.inputs.NAME}}`, which is replaced by the input's text form when the
/// task runs. Any other text that starts with `{{` is a compile error. So
/// are three spellings that Flyte's cluster backend accepts but its local
/// runner does not: spaces inside the braces (`{{ .inputs.x }}`), `$` in
/// place of `.` (`{{$inputs.x}}`), and `inputs` in another case
/// (`{{.Inputs.x}}`). The error shows the accepted spelling.
///
/// For a literal `{{`, write `{{{{`, as `{{` stands for `{` in Rust's
/// `format!`; `}}` needs no escape. `"{{{{x}}"` passes `{{x}}` to the
/// container.
///
/// A `File` or `Dir` input has no text form: the command reads it at
/// `<input_data_dir>/<name>`, and the error for its placeholder shows that
/// path. The command writes each output to `<output_data_dir>/<name>`.
///
/// # Shell scripts
///
/// When the command runs a POSIX shell script, each value is escaped for the
/// place its placeholder has in the script, so that a value such as
/// `O'Brien`, `$(rm -rf /)` or a line break stays one piece of data.
///
/// The script is found in `command` and `arguments` taken together: the
/// first element whose base name is `sh`, `bash`, `dash`, `ash`, `ksh`,
/// `mksh` or `zsh` (or `busybox` followed by `sh`, `ash`, `hush` or `bash`)
/// is the shell, even behind a wrapper such as `env` or `timeout 60`. When one
/// of its options contains `c` (`-c`, `-ec`, `-euxc`, `-o pipefail -c`), the
/// element after the options is the script. The elements after the script
/// are `$0`, `$1`, ... and stay plain argv elements, like every element of a
/// command that runs no shell, where a value is inserted unchanged.
///
/// In the script, a placeholder inside `'...'` has each `'` of its value
/// escaped, one inside `"..."` has `\`, `"`, `$` and `` ` `` escaped, and one
/// outside quotes has its value wrapped in single quotes. This holds inside
/// `$(...)` as well, which starts afresh, and for a placeholder that is only
/// part of a word, such as `--name={{.inputs.x}}`: the shell joins the quoted
/// value to the rest of the word. Only `String` values are escaped. Every
/// other type renders to letters, digits, `+`, `-`, `.`, `:` and `µ`, which
/// no shell treats specially, and is inserted as it is, so
/// `$(({{.inputs.n}} * 2))` computes. A `String` inside
/// `$((...))` is a compile error, because its quotes would break the
/// arithmetic, and so is an `i64` or `f64` placeholder that is a word of its
/// own right before `<` or `>`, as in `echo {{.inputs.n}}>file`, where the
/// shell would read the number as a file descriptor.
///
/// No escaping is reliable in the following places, so a placeholder there
/// is a compile error that suggests reading the value from its input file,
/// `<input_data_dir>/<name>`, for example with `"$(cat /var/inputs/name)"`:
///
/// - inside backticks, inside `$'...'` and inside `${...}`;
/// - in a here-document's body or delimiter, and in a comment;
/// - right after a backslash, after `$`, or after a variable name such as
///   `$HOME`;
/// - among the shell's options, or as its script file name;
/// - after a `case` inside `$(...)`, after a `$((` closed by a single `)`, and
///   after a `'` inside `"${...}"`, where shells, or the macro and a shell,
///   may disagree on where quotes and substitutions end.
///
/// A script that another program runs, such as `su -c` or `ssh host`, is not
/// recognised. Pass values to it through input files.
///
/// # Execution settings
///
/// `timeout` limits each attempt. `retries` is the number of extra attempts
/// after a failure: the first retry waits `retry_delay`, and each later one
/// waits twice as long as the one before. `timeout` and `retry_delay` are
/// Go duration strings: numbers with the units `ns`, `us`
/// (or `µs`), `ms`, `s`, `m` and `h`, fractions allowed, as in `"1h30m"` or
/// `"2.5s"`. `resources` sets `cpus`, a number of cores of at least 0.01, and
/// `memory`, a Kubernetes quantity of at least `"6Mi"` (Docker's minimum):
/// plain bytes, `k`, `K`, `M`, `G` or `T` for powers of 1000, or `Ki`, `Mi`,
/// `Gi` or `Ti` for powers of 1024. `user` runs the command as the image's
/// user (`Image`), as the user running the workflow (`Invoking`), or as a
/// numeric uid and gid (`"1000:1000"`; `"1000"` uses the uid as the gid).
/// `secrets` sets environment variables whose values are read on the host
/// when the task runs, from a host variable (`env("NAME")`) or from a file at
/// an absolute host path (`file("/path")`), and are never written to logs,
/// run records or errors. A secret's name is a variable name that `env` does
/// not also set. `env` values are passed as written: a `{{.inputs.x}}` in one
/// is an error, because it would not be rendered.
///
/// A workflow call can override `timeout`, `retries`, `retry_delay`,
/// `resources` and `user`, within the same limits, which
/// [`Workflow::validate`](crate::Workflow::validate) checks.
///
/// ```
/// use std::time::Duration;
///
/// use containerflow::{container_task, ContainerTask, PodTemplate, RunAs, SecretSource};
///
/// container_task! {
///     pub struct Fetch {
///         name = "fetch_report",
///         image = "registry.example.com:5000/tools/fetch:1.4",
///         inputs = { url: String },
///         outputs = { report: File },
///         command = [
///             "sh",
///             "-c",
///             "wget -q --header \"Authorization: Bearer $API_TOKEN\" \
///              -O /var/outputs/report '{{.inputs.url}}'",
///         ],
///         secrets = { API_TOKEN: env("REPORT_API_TOKEN") },
///         timeout = "1m30s",
///         retries = 3,
///         retry_delay = "2s",
///         resources = { cpus: 0.5, memory: "512Mi" },
///         user = "1000",
///         block_network = false,
///         pod_template = { labels: { team: "reports" }, primary_container_name: "main" },
///     }
/// }
///
/// let spec = Fetch::spec();
/// assert_eq!(spec.settings.timeout, Some(Duration::from_secs(90)));
/// assert_eq!(spec.settings.retries, 3);
/// assert_eq!(spec.settings.memory, Some(512 * 1024 * 1024));
/// assert_eq!(spec.settings.user, RunAs::Id { uid: 1000, gid: 1000 });
/// assert_eq!(spec.secrets[0].source, SecretSource::Env("REPORT_API_TOKEN"));
/// assert!(matches!(
///     spec.pod_template,
///     Some(PodTemplate::Inline { primary_container_name: "main", .. })
/// ));
/// ```
///
/// # Pod template
///
/// `pod_template` is used when the task runs on a Kubernetes cluster. A
/// string names a pod template that exists on the cluster; it must be a
/// Kubernetes resource name. Braces give the template inline, with
/// `labels` and `annotations` (keys such as `app` or `app.kubernetes.io/name`,
/// label values of at most 63 characters) and `primary_container_name`, the
/// container that runs the command, `"primary"` by default.
///
/// `block_network = true` runs the container with no network but loopback.
/// As in flyte-sdk, it adds the label `sandboxed: "true"` to an inline pod
/// template, gives a task with no pod template the template name
/// `sandboxed-pod-template`, and cannot be combined with a pod template given
/// by name.
///
/// # Warnings
///
/// An output is likely never written when neither its path
/// (`<output_data_dir>/<name>`) nor the output directory appears in any
/// `command` or `arguments` element. The macro then raises a warning at the
/// output's name, through a call to a `#[deprecated]` item, which is the only
/// way a macro can warn on stable Rust. The build still succeeds, unless
/// warnings are denied. When the image writes the output itself, put
/// `#[allow(deprecated)]` on the task to silence the warning.
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
/// Every mistake in a declaration is reported in the same build, at the
/// token at fault, so a user fixes several typos in one build. The macro
/// rejects unknown, duplicate and missing keys, elements that are not string
/// literals, malformed placeholders, unknown input names, unsupported types,
/// and every rule above. A placeholder's error covers its whole string
/// literal and gives the placeholder's column in it.
pub use containerflow_macros::container_task;
pub use containerflow_runtime::*;

/// The datetime crate whose `DateTime<Utc>` is the datetime type of task inputs and outputs.
pub use containerflow_runtime::__private::chrono;

/// Compiles the Rust examples in README.md as doc tests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
