#!/usr/bin/env python3
"""Generate the simulated Dell-like BMC of the test suite from ONE table.

Everything the simulator serves -- Get Device ID, the SDR repository, the
sensors and their readings, FRU inventory, the initial SEL and the extra
(20-byte password) user -- is described by the tables in this file.  Running
it rewrites these committed files (paths relative to tests/sim/):

  machine.sdrs            SDR source in OpenIPMI sdrcomp syntax (readable)
  machine.emu             ipmi_sim command file (man ipmi_sim_cmd): MC, FRUs,
                          SDRs (main_sdr_add lines compiled from machine.sdrs
                          by `sdrcomp -8 -r`), sensors, initial readings
  sel.persist             initial SEL in ipmi_sim's persistence format; the
                          launcher copies it to <state>/ipmi_sim/<name>/sel.20
  users.persist           extra users in ipmi_sim's persistence format; the
                          launcher copies it to <state>/ipmi_sim/<name>/users.mc20
  expected/sensors.json   ground truth for sensor / SDR decoding
  expected/sel.json       ground truth for SEL decoding
  expected/fru.json       ground truth for FRU decoding
  expected/device.json    Get Device ID, users, FRU and SDR summary

Tests never run this script; they use the committed output.  It needs
python3 >= 3.7 and `sdrcomp` (Debian package openipmi) only when the machine
is changed:

    python3 tests/sim/tools/gen-machine.py

After regenerating, re-capture the independent-tool outputs with
tests/sim/tools/capture-expected.sh and review the diff.
"""

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.dirname(HERE)
BMC = 0x20

# ===========================================================================
# Get Device ID  (mc_add; ipmi_sim always reports IPMI version 2.0 and
# cannot be given auxiliary firmware bytes -- they are always 00 00 00 00)
# ===========================================================================
DEVICE = dict(
    device_id=0x20,
    device_revision=0x01,
    provides_device_sdrs=False,
    fw_major=7,
    fw_minor_bcd=0x10,          # firmware "7.10"
    ipmi_version="2.0",
    # 0xBF: chassis | IPMB event generator | IPMB event receiver |
    #       FRU inventory | SEL | SDR repository | sensor   (no bridge)
    additional_device_support=0xBF,
    manufacturer_id=674,        # 0x0002A2 Dell Inc.
    product_id=0x0100,
    aux_firmware=[0, 0, 0, 0],
)

# ===========================================================================
# Units (IPMI base unit codes) used below
# ===========================================================================
UNIT = {"unspecified": 0, "degrees_C": 1, "Volts": 4, "Amps": 5,
        "Watts": 6, "RPM": 18}

# IPMI sensor type codes used below
ST = dict(temperature=0x01, voltage=0x02, current=0x03, fan=0x04,
          physical_security=0x05, processor=0x07, power_supply=0x08,
          memory=0x0C, drive_slot=0x0D, module_board=0x15,
          watchdog2=0x23, battery=0x29)

# entity ids
E = dict(processor=3, system_board=7, power_supply=10, add_in_card=11,
         power_unit=19, system_chassis=23, disk_drive_bay=26,
         fan=29, memory_device=32, external_environment=39, battery=40,
         system_internal_expansion_board=16, system_management_module=6,
         drive_backplane=15)

# ===========================================================================
# THE sensor table.  Order = SDR repository order (record id = index + 2;
# record 1 is the MC device locator).
#
# thr(...)   full SDR (type 01h), threshold based (event/reading type 01h)
#     raw:   raw reading as a signed int for 1s/2s complement sensors,
#            None = never set (used with scan=False)
#     th:    thresholds as RAW values {lnc, lc, lnr, unc, uc, unr}
#     conversion: y = (M*x + B*10^Bexp) * 10^Rexp
# disc(...)  discrete sensor, compact (02h) or full (01h, analog format "no")
#     asserted: state offsets asserted now; for shared records one list per
#               instance
#     share:  (count, 'numeric'|'alpha', modifier_offset, entity_inst_incr)
# evonly(...) event-only record (03h)
# ===========================================================================
SENSORS = []


def thr(num, name, stype, ent, unit, raw, m=1, b=0, bexp=0, rexp=0,
        fmt="unsigned", th=None, hyst=(1, 1), lun=0, scan=True, note=""):
    SENSORS.append(dict(kind="threshold", num=num, lun=lun, name=name,
                        stype=ST[stype], stype_name=stype, entity=ent,
                        unit=unit, raw=raw, m=m, b=b, bexp=bexp, rexp=rexp,
                        fmt=fmt, th=th or {}, hyst=hyst, scan=scan, note=note))


def disc(num, name, stype, ertype, ent, offsets, asserted, rec="compact",
         share=None, lun=0, note=""):
    SENSORS.append(dict(kind="discrete", num=num, lun=lun, name=name,
                        stype=ST[stype], stype_name=stype, ertype=ertype,
                        entity=ent, offsets=offsets, asserted=asserted,
                        rec=rec, share=share, note=note))


def evonly(num, name, stype, ertype, ent, offsets, note=""):
    SENSORS.append(dict(kind="event_only", num=num, lun=0, name=name,
                        stype=ST[stype], stype_name=stype, ertype=ertype,
                        entity=ent, offsets=offsets, note=note))


SYS = (E["system_board"], 1)
TEMP_CPU = dict(lc=3, lnc=8, unc=88, uc=93)
FAN_TH = dict(lc=5, lnc=7)                      # 600 / 840 RPM with M=120

# --- temperatures ---------------------------------------------------------
thr(0x01, "Exhaust Temp", "temperature", SYS, "degrees_C", 38,
    fmt="2s_complement", th=dict(lc=3, lnc=8, unc=70, uc=75))
thr(0x04, "Inlet Temp", "temperature", SYS, "degrees_C", 22,
    fmt="2s_complement", th=dict(lc=-7, lnc=3, unc=42, uc=47),
    note="negative lower-critical threshold")
thr(0x0E, "Temp", "temperature", (E["processor"], 1), "degrees_C", 56,
    fmt="2s_complement", th=TEMP_CPU,
    note="Dell style: both CPU temperature sensors are named 'Temp'")
thr(0x0F, "Temp", "temperature", (E["processor"], 2), "degrees_C", 90,
    fmt="2s_complement", th=TEMP_CPU, note="reading >= upper non-critical")
thr(0x05, "Ext Ambient", "temperature", (E["external_environment"], 1),
    "degrees_C", -12, fmt="2s_complement",
    th=dict(lc=-30, lnc=-20, unc=45, uc=50),
    note="negative reading (2's complement 0xF4)")
thr(0x06, "Inlet-Exh Delta", "temperature", SYS, "degrees_C", -16,
    fmt="1s_complement", th=dict(lc=-40, lnc=-30, unc=5, uc=10),
    note="1's complement: -16 is raw 0xEF")
thr(0x07, "GPU1 Mem/Hot-Spt", "temperature", (E["add_in_card"], 1),
    "degrees_C", 67, th=dict(unc=85, uc=95),
    note="16-character name with space, slash and hyphen")
thr(0x01, "NIC1 Temp", "temperature", (E["add_in_card"], 2), "degrees_C",
    49, th=dict(unc=95, uc=105), lun=1,
    note="owner LUN 1; same sensor number as Exhaust Temp on LUN 0")
# --- fans: Dell style M=120, lower thresholds only -------------------------
thr(0x30, "Fan1", "fan", (E["fan"], 1), "RPM", 49, m=120, th=FAN_TH)
thr(0x31, "Fan2", "fan", (E["fan"], 2), "RPM", 50, m=120, th=FAN_TH)
thr(0x32, "Fan3", "fan", (E["fan"], 3), "RPM", 4, m=120, th=FAN_TH,
    note="reading <= lower critical")
thr(0x33, "Fan4", "fan", (E["fan"], 4), "RPM", 6, m=120, th=FAN_TH,
    note="reading <= lower non-critical")
thr(0x34, "Fan5", "fan", (E["fan"], 5), "RPM", None, m=120, th=FAN_TH,
    scan=False, note="not installed: sensor scanning disabled, no reading")
# --- voltages ---------------------------------------------------------------
thr(0x50, "12V", "voltage", SYS, "Volts", 204, m=59, rexp=-3,
    th=dict(lc=183, lnc=193, unc=214, uc=224), note="M=59 Rexp=-3")
thr(0x51, "VBAT", "voltage", (E["battery"], 1), "Volts", 192, m=13, b=5,
    bexp=2, rexp=-3, th=dict(lc=130, lnc=150),
    note="B=5 Bexp=2: y = (13x + 500) / 1000")
thr(0x52, "CPU1 VCCIN", "voltage", (E["processor"], 1), "Volts", 200, m=10,
    b=-2, bexp=2, rexp=-3, th=dict(lc=170, uc=230),
    note="negative B: y = (10x - 200) / 1000")
thr(0x53, "DIMM VDDQ", "voltage", SYS, "Volts", 40, m=300, rexp=-4,
    th=dict(lc=37, lnc=38, unc=42, uc=43), note="10-bit M (300)")
thr(0x6C, "Voltage 1", "voltage", (E["power_supply"], 1), "Volts", 115,
    m=2, note="PSU input voltage, M=2, no thresholds")
# --- current / power ------------------------------------------------------
thr(0x6A, "Current 1", "current", (E["power_supply"], 1), "Amps", 7, m=2,
    rexp=-1, th=dict(uc=60), note="upper critical only")
thr(0x6B, "Current 2", "current", (E["power_supply"], 2), "Amps", 0, m=2,
    rexp=-1, th=dict(uc=60), note="failed PSU: reading 0")
thr(0x77, "Pwr Consumption", "current", SYS, "Watts", 21, m=14,
    th=dict(unc=64, uc=70),
    note="Dell style: sensor type Current with unit Watts")
# --- discrete -------------------------------------------------------------
disc(0x60, "CPU1 Status", "processor", 0x6F, (E["processor"], 1),
     list(range(0, 11)), [7], note="presence detected")
disc(0x61, "CPU2 Status", "processor", 0x6F, (E["processor"], 2),
     list(range(0, 11)), [7], note="presence detected")
disc(0x62, "PS1 Status", "power_supply", 0x6F, (E["power_supply"], 1),
     list(range(0, 7)), [0], note="presence detected")
disc(0x63, "PS2 Status", "power_supply", 0x6F, (E["power_supply"], 2),
     list(range(0, 7)), [0, 1], note="presence + power supply failure")
disc(0x74, "PS Redundancy", "power_supply", 0x0B, (E["power_unit"], 1),
     list(range(0, 8)), [1], note="generic redundancy reading type: lost")
disc(0x73, "Intrusion", "physical_security", 0x6F,
     (E["system_chassis"], 1), list(range(0, 7)), [], rec="full",
     note="full record with analog data format 'no'; nothing asserted")
disc(0x7A, "ROMB Battery", "battery", 0x6F, (E["battery"], 2), [0, 1, 2],
     [2], note="battery presence detected")
disc(0xD0, "DIMM", "memory", 0x6F, (E["memory_device"], 1),
     list(range(0, 11)), [[6], [6], [5, 6], [6]],
     share=(4, "numeric", 1, True),
     note="shared record: DIMM 1..DIMM 4, entity instance increments; "
          "DIMM 3 has correctable-ECC logging limit reached")
disc(0xE0, "Drive", "drive_slot", 0x6F, (E["disk_drive_bay"], 1),
     list(range(0, 9)), [[0], [0, 1]], share=(2, "numeric", 0, True),
     note="shared record: Drive 0, Drive 1 (present + fault)")
disc(0xC0, "Riser", "module_board", 0x08,
     (E["system_internal_expansion_board"], 1), [0, 1], [[1], [0]],
     share=(2, "alpha", 0, False),
     note="shared record, alpha modifier: Riser A present, Riser B absent; "
          "same entity instance for both. FreeIPMI 1.6.10 names both 'Riser A'")
evonly(0x71, "OS Watchdog", "watchdog2", 0x6F, SYS, [0, 1, 2, 3, 8],
       note="event-only record: Get Sensor Reading -> CC 0xCC")

# ===========================================================================
# FRUs.  FRU 0 is the BMC's built-in FRU (no locator record); the others get
# FRU device locator records.
# ===========================================================================
EPOCH_1996 = datetime(1996, 1, 1, tzinfo=timezone.utc)
BOARD_MFG = datetime(2024, 2, 12, 10, 15, tzinfo=timezone.utc)

FRUS = [
    dict(id=0, name=None, size=512, entity=None,
         chassis=dict(type=0x17, part="0PWR650CHS", serial="7SIM0A1",
                      custom=["R650-SIM"]),
         board=dict(mfg_time=BOARD_MFG, manufacturer="Dell Inc.",
                    product="PowerEdge R650", serial="CNFCP0042G0123",
                    part="0NJ5D1", file_id="", custom=["A00"]),
         product=dict(manufacturer="Dell Inc.", name="PowerEdge R650",
                      part="", version="01", serial="7SIM0A1",
                      asset_tag="IPMI-NATIVE-0001", file_id="")),
    dict(id=1, name="PS1", size=128, entity=(E["power_supply"], 1),
         product=dict(manufacturer="DELL", name="PWR SPLY,800W,RDNT,LTON",
                      part="0TMRK1", version="A01", serial="CNLOD0012345678",
                      asset_tag="", file_id="")),
    dict(id=2, name="Backplane", size=96, entity=(E["drive_backplane"], 1),
         board=dict(mfg_time=datetime(2023, 11, 30, 22, 0,
                                      tzinfo=timezone.utc),
                    manufacturer="Dell Inc.", product="BP 8x2.5 SAS",
                    serial="CN0JN0H1A00123", part="0J0NH1", file_id="",
                    custom=[])),
]

OEM_SDR = dict(name="Dell OEM", data=[0x01, 0x02, 0x03, 0x04, 0x05])

# ===========================================================================
# SEL.  Fixed timestamps so every tool prints the same thing on every run.
# ===========================================================================
T0 = int(datetime(2025, 3, 10, 7, 0, 0, tzinfo=timezone.utc).timestamp())
SEL = []
G_BMC = 0x0020      # IPMB slave address 0x20 (BMC), LUN 0
G_BIOS = 0x0001     # system software id 0x00 (BIOS)
G_OS = 0x0041       # system software id 0x20 (OS / SMS)


def ev(ts, gen, stype, num, edt, d1, d2=0xFF, d3=0xFF, note="", evm=0x04):
    SEL.append(dict(kind="system", ts=ts, gen=gen, evm=evm, stype=stype,
                    num=num, edt=edt, data=[d1, d2, d3], note=note))


def oem_ts(rtype, ts, data6, note):
    mfg = DEVICE["manufacturer_id"]
    SEL.append(dict(kind="oem_ts", rtype=rtype, ts=ts,
                    body=[mfg & 0xFF, (mfg >> 8) & 0xFF, (mfg >> 16) & 0xFF]
                    + data6, note=note))


def oem_nts(rtype, data13, note):
    SEL.append(dict(kind="oem_nts", rtype=rtype, ts=None, body=data13,
                    note=note))


ev(T0, G_BMC, 0x10, 0x72, 0x6F, 0x02, note="Event Logging Disabled: log area reset/cleared")
ev(0x00000A3C, G_BIOS, 0x12, 0x81, 0x6F, 0x01,
   note="System Event: OEM system boot event (BIOS); PRE-INIT timestamp 0x00000A3C (2620 s after BMC init)")
ev(T0 + 60, G_BMC, 0x05, 0x73, 0x6F, 0x00, note="Intrusion: general chassis intrusion asserted")
ev(T0 + 75, G_BMC, 0x05, 0x73, 0xEF, 0x00, note="Intrusion: general chassis intrusion deasserted")
ev(T0 + 3600, G_BMC, 0x04, 0x32, 0x01, 0x50, 6, 7,
   note="Fan3 lower non-critical going low: reading 720 RPM, threshold 840 RPM")
ev(T0 + 3605, G_BMC, 0x04, 0x32, 0x01, 0x52, 4, 5,
   note="Fan3 lower critical going low: reading 480 RPM, threshold 600 RPM")
ev(T0 + 3700, G_BMC, 0x04, 0x33, 0x01, 0x50, 6, 7,
   note="Fan4 lower non-critical going low: reading 720 RPM, threshold 840 RPM")
ev(T0 + 7200, G_BMC, 0x01, 0x0F, 0x01, 0x57, 90, 88,
   note="Temp (CPU2) upper non-critical going high: reading 90 C, threshold 88 C")
ev(T0 + 9000, G_BMC, 0x08, 0x63, 0x6F, 0x01, note="PS2 Status: power supply failure detected")
ev(T0 + 9001, G_BMC, 0x08, 0x74, 0x0B, 0x01, note="PS Redundancy: redundancy lost")
ev(T0 + 9002, G_BMC, 0x08, 0x62, 0x6F, 0x03,
   note="PS1 Status: power supply input lost (AC/DC)")
ev(T0 + 10800, G_BMC, 0x02, 0x50, 0x01, 0x59, 226, 224,
   note="12V upper critical going high: reading 13.334 V, threshold 13.216 V")
ev(T0 + 10860, G_BMC, 0x02, 0x50, 0x81, 0x59, 205, 224,
   note="12V upper critical going high DEASSERTED: reading 12.095 V")
ev(T0 + 14400, G_BMC, 0x0C, 0xD2, 0x6F, 0x05,
   note="DIMM 3: correctable ECC logging limit reached")
ev(T0 + 14500, G_BMC, 0x0D, 0xE1, 0x6F, 0x01, note="Drive 1: drive fault")
ev(T0 + 14600, G_BMC, 0x15, 0xC1, 0x08, 0x00, note="Riser B: device removed/absent")
ev(T0 + 18000, G_BMC, 0x23, 0x71, 0x6F, 0x01, note="OS Watchdog: hard reset")
ev(T0 + 18100, G_BIOS, 0x13, 0x88, 0x6F, 0xA4, 0x00, 0x18,
   note="Critical Interrupt: PCI PERR (BIOS), OEM event data 2/3 (bus 0x00, dev/fn 0x18)")
ev(T0 + 21600, G_BMC, 0x01, 0x04, 0x01, 0x52, 0xF7, 0xF9,
   note="Inlet Temp lower critical going low: reading -9 C (0xF7), threshold -7 C (0xF9)")
ev(T0 + 21700, G_BMC, 0x02, 0x51, 0x01, 0x50, 149, 150,
   note="VBAT lower non-critical going low: reading 2.437 V, threshold 2.45 V")
ev(T0 + 25200, G_BMC, 0x03, 0x77, 0x01, 0x57, 65, 64,
   note="Pwr Consumption upper non-critical going high: reading 910 W, threshold 896 W")
ev(T0 + 25300, G_OS, 0x20, 0x80, 0x6F, 0x01,
   note="OS Critical Stop: run-time critical stop (generator: OS, software id 0x20)")
oem_ts(0xC0, T0 + 25400, [0x01, 0x02, 0x03, 0x04, 0x05, 0x06],
       "OEM timestamped record type 0xC0 (Dell IANA 674)")
oem_ts(0xDF, T0 + 25500, [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF],
       "OEM timestamped record type 0xDF (Dell IANA 674)")
oem_nts(0xE0, [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
               0x66, 0x77, 0x88], "OEM non-timestamped record type 0xE0")

SEL_MAX = 1024
SEL_FLAGS = 0x0B    # supports delete, reserve, get allocation info

# ===========================================================================
# Users.  lan.conf.in holds users 2-5; user 6 has a 20-byte password, which
# lan.conf cannot express (ipmi_sim 2.0.33 truncates quoted passwords to 19
# bytes), so it is injected through ipmi_sim's user persistence file.
# ===========================================================================
USERS = [
    dict(id=2, name="admin", password="password", priv="ADMINISTRATOR", enabled=True),
    dict(id=3, name="operator", password="operator", priv="OPERATOR", enabled=True),
    dict(id=4, name="user", password="user", priv="USER", enabled=True),
    dict(id=5, name="disabled", password="disabled", priv="ADMINISTRATOR", enabled=False),
    dict(id=6, name="longpass", password="abcdefghijklmnopqrst", priv="ADMINISTRATOR",
         enabled=True, persist=True),
]
PRIV_NUM = {"CALLBACK": 1, "USER": 2, "OPERATOR": 3, "ADMINISTRATOR": 4}

# ===========================================================================
# derived data / helpers
# ===========================================================================
TH_BIT = {"lnc": 0, "lc": 1, "lnr": 2, "unc": 3, "uc": 4, "unr": 5}
TH_NAMES = ["lnc", "lc", "lnr", "unc", "uc", "unr"]


def enc(v, fmt):
    """signed python int -> raw byte for the given analog data format"""
    if fmt == "unsigned":
        assert 0 <= v <= 255, v
        return v
    if fmt == "2s_complement":
        assert -128 <= v <= 127, v
        return v & 0xFF
    if fmt == "1s_complement":
        assert -127 <= v <= 127, v
        return v if v >= 0 else (~(-v)) & 0xFF
    raise ValueError(fmt)


def conv(s, x):
    return (s["m"] * x + s["b"] * 10 ** s["bexp"]) * 10 ** s["rexp"]


def rnd(x):
    return float(f"{x:.6g}")


def asserted_thresholds(s):
    if s["raw"] is None or not s["scan"]:
        return []
    out = []
    for t, v in s["th"].items():
        if t in ("lnc", "lc", "lnr") and s["raw"] <= v:
            out.append(t)
        if t in ("unc", "uc", "unr") and s["raw"] >= v:
            out.append(t)
    return sorted(out, key=TH_NAMES.index)


def instances(s):
    """(number, name, entity_instance, asserted, freeipmi_name) for every
    sensor a record describes.  Shared-record names follow the IPMI spec's
    example ("Temp 5, Temp 6, Temp 7"): ID string, space, modifier."""
    if s["kind"] != "discrete" or not s["share"]:
        return [(s["num"], s["name"], s["entity"][1],
                 s.get("asserted", []), s["name"])]
    count, mtype, moff, inc = s["share"]
    out = []
    for i in range(count):
        if mtype == "numeric":
            mod = fmod = str(moff + i)
        else:
            mod = chr(ord("A") + moff + i)
            # FreeIPMI 1.6.10 computes the letter as 'A' + (type + offset) / 26
            fmod = chr(ord("A") + (1 + i) // 26)
        out.append((s["num"] + i, f"{s['name']} {mod}",
                    s["entity"][1] + (i if inc else 0), s["asserted"][i],
                    f"{s['name']} {fmod}"))
    return out


# ===========================================================================
# machine.sdrs
# ===========================================================================
def sdr_source():
    o = ["# GENERATED by tools/gen-machine.py -- edit the tables there and re-run it.",
         "# OpenIPMI sdrcomp syntax; compiled with `sdrcomp -8 -r` into the",
         "# main_sdr_add lines of machine.emu.  Record ids are assigned in this order.",
         ""]
    names = []

    def add(lines, label):
        o.extend(lines)
        o.append("")
        names.append(label)

    add(["sdr type 18",
         "\tdevice_slave_address\t0x20",
         "\tdevice_channel_number\t0",
         "\tchassis\t\t\ttrue",
         "\tbridge\t\t\tfalse",
         "\tipmb_event_gen\t\ttrue",
         "\tipmb_event_recv\t\ttrue",
         "\tfru_inventory\t\ttrue",
         "\tsel\t\t\ttrue",
         "\tsdr\t\t\ttrue",
         "\tsensor\t\t\ttrue",
         f"\tentity_id\t\t{E['system_management_module']}",
         "\tentity_instance\t\t1",
         '\tid_string\t\t"iDRAC"',
         "endsdr"], ("mc_locator", "iDRAC"))

    for s in SENSORS:
        head = [f"\tsensor_owner_id\t\t0x{BMC:02x}",
                f"\tsensor_owner_lun\t{s['lun']}",
                "\tchannel_number\t\t0",
                f"\tsensor_number\t\t0x{s['num']:02x}",
                f"\tentity_id\t\t{s['entity'][0]}",
                f"\tentity_instance\t\t{s['entity'][1]}"]
        if s["kind"] == "threshold":
            fmt = s["fmt"]
            th = s["th"]
            signed = fmt != "unsigned"
            lines = ["sdr type 1"] + head + [
                "\tinit_scanning\t\ttrue",
                "\tinit_events\t\ttrue",
                # ipmi_sim compares readings and thresholds as UNSIGNED
                # bytes: signed sensors get their thresholds from the emu
                # file after the reading is set (see machine.emu)
                f"\tinit_thresholds\t\t{'false' if signed else 'true'}",
                "\tinit_hysteresis\t\ttrue",
                "\tinit_sensor_type\ttrue",
                "\tdefault_event_gen_on\ttrue",
                f"\tdefault_sensor_scan_on\t{'true' if s['scan'] else 'false'}",
                "\tsensor_auto_rearm\ttrue",
                "\tsensor_hysteresis\treadable",
                f"\tsensor_threshold_access\t{'settable' if th else 'no'}",
                "\tsensor_event_msg_ctrl\tper_state",
                f"\tsensor_type\t\t0x{s['stype']:02x}",
                "\tevent_reading_type_code\t0x01"]
            for t in ("lnc", "lc", "lnr"):
                if t in th:
                    lines += [f"\tassert_{t}gl\t\ttrue", f"\tdeassert_{t}gl\t\ttrue",
                              f"\treturn_{t}\t\ttrue",
                              f"\t{t}_thrsh_readable\ttrue", f"\t{t}_thrsh_settable\ttrue"]
            for t in ("unc", "uc", "unr"):
                if t in th:
                    lines += [f"\tassert_{t}gh\t\ttrue", f"\tdeassert_{t}gh\t\ttrue",
                              f"\treturn_{t}\t\ttrue",
                              f"\t{t}_thrsh_readable\ttrue", f"\t{t}_thrsh_settable\ttrue"]
            smin, smax = (0, 255) if not signed else (
                (-128, 127) if fmt == "2s_complement" else (-127, 127))
            lines += [f"\tanalog_data_format\t{fmt}",
                      "\trate_unit\t\tnone",
                      "\tmodifier_unit\t\tnone",
                      "\tpercentage\t\tfalse",
                      f"\tbase_unit\t\t{UNIT[s['unit']]}",
                      "\tmodifier_unit_code\t0",
                      "\tlinearization\t\tlinear",
                      f"\tm\t\t\t{s['m']}",
                      "\ttolerance\t\t0",
                      f"\tb\t\t\t{s['b']}",
                      "\taccuracy\t\t0",
                      "\taccuracy_exp\t\t0",
                      "\tsensor_direction\tinput",
                      f"\tr_exp\t\t\t{s['rexp']}",
                      f"\tb_exp\t\t\t{s['bexp']}",
                      f"\tsensor_maximum\t\t0x{enc(smax, fmt):02x}",
                      f"\tsensor_minimum\t\t0x{enc(smin, fmt):02x}"]
            for t in ("unr", "uc", "unc", "lnr", "lc", "lnc"):
                if t in th:
                    lines.append(f"# {t}: raw {th[t]} = {rnd(conv(s, th[t]))} {s['unit']}")
                    lines.append(f"\t{t}_thresh\t\t0x{enc(th[t], fmt):02x}")
            lines += [f"\tpositive_hysteresis\t{s['hyst'][0]}",
                      f"\tnegative_hysteresis\t{s['hyst'][1]}",
                      f'\tid_string\t\t"{s["name"]}"',
                      "endsdr"]
            add(lines, ("full", s["name"]))
        elif s["kind"] == "discrete":
            full = s["rec"] == "full"
            lines = [f"sdr type {1 if full else 2}"] + head + [
                "\tinit_scanning\t\ttrue",
                "\tinit_events\t\ttrue",
                "\tinit_sensor_type\ttrue",
                "\tdefault_event_gen_on\ttrue",
                "\tdefault_sensor_scan_on\ttrue",
                "\tsensor_auto_rearm\ttrue",
                "\tsensor_hysteresis\tno",
                "\tsensor_threshold_access\tno",
                "\tsensor_event_msg_ctrl\tper_state",
                f"\tsensor_type\t\t0x{s['stype']:02x}",
                f"\tevent_reading_type_code\t0x{s['ertype']:02x}"]
            for off in s["offsets"]:
                lines += [f"\tassert_event{off}\t\ttrue",
                          f"\tdeassert_event{off}\t\ttrue",
                          f"\tevent{off}_state_ret\ttrue"]
            if full:
                lines += ["\tanalog_data_format\tno", "\tbase_unit\t\t0",
                          "\tlinearization\t\tlinear", "\tm\t\t\t0", "\tb\t\t\t0"]
            else:
                count, mtype, moff, inc = s["share"] or (1, "numeric", 0, False)
                lines += [f"\tshare_count\t\t{count}",
                          f"\tid_string_modifier\t{mtype}",
                          f"\tentity_instance_incr\t{'true' if inc else 'false'}",
                          f"\tinstance_modifier_off\t{moff}"]
            lines += [f'\tid_string\t\t"{s["name"]}"', "endsdr"]
            add(lines, ("full" if full else "compact", s["name"]))
        else:
            add(["sdr type 3"] + head + [
                f"\tsensor_type\t\t0x{s['stype']:02x}",
                f"\tevent_reading_type_code\t0x{s['ertype']:02x}",
                "\tshare_count\t\t1",
                f'\tid_string\t\t"{s["name"]}"',
                "endsdr"], ("event_only", s["name"]))

    for f in FRUS:
        if f["name"] is None:
            continue
        add(["sdr type 17",
             f"\tdevice_access_address\t0x{BMC:02x}",
             f"\tfru_device_address\t{f['id']}",
             "\tlogical_fru\t\ttrue",
             "\tlun\t\t\t0",
             "\tprivate_bus_id\t\t0",
             "\tchannel_number\t\t0",
             "\tdevice_type\t\t0x10",
             "\tdevice_type_modifier\t0",
             f"\tfru_entity_id\t\t{f['entity'][0]}",
             f"\tfru_entity_instance\t{f['entity'][1]}",
             f'\tid_string\t\t"{f["name"]}"',
             "endsdr"], ("fru_locator", f["name"]))
    return "\n".join(o), names


def compile_sdrs(text):
    with tempfile.TemporaryDirectory() as td:
        src = os.path.join(td, "m.sdrs")
        out = os.path.join(td, "m.bin")
        with open(src, "w") as fh:
            fh.write(text)
        subprocess.run(["sdrcomp", "-8", "-r", "-o", out, src], check=True)
        with open(out, "rb") as fh:
            data = fh.read()
    recs, i = [], 0
    while i < len(data):
        n = data[i + 4] + 5
        recs.append(list(data[i:i + n]))
        i += n
    return recs


def oem_sdr():
    mfg = DEVICE["manufacturer_id"]
    body = [mfg & 0xFF, (mfg >> 8) & 0xFF, (mfg >> 16) & 0xFF] + OEM_SDR["data"]
    return [0, 0, 0x51, 0xC0, len(body)] + body


# ===========================================================================
# FRU images (Platform Management FRU Information Storage Definition v1.0)
# ===========================================================================
def tl(s):
    b = s.encode("ascii")
    assert len(b) <= 63, s
    return [0xC0 | len(b)] + list(b)


def area(payload):
    """payload starts after the length byte; returns the whole area"""
    data = [0x01, 0] + payload + [0xC1]
    while (len(data) + 1) % 8:
        data.append(0)
    data[1] = (len(data) + 1) // 8
    data.append((-sum(data)) & 0xFF)
    return data


def fru_image(f):
    header = [0x01, 0, 0, 0, 0, 0, 0]
    body = []
    off = 1
    if "chassis" in f:
        c = f["chassis"]
        a = area([c["type"]] + tl(c["part"]) + tl(c["serial"])
                 + sum((tl(x) for x in c["custom"]), []))
        header[2], off, body = off, off + len(a) // 8, body + a
    if "board" in f:
        b = f["board"]
        mins = int((b["mfg_time"] - EPOCH_1996).total_seconds() // 60)
        a = area([0x19, mins & 0xFF, (mins >> 8) & 0xFF, (mins >> 16) & 0xFF]
                 + tl(b["manufacturer"]) + tl(b["product"]) + tl(b["serial"])
                 + tl(b["part"]) + tl(b["file_id"])
                 + sum((tl(x) for x in b["custom"]), []))
        header[3], off, body = off, off + len(a) // 8, body + a
    if "product" in f:
        p = f["product"]
        a = area([0x19] + tl(p["manufacturer"]) + tl(p["name"]) + tl(p["part"])
                 + tl(p["version"]) + tl(p["serial"]) + tl(p["asset_tag"])
                 + tl(p["file_id"]))
        header[4], off, body = off, off + len(a) // 8, body + a
    header.append((-sum(header)) & 0xFF)
    img = header + body
    assert len(img) <= f["size"], (f["id"], len(img))
    return img


# ===========================================================================
# machine.emu
# ===========================================================================
def hx(bs):
    return " ".join(f"0x{b:02x}" for b in bs)


def wrapped(prefix, bs, per=16):
    rows = [bs[i:i + per] for i in range(0, len(bs), per)] or [[]]
    out = []
    for k, row in enumerate(rows):
        out.append(("" if k == 0 else "\t") + (prefix if k == 0 else "") + hx(row)
                   + (" \\" if k < len(rows) - 1 else ""))
    return out


def bits(n, positions):
    v = 0
    for p in positions:
        v |= 1 << p
    return format(v, f"0{n}b")


def emu_file(sdr_recs, names, fru_imgs):
    d = DEVICE
    o = ["# GENERATED by tools/gen-machine.py -- edit the tables there and re-run it.",
         "# ipmi_sim command file (man ipmi_sim_cmd).  Keep comments on lines of their",
         "# own; a failing command ends the processing of this file (silently with -n).",
         "",
         f"mc_setbmc 0x{BMC:02x}",
         "",
         "# Get Device ID: ipmb device-id sdrs revision fw-major fw-minor(BCD) support mfg product",
         f"mc_add 0x{BMC:02x} 0x{d['device_id']:02x} "
         f"{'has-device-sdrs' if d['provides_device_sdrs'] else 'no-device-sdrs'} "
         f"0x{d['device_revision']:02x} 0x{d['fw_major']:02x} 0x{d['fw_minor_bcd']:02x} "
         f"0x{d['additional_device_support']:02x} 0x{d['manufacturer_id']:06x} "
         f"0x{d['product_id']:04x}",
         "",
         "# SEL: the initial entries come from <state>/ipmi_sim/<name>/sel.20, which",
         "# the launcher copies from sel.persist; sel_enable reads it.",
         f"sel_enable 0x{BMC:02x} {SEL_MAX} 0x{SEL_FLAGS:02x}",
         ""]
    for f, img in zip(FRUS, fru_imgs):
        o.append(f"# FRU {f['id']} ({f['name'] or 'built-in'}): {len(img)} bytes of "
                 f"{f['size']}, zero padded")
        o += wrapped(f"mc_add_fru_data 0x{BMC:02x} {f['id']} {f['size']} data ", img)
        o.append("")
    o += ["# ---- SDR repository (machine.sdrs compiled by `sdrcomp -8 -r`) ----",
          "# Record ids are assigned 1, 2, 3 ... in this order; the first two bytes",
          "# of every record are ignored."]
    for (kind, name), rec in zip(names, sdr_recs):
        o.append(f"# {kind}: {name}")
        o += wrapped(f"main_sdr_add 0x{BMC:02x} ", rec)
    o.append(f"# oem: {OEM_SDR['name']} (type 0xC0, manufacturer id + data)")
    o += wrapped(f"main_sdr_add 0x{BMC:02x} ", oem_sdr())
    o += ["",
          "# ---- sensors ----",
          "# sensor_add must follow the SDRs: it copies event enables, scanning,",
          "# hysteresis and (init_thresholds) thresholds from the matching record.",
          "# sensor_set_value <mc> <lun> <num> <raw> <gen-event>",
          "# sensor_set_bit   <mc> <lun> <num> <bit> <value> <gen-event>",
          ""]
    for s in SENSORS:
        lun = s["lun"]
        if s["kind"] == "threshold":
            fmt = s["fmt"]
            o.append(f"# 0x{s['num']:02x} lun {lun} {s['name']}")
            o.append(f"sensor_add 0x{BMC:02x} {lun} 0x{s['num']:02x} 0x{s['stype']:02x} 0x01")
            if s["raw"] is not None:
                o.append(f"sensor_set_value 0x{BMC:02x} {lun} 0x{s['num']:02x} "
                         f"0x{enc(s['raw'], fmt):02x} 0")
            if fmt != "unsigned":
                th = s["th"]
                mask = "".join("1" if t in th else "0" for t in reversed(TH_NAMES))
                vals = " ".join(f"0x{enc(th.get(t, 0), fmt):02x}" for t in reversed(TH_NAMES))
                o.append("# signed: thresholds after the value, state bits set explicitly")
                o.append(f"sensor_set_threshold 0x{BMC:02x} {lun} 0x{s['num']:02x} "
                         f"settable {mask} {vals}")
                for t in asserted_thresholds(s):
                    o.append(f"sensor_set_bit 0x{BMC:02x} {lun} 0x{s['num']:02x} "
                             f"{TH_BIT[t]} 1 0")
            o.append("")
        elif s["kind"] == "discrete":
            sup = bits(15, s["offsets"])
            for k, (num, name, _inst, asserted, _fname) in enumerate(instances(s)):
                o.append(f"# 0x{num:02x} lun {lun} {name}")
                o.append(f"sensor_add 0x{BMC:02x} {lun} 0x{num:02x} "
                         f"0x{s['stype']:02x} 0x{s['ertype']:02x}")
                if k > 0:
                    o.append("# shared record: only the first number matches the SDR")
                    o.append(f"sensor_set_event_support 0x{BMC:02x} {lun} 0x{num:02x} "
                             f"enable scanning per-state {sup} {sup} {sup} {sup}")
                for b in asserted:
                    o.append(f"sensor_set_bit 0x{BMC:02x} {lun} 0x{num:02x} {b} 1 0")
                o.append("")
        else:
            sup = bits(15, s["offsets"])
            o.append(f"# 0x{s['num']:02x} lun {lun} {s['name']} (event-only)")
            o.append(f"sensor_add 0x{BMC:02x} {lun} 0x{s['num']:02x} 0x{s['stype']:02x} "
                     f"0x{s['ertype']:02x} event-only")
            o.append(f"sensor_set_event_support 0x{BMC:02x} {lun} 0x{s['num']:02x} "
                     f"enable scanning per-state {sup} {sup} {sup} {sup}")
            o.append("")
    o += [f"mc_enable 0x{BMC:02x}", ""]
    return "\n".join(o)


# ===========================================================================
# persistence files
# ===========================================================================
def pdata(bs):
    return "".join(f"\\{b:02x}" for b in bs)


def sel_records():
    out = []
    for rid, e in enumerate(SEL, start=1):
        if e["kind"] == "system":
            ts, g = e["ts"], e["gen"]
            rec = [rid & 0xFF, rid >> 8, 0x02,
                   ts & 0xFF, (ts >> 8) & 0xFF, (ts >> 16) & 0xFF, (ts >> 24) & 0xFF,
                   g & 0xFF, g >> 8, e["evm"], e["stype"], e["num"], e["edt"]] + e["data"]
        elif e["kind"] == "oem_ts":
            ts = e["ts"]
            rec = [rid & 0xFF, rid >> 8, e["rtype"],
                   ts & 0xFF, (ts >> 8) & 0xFF, (ts >> 16) & 0xFF, (ts >> 24) & 0xFF] + e["body"]
        else:
            rec = [rid & 0xFF, rid >> 8, e["rtype"]] + e["body"]
        assert len(rec) == 16, (rid, len(rec))
        out.append((rid, rec, e))
    return out


def sel_persist(recs):
    # ipmi_sim's reader prepends every item to a list, so the newest record
    # goes first (that is also how ipmi_sim itself writes the file).
    last_add = max(e["ts"] for _, _, e in recs if e["ts"] and e["ts"] >= 0x20000000)
    lines = [f"{rid}:d:{pdata(rec)}" for rid, rec, _ in reversed(recs)]
    lines += [f"last_erase_time:i:{T0}", f"last_add_time:i:{last_add}"]
    return "\n".join(lines) + "\n", last_add


def users_persist():
    lines = []
    for u in USERS:
        if not u.get("persist"):
            continue
        name = u["name"].encode("ascii")
        pw = u["password"].encode("ascii")
        assert len(name) <= 16 and len(pw) <= 20
        n = u["id"]
        name16 = pdata(list(name.ljust(16, b"\x00")))
        pw20 = pdata(list(pw.ljust(20, b"\x00")))
        lines += [f"{n}.valid:i:{1 if u['enabled'] else 0}",
                  f"{n}.username:d:{name16}",
                  f"{n}.passwd:d:{pw20}",
                  f"{n}.privilege:i:{PRIV_NUM[u['priv']]}",
                  f"{n}.max_sessions:i:10"]
    return "\n".join(lines) + "\n"


# ===========================================================================
# expected/*.json
# ===========================================================================
def ipmi_severity(asserted):
    sev = "ok"
    if any(t in asserted for t in ("lnc", "unc")):
        sev = "non-critical"
    if any(t in asserted for t in ("lc", "uc")):
        sev = "critical"
    if any(t in asserted for t in ("lnr", "unr")):
        sev = "non-recoverable"
    return sev


# FreeIPMI state (ipmi-sensors / ipmimonitoring with the default
# interpretation rules) -- filled in from the observed tool outputs in
# expected/freeipmi-ipmi-sensors.txt; see tools/capture-expected.sh.
FREEIPMI_DISCRETE_STATE = {
    "CPU1 Status": "Nominal", "CPU2 Status": "Nominal",
    "PS1 Status": "Nominal", "PS2 Status": "Critical",
    "PS Redundancy": "Critical", "Intrusion": "Nominal",
    "ROMB Battery": "Nominal",
    "DIMM 1": "Nominal", "DIMM 2": "Nominal", "DIMM 3": "Warning",
    "DIMM 4": "Nominal", "Drive 0": "Nominal", "Drive 1": "Critical",
    "Riser A": "Nominal", "Riser B": "Critical",
}
# FreeIPMI 1.6.10 does not read sensors of owner LUN != 0 unless
# --bridge-sensors is given: N/A in ipmi-sensors, left out by ipmimonitoring.
FREEIPMI_NO_READING_LUNS = {1, 2, 3}


def freeipmi_threshold_state(asserted):
    # FreeIPMI's default interpretation (freeipmi_interpret_sensor.conf)
    # maps the NON-critical thresholds to Nominal, critical and
    # non-recoverable ones to Critical.
    sev = ipmi_severity(asserted)
    return {"ok": "Nominal", "non-critical": "Nominal", "critical": "Critical",
            "non-recoverable": "Critical"}[sev]


def expected_sensors(sdr_recs_full):
    out = []
    for idx, s in enumerate(SENSORS):
        rid = idx + 2
        rec = sdr_recs_full[idx + 1]
        base = dict(record_id=rid, owner_id=BMC, lun=s["lun"],
                    sensor_type=s["stype"], sensor_type_name=s["stype_name"],
                    entity_id=s["entity"][0], note=s["note"],
                    sdr_hex=" ".join(f"{b:02x}" for b in rec))
        if s["kind"] == "threshold":
            e = dict(base, number=s["num"], name=s["name"], record_type="full",
                     entity_instance=s["entity"][1], event_reading_type=0x01,
                     unit=s["unit"], analog_format=s["fmt"], m=s["m"], b=s["b"],
                     b_exp=s["bexp"], r_exp=s["rexp"],
                     hysteresis=dict(positive=s["hyst"][0], negative=s["hyst"][1]),
                     thresholds={t: dict(raw=enc(v, s["fmt"]), signed_raw=v,
                                         value=rnd(conv(s, v)))
                                 for t, v in sorted(s["th"].items(),
                                                    key=lambda kv: TH_NAMES.index(kv[0]))})
            if not s["scan"]:
                e.update(raw=None, value=None, scanning_enabled=False,
                         asserted_thresholds=[], ipmi_severity=None,
                         freeipmi_state="N/A", ipmimonitoring_name=None,
                         reading_note="sensor scanning disabled: Get Sensor Reading "
                                      "byte 2 bit 6 = 0, reading byte 0")
            else:
                a = asserted_thresholds(s)
                e.update(raw=enc(s["raw"], s["fmt"]), signed_raw=s["raw"],
                         value=rnd(conv(s, s["raw"])), scanning_enabled=True,
                         asserted_thresholds=a,
                         state_bits=f"0x{sum(1 << TH_BIT[t] for t in a):04x}",
                         ipmi_severity=ipmi_severity(a),
                         freeipmi_state=freeipmi_threshold_state(a),
                         ipmimonitoring_name=s["name"])
                if s["lun"] in FREEIPMI_NO_READING_LUNS:
                    e.update(freeipmi_state="N/A", ipmimonitoring_name=None,
                             freeipmi_note="FreeIPMI reads LUN != 0 sensors only "
                                           "with --bridge-sensors")
            out.append(e)
        elif s["kind"] == "discrete":
            count = s["share"][0] if s["share"] else 1
            for k, (num, name, inst, asserted, fname) in enumerate(instances(s)):
                bits_ = sum(1 << b for b in asserted)
                out.append(dict(base, number=num, name=name,
                                sdr_id_string=s["name"], freeipmi_name=fname,
                                # default ipmimonitoring / ipmi-sensors (no
                                # --shared-sensors) list a shared record once,
                                # by its ID string, with the first sensor's state
                                ipmimonitoring_name=s["name"] if k == 0 else None,
                                record_type="full" if s["rec"] == "full" else "compact",
                                share_count=count, share_index=k,
                                entity_instance=inst,
                                event_reading_type=s["ertype"],
                                supported_offsets=s["offsets"],
                                asserted_offsets=asserted,
                                state_bits=f"0x{bits_:04x}",
                                scanning_enabled=True,
                                freeipmi_state=FREEIPMI_DISCRETE_STATE[name]))
        else:
            out.append(dict(base, number=s["num"], name=s["name"],
                            record_type="event_only",
                            entity_instance=s["entity"][1],
                            event_reading_type=s["ertype"],
                            supported_offsets=s["offsets"], raw=None,
                            freeipmi_state=None, ipmimonitoring_name=None,
                            reading_note="event-only: Get Sensor Reading -> CC 0xCC"))
    return out


def machine_md(sensors, srecs, fru_imgs, all_names):
    """MACHINE.md: the machine in tables, for people"""
    d = DEVICE
    o = ["# The simulated machine (generated by tools/gen-machine.py)", "",
         "Do not edit: change the tables in `tools/gen-machine.py` and re-run it.",
         "Machine-readable ground truth: `expected/*.json`; what ipmitool and FreeIPMI",
         "print: `expected/*.txt` (see `expected/COMMANDS.md`).", "",
         "## Get Device ID", "",
         f"device id 0x{d['device_id']:02x}, revision {d['device_revision']}, firmware "
         f"{d['fw_major']}.{d['fw_minor_bcd']:02x}, IPMI {d['ipmi_version']}, manufacturer "
         f"{d['manufacturer_id']} (Dell Inc.), product 0x{d['product_id']:04x}, additional "
         f"device support 0x{d['additional_device_support']:02X}, no device SDRs, aux firmware "
         "00 00 00 00 (ipmi_sim cannot set it).", "",
         "## Users (channel 1, privilege limit ADMINISTRATOR)", "",
         "| id | name | password | max privilege | enabled |", "|---|---|---|---|---|"]
    for u in USERS:
        o.append(f"| {u['id']} | {u['name']} | {u['password']} | {u['priv']} | "
                 f"{'yes' if u['enabled'] else 'no'} |")
    o += ["", "## SDR repository", "",
          "| rec | type | name |", "|---|---|---|"]
    for i, (k, n) in enumerate(all_names, start=1):
        o.append(f"| {i} | {k} | {n} |")
    o += ["", "## Sensors", "",
          "`value` is the exact conversion of `raw`; thresholds are listed as "
          "lnr/lc/lnc/unc/uc/unr (`-` = none).  `FreeIPMI` is the state FreeIPMI's "
          "default interpretation reports (non-critical counts as Nominal).", "",
          "| rec | num | lun | name | type | entity | raw | value | unit | thresholds | "
          "asserted | FreeIPMI | notes |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for x in sensors:
        ent = f"{x['entity_id']}.{x['entity_instance']}"
        if x["record_type"] == "event_only":
            o.append(f"| {x['record_id']} | 0x{x['number']:02X} | {x['lun']} | {x['name']} | "
                     f"{x['sensor_type_name']} | {ent} | - | - | - | - | - | - | {x['note']} |")
            continue
        if x["event_reading_type"] == 0x01:
            th = "/".join(
                (f"{x['thresholds'][t]['value']:g}" if t in x["thresholds"] else "-")
                for t in ("lnr", "lc", "lnc", "unc", "uc", "unr"))
            raw = "-" if x["raw"] is None else f"0x{x['raw']:02X}"
            val = "n/a" if x["value"] is None else f"{x['value']:g}"
            asserted = ",".join(x["asserted_thresholds"]) or "-"
            o.append(f"| {x['record_id']} | 0x{x['number']:02X} | {x['lun']} | {x['name']} | "
                     f"{x['sensor_type_name']} | {ent} | {raw} | {val} | {x['unit']} | {th} | "
                     f"{asserted} | {x['freeipmi_state']} | "
                     f"{'; '.join(n for n in (x['analog_format'], x['note']) if n)} |")
        else:
            o.append(f"| {x['record_id']} | 0x{x['number']:02X} | {x['lun']} | {x['name']} | "
                     f"{x['sensor_type_name']} (0x{x['event_reading_type']:02X}) | {ent} | "
                     f"{x['state_bits']} | - | - | - | offsets {x['asserted_offsets']} | "
                     f"{x['freeipmi_state']} | {x['record_type']}; {x['note']} |")
    o += ["", f"## SEL ({len(srecs)} entries of {SEL_MAX})", "",
          "| id | type | time (UTC) | bytes | event |", "|---|---|---|---|---|"]
    for rid, rec, e in srecs:
        ts = e["ts"]
        when = ("-" if ts is None else
                datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
                if ts >= 0x20000000 else f"pre-init +{ts} s")
        o.append(f"| {rid} | 0x{rec[2]:02X} | {when} | `{' '.join(f'{b:02x}' for b in rec)}` "
                 f"| {e['note']} |")
    o += ["", "## FRU", ""]
    for f, img in zip(FRUS, fru_imgs):
        areas = ", ".join(a for a in ("chassis", "board", "product") if a in f)
        o.append(f"* FRU {f['id']} ({f['name'] or 'built-in, no locator record'}): "
                 f"{f['size']} bytes ({len(img)} used), areas: {areas}")
        for a in ("chassis", "board", "product"):
            if a in f:
                vals = {k: (v.strftime('%Y-%m-%d %H:%M UTC') if isinstance(v, datetime) else v)
                        for k, v in f[a].items()}
                o.append(f"  * {a}: " + "; ".join(f"{k} `{v}`" for k, v in vals.items()
                                                   if v not in ("", [])))
    return "\n".join(o) + "\n"


def main():
    text, names = sdr_source()
    with open(os.path.join(SIM, "machine.sdrs"), "w") as fh:
        fh.write(text)
    recs = compile_sdrs(text)
    assert len(recs) == len(names), (len(recs), len(names))
    fru_imgs = [fru_image(f) for f in FRUS]
    with open(os.path.join(SIM, "machine.emu"), "w") as fh:
        fh.write(emu_file(recs, names, fru_imgs))

    srecs = sel_records()
    text, last_add = sel_persist(srecs)
    with open(os.path.join(SIM, "sel.persist"), "w") as fh:
        fh.write(text)
    with open(os.path.join(SIM, "users.persist"), "w") as fh:
        fh.write(users_persist())

    # the repository as a client reads it: record ids filled in
    full = []
    for i, r in enumerate(recs + [oem_sdr()], start=1):
        full.append([i & 0xFF, i >> 8] + r[2:])
    all_names = names + [("oem", OEM_SDR["name"])]

    exp = os.path.join(SIM, "expected")
    os.makedirs(exp, exist_ok=True)

    def dump(name, obj):
        with open(os.path.join(exp, name), "w") as fh:
            json.dump(obj, fh, indent=1)
            fh.write("\n")

    sensors = expected_sensors(full)
    dump("sensors.json", dict(
        comment="Ground truth of tests/sim (generated by tools/gen-machine.py). "
                "Values are the exact conversions of the raw readings; "
                "freeipmi_state is what FreeIPMI's default interpretation reports "
                "(checked against expected/freeipmi-ipmi-sensors*.txt).",
        sdr_repository=[dict(record_id=i, record_type=k, name=n,
                             bytes=" ".join(f"{b:02x}" for b in r))
                        for i, ((k, n), r) in enumerate(zip(all_names, full), start=1)],
        sensors=sensors))
    dump("sel.json", dict(
        comment="Initial SEL of tests/sim (loaded from sel.persist at start).",
        max_entries=SEL_MAX, flags=SEL_FLAGS, last_add_time=last_add,
        last_erase_time=T0,
        entries=[dict(record_id=rid, record_type=rec[2],
                      bytes=" ".join(f"{b:02x}" for b in rec),
                      timestamp=e["ts"],
                      timestamp_utc=(datetime.fromtimestamp(e["ts"], timezone.utc)
                                     .strftime("%Y-%m-%dT%H:%M:%SZ")
                                     if e["ts"] is not None and e["ts"] >= 0x20000000
                                     else None),
                      description=e["note"])
                 for rid, rec, e in srecs]))
    frus = []
    for f, img in zip(FRUS, fru_imgs):
        j = dict(fru_id=f["id"], name=f["name"], size=f["size"],
                 image_hex=" ".join(f"{b:02x}" for b in img))
        for k in ("chassis", "board", "product"):
            if k in f:
                a = dict(f[k])
                if "mfg_time" in a:
                    a["mfg_time"] = a["mfg_time"].strftime("%Y-%m-%dT%H:%M:%SZ")
                    a["mfg_minutes_since_1996"] = int(
                        (f[k]["mfg_time"] - EPOCH_1996).total_seconds() // 60)
                j[k] = a
        frus.append(j)
    dump("fru.json", dict(comment="FRU inventory of tests/sim.", frus=frus))
    d = DEVICE
    raw = [d["device_id"], (0x80 if d["provides_device_sdrs"] else 0) | d["device_revision"],
           d["fw_major"] & 0x7F, d["fw_minor_bcd"], 0x02, d["additional_device_support"],
           d["manufacturer_id"] & 0xFF, (d["manufacturer_id"] >> 8) & 0xFF,
           d["manufacturer_id"] >> 16, d["product_id"] & 0xFF, d["product_id"] >> 8] \
        + d["aux_firmware"]
    dump("device.json", dict(
        comment="Get Device ID and accounts of tests/sim.",
        get_device_id=dict(d, firmware="7.10",
                           response_hex=" ".join(f"{b:02x}" for b in raw)),
        users=[dict(user_id=u["id"], name=u["name"], password=u["password"],
                    max_privilege=u["priv"], enabled=u["enabled"]) for u in USERS],
        sdr_records=len(full), sensors=len(sensors),
        sel_entries=len(srecs)))
    with open(os.path.join(SIM, "MACHINE.md"), "w") as fh:
        fh.write(machine_md(sensors, srecs, fru_imgs, all_names))
    print(f"{len(full)} SDRs, {len(sensors)} sensors, {len(srecs)} SEL entries, "
          f"FRUs {[len(i) for i in fru_imgs]} bytes")


if __name__ == "__main__":
    sys.exit(main())
