"""The `partial_map` workflow of `tests/export_flyte.rs` declared with flytekit.

A map with a minimum success ratio gathers lists of optional lengths, which
a task with a `List[Optional[int]]` input adds up; a second call of that task
takes a literal list with a missing element; a third task reads a secret
from the environment. As in `flyte_map_over_list.py`, the map node is an
`array_node` over a reference task with the container task's name and
interface.
"""

import struct
from typing import List, Optional

from flytekit import ContainerTask, LaunchPlan, Secret, kwtypes
from flytekit.core.array_node import array_node
from flytekit.core.task import ReferenceTask

import flyte_oracle

# containerflow reads every secret from this Kubernetes secret, one key per
# variable, and requests that Flyte set the variable of the same name.
SECRET_GROUP = "containerflow-secrets"


def float32_not_above(ratio):
    """Returns the largest 32-bit float not above `ratio`, which containerflow
    writes as the array node's ratio, where flytekit writes the nearest one."""
    nearest = struct.unpack("<f", struct.pack("<f", ratio))[0]
    if nearest <= ratio or nearest == 0:
        return nearest
    bits = struct.unpack("<I", struct.pack("<f", nearest))[0]
    return struct.unpack("<f", struct.pack("<I", bits - 1))[0]


RATIO = float32_not_above(0.6)

length = ContainerTask(
    name="count_chars",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(word=str),
    outputs=kwtypes(length=int),
    command=[
        "/bin/sh",
        "-c",
        flyte_oracle.read_input("word")
        + "printf '%s' ''\"${CONTAINERFLOW_INPUT_word}\"'' | wc -c > /var/outputs/length",
    ],
)

length_reference = ReferenceTask(
    project="",
    domain="",
    name="count_chars",
    version="",
    inputs=kwtypes(word=str),
    outputs=kwtypes(length=int),
)

total = ContainerTask(
    name="sum_present",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(numbers=List[Optional[int]]),
    outputs=kwtypes(total=int),
    command=[
        "/bin/sh",
        "-c",
        "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do "
        "n=$(cat /var/inputs/numbers/$i); [ \"$n\" = null ] || total=$((total + n)); "
        "i=$((i + 1)); done; echo $total > /var/outputs/total",
    ],
)

fetch = ContainerTask(
    name="fetch_with_token",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(),
    outputs=kwtypes(),
    secret_requests=[
        Secret(
            group=SECRET_GROUP,
            key="API_TOKEN",
            mount_requirement=Secret.MountType.ENV_VAR,
            env_var="API_TOKEN",
        )
    ],
    command=["/bin/sh", "-c", 'test -n "$API_TOKEN"'],
)

WORDS = ["map", "a", "container"]


def entities():
    wf = flyte_oracle.workflow("partial_map")
    words = wf.add_workflow_input("length__word", List[str])
    lengths = flyte_oracle.add_array_node(
        wf, array_node(length_reference, min_success_ratio=RATIO), word=words
    )
    lengths.ref.node.with_overrides(node_name="length")
    summed = wf.add_entity(total, numbers=lengths).with_overrides(node_name="total")
    fixed_numbers = wf.add_workflow_input("fixed_total__numbers", List[Optional[int]])
    fixed = wf.add_entity(total, numbers=fixed_numbers).with_overrides(node_name="fixed_total")
    wf.add_entity(fetch).with_overrides(node_name="fetch")
    wf.add_workflow_output("length__length", lengths)
    wf.add_workflow_output("total__total", summed.outputs["total"])
    wf.add_workflow_output("fixed_total__total", fixed.outputs["total"])
    defaults = {"length__word": WORDS, "fixed_total__numbers": [4, None, 2]}
    launch_plan = LaunchPlan.create("partial_map", wf, default_inputs=defaults)
    return [length, total, fetch, launch_plan]
