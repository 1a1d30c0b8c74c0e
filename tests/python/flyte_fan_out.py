"""The `fan_out` example declared with flytekit."""

from flytekit import ContainerTask, LaunchPlan, kwtypes

import flyte_oracle

digest = ContainerTask(
    name="digest_seed",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(seed=str, mebibytes=int),
    outputs=kwtypes(digest=str, bytes=int),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
    command=[
        "/bin/sh",
        "-c",
        flyte_oracle.read_input("seed")
        + "yes ''\"${CONTAINERFLOW_INPUT_seed}\"'' | head -c $(({{.inputs.mebibytes}} * 1048576)) > /tmp/data "
        "&& sha256sum < /tmp/data | cut -d ' ' -f 1 > /var/outputs/digest "
        "&& wc -c < /tmp/data > /var/outputs/bytes",
    ],
)

join = ContainerTask(
    name="join_digests",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(a=str, b=str, c=str, d=str, bytes_a=int, bytes_b=int, bytes_c=int, bytes_d=int),
    outputs=kwtypes(combined=str, total_bytes=int),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
    command=[
        "/bin/sh",
        "-c",
        flyte_oracle.read_input("a")
        + flyte_oracle.read_input("b")
        + flyte_oracle.read_input("c")
        + flyte_oracle.read_input("d")
        + "printf '%s\\n' ''\"${CONTAINERFLOW_INPUT_a}\"'' ''\"${CONTAINERFLOW_INPUT_b}\"'' "
        "''\"${CONTAINERFLOW_INPUT_c}\"'' ''\"${CONTAINERFLOW_INPUT_d}\"'' "
        "| sha256sum | cut -d ' ' -f 1 > /var/outputs/combined "
        "&& echo $(({{.inputs.bytes_a}} + {{.inputs.bytes_b}} + {{.inputs.bytes_c}} + {{.inputs.bytes_d}})) "
        "> /var/outputs/total_bytes",
    ],
)

SEEDS = ["alpha", "beta", "gamma", "delta"]


def entities():
    wf = flyte_oracle.workflow("fan_out")
    defaults = {}
    branches = []
    for seed in SEEDS:
        node = f"digest_{seed}"
        seed_input = wf.add_workflow_input(f"{node}__seed", str)
        size_input = wf.add_workflow_input(f"{node}__mebibytes", int)
        defaults[f"{node}__seed"] = seed
        defaults[f"{node}__mebibytes"] = 16
        branch = wf.add_entity(digest, seed=seed_input, mebibytes=size_input)
        branches.append(branch.with_overrides(node_name=node))
    joined = wf.add_entity(
        join,
        a=branches[0].outputs["digest"],
        b=branches[1].outputs["digest"],
        c=branches[2].outputs["digest"],
        d=branches[3].outputs["digest"],
        bytes_a=branches[0].outputs["bytes"],
        bytes_b=branches[1].outputs["bytes"],
        bytes_c=branches[2].outputs["bytes"],
        bytes_d=branches[3].outputs["bytes"],
    ).with_overrides(node_name="join")
    for seed, branch in zip(SEEDS, branches):
        wf.add_workflow_output(f"digest_{seed}__digest", branch.outputs["digest"])
        wf.add_workflow_output(f"digest_{seed}__bytes", branch.outputs["bytes"])
    wf.add_workflow_output("join__combined", joined.outputs["combined"])
    wf.add_workflow_output("join__total_bytes", joined.outputs["total_bytes"])
    return [LaunchPlan.create("fan_out", wf, default_inputs=defaults)]
