#!/bin/sh
# bench_mpi.sh MPIEXEC CATLR TRAIN_DIR [RUNS]: weak scaling of `catlr train`
# under MPI on this machine's loopback. Each rank trains on m = 2090 images
# (the course's 209 training images, linked 10 times over) with one thread,
# on 1 and on 2 ranks; ms/epoch is the slope between a 1-iteration and a
# 201-iteration run of the primal solver (catlr's own --timings: the time
# inside the trainer, allreduce included, not the loading), the median of
# RUNS (default 5) such pairs. Efficiency = t(1 rank) / t(2 ranks): 1.0 when
# the second rank's shard and the one allreduce of 12291 doubles per epoch
# cost nothing. The load average before and after is printed beside them:
# on a machine whose cores are busy, ranks that spin while they wait in the
# allreduce take the core from the rank they wait for, and
# OMPI_MCA_mpi_yield_when_idle=1 in the environment makes them yield.
# Not run by ctest: timings belong in a quiet benchmark run.
set -eu
mpiexec=$1
catlr=$2
train=$3
runs=${4:-5}
epochs=200
copies=10 # per rank: 209 x 10 = 2090 images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"
mpi_allow_root

# folder N: TRAIN_DIR's images linked N x copies times, under new names
folder() {
    dir=$tmp/x$1
    for class in "$train"/*/; do
        c=$(basename "$class")
        from=$(cd "$class" && pwd)
        mkdir -p "$dir/$c"
        k=0
        while [ "$k" -lt $(($1 * copies)) ]; do
            for f in "$from"/*.png; do
                ln -s "$f" "$dir/$c/$k-$(basename "$f")"
            done
            k=$((k + 1))
        done
    done
    echo "$dir"
}

# seconds inside the trainer for N ranks, ITERATIONS on DIR
train_seconds() {
    "$mpiexec" -np "$1" "$catlr" train "$3" -i "$2" --solver primal --threads 1 -q --timings \
        -o "$tmp/model" 2>&1 >/dev/null | sed -n 's/^timings: .* train=\([0-9.]*\) .*/\1/p'
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
printf '%5s %8s %8s %10s %10s\n' ranks m/rank m 'ms/epoch' efficiency
t1=
for n in 1 2; do
    dir=$(folder "$n")
    : >"$tmp/ms"
    r=0
    while [ "$r" -lt "$runs" ]; do
        a=$(train_seconds "$n" 1 "$dir")
        b=$(train_seconds "$n" $((1 + epochs)) "$dir")
        awk -v a="$a" -v b="$b" -v e="$epochs" 'BEGIN {printf "%.3f\n", 1000 * (b - a) / e}' \
            >>"$tmp/ms"
        r=$((r + 1))
    done
    ms=$(median <"$tmp/ms")
    [ -n "$t1" ] || t1=$ms
    m=$(find "$dir" -name '*.png' | wc -l)
    awk -v n="$n" -v m="$m" -v ms="$ms" -v t1="$t1" -v all="$(tr '\n' ' ' <"$tmp/ms")" \
        'BEGIN {printf "%5d %8d %8d %10.3f %10.2f   (runs: %s)\n", n, m / n, m, ms, t1 / ms, all}'
done
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
