#!/usr/bin/env python3
"""Compare `ipmi_exporter sensors --format json` with a simulator's ground truth.

Usage:
    compare_sensors.py EXPECTED.json [OURS.json]     (OURS defaults to stdin)

EXPECTED is either the reference simulator's `expected-sensors.json`
(/work/shared/bmc-sim/reference) or the project simulator's
`tests/sim/expected/sensors.json`; both have a "sensors" list with
record_id, number, name, the exact reading ("reading" or "value", null when
there is none) and FreeIPMI's default state ("freeipmi_state": Nominal,
Warning, Critical or N/A; absent or null for event-only sensors).

Every expected sensor must be present (matched by record ID and sensor
number, so shared records count once per sensor) with:
  * the same name and sensor number;
  * the reading within 1e-6 relative (absolute for 0), or null when the
    expected reading is null (FAN4/FAN5-style sensors must be present with
    a null reading, not missing);
  * the state equal to freeipmi_state ("N/A" and null mean no state) -
    except for sensors on LUN != 0, which FreeIPMI 1.6.10 does not read
    without --bridge-sensors: there the state FreeIPMI reports with
    bridging is expected (critical or non-recoverable thresholds crossed:
    Critical, otherwise Nominal);
  * the unit (threshold sensors) as FreeIPMI abbreviates it;
  * the thresholds, where the ground truth lists them, within 1e-6.

Exit status 0 when everything matches, 1 otherwise; one line per sensor.
"""

import json
import math
import sys

UNITS = {
    "degrees_C": "C",
    "degrees_F": "F",
    "Volts": "V",
    "Amps": "A",
    "Watts": "W",
    "RPM": "RPM",
    "CFM": "CFM",
    "percent": "%",
}


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if b == 0:
        return abs(a) <= 1e-6
    return abs(a - b) <= 1e-6 * abs(b)


def expected_state(s):
    state = s.get("freeipmi_state")
    if state in (None, "N/A"):
        if s.get("lun", 0) != 0 and s.get("scanning_enabled", True) and (
            s.get("reading", s.get("value")) is not None
        ):
            crossed = set(s.get("asserted_thresholds", []))
            if crossed & {"lc", "lnr", "uc", "unr"}:
                return "Critical"
            return "Nominal"
        return None
    return state


def check(expected, ours):
    by_key = {}
    for o in ours:
        by_key[(o["record_id"], o["sensor_number"])] = o
    problems = 0
    lines = []
    for s in expected["sensors"]:
        key = (s["record_id"], s["number"])
        o = by_key.pop(key, None)
        label = "record %3d #%02Xh %-18s" % (s["record_id"], s["number"], s["name"])
        errs = []
        if o is None:
            lines.append("MISSING  %s" % label)
            problems += 1
            continue
        if o["name"] != s["name"]:
            errs.append("name %r != %r" % (o["name"], s["name"]))
        want = s.get("reading", s.get("value"))
        if not close(o["reading"], want):
            errs.append("reading %r != %r" % (o["reading"], want))
        ws = expected_state(s)
        if o["state"] != ws:
            errs.append("state %r != %r" % (o["state"], ws))
        if s.get("event_reading_type") == 1 and s.get("unit") in UNITS:
            if o["unit"] != UNITS[s["unit"]]:
                errs.append("unit %r != %r" % (o["unit"], UNITS[s["unit"]]))
        for name, t in (s.get("thresholds") or {}).items():
            got = o["thresholds"].get(name)
            if not close(got, t["value"]):
                errs.append("threshold %s %r != %r" % (name, got, t["value"]))
        status = "ok      " if not errs else "MISMATCH"
        problems += bool(errs)
        detail = "reading=%s state=%s" % (o["reading"], o["state"])
        lines.append("%s %s %s %s" % (status, label, detail, "; ".join(errs)))
    for key, o in sorted(by_key.items()):
        lines.append("EXTRA    record %3d #%02Xh %s" % (key[0], key[1], o["name"]))
        problems += 1
    return problems, lines


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        expected = json.load(f)
    ours = json.load(open(sys.argv[2]) if len(sys.argv) == 3 else sys.stdin)
    problems, lines = check(expected, ours)
    print("\n".join(lines))
    total = len(expected["sensors"])
    print("%d of %d sensors match" % (total - min(problems, total), total))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
