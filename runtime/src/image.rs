//! Making sure an image is on the daemon before a container is created from it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bollard::errors::Error as DockerError;
use bollard::query_parameters::CreateImageOptions;
use bollard::Docker;
use futures::StreamExt;
use tokio::sync::OnceCell;

use crate::error::Error;

/// The images an executor has found or pulled, each checked once, with the
/// id the daemon reported then.
///
/// Jobs of the same image that start together wait for one check. A failed
/// check is not stored, so the next job of that image checks again.
#[derive(Debug, Default)]
pub(crate) struct ImageCache {
    images: Mutex<HashMap<String, Arc<OnceCell<String>>>>,
}

impl ImageCache {
    /// Makes sure `image` is present: inspects it on first use, and pulls it
    /// when the daemon does not have it. Returns the image id (`sha256:...`).
    ///
    /// NOTE: the id is the one found at the first check. If the reference is
    /// moved to another image later, for example by a `docker build -t` of
    /// the same tag, containers run the new image while the id stays old,
    /// until a create fails and [`forget`](Self::forget) is called.
    ///
    /// # Errors
    ///
    /// [`Error::ImageUnavailable`] when it is absent and the pull fails, and
    /// [`Error::Docker`] when inspecting fails for another reason.
    pub(crate) async fn ensure(
        &self,
        docker: &Docker,
        node: &str,
        image: &str,
    ) -> Result<String, Error> {
        let cell = self.cell(image);
        cell.get_or_try_init(|| find_or_pull(docker, node, image))
            .await
            .cloned()
    }

    /// Forgets that `image` was present, so the next job checks it again.
    pub(crate) fn forget(&self, image: &str) {
        self.lock().remove(image);
    }

    fn cell(&self, image: &str) -> Arc<OnceCell<String>> {
        let mut images = self.lock();
        if let Some(cell) = images.get(image) {
            return Arc::clone(cell);
        }
        Arc::clone(images.entry(image.to_owned()).or_default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<String>>>> {
        // The map stays consistent even if a holder panicked: each operation
        // is a single insert, lookup or removal.
        self.images.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn find_or_pull(docker: &Docker, node: &str, image: &str) -> Result<String, Error> {
    let inspect_error = |source| Error::Docker {
        task: node.to_owned(),
        operation: "inspect image",
        source,
    };
    match docker.inspect_image(image).await {
        Ok(found) => Ok(found.id.unwrap_or_default()),
        Err(DockerError::DockerResponseServerError {
            status_code: 404, ..
        }) => {
            pull(docker, image).await?;
            let pulled = docker.inspect_image(image).await.map_err(inspect_error)?;
            Ok(pulled.id.unwrap_or_default())
        }
        Err(source) => Err(inspect_error(source)),
    }
}

async fn pull(docker: &Docker, image: &str) -> Result<(), Error> {
    let started = Instant::now();
    tracing::info!(image, "pulling image");
    let options = CreateImageOptions {
        from_image: Some(image.to_owned()),
        tag: default_tag(image).map(str::to_owned),
        ..Default::default()
    };
    let mut progress = docker.create_image(Some(options), None, None);
    while let Some(update) = progress.next().await {
        if let Err(source) = update {
            tracing::warn!(image, error = %source, "pulling image failed");
            return Err(Error::ImageUnavailable {
                image: image.to_owned(),
                source,
            });
        }
    }
    tracing::info!(
        image,
        elapsed_ms = started.elapsed().as_millis(),
        "pulled image"
    );
    Ok(())
}

/// Returns `latest` for a reference with neither tag nor digest, because
/// the daemon pulls every tag of a repository when given none.
fn default_tag(image: &str) -> Option<&'static str> {
    let last_component = image.rsplit('/').next().unwrap_or(image);
    let tagged = last_component.contains(':') || image.contains('@');
    (!tagged).then_some("latest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tag_only_for_untagged_references() {
        let cases = [
            ("busybox", Some("latest")),
            ("busybox:1.35", None),
            ("library/busybox", Some("latest")),
            ("localhost:5000/tools", Some("latest")),
            ("localhost:5000/tools:2", None),
            ("busybox@sha256:0123", None),
        ];
        for (image, expected) in cases {
            assert_eq!(default_tag(image), expected, "{image}");
        }
    }
}
