//! The `--export-flyte` and `--export-argo` flags that every example takes,
//! included by each example with `#[path]`.

use std::path::PathBuf;

use containerflow::Workflow;

/// Flags that export the workflow to a cluster engine instead of running it.
#[derive(clap::Args, Debug, Default)]
pub struct ExportArgs {
    /// Write the workflow as a Flyte registration package to PATH, a tar.gz
    /// archive when it ends in `.tgz` or `.tar.gz` and a directory otherwise,
    /// then exit without running containers.
    #[arg(long, value_name = "PATH")]
    pub export_flyte: Option<PathBuf>,
    /// Write the workflow as an Argo Workflows YAML file to PATH, then exit
    /// without running containers.
    #[arg(long, value_name = "PATH")]
    pub export_argo: Option<PathBuf>,
}

impl ExportArgs {
    /// Exports `workflow` to each requested path and returns whether any
    /// export was requested, in which case the example stops there.
    pub fn export(&self, workflow: &Workflow) -> Result<bool, containerflow::Error> {
        if let Some(path) = &self.export_flyte {
            workflow.export_flyte(path)?;
            eprintln!("wrote the Flyte package {}", path.display());
        }
        if let Some(path) = &self.export_argo {
            workflow.export_argo(path)?;
            eprintln!("wrote the Argo workflow {}", path.display());
        }
        Ok(self.export_flyte.is_some() || self.export_argo.is_some())
    }
}
