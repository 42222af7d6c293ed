#!/usr/bin/env bash
# Stop the simulators that start.sh started in RUN_DIR.
#
#   stop.sh [-d RUN_DIR]     (IPMI_SIM_RUN_DIR, default ${TMPDIR:-/tmp}/ipmi-native-sim)
#
# Only the PIDs recorded in RUN_DIR/sim*/pid are signalled, and only while
# that PID still runs a command line naming RUN_DIR (a recycled PID is left
# alone): SIGTERM first, SIGKILL for those still alive after 5 s.
set -uo pipefail

RUN_DIR=${IPMI_SIM_RUN_DIR:-${TMPDIR:-/tmp}/ipmi-native-sim}
while [ $# -gt 0 ]; do
    case $1 in
    -d) RUN_DIR=$2; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ ! -d "$RUN_DIR" ]; then
    echo "stop.sh: no run dir $RUN_DIR"
    exit 0
fi
RUN_DIR=$(cd "$RUN_DIR" && pwd)

ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$RUN_DIR/"; }

pids=()
for pf in "$RUN_DIR"/sim*/pid; do
    [ -e "$pf" ] || continue
    pid=$(cat "$pf" 2>/dev/null || true)
    case $pid in '' | *[!0-9]*) rm -f "$pf"; continue ;; esac
    if ours "$pid" && kill -TERM "$pid" 2>/dev/null; then
        pids+=("$pid")
    fi
    rm -f "$pf"
done

for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do
        if ours "$pid"; then alive=1; break; fi
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
done
for pid in "${pids[@]}"; do
    if ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
done
echo "stop.sh: stopped ${#pids[@]} simulator(s) in $RUN_DIR"
