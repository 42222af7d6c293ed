#!/usr/bin/env bash
# The exporter on a lossy, slow or jittery network: the ipmi_exporter binary
# against ipmi_sim (tests/sim) through the project's fault-injecting UDP
# proxy (tests/support/src/fault_proxy.rs), a fresh simulator, proxy and
# exporter per setting, collectors ipmi, bmc, chassis, sel (module timeout
# 30 s). After one warm-up scrape on a clean link the faults are switched on
# and SCRAPES scrapes run with X-Prometheus-Scrape-Timeout-Seconds (10 s, or
# 30 s where noted). Settings: clean, loss5 (5 % each way), loss20, loss40
# (30 s deadline), slow1500 (answers delayed 1.5 s, 30 s deadline), jitter
# (200 ms + uniform 0..400 ms each way). Printed per setting (markdown):
# scrapes with every collector up, scrapes with a wrong sample (compared with
# the warm-up scrape), the largest overrun of the deadline header, median
# scrape time, sessions opened (self metrics), the most sessions ipmi_sim
# held at once (Get Session Info polled every 100 ms), retransmissions and
# request timeouts (self metrics).
#
# Needs: ipmi_sim (openipmi). Takes long: up to SCRAPES x deadline per setting.
# Usage: benches/lossy-network.sh [SCRAPES] [SETTING,...]   (default 100, all)
#   PROFILE=debug benches/lossy-network.sh 10 loss20,loss40
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
ONLY=${2:-clean,loss5,loss20,loss40,slow1500,jitter}
PROFILE=${PROFILE:-release}
flag=()
[ "$PROFILE" = release ] && flag=(--release)
cargo build -q "${flag[@]}" -p ipmi_exporter --bin ipmi_exporter
cargo build -q "${flag[@]}" --example bench_lossy_network
IPMI_EXPORTER_BIN="$PWD/target/$PROFILE/ipmi_exporter" \
  "target/$PROFILE/examples/bench_lossy_network" --scrapes "$N" --only "$ONLY"
# Measured (debug build, 2 shared cores, seed 1; `benches/lossy-network.sh 100 clean,loss5,loss20`
# and `... 10 loss40,slow1500,jitter`):
# | setting | fully up | wrong values | max overrun | sessions opened | max on BMC | retransmissions |
# | 0 %               | 100/100 | 0 | -9.95 s | 0  | 1  | 0    |
# | 5 % each way      | 100/100 | 0 | -7.06 s | 0  | 1  | 352  |
# | 20 % each way     | 54/100  | 0 | -0.49 s | 41 | 8  | 1532 |
# | 40 %, 30 s        | 0/10    | - | -0.52 s | 7  | 17 | 124  |
# | 1.5 s BMC, 30 s   | 0/10    | - | -0.52 s | 9  | 1  | 8    |
# | 200+0..400 ms     | 0/10    | - | -0.52 s | 9  | 1  | 5    |
# A warm scrape is about 50 serialized requests, so a 1.5 s round trip cannot
# fit 30 s; at 20-40 % loss sessions are re-established after probes fail and
# the half-open ones pile up on ipmi_sim (see "max on BMC").
