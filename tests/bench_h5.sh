#!/bin/sh
# bench_h5.sh CATLR [RUNS]: the course's whole `catlr train` process from
# the course's .h5 files, from the PNG folders `catlr import` makes of
# them, and the course's NumPy algorithm, side by side in one run: the
# same training (lr 0.005, 2000 iterations, train + test), alternated RUNS
# times (default 7); prints the median wall time of each whole command and
# whether all three printed the same table. Not run by ctest: timings
# belong in a quiet benchmark run, not in a test.
#
# Where it finds its inputs:
#   CATLR_REFERENCE_DIR  the course's data, laid out as the reference test
#                        wants it (train_catvnoncat.h5, test_catvnoncat.h5,
#                        and png/train, png/test)
#   CATLR_NUMPY_PROGRAM  the course's NumPy program (logreg_numpy.py: takes
#                        TRAIN_DIR TEST_DIR and prints the course's table)
set -eu
usage() {
    echo "usage: CATLR_REFERENCE_DIR=DIR CATLR_NUMPY_PROGRAM=logreg_numpy.py $0 CATLR [RUNS]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
[ -n "${CATLR_REFERENCE_DIR:-}" ] && [ -n "${CATLR_NUMPY_PROGRAM:-}" ] || usage
catlr=$1
ref=$CATLR_REFERENCE_DIR
runs=${2:-7}
python=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# timed NAME COMMAND...: append the seconds COMMAND took to $tmp/NAME,
# its stdout to $tmp/NAME.out
timed() {
    name=$1
    shift
    t0=$(now)
    "$@" >"$tmp/$name.out" 2>/dev/null
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$tmp/$name"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

i=0
while [ "$i" -lt "$runs" ]; do
    timed h5 "$catlr" train "$ref/train_catvnoncat.h5" --test "$ref/test_catvnoncat.h5" -q \
        -o "$tmp/h5.model"
    timed png "$catlr" train "$ref/png/train" --test "$ref/png/test" -q -o "$tmp/png.model"
    timed numpy "$python" "$CATLR_NUMPY_PROGRAM" "$ref/png/train" "$ref/png/test"
    i=$((i + 1))
done
same=yes
cmp -s "$tmp/h5.out" "$tmp/png.out" || same=NO
cmp -s "$tmp/h5.out" "$tmp/numpy.out" || same=NO
printf 'the course'"'"'s catlr train, %s runs each, alternating; median wall time of the process\n' "$runs"
printf '%-34s %10s\n' "command" "median ms"
printf '%-34s %10.1f\n' "catlr train (.h5 files)" "$(median <"$tmp/h5" | awk '{print $1 * 1000}')"
printf '%-34s %10.1f\n' "catlr train (PNG folders)" "$(median <"$tmp/png" | awk '{print $1 * 1000}')"
printf '%-34s %10.1f\n' "logreg_numpy.py (PNG folders)" "$(median <"$tmp/numpy" | awk '{print $1 * 1000}')"
printf 'the same table from all three: %s\n' "$same"
