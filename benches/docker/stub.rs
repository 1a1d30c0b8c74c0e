//! A stub of the Docker API on a Unix socket. It sends every response at
//! once, and simulates a greeting container by writing its output file on
//! start. With the daemon's own cost taken out, the rest of a task's time
//! is the client's: containerflow's against the floor loop's, to the
//! microsecond.
//!
//! It serves only the calls the greeting needs: `/_ping`, `/version`,
//! container list, image inspect, and container create, attach, start,
//! wait and remove. Each HTTP/1.1 request must carry its body with
//! `Content-Length`, as bollard sends them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;

/// The stub's record of a created container.
struct Container {
    inputs: PathBuf,
    outputs: PathBuf,
    /// Becomes true when the container has "run".
    exited: watch::Sender<bool>,
}

type Containers = Arc<Mutex<HashMap<String, Container>>>;

/// Starts the stub on a thread of its own, listening at `socket`.
pub fn start(socket: &Path) {
    let listener = std::os::unix::net::UnixListener::bind(socket).expect("bind the stub socket");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking socket");
    // Named, so that a profile separates the stub's time from the clients'.
    let thread = std::thread::Builder::new().name("stub-daemon".to_owned());
    let spawned = thread.spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the stub's runtime");
        runtime.block_on(async {
            let listener = UnixListener::from_std(listener).expect("a tokio listener");
            serve(listener).await;
        });
    });
    spawned.expect("start the stub's thread");
}

async fn serve(listener: UnixListener) {
    let containers = Containers::default();
    loop {
        let (stream, _) = listener.accept().await.expect("accept a connection");
        let containers = Arc::clone(&containers);
        tokio::spawn(async move { serve_connection(stream, containers).await });
    }
}

/// One parsed request: method, path without the version prefix, and body.
struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

async fn read_request(reader: &mut BufReader<UnixStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?;

    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
        assert!(
            !name.eq_ignore_ascii_case("transfer-encoding"),
            "the stub reads only Content-Length bodies"
        );
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;

    let path = target.split('?').next().unwrap_or_default();
    // Requests start with `/v1.41/...` once the version is negotiated.
    let path = match path.strip_prefix("/v1.") {
        Some(rest) => &rest[rest.find('/').unwrap_or(rest.len())..],
        None => path,
    };
    Some(Request {
        method,
        path: path.to_owned(),
        body,
    })
}

async fn serve_connection(stream: UnixStream, containers: Containers) {
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader).await {
        let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
        let (status, body) = match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["_ping"]) => (200, "OK".to_owned()),
            ("GET", ["version"]) => (200, r#"{"ApiVersion":"1.41","Version":"stub"}"#.to_owned()),
            ("GET", ["containers", "json"]) => (200, "[]".to_owned()),
            ("GET", ["images", ..]) => (200, r#"{"Id":"sha256:stub"}"#.to_owned()),
            ("POST", ["containers", "create"]) => (201, create(&containers, &request.body)),
            ("POST", ["containers", id, "attach"]) => {
                let exited = containers.lock().unwrap()[*id].exited.subscribe();
                attach(reader.into_inner(), exited).await;
                return;
            }
            ("POST", ["containers", id, "start"]) => {
                run(&containers.lock().unwrap()[*id]);
                (204, String::new())
            }
            ("POST", ["containers", _, "wait"]) => (200, r#"{"StatusCode":0}"#.to_owned()),
            ("DELETE", ["containers", id]) => {
                containers.lock().unwrap().remove(*id);
                (204, String::new())
            }
            _ => panic!(
                "the stub does not serve {} {}",
                request.method, request.path
            ),
        };
        let response = format!(
            "HTTP/1.1 {status} Stub\r\nContent-Type: application/json\r\n\
             Api-Version: 1.41\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if reader
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Records the container's input and output mounts and returns its id.
fn create(containers: &Containers, body: &[u8]) -> String {
    let config: serde_json::Value = serde_json::from_slice(body).expect("a JSON create body");
    let mut mounts = HashMap::new();
    for mount in config["HostConfig"]["Mounts"].as_array().expect("mounts") {
        let target = mount["Target"].as_str().unwrap_or_default().to_owned();
        mounts.insert(
            target,
            PathBuf::from(mount["Source"].as_str().unwrap_or_default()),
        );
    }
    let mut containers = containers.lock().unwrap();
    let id = format!("{:064x}", containers.len() as u64 + time_nanos());
    let container = Container {
        inputs: mounts.remove("/var/inputs").expect("an input mount"),
        outputs: mounts.remove("/var/outputs").expect("an output mount"),
        exited: watch::channel(false).0,
    };
    containers.insert(id.clone(), container);
    format!(r#"{{"Id":"{id}","Warnings":[]}}"#)
}

/// Writes what the greeting container would, and marks it exited.
fn run(container: &Container) {
    let name = std::fs::read_to_string(container.inputs.join("name")).expect("the name input");
    let greeting = format!("Hello, my name is {name}.\n");
    std::fs::write(container.outputs.join("greeting"), greeting).expect("write the greeting");
    container.exited.send_replace(true);
}

/// Handles an attach request: switches the connection to the raw stream,
/// and closes it when the container exits, as the daemon does.
async fn attach(mut stream: UnixStream, mut exited: watch::Receiver<bool>) {
    let upgrade = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\
                   Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
    if stream.write_all(upgrade.as_bytes()).await.is_err() {
        return;
    }
    let _ = exited.wait_for(|exited| *exited).await;
    let _ = stream.shutdown().await;
}

/// Returns the time in nanoseconds, so that container ids differ between runs.
fn time_nanos() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |elapsed| elapsed.as_nanos() as u64)
}
