//! Export to argo.

use std::path::Path;

use crate::error::Error;
use crate::workflow::Workflow;

// TODO: write the argo export; until then it refuses every workflow.
pub(super) fn export(workflow: &Workflow, _path: &Path) -> Result<(), Error> {
    Err(Error::Unexportable {
        engine: "argo",
        workflow: workflow.name().to_owned(),
        node: None,
        reason: "this export is not written yet".to_owned(),
    })
}
