#!/usr/bin/env bash
# Start N simulated Dell-like BMCs (OpenIPMI ipmi_sim) on 127.0.0.1.
#
#   start.sh [-n N] [-p BASE_PORT] [-d RUN_DIR] [--console] [--timeout SECS]
#
#   -n N            number of simulators                 (IPMI_SIM_N, 1)
#   -p BASE_PORT    instance i (1..N) listens on UDP 127.0.0.1:BASE_PORT+i-1
#                                                        (IPMI_SIM_BASE_PORT, 19700)
#   -d RUN_DIR      configs, state, logs, pids           (IPMI_SIM_RUN_DIR,
#                                                         ${TMPDIR:-/tmp}/ipmi-native-sim)
#   --console       also open ipmi_sim's command console of instance i on TCP
#                   127.0.0.1:CONSOLE_BASE+i-1 (IPMI_SIM_CONSOLE_BASE, 29700)
#   --timeout SECS  readiness timeout                    (IPMI_SIM_TIMEOUT, 30)
#
# Every start wipes the instances' previous state, so each run begins with
# the committed machine (machine.emu, sel.persist, users.persist).  An
# instance is ready when it answers a pre-session "Get Channel Authentication
# Capabilities" on its UDP port (probed with bash's /dev/udp, no ipmitool
# needed).  Stop with stop.sh (same -d).  The SEL clock is NOT set: it counts
# from the host's uptime until a client sets it (ipmitool ... sel time set now).
#
# Layout: RUN_DIR/targets.txt (host:port per line), RUN_DIR/simN/{lan.conf,
# pid, ipmi_sim.log, chassis/, state/ipmi_sim/simN/}.
set -euo pipefail

SIM=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=${IPMI_SIM_N:-1}
BASE_PORT=${IPMI_SIM_BASE_PORT:-19700}
RUN_DIR=${IPMI_SIM_RUN_DIR:-${TMPDIR:-/tmp}/ipmi-native-sim}
CONSOLE=0
CONSOLE_BASE=${IPMI_SIM_CONSOLE_BASE:-29700}
TIMEOUT=${IPMI_SIM_TIMEOUT:-30}
ADDR=127.0.0.1

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) N=$2; shift 2 ;;
    -p) BASE_PORT=$2; shift 2 ;;
    -d) RUN_DIR=$2; shift 2 ;;
    --console) CONSOLE=1; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "start.sh: unknown argument $1" >&2; usage 2 ;;
    esac
done
for v in "$N" "$BASE_PORT" "$TIMEOUT" "$CONSOLE_BASE"; do
    case $v in '' | *[!0-9]*) echo "start.sh: not a number: '$v'" >&2; exit 2 ;; esac
done
[ "$N" -ge 1 ] || { echo "start.sh: -n must be >= 1" >&2; exit 2; }
[ $((BASE_PORT + N - 1)) -le 65535 ] || { echo "start.sh: ports beyond 65535" >&2; exit 2; }

IPMI_SIM=$(command -v ipmi_sim || true)
if [ -z "$IPMI_SIM" ]; then
    echo "start.sh: ipmi_sim not found; install it with: sudo apt-get install -y openipmi" >&2
    exit 1
fi

mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
case $RUN_DIR$SIM in *[\'\"]*)
    echo "start.sh: quotes in $RUN_DIR or $SIM are not supported" >&2; exit 2 ;;
esac

# pid -> 0 if it is alive and one of ours (its command line names RUN_DIR)
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF -- "$RUN_DIR/"; }

for pf in "$RUN_DIR"/sim*/pid; do
    [ -e "$pf" ] || continue
    pid=$(cat "$pf" 2>/dev/null || true)
    if [ -n "$pid" ] && ours "$pid"; then
        echo "start.sh: $RUN_DIR has a running simulator (pid $pid); run $SIM/stop.sh -d $RUN_DIR" >&2
        exit 1
    fi
done

# UDP port in use on 127.0.0.1 or the wildcard address?  (/proc/net/udp; ipmi_sim
# binds with SO_REUSEADDR, so a clash with another ipmi_sim would go unnoticed)
udp_in_use() {
    local hex
    hex=$(printf '%04X' "$1")
    cat /proc/net/udp /proc/net/udp6 2>/dev/null |
        awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}
for i in $(seq 1 "$N"); do
    p=$((BASE_PORT + i - 1))
    if udp_in_use "$p"; then
        echo "start.sh: UDP port $p is already in use; choose another -p" >&2
        exit 1
    fi
done

# The pre-session probe: RMCP, IPMI 1.5 session header (auth none), Get Channel
# Authentication Capabilities (channel 0Eh = this one, IPMI 2.0 data, ADMIN).
PROBE='\x06\x00\xff\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09\x20\x18\xc8\x81\x00\x38\x8e\x04\xb5'
probe() {   # port -> 0 when a reply arrives within 0.5 s
    local c
    ( exec 3<>"/dev/udp/$ADDR/$1" || exit 1
      printf "$PROBE" >&3
      IFS= read -r -d '' -t 0.5 -N 1 -u 3 c ) 2>/dev/null
}

rm -rf "$RUN_DIR"/sim[0-9]* "$RUN_DIR/targets.txt"
: > "$RUN_DIR/targets.txt"
t0=$(date +%s.%N)
for i in $(seq 1 "$N"); do
    name=sim$i
    dir=$RUN_DIR/$name
    port=$((BASE_PORT + i - 1))
    state=$dir/state/ipmi_sim/$name
    mkdir -p "$state" "$dir/chassis"
    cp "$SIM/sel.persist" "$state/sel.20"
    cp "$SIM/users.persist" "$state/users.mc20"
    guid=$(printf '4c4c4544%04x%04x8053b7c04f53494d' "$i" "$port")
    extra=""
    [ "$CONSOLE" = 1 ] && extra="console $ADDR $((CONSOLE_BASE + i - 1))"
    sed -e "s|@NAME@|$name|g" -e "s|@ADDR@|$ADDR|g" -e "s|@PORT@|$port|g" \
        -e "s|@GUID@|$guid|g" -e "s|@EXTRA@|$extra|g" -e "s|@LAN_EXTRA@||g" \
        -e "s|@CHASSIS@|/bin/sh '$SIM/chassis-control.sh' '$dir/chassis'|g" \
        "$SIM/lan.conf.in" > "$dir/lan.conf"
    # -n: no console on stdin; setsid: not in this terminal's process group.
    ( cd "$dir" && { setsid "$IPMI_SIM" -c "$dir/lan.conf" -f "$SIM/machine.emu" \
        -s "$dir/state" -n < /dev/null > "$dir/ipmi_sim.log" 2>&1 &
        echo $! > "$dir/pid"; } )
    echo "$ADDR:$port" >> "$RUN_DIR/targets.txt"
done

deadline=$(( $(date +%s) + TIMEOUT ))
for i in $(seq 1 "$N"); do
    dir=$RUN_DIR/sim$i
    port=$((BASE_PORT + i - 1))
    pid=$(cat "$dir/pid")
    until probe "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "start.sh: sim$i (pid $pid) exited during start-up; its log:" >&2
            sed 's/^/    /' "$dir/ipmi_sim.log" >&2
            "$SIM/stop.sh" -d "$RUN_DIR" > /dev/null || true
            exit 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "start.sh: sim$i on $ADDR:$port did not answer within ${TIMEOUT}s" >&2
            "$SIM/stop.sh" -d "$RUN_DIR" > /dev/null || true
            exit 1
        fi
        sleep 0.05
    done
done
t1=$(date +%s.%N)

awk -v n="$N" -v a="$t0" -v b="$t1" -v d="$RUN_DIR" \
    'BEGIN { printf "start.sh: %d simulator(s) ready after %.2fs; run dir %s\n", n, b - a, d }'
if [ "$N" -le 10 ]; then
    for i in $(seq 1 "$N"); do
        printf '  sim%-3s %s:%s pid %s%s\n' "$i" "$ADDR" $((BASE_PORT + i - 1)) \
            "$(cat "$RUN_DIR/sim$i/pid")" \
            "$([ "$CONSOLE" = 1 ] && echo " console tcp $ADDR:$((CONSOLE_BASE + i - 1))")"
    done
else
    echo "  targets: $RUN_DIR/targets.txt"
fi
echo "  users: admin/password (ADMINISTRATOR), operator/operator, user/user,"
echo "         longpass/abcdefghijklmnopqrst (ADMINISTRATOR, RMCP+ only); ipmitool: -I lanplus -C 3"
