"""Load a YAML file with PyYAML's `safe_load`, a YAML 1.1 loader, and print
every value with the Python type it was read as, as JSON.

Usage: load_yaml.py FILE

A value is printed as {"type": T, "value": V}, where T is the Python type name
(`str`, `int`, `float`, `bool`, `datetime`, `date`, `NoneType`, `list`,
`dict`, ...). A float's value is its `repr`, because JSON has no NaN; a list's
or a dict's value contains its items in the same form; any other value is its
`str`. Mapping keys are printed with their type too, as "type:key", so that a
key read as a boolean shows up as "bool:True".
"""

import json
import sys

import yaml


def describe(value):
    kind = type(value).__name__
    if isinstance(value, bool) or value is None:
        shown = value
    elif isinstance(value, (str, int)):
        shown = value
    elif isinstance(value, float):
        shown = repr(value)
    elif isinstance(value, list):
        shown = [describe(item) for item in value]
    elif isinstance(value, dict):
        shown = {f"{type(key).__name__}:{key}": describe(item) for key, item in value.items()}
    else:
        shown = str(value)
    return {"type": kind, "value": shown}


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        document = yaml.safe_load(file)
    json.dump(describe(document), sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
