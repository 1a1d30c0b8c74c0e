"""The greeting example, a one-task workflow, declared with hera as the Argo
export should write it."""

from hera.workflows import DAG, Container, Env, Parameter, RawArtifact, Workflow, models as m


def workflow():
    with Workflow(generate_name="greeting-", entrypoint="main") as w:
        greeting = Container(
            name="echo-and-return-greeting",
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                "echo 'Hello, my name is '\"${CONTAINERFLOW_INPUT_name}\"'.' "
                "| tee -a /var/outputs/greeting",
            ],
            env=[Env(name="CONTAINERFLOW_INPUT_name", value="{{inputs.parameters.name}}")],
            inputs=[
                Parameter(name="name"),
                RawArtifact(name="name", path="/var/inputs/name", data="{{inputs.parameters.name}}"),
            ],
            outputs=[
                Parameter(name="greeting", value_from=m.ValueFrom(path="/var/outputs/greeting")),
            ],
        )
        with DAG(name="main"):
            greeting(name="greet", arguments={"name": "Ada"})
    return w
