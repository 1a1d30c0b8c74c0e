"""The fan_out example declared with hera, as the Argo export should write it."""

from hera.workflows import DAG, Container, Env, Parameter, RawArtifact, Workflow, models as m

SANDBOXED = {"sandboxed": "true"}


def check(name):
    """The shell check the export puts before a script that uses an int bare."""
    return (
        f"case ${{CONTAINERFLOW_INPUT_{name}}} in ''|*[!A-Za-z0-9+.:µ-]*) "
        f"echo 'containerflow: input {name} is not a valid int' >&2; exit 64;; esac\n"
    )


def scalar_inputs(*names):
    parameters = [Parameter(name=name) for name in names]
    files = [
        RawArtifact(name=name, path=f"/var/inputs/{name}", data=f"{{{{inputs.parameters.{name}}}}}")
        for name in names
    ]
    return parameters + files


def env(*names):
    return [Env(name=f"CONTAINERFLOW_INPUT_{name}", value=f"{{{{inputs.parameters.{name}}}}}") for name in names]


def outputs(*names):
    return [Parameter(name=name, value_from=m.ValueFrom(path=f"/var/outputs/{name}")) for name in names]


def workflow():
    with Workflow(generate_name="fan-out-", entrypoint="main") as w:
        digest = Container(
            name="digest-seed",
            labels=SANDBOXED,
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                check("mebibytes")
                + "yes ''\"${CONTAINERFLOW_INPUT_seed}\"'' "
                "| head -c $((${CONTAINERFLOW_INPUT_mebibytes} * 1048576)) > /tmp/data "
                "&& sha256sum < /tmp/data | cut -d ' ' -f 1 > /var/outputs/digest "
                "&& wc -c < /tmp/data > /var/outputs/bytes",
            ],
            env=env("seed", "mebibytes"),
            inputs=scalar_inputs("seed", "mebibytes"),
            outputs=outputs("digest", "bytes"),
        )
        join = Container(
            name="join-digests",
            labels=SANDBOXED,
            image="busybox:1.35",
            command=[
                "/bin/sh",
                "-c",
                check("bytes_a")
                + check("bytes_b")
                + check("bytes_c")
                + check("bytes_d")
                + "printf '%s\\n' ''\"${CONTAINERFLOW_INPUT_a}\"'' ''\"${CONTAINERFLOW_INPUT_b}\"'' "
                "''\"${CONTAINERFLOW_INPUT_c}\"'' ''\"${CONTAINERFLOW_INPUT_d}\"'' "
                "| sha256sum | cut -d ' ' -f 1 > /var/outputs/combined "
                "&& echo $((${CONTAINERFLOW_INPUT_bytes_a} + ${CONTAINERFLOW_INPUT_bytes_b} "
                "+ ${CONTAINERFLOW_INPUT_bytes_c} + ${CONTAINERFLOW_INPUT_bytes_d})) "
                "> /var/outputs/total_bytes",
            ],
            env=env("a", "b", "c", "d", "bytes_a", "bytes_b", "bytes_c", "bytes_d"),
            inputs=scalar_inputs("a", "b", "c", "d", "bytes_a", "bytes_b", "bytes_c", "bytes_d"),
            outputs=outputs("combined", "total_bytes"),
        )
        seeds = ["alpha", "beta", "gamma", "delta"]
        with DAG(name="main"):
            for seed in seeds:
                digest(name=f"digest-{seed}", arguments={"seed": seed, "mebibytes": "16"})
            arguments = {}
            for letter, seed in zip("abcd", seeds):
                arguments[letter] = f"{{{{tasks.digest-{seed}.outputs.parameters.digest}}}}"
            for letter, seed in zip("abcd", seeds):
                arguments[f"bytes_{letter}"] = f"{{{{tasks.digest-{seed}.outputs.parameters.bytes}}}}"
            join(name="join", dependencies=[f"digest-{seed}" for seed in seeds], arguments=arguments)
    return w
