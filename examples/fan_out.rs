//! A fan-out and fan-in: four independent tasks run in parallel, each
//! hashing 16 MiB of data derived from its own seed, and one join task
//! combines their digests.
//!
//! Run with `cargo run --example fan_out`, or export it with
//! `cargo run --example fan_out -- --export-flyte fan_out.tgz`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use containerflow::{container_task, DockerExecutor, RunOptions, Workflow};
use tracing_subscriber::EnvFilter;

#[path = "common/export.rs"]
mod export;

container_task! {
    /// Hashes `mebibytes` MiB of a repeated seed with SHA-256.
    pub struct Digest {
        name = "digest_seed",
        image = "busybox:1.35",
        inputs = { seed: String, mebibytes: i64 },
        outputs = { digest: String, bytes: i64 },
        block_network = true,
        command = [
            "/bin/sh",
            "-c",
            "yes '{{.inputs.seed}}' | head -c $(({{.inputs.mebibytes}} * 1048576)) > /tmp/data \
             && sha256sum < /tmp/data | cut -d ' ' -f 1 > /var/outputs/digest \
             && wc -c < /tmp/data > /var/outputs/bytes",
        ],
    }
}

container_task! {
    /// Combines four digests into one, in a fixed order, and adds up the bytes hashed.
    pub struct Join {
        name = "join_digests",
        image = "busybox:1.35",
        inputs = {
            a: String, b: String, c: String, d: String,
            bytes_a: i64, bytes_b: i64, bytes_c: i64, bytes_d: i64,
        },
        outputs = { combined: String, total_bytes: i64 },
        block_network = true,
        command = [
            "/bin/sh",
            "-c",
            "printf '%s\\n' '{{.inputs.a}}' '{{.inputs.b}}' '{{.inputs.c}}' '{{.inputs.d}}' \
             | sha256sum | cut -d ' ' -f 1 > /var/outputs/combined \
             && echo $(({{.inputs.bytes_a}} + {{.inputs.bytes_b}} + {{.inputs.bytes_c}} + {{.inputs.bytes_d}})) \
             > /var/outputs/total_bytes",
        ],
    }
}

/// Hashes four seeds in parallel and joins the digests.
#[derive(Parser)]
pub struct Args {
    /// MiB of data each branch hashes.
    #[arg(long, default_value_t = 16)]
    mebibytes: i64,
    /// Maximum number of containers running at once.
    #[arg(long, default_value_t = 4)]
    max_parallel: usize,
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

/// Builds the workflow, and returns the handles of the four branches and of the join.
pub fn workflow(args: &Args) -> (Workflow, Vec<DigestOutputRefs>, JoinOutputRefs) {
    let mut workflow = Workflow::new("fan_out");
    let branches: Vec<DigestOutputRefs> = ["alpha", "beta", "gamma", "delta"]
        .into_iter()
        .map(|seed| {
            let bindings = DigestBindings {
                seed: seed.into(),
                mebibytes: args.mebibytes.into(),
            };
            workflow.add(format!("digest_{seed}"), Digest, bindings)
        })
        .collect();
    let joined = workflow.add(
        "join",
        Join,
        JoinBindings {
            a: branches[0].digest.into(),
            b: branches[1].digest.into(),
            c: branches[2].digest.into(),
            d: branches[3].digest.into(),
            bytes_a: branches[0].bytes.into(),
            bytes_b: branches[1].bytes.into(),
            bytes_c: branches[2].bytes.into(),
            bytes_d: branches[3].bytes.into(),
        },
    );
    (workflow, branches, joined)
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (workflow, branches, joined) = workflow(&args);
    if args.export.export(&workflow)? {
        return Ok(());
    }
    let executor = DockerExecutor::connect().await?;
    let options = RunOptions::default().max_parallel(args.max_parallel);
    let run = workflow
        .run_with(&executor, &options)
        .await?
        .into_result()?;
    for branch in &branches {
        println!("{:?}", run.outputs(branch)?);
    }
    println!("{:?}", run.outputs(&joined)?);
    Ok(())
}
