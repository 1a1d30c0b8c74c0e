"""The `word_count` example declared with flytekit."""

from flytekit import ContainerTask, LaunchPlan, kwtypes
from flytekit.types.file import FlyteFile

import flyte_oracle

generate = ContainerTask(
    name="generate_text",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(lines=int),
    outputs=kwtypes(text=FlyteFile),
    command=[
        "/bin/sh",
        "-c",
        'i=1; while [ $i -le {{.inputs.lines}} ]; do echo "line $i of the quick brown fox"; '
        "i=$((i+1)); done > /var/outputs/text",
    ],
)

count = ContainerTask(
    name="count_words",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(text=FlyteFile),
    outputs=kwtypes(lines=int, words=int),
    command=[
        "/bin/sh",
        "-c",
        "wc -l < /var/inputs/text > /var/outputs/lines && wc -w < /var/inputs/text > /var/outputs/words",
    ],
)

report = ContainerTask(
    name="write_report",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(text=FlyteFile, lines=int, words=int),
    outputs=kwtypes(report=FlyteFile, average=float),
    command=[
        "/bin/sh",
        "-c",
        "awk 'BEGIN { printf \"%.3f\", {{.inputs.words}} / {{.inputs.lines}} }' > /var/outputs/average "
        "&& { echo 'lines: {{.inputs.lines}}'; echo 'words: {{.inputs.words}}'; "
        'echo "first line: $(head -n 1 /var/inputs/text)"; '
        'echo "last line: $(tail -n 1 /var/inputs/text)"; } > /var/outputs/report',
    ],
)


def entities():
    wf = flyte_oracle.workflow("word_count")
    lines = wf.add_workflow_input("generate__lines", int)
    generated = wf.add_entity(generate, lines=lines).with_overrides(node_name="generate")
    counted = wf.add_entity(count, text=generated.outputs["text"]).with_overrides(node_name="count")
    reported = wf.add_entity(
        report,
        text=generated.outputs["text"],
        lines=counted.outputs["lines"],
        words=counted.outputs["words"],
    ).with_overrides(node_name="report")
    wf.add_workflow_output("generate__text", generated.outputs["text"])
    wf.add_workflow_output("count__lines", counted.outputs["lines"])
    wf.add_workflow_output("count__words", counted.outputs["words"])
    wf.add_workflow_output("report__report", reported.outputs["report"])
    wf.add_workflow_output("report__average", reported.outputs["average"])
    return [LaunchPlan.create("word_count", wf, default_inputs={"generate__lines": 1000})]
