#!/bin/sh
# bench_course.sh CATLR [DATA_DIR] [RUNS]: catlr against the course's NumPy
# algorithm (../shared/reference/logreg_numpy.py), side by side in one run:
# the same training (lr 0.005, 2000 iterations, train + test folders),
# alternated RUNS times (default 5); prints the median wall time of each
# whole command (load + train + accuracy) and the ratio. Not run by ctest:
# timings belong in a quiet benchmark run, not in a test.
set -eu
catlr=$1
data=${2:-../shared/datasets/catvnoncat/png}
runs=${3:-5}
peer=${PEER:-$(dirname "$0")/../../shared/reference/logreg_numpy.py}
python=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# seconds taken by "$@", stdout to $tmp/out
timed() {
    t0=$(now)
    "$@" >"$tmp/out" 2>/dev/null
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

: >"$tmp/catlr"
: >"$tmp/peer"
i=0
while [ "$i" -lt "$runs" ]; do
    timed "$catlr" train "$data/train" --test "$data/test" -q -o "$tmp/m.model" >>"$tmp/catlr"
    cp "$tmp/out" "$tmp/catlr.out"
    timed "$python" "$peer" "$data/train" "$data/test" >>"$tmp/peer"
    cp "$tmp/out" "$tmp/peer.out"
    i=$((i + 1))
done
if cmp -s "$tmp/catlr.out" "$tmp/peer.out"; then same=yes; else same=NO; fi
c=$(median <"$tmp/catlr")
p=$(median <"$tmp/peer")
printf 'data: %s (%s runs each, alternating)\n' "$data" "$runs"
printf '%-24s %10s\n' "command" "median s"
printf '%-24s %10.3f\n' "catlr train" "$c"
printf '%-24s %10.3f\n' "logreg_numpy.py" "$p"
printf 'catlr is %.2fx the speed of the NumPy reference; identical output: %s\n' \
    "$(awk -v p="$p" -v c="$c" 'BEGIN {print p / c}')" "$same"
