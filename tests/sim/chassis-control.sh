#!/bin/sh
# Chassis control program of the test simulator (lan.conf: chassis_control).
#
# ipmi_sim runs it through popen():
#   chassis-control.sh STATE_DIR get NAME...          -> one "NAME:VALUE" line each
#   chassis-control.sh STATE_DIR set NAME "VALUE"...  -> no output
# NAME is power (0|1), reset, boot (none|pxe|default|cdrom|bios), shutdown or
# identify.  The state is a file per NAME in STATE_DIR; "power" defaults to 1
# (on) and "boot" to "default" when the file does not exist.  Every set is
# appended to STATE_DIR/log, so tests can see what a client asked for.
# A non-zero exit status makes ipmi_sim answer with completion code 0xFF.
# Get Chassis Status runs "get power", so that path uses shell builtins only.

dir=$1
op=$2
[ -n "$dir" ] && [ -n "$op" ] || { echo "usage: $0 STATE_DIR get|set ..."; exit 2; }
shift 2

value() {   # NAME DEFAULT
    v=$2
    if [ -f "$dir/$1" ]; then
        IFS= read -r v < "$dir/$1" || v=$2
    fi
    printf '%s\n' "$v"
}

case $op in
get)
    for name in "$@"; do
        case $name in
        power) echo "power:$(value power 1)" ;;
        boot) echo "boot:$(value boot default)" ;;
        *) echo "unknown parameter $name"; exit 1 ;;
        esac
    done
    ;;
set)
    while [ $# -ge 2 ]; do
        name=$1
        val=$2
        shift 2
        echo "$name $val" >> "$dir/log"
        case $name in
        power | boot | identify) printf '%s\n' "$val" > "$dir/$name" ;;
        shutdown) echo 0 > "$dir/power" ;;
        reset) : ;;
        *) echo "unknown parameter $name"; exit 1 ;;
        esac
    done
    [ $# -eq 0 ] || { echo "missing value for $1"; exit 1; }
    ;;
*)
    echo "unknown operation $op"
    exit 2
    ;;
esac
exit 0
