#!/bin/sh
# bench_course.sh CATLR [RUNS]: catlr against the course's NumPy algorithm,
# side by side in one run: the same training (lr 0.005, 2000 iterations,
# train + test folders), alternated RUNS times (default 5); prints the
# median wall time of each whole command (load + train + accuracy), the
# median of catlr's training alone (its --timings train=) and the ratio.
# Not run by ctest: timings belong in a quiet benchmark run, not in
# a test.
#
# Where it finds its inputs:
#   CATLR_REFERENCE_DIR  the course's data, laid out as the reference test
#                        wants it (png/train and png/test: the folders
#                        `catlr import` makes of the course's .h5 files)
#   CATLR_NUMPY_PROGRAM  the course's NumPy program (logreg_numpy.py: takes
#                        TRAIN_DIR TEST_DIR and prints the course's table);
#                        it needs python3-numpy and python3-pil
set -eu
usage() {
    echo "usage: CATLR_REFERENCE_DIR=DIR CATLR_NUMPY_PROGRAM=logreg_numpy.py $0 CATLR [RUNS]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
[ -n "${CATLR_REFERENCE_DIR:-}" ] && [ -n "${CATLR_NUMPY_PROGRAM:-}" ] || usage
catlr=$1
data=$CATLR_REFERENCE_DIR/png
runs=${2:-5}
peer=$CATLR_NUMPY_PROGRAM
python=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# seconds taken by "$@", stdout to $tmp/out, stderr to $tmp/err
timed() {
    t0=$(now)
    "$@" >"$tmp/out" 2>"$tmp/err"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

: >"$tmp/catlr"
: >"$tmp/train"
: >"$tmp/peer"
i=0
while [ "$i" -lt "$runs" ]; do
    timed "$catlr" train "$data/train" --test "$data/test" -q --timings -o "$tmp/m.model" \
        >>"$tmp/catlr"
    cp "$tmp/out" "$tmp/catlr.out"
    # the training alone, from --timings: "timings: load=... train=S save=..."
    sed -n 's/.* train=\([0-9.]*\) .*/\1/p' "$tmp/err" >>"$tmp/train"
    timed "$python" "$peer" "$data/train" "$data/test" >>"$tmp/peer"
    cp "$tmp/out" "$tmp/peer.out"
    i=$((i + 1))
done
if cmp -s "$tmp/catlr.out" "$tmp/peer.out"; then same=yes; else same=NO; fi
c=$(median <"$tmp/catlr")
t=$(median <"$tmp/train")
p=$(median <"$tmp/peer")
printf 'data: %s (%s runs each, alternating)\n' "$data" "$runs"
printf '%-24s %10s\n' "command" "median s"
printf '%-24s %10.3f\n' "catlr train" "$c"
printf '%-24s %10.3f\n' "  of which training" "$t"
printf '%-24s %10.3f\n' "logreg_numpy.py" "$p"
printf 'catlr is %.2fx the speed of the NumPy reference; identical output: %s\n' \
    "$(awk -v p="$p" -v c="$c" 'BEGIN {print p / c}')" "$same"
