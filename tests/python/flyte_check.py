"""Checks a Flyte package that containerflow wrote against the rules of
`flytectl register files` and against the package that flytekit's own
serializer writes for the same workflow.

Usage: flyte_check.py OURS [--example NAME]

OURS is a `.tgz` archive. Without `--example` only the layout rules are
checked. With it, the module `flyte_<NAME>.py` beside this script declares
the workflow with flytekit, and every file is decoded with `flyteidl` and
compared field by field. Prints one line per problem and exits 1 when there
is any, 0 otherwise.
"""

import argparse
import importlib
import math
import os
import re
import sys
import tarfile
import tempfile

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from google.protobuf.unknown_fields import UnknownFieldSet

# The admin message in a file, by the kind number at the end of its name.
MESSAGES = {
    "1": task_pb2.TaskSpec,
    "2": workflow_pb2.WorkflowSpec,
    "3": launch_plan_pb2.LaunchPlan,
}

FILE_NAME = re.compile(r"^(\d+)_(.+)_([123])\.pb$")

# Fields that differ by design, as paths of field names from the admin
# message, each with the reason.
NOT_APPLICABLE = {
    # The SDK that wrote the task: flytekit writes FLYTE_SDK, its version and
    # `python`; containerflow writes OTHER, its version and `containerflow`.
    "TaskSpec.template.metadata.runtime": "names the writer of the file",
}

# Repeated fields whose order carries no meaning, with the reason.
UNORDERED = {
    # flytekit builds the list from a Python set, so its order changes
    # between runs; containerflow sorts it.
    "upstream_node_ids": "order of a Python set",
}


def read_archive(path):
    """Returns the archive's members in archive order, as (name, bytes), and
    a problem for each member that is not a regular file at the top level."""
    problems = []
    files = []
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                problems.append(f"{member.name}: not a regular file")
                continue
            if "/" in member.name:
                problems.append(f"{member.name}: not at the top level of the archive")
            files.append((member.name, archive.extractfile(member).read()))
    return files, problems


def decode(name, data, problems):
    match = FILE_NAME.match(name)
    if not match:
        problems.append(f"{name}: the name is not NN_<name>_<1|2|3>.pb")
        return None
    message = MESSAGES[match.group(3)]()
    try:
        message.ParseFromString(data)
    except Exception as error:  # noqa: BLE001, any decoding error is a finding
        problems.append(f"{name}: does not decode as {message.DESCRIPTOR.full_name}: {error}")
        return None
    return message


def check_layout(files, problems):
    """Checks the rules that flytectl relies on, with no reference package."""
    count = len(files)
    width = math.ceil(math.log(count, 10)) if count > 0 else 0
    names = [name for name, _ in files]
    if names != sorted(names):
        problems.append(f"layout: the archive order {names} is not the sorted order")
    seen = {}
    for position, name in enumerate(sorted(names)):
        match = FILE_NAME.match(name)
        if not match:
            problems.append(f"layout: {name} is not NN_<name>_<1|2|3>.pb")
            continue
        index, entity, kind = match.groups()
        if index != str(position).zfill(width):
            problems.append(f"layout: {name} should start with {str(position).zfill(width)}")
        seen[name] = (entity, kind)
    decoded = {name: decode(name, data, problems) for name, data in files}
    registered = {"1": [], "2": [], "3": []}
    for name in sorted(decoded):
        message = decoded[name]
        if message is None or name not in seen:
            continue
        entity, kind = seen[name]
        identifier = message.id if kind == "3" else message.template.id
        if identifier.name != entity:
            problems.append(f"{name}: holds `{identifier.name}`, not `{entity}`")
        for needed_kind, needed in requirements(kind, message):
            if needed not in registered[needed_kind]:
                what = {"1": "task", "2": "workflow"}[needed_kind]
                problems.append(f"{name}: needs {what} `{needed}` in an earlier file, and none is")
        registered[kind].append(identifier.name)
        check_identifiers(name, message, problems)
        check_unknown_fields(name, message, problems)
    return decoded


def requirements(kind, message):
    """Yields the (kind, name) of each entity that must be registered first."""
    if kind == "2":
        for node in all_nodes(message.template.nodes):
            if node.HasField("task_node"):
                yield "1", node.task_node.reference_id.name
    elif kind == "3":
        yield "2", message.spec.workflow_id.name


def all_nodes(nodes):
    for node in nodes:
        yield node
        if node.HasField("array_node"):
            yield from all_nodes([node.array_node.node])


def check_identifiers(name, message, problems):
    """Every identifier must leave project, domain and version to flytectl."""
    for path, value in walk(message, type(message).__name__):
        if value.DESCRIPTOR.full_name != "flyteidl.core.Identifier":
            continue
        for field in ("project", "domain", "version"):
            if getattr(value, field):
                problems.append(f"{name}: {path}.{field} is set; flytectl must fill it in")


def check_unknown_fields(name, message, problems):
    for path, value in walk(message, type(message).__name__):
        unknown = UnknownFieldSet(value)
        if len(unknown):
            numbers = sorted({field.field_number for field in unknown})
            problems.append(f"{name}: {path} has fields unknown to flyteidl: numbers {numbers}")


def walk(message, path):
    """Yields (path, message) for the message and every message inside it."""
    yield path, message
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            if field.message_type.fields_by_name["value"].message_type is not None:
                for key, item in value.items():
                    yield from walk(item, f"{path}.{field.name}[{key}]")
        elif field.is_repeated:
            for index, item in enumerate(value):
                yield from walk(item, f"{path}.{field.name}[{index}]")
        else:
            yield from walk(value, f"{path}.{field.name}")


def compare(ours, theirs, path, problems):
    """Appends a problem for every field whose presence or value differs."""
    if path in NOT_APPLICABLE:
        return
    for field in ours.DESCRIPTOR.fields:
        name = f"{path}.{field.name}"
        if name in NOT_APPLICABLE:
            continue
        mine, reference = getattr(ours, field.name), getattr(theirs, field.name)
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            compare_maps(field, mine, reference, name, problems)
        elif field.is_repeated and field.name in UNORDERED:
            if sorted(mine) != sorted(reference):
                problems.append(f"{name}: {sorted(mine)}, flytekit writes {sorted(reference)}")
        elif field.is_repeated:
            if len(mine) != len(reference):
                problems.append(f"{name}: {len(mine)} entries, flytekit writes {len(reference)}")
            for index, (a, b) in enumerate(zip(mine, reference)):
                compare_values(field, a, b, f"{name}[{index}]", problems)
        elif field.has_presence:
            present = ours.HasField(field.name)
            if present != theirs.HasField(field.name):
                state = "set" if present else "not set"
                problems.append(f"{name}: {state} here, and the opposite in flytekit's")
            elif present:
                compare_values(field, mine, reference, name, problems)
        else:
            compare_values(field, mine, reference, name, problems)


def compare_maps(field, mine, reference, name, problems):
    if set(mine) != set(reference):
        problems.append(f"{name}: keys {sorted(mine)}, flytekit writes {sorted(reference)}")
    value_field = field.message_type.fields_by_name["value"]
    for key in sorted(set(mine) & set(reference)):
        compare_values(value_field, mine[key], reference[key], f"{name}[{key}]", problems)


def compare_values(field, mine, reference, name, problems):
    if field.message_type is not None:
        compare(mine, reference, name, problems)
    elif mine != reference:
        problems.append(f"{name}: {mine!r}, flytekit writes {reference!r}")


def flytekit_package(example, directory):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import flyte_oracle

    module = importlib.import_module(f"flyte_{example}")
    output = os.path.join(directory, f"{example}.tgz")
    flyte_oracle.write_package(module.entities(), output)
    return output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ours", help="the archive containerflow wrote")
    parser.add_argument("--example", help="compare with flyte_<EXAMPLE>.py's package")
    args = parser.parse_args()

    problems = []
    files, archive_problems = read_archive(args.ours)
    problems += archive_problems
    decoded = check_layout(files, problems)
    if args.example:
        with tempfile.TemporaryDirectory() as directory:
            reference_files, _ = read_archive(flytekit_package(args.example, directory))
        reference = {name: decode(name, data, []) for name, data in reference_files}
        if sorted(decoded) != sorted(reference):
            problems.append(f"files: {sorted(decoded)}, flytekit writes {sorted(reference)}")
        for name in sorted(set(decoded) & set(reference)):
            if decoded[name] is not None and reference[name] is not None:
                root = type(decoded[name]).__name__
                compare(decoded[name], reference[name], root, problems)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problems in {args.ours}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
