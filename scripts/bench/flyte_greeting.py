"""Runs the greeting task with flyte-sdk's local ContainerTask runner.

Usage: flyte_greeting.py TASKS PARALLEL

Runs TASKS greetings, one after the other when PARALLEL is 1 and all
submitted at once with asyncio.gather otherwise, and prints one line:
the seconds the runs took (after `flyte.init()`) and the peak resident
memory of this process in KiB. The containerflow benchmark
(benches/docker) runs this script as a peer. It works offline with the
local image busybox:1.35, because flyte-sdk 2.12.1 pulls an image only
when the daemon does not have it.
"""

import asyncio
import resource
import sys
import time

import flyte
from flyte.extras import ContainerTask

greeting_task = ContainerTask(
    name="echo_and_return_greeting",
    image="busybox:1.35",
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs={"name": str},
    outputs={"greeting": str},
    command=[
        "/bin/sh",
        "-c",
        "echo 'Hello, my name is {{.inputs.name}}.' | tee -a /var/outputs/greeting",
    ],
)
greeting_env = flyte.TaskEnvironment.from_task("greeting_env", greeting_task)
driver_env = flyte.TaskEnvironment(name="greeting_driver", depends_on=[greeting_env])


@driver_env.task
async def greet_all(tasks: int) -> list[str]:
    """Submits every greeting at once; the local runner decides how they run."""
    calls = [greeting_task(name=f"Ada{index}") for index in range(tasks)]
    return list(await asyncio.gather(*calls))


def check(greeting: str, name: str) -> None:
    expected = f"Hello, my name is {name}."
    if greeting.strip() != expected:
        sys.exit(f"unexpected greeting {greeting!r}, expected {expected!r}")


def main() -> None:
    tasks, parallel = int(sys.argv[1]), int(sys.argv[2])
    flyte.init()
    started = time.monotonic()
    if parallel > 1:
        greetings = flyte.run(greet_all, tasks=tasks).outputs()[0]
        for index, greeting in enumerate(greetings):
            check(greeting, f"Ada{index}")
    else:
        for index in range(tasks):
            outputs = flyte.run(greeting_task, name=f"Ada{index}").outputs()
            check(outputs[0], f"Ada{index}")
    seconds = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.6f} {peak_kib}")


if __name__ == "__main__":
    main()
