//! Writing a workflow in the formats of workflow engines that run on a
//! Kubernetes cluster, so that the same declaration runs there unchanged.
//!
//! Each engine has its own module. Both read the graph through
//! [`Workflow::graph`]: nodes in insertion order, which is a topological
//! order, and edges that bind an upstream output to a downstream input.

mod argo;
mod flyte;

use std::path::Path;

use crate::error::Error;
use crate::workflow::Workflow;

impl Workflow {
    /// Writes the workflow as a package that Flyte's `flytectl register
    /// files --archive` accepts: a tar.gz archive when `path` ends in
    /// `.tgz` or `.tar.gz`, otherwise a directory of the same files.
    ///
    /// # Errors
    ///
    /// Returns the workflow's validation error, [`Error::Unexportable`] for
    /// a part Flyte cannot express faithfully, and [`Error::ExportWrite`]
    /// when a file cannot be written.
    pub fn export_flyte(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        self.validate()?;
        flyte::export(self, path.as_ref())
    }

    /// Writes the workflow as one Argo Workflows `Workflow` YAML file.
    ///
    /// # Errors
    ///
    /// Returns the workflow's validation error, [`Error::Unexportable`] for
    /// a part Argo cannot express faithfully, and [`Error::ExportWrite`]
    /// when the file cannot be written.
    pub fn export_argo(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        self.validate()?;
        argo::export(self, path.as_ref())
    }
}
