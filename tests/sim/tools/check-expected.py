#!/usr/bin/env python3
"""Cross-check the designed ground truth (expected/*.json, written by
gen-machine.py) against what ipmitool and FreeIPMI printed for the running
simulator (expected/*.txt and sdr-repository.bin, written by
capture-expected.sh).  Exits non-zero and lists every disagreement.

    python3 tests/sim/tools/check-expected.py

Known differences between the IPMI ground truth and the tools are encoded
here explicitly (FreeIPMI: LUN 1 sensors unread without --bridge-sensors,
alpha shared-sensor names; ipmitool: no expansion of shared records).
"""

import json
import os
import re
import sys

EXP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "expected")
errors = []


def load(name):
    with open(os.path.join(EXP, name)) as fh:
        return fh.read()


def check(cond, msg):
    if not cond:
        errors.append(msg)


def close(a, b, tol):
    return a is not None and b is not None and abs(a - b) <= tol


def num(s):
    s = s.strip()
    return None if s in ("na", "N/A", "") else float(s)


sensors = json.loads(load("sensors.json"))
sel = json.loads(load("sel.json"))
device = json.loads(load("device.json"))

# --- SDR repository bytes == ipmitool sdr dump ---------------------------------
with open(os.path.join(EXP, "sdr-repository.bin"), "rb") as fh:
    dump = fh.read()
designed = bytes.fromhex("".join(r["bytes"].replace(" ", "") for r in sensors["sdr_repository"]))
check(dump == designed, "sdr-repository.bin differs from sensors.json sdr_repository")
for s in sensors["sensors"]:
    rec = next(r for r in sensors["sdr_repository"] if r["record_id"] == s["record_id"])
    check(rec["bytes"] == s["sdr_hex"], f"{s['name']}: sdr_hex differs from the repository")

# --- Get Device ID ---------------------------------------------------------------
mc = load("ipmitool-mc-info.txt")
d = device["get_device_id"]
for pat in (rf"Device ID\s+: {d['device_id']}\b", r"Firmware Revision\s+: 7\.10\b",
            r"IPMI Version\s+: 2\.0", rf"Manufacturer ID\s+: {d['manufacturer_id']}\b",
            rf"Product ID\s+: {d['product_id']} "):
    check(re.search(pat, mc), f"ipmitool mc info lacks {pat}")

# --- ipmitool sensor: value, status, thresholds of every listed record ----------
# ipmitool lists full + compact records once (shared records by their first
# sensor), in repository order, skipping event-only records.
listed = [s for s in sensors["sensors"]
          if s["record_type"] != "event_only" and s.get("share_index", 0) == 0]
lines = [ln for ln in load("ipmitool-sensor.txt").splitlines() if ln.strip()]
check(len(lines) == len(listed), f"ipmitool sensor: {len(lines)} lines, expected {len(listed)}")
TH = ["lnr", "lc", "lnc", "unc", "uc", "unr"]
for s, ln in zip(listed, lines):
    cols = [c.strip() for c in ln.split("|")]
    name = s.get("sdr_id_string", s["name"])
    check(cols[0] == name, f"ipmitool sensor: name {cols[0]!r} != {name!r}")
    if s["event_reading_type"] == 0x01:
        if s["value"] is None:
            check(cols[1] == "na", f"{name}: ipmitool reading {cols[1]} for a sensor without reading")
        else:
            check(close(num(cols[1]), s["value"], 0.0005),
                  f"{name}: ipmitool reading {cols[1]} != {s['value']}")
            status = {"ok": "ok", "non-critical": "nc", "critical": "cr",
                      "non-recoverable": "nr"}[s["ipmi_severity"]]
            check(cols[3] == status, f"{name}: ipmitool status {cols[3]} != {status}")
        for i, t in enumerate(TH):
            want = s["thresholds"].get(t, {}).get("value")
            got = num(cols[4 + i])
            check((want is None and got is None) or close(got, want, 0.0005),
                  f"{name}: ipmitool {t} {cols[4 + i]} != {want}")
    else:
        bits = int(s["state_bits"], 16)
        # ipmitool prints state byte 1 as the reading and bytes 1, 2 as status
        check(int(cols[1], 16) == bits & 0xFF and cols[3] == f"0x{bits & 0xFF:02x}{bits >> 8:02x}",
              f"{name}: ipmitool discrete {cols[1]} / {cols[3]} vs {s['state_bits']}")

# --- FreeIPMI ipmi-sensors --shared-sensors --output-sensor-thresholds ----------
rows = [[c.strip() for c in ln.split("|")]
        for ln in load("freeipmi-ipmi-sensors-shared-thresholds.txt").splitlines()[1:] if ln.strip()]
readable = [s for s in sensors["sensors"] if s["record_type"] != "event_only"]
check(len(rows) == len(readable), f"ipmi-sensors --shared-sensors: {len(rows)} rows, expected {len(readable)}")
for s, r in zip(readable, rows):
    name = s.get("freeipmi_name", s["name"])
    check(int(r[0]) == s["record_id"], f"{name}: FreeIPMI record id {r[0]}")
    check(r[1] == name, f"FreeIPMI name {r[1]!r} != {name!r}")
    check(r[3] == s["freeipmi_state"], f"{name}: FreeIPMI state {r[3]} != {s['freeipmi_state']}")
    if s["event_reading_type"] == 0x01:
        if s["freeipmi_state"] == "N/A":
            check(r[4] == "N/A", f"{name}: FreeIPMI reading {r[4]} should be N/A")
        else:
            check(close(num(r[4]), s["value"], 0.006), f"{name}: FreeIPMI reading {r[4]} != {s['value']}")
        if s["lun"] == 0:  # FreeIPMI asks LUN 0 for the thresholds of LUN 1 sensors
            for i, t in enumerate(TH):
                want = s["thresholds"].get(t, {}).get("value")
                got = num(r[6 + i])
                check((want is None and got is None) or close(got, want, 0.006),
                      f"{name}: FreeIPMI {t} {r[6 + i]} != {want}")

# FreeIPMI with --bridge-sensors does read the LUN 1 sensor
bridge = load("freeipmi-ipmi-sensors-bridge.txt")
nic = next(s for s in sensors["sensors"] if s["lun"] == 1)
check(re.search(rf"\|\s*{re.escape(nic['name'])}\s*\|.*\|\s*Nominal\s*\|\s*{nic['value']:.2f}", bridge),
      f"--bridge-sensors output lacks {nic['name']} = {nic['value']}")

# --- ipmimonitoring as the Go exporter runs it ----------------------------------
got = []
for ln in load("freeipmi-ipmimonitoring-exporter-args.txt").splitlines():
    c = ln.split(",")
    got.append((int(c[0]), c[1], c[3], c[4]))
want = []
for s in sensors["sensors"]:
    if s.get("ipmimonitoring_name") is None:
        continue
    reading = f"{s['value']:.2f}" if s["event_reading_type"] == 0x01 else "N/A"
    want.append((s["record_id"], s["ipmimonitoring_name"], s["freeipmi_state"], reading))
check(got == want, f"ipmimonitoring rows differ:\n  got  {got}\n  want {want}")

# --- SEL bytes == ipmi-sel --hex-dump -------------------------------------------
hexrows = load("freeipmi-ipmi-sel-hex.txt").splitlines()
check(len(hexrows) == len(sel["entries"]), f"SEL: {len(hexrows)} hex rows, expected {len(sel['entries'])}")
for e, row in zip(sel["entries"], hexrows):
    b = " ".join(x.lower() for x in re.findall(r"\[([0-9A-Fa-f]{2})\]", row))
    check(b == e["bytes"], f"SEL {e['record_id']}: hex dump {b} != {e['bytes']}")
info = load("freeipmi-ipmi-sel-info.txt")
check(re.search(rf"Number of log entries\s+: {len(sel['entries'])}\b", info), "SEL entry count")

# --- FRU ------------------------------------------------------------------------
fru = json.loads(load("fru.json"))
ftxt = load("ipmitool-fru-print.txt")
for f in fru["frus"]:
    for area in ("chassis", "board", "product"):
        for k, v in f.get(area, {}).items():
            if isinstance(v, str) and v and k not in ("mfg_time",):
                check(v in ftxt, f"FRU {f['fru_id']} {area}.{k} {v!r} not in ipmitool fru print")

if errors:
    print("\n".join(errors))
    print(f"check-expected: {len(errors)} disagreement(s)")
    sys.exit(1)
print(f"check-expected: OK ({len(sensors['sensors'])} sensors, {len(sel['entries'])} SEL entries, "
      f"{len(fru['frus'])} FRUs agree with ipmitool and FreeIPMI)")
