#!/usr/bin/env python3
"""Compare `ipmi_exporter sel --format json` with a simulator's ground truth.

    compare_sel.py OURS.json EXPECTED.json [--ipmitool ELIST.txt] [--freeipmi SEL.txt]

EXPECTED.json is a list of records (the bmc-sim reference `expected-sel.json`)
or an object with an "entries" list (`tests/sim/expected/sel.json`); each
record has "record_id", "bytes" (hex) and "timestamp" (raw seconds or null).

Checked for every entry:
  * the same record IDs in the same order, and the same 16 bytes;
  * the record type and the timestamp (raw value; null for records without
    one), and the UTC rendering when the expected file has one;
  * with --ipmitool (an `ipmitool sel elist` capture): the event text and the
    Asserted/Deasserted column equal ipmitool's, after normalising blanks and
    the empty "()" some ipmitool builds append; the sensor column starts with
    our sensor type name (ipmitool adds the SDR name, which we print only
    with an SDR); OEM records must match whole;
  * with --freeipmi (an `ipmi-sel` capture): date, time and type columns are
    equal, and so is the event text, except that readings and thresholds
    converted with the SDR ("600.00 RPM") are compared by field name only.

Prints one line per mismatch and a summary; exits 1 on any mismatch.
"""

import argparse
import json
import re
import sys


def load_expected(path):
    with open(path) as f:
        data = json.load(f)
    return data["entries"] if isinstance(data, dict) else data


def norm(s):
    s = s.replace("()", "")
    return re.sub(r"\s+", " ", s).strip()


def parse_ipmitool(path):
    """record id (int) -> list of columns."""
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("|")
            cols = []
            for part in parts:
                # ipmitool's vendor details can hold a bare "|" inside
                # parentheses ("PCI PERR (PCI PERR |PCI bus:18 ...)").
                if cols and cols[-1].count("(") > cols[-1].count(")"):
                    cols[-1] += "|" + part
                else:
                    cols.append(part)
            cols = [c.strip() for c in cols]
            if len(cols) < 2 or not cols[0]:
                continue
            try:
                rid = int(cols[0], 16)
            except ValueError:
                continue
            out[rid] = cols
    return out


def parse_freeipmi(path):
    out = {}
    with open(path) as f:
        for line in f:
            cols = [c.strip() for c in line.rstrip("\n").split("|")]
            if len(cols) < 6 or not cols[0].isdigit():
                continue
            out[int(cols[0])] = cols
    return out


def event_fields(text):
    """Event text with SDR-converted values reduced to their field names."""
    parts = []
    for p in text.split(" ; "):
        m = re.match(r"^(Sensor Reading|Threshold) = ", p)
        parts.append(m.group(1) if m else p)
    return parts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ours")
    ap.add_argument("expected")
    ap.add_argument("--ipmitool")
    ap.add_argument("--freeipmi")
    args = ap.parse_args()

    with open(args.ours) as f:
        ours = json.load(f)
    expected = load_expected(args.expected)
    ipmitool = parse_ipmitool(args.ipmitool) if args.ipmitool else {}
    freeipmi = parse_freeipmi(args.freeipmi) if args.freeipmi else {}

    problems = []
    checks = 0

    def check(cond, rid, what):
        nonlocal checks
        checks += 1
        if not cond:
            problems.append(f"record {rid}: {what}")

    check(len(ours) == len(expected), "-", f"{len(ours)} records, expected {len(expected)}")
    for o, e in zip(ours, expected):
        rid = e["record_id"]
        raw = bytes.fromhex(e["bytes"].replace(" ", ""))
        check(o["record_id"] == rid, rid, f"record id {o['record_id']}")
        check(o["raw"] == raw.hex(), rid, f"bytes {o['raw']} != {raw.hex()}")
        check(o["record_type"] == raw[2], rid, f"record type {o['record_type']} != {raw[2]}")
        if "record_type" in e:
            check(o["record_type"] == e["record_type"], rid, "record type vs expected")
        check(o["timestamp_raw"] == e["timestamp"], rid,
              f"timestamp {o['timestamp_raw']} != {e['timestamp']}")
        if e.get("timestamp_utc"):
            want = e["timestamp_utc"].replace("+00:00", "Z")
            check(o["timestamp_utc"] == want, rid, f"UTC {o['timestamp_utc']} != {want}")
        elif "timestamp_utc" in e:
            check(o["timestamp_utc"] is None, rid, "UTC time should be null")
        # Ours has Unix seconds exactly when the expected UTC time exists.
        check((o["timestamp"] is not None) == bool(e.get("timestamp_utc")), rid,
              "Unix timestamp presence")

        desc = o["description"]
        ours_cols = [c.strip() for c in desc.split("|")]
        if args.ipmitool:
            cols = ipmitool.get(rid)
            if cols is None:
                check(False, rid, "missing from the ipmitool capture")
            elif o["record_type"] >= 0xC0:
                # "id | [date | time |] OEM record ..." : compare from "OEM record" on.
                tail = [c for c in cols if c.startswith("OEM record")]
                idx = cols.index(tail[0]) if tail else len(cols)
                check(norm(" | ".join(cols[idx:])) == norm(desc), rid,
                      f"OEM description {desc!r} != {' | '.join(cols[idx:])!r}")
            else:
                # id | date | time | sensor | event | direction [| reading]
                # Pre-init lines have "Pre-Init" and the raw time in 2 columns too.
                sensor, event, direction = cols[3], cols[4], cols[5]
                o_sensor, o_event, o_dir = ours_cols[0], ours_cols[1], ours_cols[2]
                o_type = re.sub(r" #0x[0-9a-f]{2}$", "", o_sensor)
                check(sensor.startswith(o_type), rid,
                      f"sensor type {o_type!r} vs ipmitool sensor {sensor!r}")
                # ipmitool appends vendor-specific (OEM) decoding of event
                # data 2/3 in parentheses for some vendors (Dell); we print
                # the standard text only.
                bare = re.sub(r"\s*\(.*\)$", "", norm(event))
                check(norm(event) == norm(o_event) or bare == norm(o_event), rid,
                      f"event {o_event!r} != ipmitool {event!r}")
                check(direction == o_dir, rid, f"direction {o_dir!r} != {direction!r}")
        if args.freeipmi:
            cols = freeipmi.get(rid)
            fi = o["freeipmi"]
            if cols is None:
                check(False, rid, "missing from the ipmi-sel capture")
            else:
                _, date, time_, name, typ, event = cols[:6]
                check(fi["date"] == date, rid, f"date {fi['date']!r} != {date!r}")
                check(fi["time"] == time_, rid, f"time {fi['time']!r} != {time_!r}")
                check(fi["type"] == typ, rid, f"type {fi['type']!r} != {typ!r}")
                check(event_fields(fi["event"]) == event_fields(event), rid,
                      f"event {fi['event']!r} != ipmi-sel {event!r}")
                if not name.startswith("Sensor #") and fi["name"].startswith("Sensor #"):
                    pass  # SDR name; we print the number without an SDR.
                elif name != "N/A" or fi["name"] != "N/A":
                    check(fi["name"] == name or fi["name"].startswith("Sensor #"), rid,
                          f"name {fi['name']!r} != {name!r}")

    for p in problems:
        print("MISMATCH", p)
    print(f"{len(expected)} expected entries, {len(ours)} read, {checks} checks, "
          f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
