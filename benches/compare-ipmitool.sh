#!/usr/bin/env bash
# Session setup next to ipmitool on the same simulator, per session type:
# datagrams of one whole "identify the BMC" command, wall time of the session
# setup on the wire (first datagram to the Set Session Privilege answer,
# median of 10 captures) and wall time of the whole command (median of RUNS).
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

capture() { # command... -> pcap of one run in $RUN/cap.pcap
  local pcap="$RUN/cap.pcap"
  rm -f "$pcap"
  timeout 4 tcpdump -i lo -U -w "$pcap" "udp port $PORT" >/dev/null 2>&1 & local tp=$!
  sleep 1.5
  "$@" >/dev/null 2>&1 || true
  wait "$tp" 2>/dev/null || true
}
packets() { capture "$@"; tcpdump -r "$RUN/cap.pcap" 2>/dev/null | wc -l; }
handshake_ms() { # N command... -> median ms from the first datagram to the
  # answer of the N-th request (the end of session setup), over 10 runs
  local n=$1; shift
  for _ in $(seq 10); do
    capture "$@"
    tcpdump -tt -r "$RUN/cap.pcap" 2>/dev/null | awk -v n="$n" \
      'NR==1 {t0=$1} NR==2*n {printf "%.3f\n", ($1-t0)*1000}'
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
median_ms() { # command... -> median wall ms over RUNS
  local t=()
  for _ in $(seq "$RUNS"); do
    local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

printf '%-22s | %9s %9s | %9s %9s | %9s %9s\n' session "pkts" "" "setup ms" "" "cmd ms" ""
printf '%-22s | %9s %9s | %9s %9s | %9s %9s\n' "" ours ipmitool ours ipmitool ours ipmitool
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
  # Session setup = GCAC, Open Session, RAKP 1, RAKP 3, Set Session Privilege
  # (5 requests); IPMI 1.5: GCAC, Challenge, Activate, Set Privilege (4).
  n=5; [ "$s" = lan ] && n=4
  if [ "$s" = 11 ]; then ipm_p="n/a"; ipm_h="n/a"; ipm_t="aborts"; else
    ipm_p=$(packets "${i[@]}"); ipm_h=$(handshake_ms "$n" "${i[@]}"); ipm_t=$(median_ms "${i[@]}"); fi
  printf '%-22s | %9s %9s | %9s %9s | %9s %9s\n' "$name" "$(packets "${o[@]}")" "$ipm_p" \
    "$(handshake_ms "$n" "${o[@]}")" "$ipm_h" "$(median_ms "${o[@]}")" "$ipm_t"
done
