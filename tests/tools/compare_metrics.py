#!/usr/bin/env python3
"""Compares two Prometheus text expositions series by series.

usage: compare_metrics.py REFERENCE OURS [--ignore-label NAME] [--ignore-metric NAME] [--tolerance X]

Same metric names, HELP texts, label sets and values (within the tolerance,
NaN equals NaN). ipmi_scrape_duration_seconds is always ignored. Prints the
differences and exits 1 when there are any.
"""
import math
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(path, ignore_labels):
    helps, series = {}, {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# HELP "):
            name, _, text = line[7:].partition(" ")
            helps[name] = text
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(3) or "", m.group(4)
        lab = tuple(sorted((k, v) for k, v in LABEL.findall(labels) if k not in ignore_labels))
        series[(name, lab)] = float(value)
    return helps, series


def main():
    args = sys.argv[1:]
    ignore_labels, ignore_metrics, tol = set(), {"ipmi_scrape_duration_seconds"}, 0.01
    files = []
    i = 0
    while i < len(args):
        if args[i] == "--ignore-label":
            ignore_labels.add(args[i + 1]); i += 2
        elif args[i] == "--ignore-metric":
            ignore_metrics.add(args[i + 1]); i += 2
        elif args[i] == "--tolerance":
            tol = float(args[i + 1]); i += 2
        else:
            files.append(args[i]); i += 1
    ref_help, ref = parse(files[0], ignore_labels)
    our_help, ours = parse(files[1], ignore_labels)
    problems = []
    for name, text in ref_help.items():
        if name in ignore_metrics:
            continue
        if name in our_help and our_help[name] != text:
            problems.append(f"HELP {name}: {our_help[name]!r} != {text!r}")
    keys = set(ref) | set(ours)
    matched = 0
    for key in sorted(keys):
        if key[0] in ignore_metrics:
            continue
        a, b = ref.get(key), ours.get(key)
        if a is None:
            problems.append(f"extra   {key[0]}{dict(key[1])} = {b}")
        elif b is None:
            problems.append(f"missing {key[0]}{dict(key[1])} = {a}")
        elif not ((math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol + 1e-9):
            problems.append(f"value   {key[0]}{dict(key[1])}: ours {b}, reference {a}")
        else:
            matched += 1
    for p in problems:
        print(p)
    print(f"{matched} series equal, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
