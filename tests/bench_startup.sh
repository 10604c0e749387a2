#!/usr/bin/env bash
# bench_startup.sh CATLR [MODEL IMAGE] [RUNS]: how long catlr takes to start,
# as whole processes: `catlr predict MODEL IMAGE` and `catlr --version`
# against /bin/true, which is the cost of starting any process at all on
# this machine. The three alternate, RUNS rounds (default 21) after one
# round of warm-up, so that all see the same state of the machine; prints
# the median of each in milliseconds, the difference from /bin/true and
# the CPU. Without MODEL and IMAGE, a model trained on the demo data (100
# iterations) and the demo's first cat. Not run by ctest: timings belong
# in a quiet benchmark run, not in a test.
#
# The clock is bash's $EPOCHREALTIME, read by the shell itself around each
# command, so no other process is timed with it.
set -euo pipefail
catlr=$1
data=$(dirname "$0")/../data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -ge 3 ]; then
    model=$2
    image=$3
    runs=${4:-21}
else
    "$catlr" train "$data/train" -i 100 -q -o "$tmp/demo.model" >/dev/null
    model=$tmp/demo.model
    image=$data/test/cat/cat_000.png
    runs=${2:-21}
fi
"$catlr" predict "$model" "$image" >/dev/null # fails here rather than in the loop

# microseconds taken by "$@", appended to the file $1
timed() {
    local file=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    "$@" >/dev/null
    t1=$EPOCHREALTIME
    echo $(((${t1/./} - ${t0/./}))) >>"$file"
}

median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

for round in $(seq 0 "$runs"); do
    [ "$round" -eq 1 ] && rm -f "$tmp"/t.* # round 0 warms the caches
    timed "$tmp/t.true" /bin/true
    timed "$tmp/t.version" "$catlr" --version
    timed "$tmp/t.predict" "$catlr" predict "$model" "$image"
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
base=$(median "$tmp/t.true")
echo "start-up as a whole process: median of $runs alternating runs, ms"
echo "CPU: ${cpu:-unknown} ($(nproc) cores)"
for kind in true version predict; do
    case $kind in
    true) label="/bin/true" ;;
    version) label="catlr --version" ;;
    predict) label="catlr predict MODEL IMAGE" ;;
    esac
    m=$(median "$tmp/t.$kind")
    awk -v l="$label" -v m="$m" -v b="$base" \
        'BEGIN { printf "%-28s %7.2f  %+6.2f\n", l, m / 1000, (m - b) / 1000 }'
done
