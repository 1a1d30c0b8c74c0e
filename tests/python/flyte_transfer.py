"""The `transfer` example declared with flytekit."""

from flytekit import ContainerTask, LaunchPlan, kwtypes
from flytekit.types.file import FlyteFile

import flyte_oracle

make_payload = ContainerTask(
    name="make_payload",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(mebibytes=int),
    outputs=kwtypes(payload=FlyteFile),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
    command=[
        "/bin/sh",
        "-c",
        "dd if=/dev/urandom of=/var/outputs/payload bs=1048576 count={{.inputs.mebibytes}} 2>/dev/null",
    ],
)

transfer = ContainerTask(
    name="transfer",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(source=FlyteFile),
    outputs=kwtypes(copy=FlyteFile, bytes=int, duration=float, throughput_mbps=float),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
    command=[
        "/bin/sh",
        "-c",
        "read start _ < /proc/uptime "
        "&& dd if=/var/inputs/source of=/var/outputs/copy bs=4194304 2>/dev/null "
        "&& read end _ < /proc/uptime "
        "&& bytes=$(wc -c < /var/outputs/copy) && echo $bytes > /var/outputs/bytes "
        "&& awk -v s=$start -v e=$end -v b=$bytes 'BEGIN { d = e - s; if (d < 0.01) d = 0.01; "
        'printf "%.2f", d > "/var/outputs/duration"; '
        'printf "%.1f", b / d / 1000000 > "/var/outputs/throughput_mbps" }\'',
    ],
)


def entities():
    wf = flyte_oracle.workflow("transfer")
    size = wf.add_workflow_input("make_payload__mebibytes", int)
    made = wf.add_entity(make_payload, mebibytes=size).with_overrides(node_name="make_payload")
    moved = wf.add_entity(transfer, source=made.outputs["payload"]).with_overrides(node_name="transfer")
    wf.add_workflow_output("make_payload__payload", made.outputs["payload"])
    for output in ["copy", "bytes", "duration", "throughput_mbps"]:
        wf.add_workflow_output(f"transfer__{output}", moved.outputs[output])
    return [LaunchPlan.create("transfer", wf, default_inputs={"make_payload__mebibytes": 256})]
