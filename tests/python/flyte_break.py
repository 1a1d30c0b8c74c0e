"""Writes a copy of a Flyte package with one deliberate mistake, for the
test that shows `flyte_check.py` finds it.

Usage: flyte_break.py IN.tgz OUT.tgz MISTAKE

MISTAKE is one of:
  drop-binding  removes the first input binding of the workflow's last node
  change-type   makes the first input of the first task a string
  set-version   sets a version in the launch plan's identifier
  drop-none     removes the none variant from the first optional type in
                the workflow's outputs
"""

import io
import sys
import tarfile

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import types_pb2


def drop_binding(files):
    name = next(name for name in files if name.endswith("_2.pb"))
    spec = workflow_pb2.WorkflowSpec.FromString(files[name])
    del spec.template.nodes[-1].inputs[0]
    files[name] = spec.SerializeToString()


def change_type(files):
    name = sorted(name for name in files if name.endswith("_1.pb"))[0]
    spec = task_pb2.TaskSpec.FromString(files[name])
    variables = spec.template.interface.inputs.variables
    first = sorted(variables)[0]
    variables[first].type.simple = types_pb2.STRING
    files[name] = spec.SerializeToString()


def set_version(files):
    name = next(name for name in files if name.endswith("_3.pb"))
    plan = launch_plan_pb2.LaunchPlan.FromString(files[name])
    plan.id.version = "v1"
    files[name] = plan.SerializeToString()


def drop_none(files):
    name = next(name for name in files if name.endswith("_2.pb"))
    spec = workflow_pb2.WorkflowSpec.FromString(files[name])
    for variable in spec.template.interface.outputs.variables.values():
        union = variable.type.collection_type.union_type
        if union.variants:
            del union.variants[-1]
            break
    else:
        raise SystemExit("the workflow has no output of a list of optional values")
    files[name] = spec.SerializeToString()


MISTAKES = {
    "drop-binding": drop_binding,
    "change-type": change_type,
    "set-version": set_version,
    "drop-none": drop_none,
}


def main():
    source, target, mistake = sys.argv[1:]
    with tarfile.open(source, "r:gz") as archive:
        names = archive.getnames()
        files = {name: archive.extractfile(name).read() for name in names}
    MISTAKES[mistake](files)
    with tarfile.open(target, "w:gz") as archive:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            archive.addfile(info, io.BytesIO(files[name]))


if __name__ == "__main__":
    main()
