#!/usr/bin/env bash
# Side by side with the Go prometheus-community/ipmi_exporter (Debian package
# prometheus-ipmi-exporter, FreeIPMI mode) on the same simulator, same YAML
# config, same collectors: datagrams per warm scrape, median scrape latency
# and CPU time per scrape (exporter plus the FreeIPMI processes it forks).
#
# Needs: ipmi_sim (openipmi), prometheus-ipmi-exporter, freeipmi-tools,
# tcpdump (root), curl. Usage: benches/compare-go-exporter.sh [SCRAPES] [COLLECTORS]
#   SCRAPES     warm scrapes measured per exporter (default 30)
#   COLLECTORS  YAML list, default "ipmi, dcmi, bmc, chassis" (upstream's default)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-30}
COLLECTORS=${2:-"ipmi, dcmi, bmc, chassis"}
SIM_PORT=19810 GO_PORT=19811 OURS_PORT=19812
RUN=$(mktemp -d)
cleanup() {
  [ -n "${GO_PID:-}" ] && kill "$GO_PID" 2>/dev/null
  [ -n "${OURS_PID:-}" ] && kill "$OURS_PID" 2>/dev/null
  tests/sim/stop.sh -d "$RUN/sim" >/dev/null 2>&1 || true
  rm -rf "$RUN"
}
trap cleanup EXIT
cargo build --release -q -p ipmi_exporter
tests/sim/start.sh -p "$SIM_PORT" -d "$RUN/sim" >/dev/null
mkdir -p "$RUN/home"
cat > "$RUN/ipmi.yml" <<YML
modules:
  default:
    user: admin
    pass: password
    driver: LAN_2_0
    privilege: admin
    timeout: 10000
    workaround_flags: [opensesspriv]
    custom_args:
      ipmi: ["--sdr-cache-directory=$RUN/home"]
    collectors: [$COLLECTORS]
YML
HOME="$RUN/home" prometheus-ipmi-exporter --config.file="$RUN/ipmi.yml" \
  --web.listen-address="127.0.0.1:$GO_PORT" --freeipmi.path=/usr/sbin >"$RUN/go.log" 2>&1 &
GO_PID=$!
target/release/ipmi_exporter --config.file="$RUN/ipmi.yml" \
  --web.listen-address="127.0.0.1:$OURS_PORT" --log.level=warn >"$RUN/ours.log" 2>&1 &
OURS_PID=$!
sleep 1
url() { echo "http://127.0.0.1:$1/ipmi?target=127.0.0.1:$SIM_PORT&module=default"; }
for p in $GO_PORT $OURS_PORT; do curl -s "$(url $p)" >/dev/null; curl -s "$(url $p)" > "$RUN/out.$p"; done

packets() { # port -> datagrams (both directions) of one scrape
  rm -f "$RUN/cap.pcap"
  timeout 6 tcpdump -i lo -U -w "$RUN/cap.pcap" "udp port $SIM_PORT" >/dev/null 2>&1 & local tp=$!
  sleep 1.5; curl -s "$(url "$1")" >/dev/null; wait "$tp" 2>/dev/null || true
  tcpdump -r "$RUN/cap.pcap" 2>/dev/null | wc -l
}
cpu_ticks() { # pid -> utime+stime+cutime+cstime (clock ticks)
  awk '{print $14+$15+$16+$17}' "/proc/$1/stat"
}
measure() { # port pid -> "median_ms cpu_ms_per_scrape"
  local t0 t1 times=()
  t0=$(cpu_ticks "$2")
  for _ in $(seq "$N"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$(url "$1")")")
  done
  t1=$(cpu_ticks "$2")
  local med; med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]*1000}')
  local hz; hz=$(getconf CLK_TCK)
  echo "$med $(awk -v d=$((t1 - t0)) -v n="$N" -v hz="$hz" 'BEGIN {printf "%.3f", d*1000/hz/n}')"
}
go_pk=$(packets $GO_PORT); ours_pk=$(packets $OURS_PORT)
read -r go_ms go_cpu < <(measure $GO_PORT $GO_PID)
read -r ours_ms ours_cpu < <(measure $OURS_PORT $OURS_PID)
echo "collectors: $COLLECTORS; $N warm scrapes each; simulator tests/sim on 127.0.0.1:$SIM_PORT"
printf '%-28s %12s %12s %10s\n' "" "Go exporter" "ours" "ratio"
printf '%-28s %12s %12s %10s\n' "datagrams per warm scrape" "$go_pk" "$ours_pk" "$(awk -v a="$go_pk" -v b="$ours_pk" 'BEGIN {printf "%.1fx", a/b}')"
printf '%-28s %12s %12s %10s\n' "median scrape latency (ms)" "$go_ms" "$ours_ms" "$(awk -v a="$go_ms" -v b="$ours_ms" 'BEGIN {printf "%.1fx", a/b}')"
printf '%-28s %12s %12s %10s\n' "CPU per scrape (ms)" "$go_cpu" "$ours_cpu" "$(awk -v a="$go_cpu" -v b="$ours_cpu" 'BEGIN {if (b > 0) printf "%.1fx", a/b; else print "inf"}')"
echo "ipmi_up, Go exporter:"; grep '^ipmi_up' "$RUN/out.$GO_PORT" || true
echo "ipmi_up, ours:";        grep '^ipmi_up' "$RUN/out.$OURS_PORT" || true
