#!/usr/bin/env bash
# Session setup next to ipmitool on the same simulator: datagrams on the wire
# and wall time of one whole "identify the BMC" command per session type.
#   ours:     ipmi_exporter info   (session, Get Device ID, Get System GUID, Close)
#   ipmitool: ipmitool mc info     (session, Get Device ID + its probes, Close)
# Needs: ipmi_sim, ipmitool, tcpdump (root), a release build of ipmi_exporter.
# Usage: benches/compare-ipmitool.sh [RUNS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
PORT=19790
RUN=$(mktemp -d)
trap 'tests/sim/stop.sh -d "$RUN" >/dev/null 2>&1 || true; rm -rf "$RUN"' EXIT
cargo build --release -q -p ipmi_exporter
OURS=target/release/ipmi_exporter
tests/sim/start.sh -p "$PORT" -d "$RUN" >/dev/null

packets() { # command... -> datagrams both directions on the port
  local pcap="$RUN/cap.pcap"
  tcpdump -i lo -U -w "$pcap" "udp port $PORT" >/dev/null 2>&1 & local tp=$!
  sleep 1
  "$@" >/dev/null 2>&1 || true
  sleep 1; kill "$tp"; wait "$tp" 2>/dev/null || true
  tcpdump -r "$pcap" 2>/dev/null | wc -l
}
median_ms() { # command... -> median wall ms over RUNS
  local t=()
  for _ in $(seq "$RUNS"); do
    local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

printf '%-22s %10s %10s %12s %12s\n' session "ours pkts" "ipmitool" "ours ms" "ipmitool ms"
# Suite 11 last: ipmi_sim 2.0.33 can crash some 30 s after MD5-integrity
# sessions (see tests/sim/README.md), and ipmitool aborts on it anyway.
for s in lan 0 1 2 3 6 11; do
  if [ "$s" = lan ]; then
    o=("$OURS" info -H 127.0.0.1:$PORT -U admin -P password -I lan)
    i=(ipmitool -I lan -H 127.0.0.1 -p $PORT -U admin -P password mc info)
    name="IPMI 1.5 MD5"
  else
    o=("$OURS" info -H 127.0.0.1:$PORT -U admin -P password -C "$s")
    i=(ipmitool -I lanplus -C "$s" -H 127.0.0.1 -p $PORT -U admin -P password mc info)
    name="RMCP+ suite $s"
  fi
  if [ "$s" = 11 ]; then ipm_p="n/a"; ipm_t="n/a (aborts)"; else
    ipm_p=$(packets "${i[@]}"); ipm_t=$(median_ms "${i[@]}"); fi
  printf '%-22s %10s %10s %12s %12s\n' "$name" "$(packets "${o[@]}")" "$ipm_p" "$(median_ms "${o[@]}")" "$ipm_t"
done
