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
