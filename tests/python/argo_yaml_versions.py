"""Checks that a YAML 1.1 loader and a YAML 1.2 loader read an exported Argo
file as the same document.

    argo_yaml_versions.py FILE

Kubernetes and Argo read YAML 1.1 (go-yaml through sigs.k8s.io/yaml), where
a plain `yes`, `on` or `1_000` is a boolean or a number, not a string. The
file is read with PyYAML's `safe_load`, a YAML 1.1 loader, and with
ruamel.yaml's safe loader, which follows YAML 1.2. Both must return the same
document, and every scalar must be a string except the integers of the
fields in INTEGER_FIELDS.

Prints the document as JSON and exits 0 when the check passes; exits 1 with
the differences on standard error otherwise.
"""

import json
import sys

import yaml
from ruamel.yaml import YAML

# The fields whose value the Argo model writes as a YAML integer.
INTEGER_FIELDS = {"activeDeadlineSeconds", "limit", "factor", "runAsUser", "runAsGroup"}


def load_1_1(path):
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def load_1_2(path):
    loader = YAML(typ="safe", pure=True)
    loader.version = (1, 2)
    with open(path, encoding="utf-8") as file:
        return loader.load(file)


def wrong_types(node, where="", key=None):
    """Yields the location of each scalar that is neither a string nor an
    integer of a field in INTEGER_FIELDS, and each key that is not a string."""
    if isinstance(node, dict):
        for child_key, child in node.items():
            if not isinstance(child_key, str):
                yield f"{where}: key {child_key!r} is a {type(child_key).__name__}"
            yield from wrong_types(child, f"{where}.{child_key}", child_key)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from wrong_types(child, f"{where}[{index}]", None)
    elif isinstance(node, str):
        return
    elif type(node) is int and key in INTEGER_FIELDS:
        return
    else:
        yield f"{where}: {node!r} is a {type(node).__name__}"


def main(arguments):
    if len(arguments) != 1:
        sys.stderr.write(__doc__)
        return 2
    path = arguments[0]
    document = load_1_1(path)
    problems = list(wrong_types(document))
    if document != load_1_2(path):
        problems.append(
            "PyYAML (YAML 1.1) and ruamel.yaml (YAML 1.2) read different documents:\n"
            f"1.1: {json.dumps(document, default=repr)}\n"
            f"1.2: {json.dumps(load_1_2(path), default=repr)}"
        )
    if problems:
        sys.stderr.write(f"{path}:\n" + "\n".join(problems) + "\n")
        return 1
    json.dump(document, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
