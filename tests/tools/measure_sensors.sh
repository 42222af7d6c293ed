#!/bin/bash
# Datagrams and wall time of reading the SDR and all sensors: ipmi_exporter
# vs ipmitool vs FreeIPMI, on one simulator (ipmi_sim answers RMCP+ with
# cipher suite 3; FreeIPMI needs -W opensesspriv there).
#
#   tests/tools/measure_sensors.sh HOST:PORT [path/to/ipmi_exporter]
#
# Needs root (tcpdump on lo), ipmitool and freeipmi-tools. Counts UDP
# datagrams to and from PORT with tcpdump; every row includes the tool's
# session setup and close. Wall time is the median of 5 runs (`date`).
set -euo pipefail

target=${1:?usage: $0 HOST:PORT [ipmi_exporter]}
exporter=${2:-target/debug/ipmi_exporter}
host=${target%:*}
port=${target##*:}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fcache" "$work/ours-cache"

count() { # count <label> <command...>: datagrams to/from the BMC, median wall time
    local label=$1
    shift
    local cap=$work/cap.txt
    rm -f "$work/tcpdump.err"
    tcpdump -i lo -n -l -q "udp port $port" >"$cap" 2>"$work/tcpdump.err" &
    local tpid=$!
    # Wait until tcpdump is really capturing.
    for _ in $(seq 100); do
        grep -q "listening on" "$work/tcpdump.err" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.2
    local status=ok
    "$@" >/dev/null 2>"$work/stderr" || status=FAILED
    sleep 0.5
    kill "$tpid"
    wait "$tpid" 2>/dev/null || true
    local to from
    to=$(grep -c "> $host.$port:" "$cap" || true)
    from=$(grep -c "IP $host.$port >" "$cap" || true)
    local times=()
    for _ in 1 2 3 4 5; do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
    printf '%-62s %5d %5d   %6.3f s %s\n' "$label" "$to" "$from" "$median" \
        "$([ $status = ok ] || echo "FAILED: $(head -1 "$work/stderr")")"
}

ours=("$exporter" sensors -H "$target" -U admin -P password)
ipmitool=(ipmitool -I lanplus -C 3 -H "$host" -p "$port" -U admin -P password)
fi_common=(-h "$target" -u admin -p password -D LAN_2_0 -l ADMIN -W opensesspriv
    --quiet-cache --sdr-cache-directory="$work/fcache")

printf '%-62s %5s %5s   %s\n' "command (session setup included)" "to" "from" "median wall"
count "ipmi_exporter sensors (cold: SDR download + readings)" "${ours[@]}"
count "ipmi_exporter sensors --repeat 2 (cold + 1 warm round)" "${ours[@]}" --repeat 2
count "ipmi_exporter sensors --repeat 11 (cold + 10 warm rounds)" "${ours[@]}" --repeat 11
"${ours[@]}" --sdr-cache-dir "$work/ours-cache" >/dev/null
count "ipmi_exporter sensors --sdr-cache-dir (cache file valid)" "${ours[@]}" --sdr-cache-dir "$work/ours-cache"
count "ipmitool sdr elist (SDR + readings)" "${ipmitool[@]}" sdr elist
count "ipmitool sdr dump (SDR only)" "${ipmitool[@]}" sdr dump "$work/dump.bin"
fresh() { rm -rf "$work/fcache" && mkdir -p "$work/fcache" && "$@"; }
count "ipmi-sensors --sdr-cache-recreate (empty cache: cold)" fresh ipmi-sensors "${fi_common[@]}" \
    --sdr-cache-recreate
count "ipmi-sensors (warm SDR cache)" ipmi-sensors "${fi_common[@]}"
monitoring=(ipmimonitoring "${fi_common[@]}" --ignore-unrecognized-events --comma-separated-output
    --no-header-output --sdr-cache-recreate --output-event-bitmask --output-sensor-state)
count "ipmimonitoring, exporter arguments (empty cache: cold)" fresh "${monitoring[@]}"
count "ipmimonitoring, exporter arguments (warm SDR cache)" "${monitoring[@]}"
echo
echo "Our request breakdown (cold, then one warm round):"
"${ours[@]}" --stats --repeat 2 2>&1 >/dev/null | sed 's/^/  /'
