#!/usr/bin/env bash
# The demo: a virtual BMC (the project's own, RMCP+ with cipher suite 17,
# sensors, SEL, DCMI power, FRU) and the exporter scraping it, once cold
# and once warm, then the exporter's own metrics. With --ipmi-sim the BMC
# is the project's OpenIPMI simulator (tests/sim) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ipmi_exporter
BIN=target/release/ipmi_exporter
BMC_PORT=19623
WEB=127.0.0.1:19290
RUN=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$RUN/sim" ] && tests/sim/stop.sh -d "$RUN/sim" >/dev/null 2>&1
  rm -rf "$RUN"
}
trap cleanup EXIT

if [ "${1:-}" = "--ipmi-sim" ]; then
  command -v ipmi_sim >/dev/null || { echo "ipmi_sim missing: apt-get install openipmi" >&2; exit 1; }
  tests/sim/start.sh -p "$BMC_PORT" -d "$RUN/sim" >/dev/null
  echo "== OpenIPMI ipmi_sim (Dell-like machine) on 127.0.0.1:$BMC_PORT"
else
  "$BIN" virtual-bmc --listen "127.0.0.1:$BMC_PORT" --log.level warn &
  PIDS+=($!)
  echo "== virtual BMC on 127.0.0.1:$BMC_PORT (admin/password)"
fi

cat > "$RUN/ipmi_exporter.yml" <<YML
modules:
  default:
    user: admin
    pass: password
    driver: LAN_2_0
    privilege: admin
    collectors: [ipmi, dcmi, bmc, chassis, sel]
YML
"$BIN" --config.file="$RUN/ipmi_exporter.yml" --web.listen-address="$WEB" --log.level=error &
PIDS+=($!)
for _ in $(seq 50); do curl -sf "http://$WEB/-/healthy" >/dev/null && break; sleep 0.1; done

URL="http://$WEB/ipmi?target=127.0.0.1:$BMC_PORT&module=default"
echo "== first scrape (session setup and SDR download): $URL"
curl -s "$URL" | grep -v '^#'
echo
echo "== second scrape (same session, cached SDR)"
curl -s -o /dev/null -w 'HTTP %{http_code} in %{time_total} s\n' "$URL"
echo
echo "== exporter self metrics (excerpt)"
curl -s "http://$WEB/metrics" | grep -E '^ipmi_exporter_(ipmi_requests_total|sessions_established_total|sdr_cache_lookups_total|targets)[{ ]'
