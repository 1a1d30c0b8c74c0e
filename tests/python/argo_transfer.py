"""The transfer example declared with hera, as the Argo export should write it."""

from hera.workflows import DAG, Artifact, Container, Env, Parameter, RawArtifact, Workflow, models as m

SANDBOXED = {"sandboxed": "true"}


def workflow():
    with Workflow(generate_name="transfer-", entrypoint="main") as w:
        make = Container(
            name="make-payload",
            labels=SANDBOXED,
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "case ${CONTAINERFLOW_INPUT_mebibytes} in ''|*[!A-Za-z0-9+.:µ-]*) "
                "echo 'containerflow: input mebibytes is not a valid int' >&2; exit 64;; esac\n"
                "dd if=/dev/urandom of=/var/outputs/payload bs=1048576 "
                "count=${CONTAINERFLOW_INPUT_mebibytes} 2>/dev/null",
            ],
            env=[Env(name="CONTAINERFLOW_INPUT_mebibytes", value="{{inputs.parameters.mebibytes}}")],
            inputs=[
                Parameter(name="mebibytes"),
                RawArtifact(
                    name="mebibytes", path="/var/inputs/mebibytes", data="{{inputs.parameters.mebibytes}}"
                ),
            ],
            outputs=[Artifact(name="payload", path="/var/outputs/payload")],
        )
        transfer = Container(
            name="transfer",
            labels=SANDBOXED,
            image="busybox:1.35",
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
            inputs=[Artifact(name="source", path="/var/inputs/source")],
            outputs=[
                Parameter(name=name, value_from=m.ValueFrom(path=f"/var/outputs/{name}"))
                for name in ["bytes", "duration", "throughput_mbps"]
            ]
            + [Artifact(name="copy", path="/var/outputs/copy")],
        )
        with DAG(name="main"):
            make(name="make-payload", arguments={"mebibytes": "256"})
            transfer(
                name="transfer",
                dependencies=["make-payload"],
                arguments=[Artifact(name="source", from_="{{tasks.make-payload.outputs.artifacts.payload}}")],
            )
    return w
