//! Errors raised before any container exists, through the public API.

use containerflow::{DockerExecutor, Error};

#[tokio::test]
async fn unreachable_daemon_names_the_fix() {
    let socket = tempfile::tempdir().unwrap().path().join("no-daemon.sock");
    let result = DockerExecutor::builder()
        .docker_host(format!("unix://{}", socket.display()))
        .connect()
        .await;
    let Err(error) = result else {
        panic!("connecting to a socket that does not exist succeeded");
    };
    assert!(matches!(error, Error::DockerConnect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("cannot connect to the Docker daemon"),
        "{message}"
    );
    assert!(message.contains("scripts/provision.sh"), "{message}");
    assert!(message.contains("DOCKER_HOST"), "{message}");
}
