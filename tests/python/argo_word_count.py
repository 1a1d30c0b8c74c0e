"""The word_count example declared with hera, as the Argo export should write it."""

from hera.workflows import (
    DAG,
    Artifact,
    Container,
    Env,
    Parameter,
    RawArtifact,
    Workflow,
    models as m,
)


def workflow():
    with Workflow(generate_name="word-count-", entrypoint="main") as w:
        generate = Container(
            name="generate-text",
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "case ${CONTAINERFLOW_INPUT_lines} in ''|*[!A-Za-z0-9+.:µ-]*) "
                "echo 'containerflow: input lines is not a valid int' >&2; exit 64;; esac\n"
                "i=1; while [ $i -le ${CONTAINERFLOW_INPUT_lines} ]; do "
                'echo "line $i of the quick brown fox"; i=$((i+1)); done > /var/outputs/text',
            ],
            env=[Env(name="CONTAINERFLOW_INPUT_lines", value="{{inputs.parameters.lines}}")],
            inputs=[
                Parameter(name="lines"),
                RawArtifact(name="lines", path="/var/inputs/lines", data="{{inputs.parameters.lines}}"),
            ],
            outputs=[Artifact(name="text", path="/var/outputs/text")],
        )
        count = Container(
            name="count-words",
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "wc -l < /var/inputs/text > /var/outputs/lines "
                "&& wc -w < /var/inputs/text > /var/outputs/words",
            ],
            inputs=[Artifact(name="text", path="/var/inputs/text")],
            outputs=[
                Parameter(name="lines", value_from=m.ValueFrom(path="/var/outputs/lines")),
                Parameter(name="words", value_from=m.ValueFrom(path="/var/outputs/words")),
            ],
        )
        report = Container(
            name="write-report",
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "case ${CONTAINERFLOW_INPUT_words} in ''|*[!A-Za-z0-9+.:µ-]*) "
                "echo 'containerflow: input words is not a valid int' >&2; exit 64;; esac\n"
                "case ${CONTAINERFLOW_INPUT_lines} in ''|*[!A-Za-z0-9+.:µ-]*) "
                "echo 'containerflow: input lines is not a valid int' >&2; exit 64;; esac\n"
                "awk 'BEGIN { printf \"%.3f\", '\"${CONTAINERFLOW_INPUT_words}\"' / "
                "'\"${CONTAINERFLOW_INPUT_lines}\"' }' > /var/outputs/average "
                "&& { echo 'lines: '\"${CONTAINERFLOW_INPUT_lines}\"''; "
                "echo 'words: '\"${CONTAINERFLOW_INPUT_words}\"''; "
                'echo "first line: $(head -n 1 /var/inputs/text)"; '
                'echo "last line: $(tail -n 1 /var/inputs/text)"; } > /var/outputs/report',
            ],
            env=[
                Env(name="CONTAINERFLOW_INPUT_lines", value="{{inputs.parameters.lines}}"),
                Env(name="CONTAINERFLOW_INPUT_words", value="{{inputs.parameters.words}}"),
            ],
            inputs=[
                Parameter(name="lines"),
                Parameter(name="words"),
                Artifact(name="text", path="/var/inputs/text"),
                RawArtifact(name="lines", path="/var/inputs/lines", data="{{inputs.parameters.lines}}"),
                RawArtifact(name="words", path="/var/inputs/words", data="{{inputs.parameters.words}}"),
            ],
            outputs=[
                Parameter(name="average", value_from=m.ValueFrom(path="/var/outputs/average")),
                Artifact(name="report", path="/var/outputs/report"),
            ],
        )
        with DAG(name="main"):
            generate(name="generate", arguments={"lines": "1000"})
            count(
                name="count",
                dependencies=["generate"],
                arguments=[Artifact(name="text", from_="{{tasks.generate.outputs.artifacts.text}}")],
            )
            report(
                name="report",
                dependencies=["generate", "count"],
                arguments=[
                    Parameter(name="lines", value="{{tasks.count.outputs.parameters.lines}}"),
                    Parameter(name="words", value="{{tasks.count.outputs.parameters.words}}"),
                    Artifact(name="text", from_="{{tasks.generate.outputs.artifacts.text}}"),
                ],
            )
    return w
