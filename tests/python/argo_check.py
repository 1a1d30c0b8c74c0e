"""Checks an Argo Workflow YAML file that containerflow exported, with hera.

    argo_check.py parse FILE
        Parses FILE into hera's model classes and dumps it back. hera's models
        ignore keys they do not know, so a key lost in the round trip is a
        misspelled or unknown field, and the check fails naming it.

    argo_check.py compare FILE EXAMPLE
        Compares FILE with the workflow that `argo_EXAMPLE.py` declares with
        hera's own classes, after the normalisation in `normalise`.

Exits 0 when the check passes, 1 with a diff on standard error otherwise.
"""

import difflib
import importlib
import json
import sys
from pathlib import Path

import yaml
from hera.workflows import models


def load(path):
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def round_trip(document):
    parsed = models.Workflow.model_validate(document)
    return parsed.model_dump(by_alias=True, exclude_none=True, mode="json")


def normalise(document):
    """Returns a copy with two differences that keep the meaning removed.

    Templates are sorted by name, because hera lists them in declaration
    order. IntOrString fields become text, because hera's models keep
    whichever of the two a script wrote."""
    document = json.loads(json.dumps(document))
    templates = document.get("spec", {}).get("templates", [])
    templates.sort(key=lambda template: template.get("name", ""))
    for template in templates:
        if "activeDeadlineSeconds" in template:
            template["activeDeadlineSeconds"] = str(template["activeDeadlineSeconds"])
        retry = template.get("retryStrategy")
        if retry is not None:
            retry["limit"] = str(retry.get("limit"))
            backoff = retry.get("backoff", {})
            if "factor" in backoff:
                backoff["factor"] = str(backoff["factor"])
    return document


def dump(document):
    return yaml.safe_dump(document, sort_keys=True, width=1000).splitlines(keepends=True)


def report(expected, actual, expected_name, actual_name):
    if expected == actual:
        return 0
    diff = difflib.unified_diff(dump(expected), dump(actual), expected_name, actual_name)
    sys.stderr.writelines(diff)
    return 1


def parse(path):
    document = load(path)
    return report(document, round_trip(document), path, "hera's models")


def compare(path, example):
    sys.path.insert(0, str(Path(__file__).parent))
    module = importlib.import_module(f"argo_{example}")
    declared = module.workflow().to_dict()
    ours = load(path)
    return report(normalise(declared), normalise(ours), f"argo_{example}.py", path)


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "parse":
        return parse(arguments[1])
    if len(arguments) == 3 and arguments[0] == "compare":
        return compare(arguments[1], arguments[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
