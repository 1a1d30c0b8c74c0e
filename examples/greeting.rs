//! The greeting task from Flyte's `ContainerTask` documentation, run on a
//! local busybox container: the name is rendered into a shell command, and
//! the greeting the command writes to `/var/outputs/greeting` comes back as a
//! typed `String`.
//!
//! Run with `cargo run --example greeting -- --name Ada`. To run it on a
//! cluster, `--export-flyte greeting.tgz` writes it as a one-node workflow.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use containerflow::{container_task, run_task, DockerExecutor, Workflow};
use tracing_subscriber::EnvFilter;

#[path = "common/export.rs"]
mod export;

container_task! {
    /// Greets a person by name.
    pub struct Greeting {
        name = "echo_and_return_greeting",
        image = "busybox:1.35",
        input_data_dir = "/var/inputs",
        output_data_dir = "/var/outputs",
        inputs = { name: String },
        outputs = { greeting: String },
        command = [
            "/bin/sh",
            "-c",
            "echo 'Hello, my name is {{.inputs.name}}.' | tee -a /var/outputs/greeting",
        ],
    }
}

/// Runs the greeting task once and prints its output.
#[derive(Parser)]
pub struct Args {
    /// The name to greet.
    #[arg(long, default_value = "Ada")]
    name: String,
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

/// Builds a workflow of one greeting, because the engines of a cluster run
/// workflows, not single tasks.
pub fn workflow(args: &Args) -> (Workflow, GreetingOutputRefs) {
    let mut workflow = Workflow::new("greeting");
    let bindings = GreetingBindings {
        name: args.name.as_str().into(),
    };
    let greeted = workflow.add("greet", Greeting, bindings);
    (workflow, greeted)
}

async fn run(args: Args) -> Result<(), containerflow::Error> {
    if args.export.export(&workflow(&args).0)? {
        return Ok(());
    }
    let executor = DockerExecutor::connect().await?;
    let outputs = run_task(&executor, Greeting, GreetingInputs { name: args.name }).await?;
    println!("{outputs:?}");
    println!("greeting: {}", outputs.greeting);
    Ok(())
}
