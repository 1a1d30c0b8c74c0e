"""The `map_over_list` example declared with flytekit.

flytekit 1.16 maps only Python function tasks, launch plans and reference
tasks, not a `ContainerTask`. The map node is therefore an `array_node`
over a reference task with the container task's name and interface, which
flytekit writes as a Flyte array node whose sub-node calls that task. The
container task itself is serialised first, as containerflow writes it first.
"""

from typing import List

from flytekit import ContainerTask, LaunchPlan, kwtypes
from flytekit.core.array_node import array_node
from flytekit.core.task import ReferenceTask

import flyte_oracle

length = ContainerTask(
    name="word_length",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(word=str),
    outputs=kwtypes(length=int),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
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
    name="word_length",
    version="",
    inputs=kwtypes(word=str),
    outputs=kwtypes(length=int),
)

total = ContainerTask(
    name="total",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(numbers=List[int]),
    outputs=kwtypes(total=int),
    pod_template_name=flyte_oracle.SANDBOX_TEMPLATE,
    command=[
        "/bin/sh",
        "-c",
        "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do "
        "total=$((total + $(cat /var/inputs/numbers/$i))); i=$((i + 1)); done; "
        "echo $total > /var/outputs/total",
    ],
)

WORDS = ["map", "a", "container", "task", "over", "a", "list"]


def entities():
    wf = flyte_oracle.workflow("map_over_list")
    words = wf.add_workflow_input("length__word", List[str])
    lengths = flyte_oracle.add_array_node(wf, array_node(length_reference), word=words)
    lengths.ref.node.with_overrides(node_name="length")
    summed = wf.add_entity(total, numbers=lengths).with_overrides(node_name="total")
    wf.add_workflow_output("length__length", lengths)
    wf.add_workflow_output("total__total", summed.outputs["total"])
    launch_plan = LaunchPlan.create("map_over_list", wf, default_inputs={"length__word": WORDS})
    return [length, launch_plan]
