//! The workflow of each example, wired as its `run` function wires it,
//! with the examples' default arguments.

use containerflow::Workflow;

use crate::{fan_out, greeting, map_over_list, transfer, word_count};

/// Returns every example's workflow, by example name.
pub fn all() -> Vec<(&'static str, Workflow)> {
    vec![
        ("greeting", greeting()),
        ("word_count", word_count()),
        ("fan_out", fan_out()),
        ("transfer", transfer()),
        ("map_over_list", map_over_list()),
    ]
}

/// Builds the greeting example's task as a one-node workflow, because the
/// example runs it alone.
pub fn greeting() -> Workflow {
    use greeting::{Greeting, GreetingBindings};
    let mut workflow = Workflow::new("greeting");
    workflow.add(
        "greeting",
        Greeting,
        GreetingBindings { name: "Ada".into() },
    );
    workflow
}

pub fn word_count() -> Workflow {
    use word_count::{Count, CountBindings, Generate, GenerateBindings, Report, ReportBindings};
    let mut workflow = Workflow::new("word_count");
    let generated = workflow.add(
        "generate",
        Generate,
        GenerateBindings { lines: 1000.into() },
    );
    let counted = workflow.add(
        "count",
        Count,
        CountBindings {
            text: generated.text.into(),
        },
    );
    workflow.add(
        "report",
        Report,
        ReportBindings {
            text: generated.text.into(),
            lines: counted.lines.into(),
            words: counted.words.into(),
        },
    );
    workflow
}

pub fn fan_out() -> Workflow {
    use fan_out::{Digest, DigestBindings, DigestOutputRefs, Join, JoinBindings};
    let mut workflow = Workflow::new("fan_out");
    let branches: Vec<DigestOutputRefs> = ["alpha", "beta", "gamma", "delta"]
        .into_iter()
        .map(|seed| {
            let bindings = DigestBindings {
                seed: seed.into(),
                mebibytes: 16.into(),
            };
            workflow.add(format!("digest_{seed}"), Digest, bindings)
        })
        .collect();
    workflow.add(
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
    workflow
}

pub fn transfer() -> Workflow {
    use transfer::{MakePayload, MakePayloadBindings, Transfer, TransferBindings};
    let mut workflow = Workflow::new("transfer");
    let payload = workflow.add(
        "make_payload",
        MakePayload,
        MakePayloadBindings {
            mebibytes: 256.into(),
        },
    );
    workflow.add(
        "transfer",
        Transfer,
        TransferBindings {
            source: payload.payload.into(),
        },
    );
    workflow
}

pub fn map_over_list() -> Workflow {
    use map_over_list::{Length, LengthBindings, Total, TotalBindings};
    let words: Vec<String> = ["map", "a", "container", "task", "over", "a", "list"]
        .map(str::to_owned)
        .to_vec();
    let mut workflow = Workflow::new("map_over_list");
    let mapped = workflow.map("length", Length, words, |word| LengthBindings {
        word: word.into(),
    });
    let lengths = mapped.gather(|refs| refs.length);
    workflow.add(
        "total",
        Total,
        TotalBindings {
            numbers: lengths.into(),
        },
    );
    workflow
}
