//! A high-throughput I/O task in the spirit of wrapping `s5cmd`: one task
//! generates a large file, and a second copies it with large blocks, times
//! itself and reports `duration` and `throughput_mbps` as float outputs.
//!
//! Run with `cargo run --release --example transfer -- --mebibytes 256`, or
//! export it with `--export-flyte transfer.tgz`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use containerflow::{container_task, DockerExecutor, Workflow};
use tracing_subscriber::EnvFilter;

#[path = "common/export.rs"]
mod export;

container_task! {
    /// Writes `mebibytes` MiB of random bytes to the `payload` file.
    pub struct MakePayload {
        name = "make_payload",
        image = "busybox:1.35",
        inputs = { mebibytes: i64 },
        outputs = { payload: File },
        block_network = true,
        command = [
            "/bin/sh",
            "-c",
            "dd if=/dev/urandom of=/var/outputs/payload bs=1048576 count={{.inputs.mebibytes}} 2>/dev/null",
        ],
    }
}

container_task! {
    /// Copies `source` with 4 MiB blocks and reports the wall-clock seconds
    /// and the throughput in megabytes (10^6 bytes) per second. The clock is
    /// `/proc/uptime`, with 10 ms resolution.
    pub struct Transfer {
        name = "transfer",
        image = "busybox:1.35",
        inputs = { source: File },
        outputs = { copy: File, bytes: i64, duration: f64, throughput_mbps: f64 },
        block_network = true,
        command = [
            "/bin/sh",
            "-c",
            "read start _ < /proc/uptime \
             && dd if=/var/inputs/source of=/var/outputs/copy bs=4194304 2>/dev/null \
             && read end _ < /proc/uptime \
             && bytes=$(wc -c < /var/outputs/copy) && echo $bytes > /var/outputs/bytes \
             && awk -v s=$start -v e=$end -v b=$bytes 'BEGIN { d = e - s; if (d < 0.01) d = 0.01; \
                printf \"%.2f\", d > \"/var/outputs/duration\"; \
                printf \"%.1f\", b / d / 1000000 > \"/var/outputs/throughput_mbps\" }'",
        ],
    }
}

/// Generates a large file and times a copy of it in a container.
#[derive(Parser)]
pub struct Args {
    /// Size of the generated file in MiB.
    #[arg(long, default_value_t = 256)]
    mebibytes: i64,
    #[command(flatten)]
    export: export::ExportArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the workflow, and returns the handles of the payload and the copy.
pub fn workflow(args: &Args) -> (Workflow, MakePayloadOutputRefs, TransferOutputRefs) {
    let mut workflow = Workflow::new("transfer");
    let made = workflow.add(
        "make_payload",
        MakePayload,
        MakePayloadBindings {
            mebibytes: args.mebibytes.into(),
        },
    );
    let moved = workflow.add(
        "transfer",
        Transfer,
        TransferBindings {
            source: made.payload.into(),
        },
    );
    (workflow, made, moved)
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (workflow, made, moved) = workflow(&args);
    if args.export.export(&workflow)? {
        return Ok(());
    }
    let executor = DockerExecutor::connect().await?;
    let run = workflow.run(&executor).await?.into_result()?;
    let payload = run.outputs(&made)?.payload;
    let transfer = run.outputs(&moved)?;
    let expected = std::fs::metadata(payload.path())?.len();
    let copied = std::fs::metadata(transfer.copy.path())?.len();
    if copied != expected || transfer.bytes != expected as i64 {
        return Err(format!("copy has {copied} bytes, expected {expected}").into());
    }
    println!("{transfer:?}");
    println!(
        "copied {} MiB in {:.2} s: {:.1} MB/s",
        expected / 1_048_576,
        transfer.duration,
        transfer.throughput_mbps
    );
    Ok(())
}
