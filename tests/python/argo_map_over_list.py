"""The map_over_list example declared with hera, as the Argo export should write it."""

import json

from hera.workflows import DAG, Container, Env, Parameter, RawArtifact, Workflow, models as m

SANDBOXED = {"sandboxed": "true"}
WORDS = ["map", "a", "container", "task", "over", "a", "list"]


def workflow():
    with Workflow(generate_name="map-over-list-", entrypoint="main") as w:
        length = Container(
            name="word-length",
            labels=SANDBOXED,
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "printf '%s' ''\"${CONTAINERFLOW_INPUT_word}\"'' | wc -c > /var/outputs/length",
            ],
            env=[Env(name="CONTAINERFLOW_INPUT_word", value="{{inputs.parameters.word}}")],
            inputs=[
                Parameter(name="word"),
                RawArtifact(name="word", path="/var/inputs/word", data="{{inputs.parameters.word}}"),
            ],
            outputs=[Parameter(name="length", value_from=m.ValueFrom(path="/var/outputs/length"))],
        )
        # Each element of the gathered JSON list becomes the file
        # /var/inputs/numbers/<index>, as the local runner stages a list.
        elements = [
            RawArtifact(
                name=f"numbers-{index}",
                path=f"/var/inputs/numbers/{index}",
                data=f"{{{{=jsonpath(inputs.parameters['numbers'], '$[{index}]')}}}}",
            )
            for index in range(len(WORDS))
        ]
        total = Container(
            name="total",
            labels=SANDBOXED,
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "total=0; i=0; while [ -e /var/inputs/numbers/$i ]; do "
                "total=$((total + $(cat /var/inputs/numbers/$i))); i=$((i + 1)); done; "
                "echo $total > /var/outputs/total",
            ],
            inputs=[Parameter(name="numbers")] + elements,
            outputs=[Parameter(name="total", value_from=m.ValueFrom(path="/var/outputs/total"))],
        )
        with DAG(name="main"):
            length(
                name="length",
                arguments={"word": "{{item}}"},
                with_param=json.dumps(WORDS, separators=(",", ":")),
            )
            total(
                name="total",
                dependencies=["length"],
                arguments={"numbers": "{{tasks.length.outputs.parameters.length}}"},
            )
    return w
