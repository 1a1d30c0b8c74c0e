//! Writing a workflow in the formats of workflow engines that run on a
//! Kubernetes cluster, so that the same declaration runs there unchanged.
//!
//! Each engine has its own module. Both read the graph through
//! [`Workflow::graph`]: nodes in insertion order, which is a topological
//! order, and edges that bind an upstream output to a downstream input.

mod argo;
mod flyte;
mod shell;

use std::path::Path;

use crate::error::Error;
use crate::workflow::Workflow;

impl Workflow {
    /// Writes the workflow as a package that Flyte's `flytectl register
    /// files --archive` accepts: a tar.gz archive when `path` ends in
    /// `.tgz` or `.tar.gz`, otherwise a directory of the same files, which
    /// must be missing or empty.
    ///
    /// The package contains a `raw-container` task per distinct task, the
    /// workflow, and a launch plan of the same name, as flytekit 1.16's
    /// `pyflyte package` writes them, with an empty project, domain and
    /// version for `flytectl` to fill in. Node ids are the node names with
    /// `_` written as `-`. A literal input becomes the workflow input
    /// `<node>__<input>` with the literal as its default, except a `File` or
    /// `Dir`, whose host path means nothing on a cluster: that input has no
    /// default, and a launch must give a blob URI. Every node output is a
    /// workflow output `<node>__<output>`. A map node becomes an array node.
    /// With a minimum success ratio below 1, its outputs are lists of
    /// optional values, Flyte's union of the type and none. A secret becomes
    /// a request for the key of its name in the Kubernetes secret
    /// `containerflow-secrets`, set as the variable of the same name.
    ///
    /// Flyte's backend substitutes placeholders as raw text, so a string
    /// placeholder inside a `sh -c` script is rewritten: the script reads
    /// the input's file, which Flyte's CoPilot writes, into the shell
    /// variable `CONTAINERFLOW_INPUT_<name>` and expands it where the shell
    /// neither splits nor runs it.
    ///
    /// `docs/cluster.md` describes what a cluster needs to run the package,
    /// and where Flyte's behaviour differs from a local run.
    ///
    /// # Errors
    ///
    /// Returns the workflow's validation error, [`Error::Unexportable`] for
    /// a part Flyte cannot express faithfully, and [`Error::ExportWrite`]
    /// when a file cannot be written or the directory `path` is not empty.
    /// The export rejects:
    ///
    /// - a placeholder of a float, duration or datetime input (or a list of
    ///   them) in a command, because Flyte's backend renders these types
    ///   differently (`1e+06`, `seconds:90`, `05.5Z`); the task can read the
    ///   value from its input file instead;
    /// - a placeholder of a list of strings inside a shell script, whose
    ///   elements the backend would insert as raw text, and literal `{{`
    ///   text followed by `.` or `$`, which the backend could substitute;
    /// - a workflow or task name other than ASCII letters, digits, `_`, `.`
    ///   and `-` starting with a letter, a digit or `_`, and a string
    ///   literal that contains a NUL character;
    /// - an environment variable whose name starts with
    ///   `CONTAINERFLOW_INPUT_`;
    /// - a user other than the image's, which a task template cannot set;
    /// - an environment variable added by a call, which a Flyte node cannot
    ///   override;
    /// - a map node with an input that is the same for every element;
    /// - a node name that is not a DNS label once `_` is `-`, two nodes with
    ///   the same id, and two different tasks with the same name.
    pub fn export_flyte(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        self.validate()?;
        flyte::export(self, path.as_ref())
    }

    /// Writes the workflow as one Argo Workflows `Workflow` YAML file, for
    /// `argo submit <path> --watch`.
    ///
    /// The file has one DAG template, `main`, with a task per node, and a
    /// container template per distinct task and settings. Scalars pass as
    /// parameters, staged as files under the input directory too, `File`
    /// and `Dir` as artifacts, and a map node loops over a JSON list with
    /// `withParam`. A placeholder inside a `sh -c` script reads its value
    /// from the variable `CONTAINERFLOW_INPUT_<name>`, because Argo
    /// substitutes raw text where the local runner escapes it.
    /// `docs/cluster.md` lists where Argo's behaviour differs from a local
    /// run and what the cluster needs: an artifact repository for files,
    /// and a NetworkPolicy for the pod label `sandboxed: "true"` that
    /// `block_network` sets.
    ///
    /// # Errors
    ///
    /// Returns the workflow's validation error, [`Error::Unexportable`] for
    /// a part Argo cannot express faithfully, and [`Error::ExportWrite`]
    /// when the file cannot be written. Among others, the export rejects a
    /// map with a minimum success ratio, a host `File` or `Dir` given as a
    /// literal, the `Invoking` user and `{{` in literal text. It also
    /// rejects a command that names the inputs metadata file, because Argo
    /// does not write one.
    pub fn export_argo(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        self.validate()?;
        argo::export(self, path.as_ref())
    }
}
