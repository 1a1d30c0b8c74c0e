"""Helpers for the flytekit declarations of the examples: serialise them
with flytekit's own serializer and package them as `pyflyte package` does.

Each `flyte_<example>.py` module beside this one declares the example's
workflow with flytekit 1.16's `ContainerTask` and defines `entities()`, the
flytekit objects to serialise, in the order their tasks are first used.
"""

import tempfile
from collections import OrderedDict

from flytekit import WorkflowFailurePolicy
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.core.context_manager import FlyteContext, FlyteContextManager
from flytekit.core.workflow import ImperativeWorkflow
from flytekit.tools.repo import package
from flytekit.tools.serialize_helpers import _should_register_with_admin
from flytekit.tools.translator import get_serializable

# containerflow's runs complete every branch that does not depend on a
# failed task, which is this policy.
FAILURE_POLICY = WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE

# containerflow maps `block_network = true` to this pod template name.
SANDBOX_TEMPLATE = "sandboxed-pod-template"


def read_input(name, input_data_dir="/var/inputs"):
    """Returns the script line that a careful Flyte user puts before a
    `sh -c` script that uses the string input `name`: it reads the file that
    CoPilot writes into the variable `CONTAINERFLOW_INPUT_<name>`, keeping
    trailing newlines with a `.` that it strips again, so the script can use
    `"${CONTAINERFLOW_INPUT_<name>}"` where a raw `{{.inputs.<name>}}` could
    end the quotes and run commands."""
    variable = f"CONTAINERFLOW_INPUT_{name}"
    return (
        f"{variable}=$(cat {input_data_dir}/{name} && printf .) || exit 64; "
        f"{variable}=${{{variable}%.}}\n"
    )


def workflow(name):
    """Returns an imperative workflow, whose name is given, unlike `@workflow`'s."""
    return ImperativeWorkflow(name=name, failure_policy=FAILURE_POLICY)


def add_array_node(wf, array_node, **inputs):
    """Adds an `array_node(...)` call to an imperative workflow, which
    `add_entity` does not accept, and returns the promise of its output."""
    context = FlyteContext.current_context()
    with FlyteContextManager.with_context(context.with_compilation_state(wf.compilation_state)):
        promise = array_node(**inputs)
    for value in inputs.values():
        if value in wf._unbound_inputs:
            wf._unbound_inputs.remove(value)
    return promise


def write_package(entities, output):
    """Serialises the entities and writes them as `pyflyte package` does,
    with an empty project, domain and version."""
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image())
    mapping = OrderedDict()
    for entity in entities:
        get_serializable(mapping, settings, entity)
    registrable = [model for model in mapping.values() if _should_register_with_admin(model)]
    package(registrable, source=tempfile.gettempdir(), output=output)
