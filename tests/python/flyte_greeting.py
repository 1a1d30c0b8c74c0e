"""The `greeting` example declared with flytekit."""

from flytekit import ContainerTask, LaunchPlan, kwtypes

import flyte_oracle

greeting = ContainerTask(
    name="echo_and_return_greeting",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(name=str),
    outputs=kwtypes(greeting=str),
    command=[
        "/bin/sh",
        "-c",
        flyte_oracle.read_input("name")
        + "echo 'Hello, my name is '\"${CONTAINERFLOW_INPUT_name}\"'.' | tee -a /var/outputs/greeting",
    ],
)


def entities():
    wf = flyte_oracle.workflow("greeting")
    name = wf.add_workflow_input("greet__name", str)
    greet = wf.add_entity(greeting, name=name).with_overrides(node_name="greet")
    wf.add_workflow_output("greet__greeting", greet.outputs["greeting"])
    return [LaunchPlan.create("greeting", wf, default_inputs={"greet__name": "Ada"})]
