#!/usr/bin/env python3
# Checks the lexicon YAML files against the lexicon format (docs/lexicons.md):
# top-level keys, entry shapes, string attributes, aliases shared by entries.
#
# Usage:  python3 tools/lexicons/check_lexicons.py [FILE.yaml ...]
#   (default: rules/lexicons/*.yaml). Needs PyYAML. Exit status 1 on an
#   error; shared aliases are only warnings (the first entry gets them).
import glob
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOP = {"name", "kind", "fold", "entries"}
ENTRY = {"name", "norm", "kind", "aliases", "attrs"}


def is_str(v):
    # A YAML 1.1 reader turns NO, yes, 1.5 into non-strings: every scalar the
    # lexicon loader reads as a string must also be a string here.
    return isinstance(v, str) and v != ""


def check_entry(path, i, e, errors):
    where = "%s: entry %d" % (path, i + 1)
    if isinstance(e, str):
        return [e]
    if not isinstance(e, dict):
        errors.append("%s: not a string or a map" % where)
        return []
    extra = set(e) - ENTRY
    if extra or not is_str(e.get("name")):
        errors.append("%s: bad keys %s or name %r" % (where, sorted(extra), e.get("name")))
    for key in ("norm", "kind"):
        if key in e and not is_str(e[key]):
            errors.append("%s: %s is not a string: %r" % (where, key, e[key]))
    phrases = [e.get("name")]
    for a in e.get("aliases", []) or []:
        if isinstance(a, dict):
            if set(a) - {"text", "kind"} or not is_str(a.get("text")):
                errors.append("%s: bad alias %r" % (where, a))
            phrases.append(a.get("text"))
        elif is_str(a):
            phrases.append(a)
        else:
            errors.append("%s: alias is not a string: %r" % (where, a))
    attrs = e.get("attrs", {}) or {}
    if not isinstance(attrs, dict):
        errors.append("%s: attrs is not a map" % where)
    else:
        for k, v in attrs.items():
            if not is_str(k) or not is_str(v):
                errors.append("%s: attr %r: %r is not a string" % (where, k, v))
    return phrases


def check_file(path):
    errors, warnings = [], []
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or set(doc) - TOP or "entries" not in doc:
        return ["%s: top level must be a map of %s" % (path, sorted(TOP))], []
    if not isinstance(doc.get("fold", False), bool):
        errors.append("%s: fold must be true or false" % path)
    owner = {}
    names = set()
    for i, e in enumerate(doc["entries"]):
        phrases = check_entry(path, i, e, errors)
        if not phrases:
            continue
        name = phrases[0]
        names.add(name)
        for p in phrases[1:] if isinstance(e, dict) else []:
            key = p.lower() if doc.get("fold") else p
            if key in owner and owner[key] != name:
                warnings.append("%s: %r of %r already belongs to %r" % (path, p, name, owner[key]))
            owner.setdefault(key, name)
        key = name.lower() if doc.get("fold") else name
        if key in owner and owner[key] != name:
            warnings.append("%s: name %r is an alias of %r" % (path, name, owner[key]))
        owner.setdefault(key, name)
    print("%s: %d entries, %d names, %d phrases" % (os.path.relpath(path, ROOT),
          len(doc["entries"]), len(names), len(owner)))
    return errors, warnings


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "rules", "lexicons", "*.yaml")))
    errors, warnings = [], []
    for path in files:
        e, w = check_file(path)
        errors += e
        warnings += w
    for w in warnings:
        print("warning: " + w)
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
