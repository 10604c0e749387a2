#!/bin/sh
# mpi_train.sh MODE MPIEXEC CATLR DATA_DIR [NP]: `catlr train` under MPI on
# this machine's loopback, each rank loading and training on its shard of
# the folders, one thread per rank.
#   reference NP: NP ranks print the course's table (expected.txt) exactly,
#                 from the png/ folders and from the two .h5 files;
#                 needs CATLR_REFERENCE_DIR, else skipped (exit 77);
#   small:        the demo data (DATA_DIR) on 1, 2 and 3 ranks print the
#                 same costs and accuracies and give models that predict the
#                 same labels; 4 ranks on a folder of 3 images (rank 0 holds
#                 none) train as one process does, with balanced class
#                 weights and mirrors too;
#   failures:     an image that one rank cannot decode stops every rank with
#                 the file named on stderr, a missing folder is reported
#                 once; --skip-bad skips a bad image on the rank that holds
#                 it and the total is reported once; --solver gram and
#                 --val-split are refused; the other commands (here predict)
#                 refuse to run on several ranks.
set -u
mode=$1
mpiexec=$2
catlr=$3
data=$4
np=${5:-2}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

mpi_allow_root
cores=$(nproc 2>/dev/null || echo 1)

# ranks N ARGS...: catlr with ARGS on N ranks, more ranks than cores
# allowed; bounded in time, so that a rank left waiting fails the test
# (exit 124) instead of hanging it.
ranks() {
    n=$1
    shift
    over=
    [ "$n" -gt "$cores" ] && over=--oversubscribe
    timeout 600 "$mpiexec" $over -np "$n" "$catlr" "$@"
}

# trains NAME N ARGS...: `catlr train ARGS --threads 1` on N ranks into
# $tmp/NAME.out, .err and .model; must succeed.
trains() {
    name=$1
    n=$2
    shift 2
    ranks "$n" train "$@" --threads 1 -o "$tmp/$name.model" >"$tmp/$name.out" 2>"$tmp/$name.err"
    code=$?
    [ "$code" -eq 0 ] || fail "$name: $n ranks exited $code: $(cat "$tmp/$name.err")"
    [ -s "$tmp/$name.model" ] || fail "$name: no model written"
}

case $mode in
reference)
    ref=${CATLR_REFERENCE_DIR:-}
    if [ -z "$ref" ]; then
        echo "CATLR_REFERENCE_DIR is not set: skipped"
        exit 77
    fi
    trains course "$np" "$ref/png/train" --test "$ref/png/test" -q
    diff "$tmp/course.out" "$ref/expected.txt" >"$tmp/diff" ||
        fail "$np ranks: stdout differs from expected.txt: $(cat "$tmp/diff")"
    # and from the course's .h5 files, each rank reading its own rows
    if "$catlr" --version | grep -q '^HDF5: *no$'; then
        finish "$np ranks print the course's table (no HDF5: .h5 not tried)"
    fi
    trains course_h5 "$np" "$ref/train_catvnoncat.h5" --test "$ref/test_catvnoncat.h5"
    grep -v ' images (' "$tmp/course_h5.out" | diff - "$ref/expected.txt" >"$tmp/diff" ||
        fail "$np ranks from .h5: stdout differs from expected.txt: $(cat "$tmp/diff")"
    grep -q 'train_catvnoncat.h5: 209 images (cat: 72, non-cat: 137)$' "$tmp/course_h5.err" ||
        fail "$np ranks from .h5: no summary of every rank's images: $(cat "$tmp/course_h5.err")"
    finish "$np ranks print the course's table, from the folders and from the .h5 files"
    ;;
small)
    for n in 1 2 3; do
        trains "demo$n" "$n" "$data/train" --test "$data/test" -i 300
        "$catlr" predict "$tmp/demo$n.model" "$data"/test/*/*.png | cut -f 1,2 >"$tmp/labels$n" ||
            fail "predict with the model of $n ranks failed"
        # rank 0 alone speaks: one summary line per folder
        [ "$(grep -c '/train: 200 images (cat: 80, non-cat: 120)$' "$tmp/demo$n.err")" -eq 1 ] ||
            fail "$n ranks: not one training folder line: $(cat "$tmp/demo$n.err")"
    done
    # and says how many processes there are and the images each holds,
    # shard k of n being images [200k/n, 200(k+1)/n)
    grep -q 'processes hold' "$tmp/demo1.err" && fail "1 rank: $(cat "$tmp/demo1.err")"
    for want in '2 processes hold 100 + 100 images' '3 processes hold 66 + 67 + 67 images'; do
        n=${want%% *}
        [ "$(grep -c "/train: $want\$" "$tmp/demo$n.err")" -eq 1 ] ||
            fail "$n ranks: not one line '$want': $(cat "$tmp/demo$n.err")"
        [ "$(grep -c "/test: $n processes hold .* images\$" "$tmp/demo$n.err")" -eq 1 ] ||
            fail "$n ranks: no test folder's shards: $(cat "$tmp/demo$n.err")"
    done
    ranks 2 train "$data/train" -q --threads 1 -i 10 -o "$tmp/quiet.model" 2>"$tmp/quiet.err" ||
        fail "2 ranks, -q: $(cat "$tmp/quiet.err")"
    [ -s "$tmp/quiet.err" ] && fail "2 ranks, -q: $(cat "$tmp/quiet.err")"
    [ "$(wc -l <"$tmp/demo1.out")" -eq 5 ] || fail "1 rank printed $(wc -l <"$tmp/demo1.out") lines"
    for n in 2 3; do
        cmp -s "$tmp/demo1.out" "$tmp/demo$n.out" ||
            fail "$n ranks print other results: $(diff "$tmp/demo1.out" "$tmp/demo$n.out")"
        cmp -s "$tmp/labels1" "$tmp/labels$n" || fail "the model of $n ranks predicts otherwise"
    done
    # more ranks than images: shard k of 4 holds images [3k/4, 3(k+1)/4),
    # so rank 0 none, ranks 1 to 3 one each
    mkdir -p "$tmp/tiny/cat" "$tmp/tiny/non-cat"
    cp "$data/train/cat/cat_000.png" "$data/train/cat/cat_001.png" "$tmp/tiny/cat/"
    cp "$(ls "$data"/train/non-cat/*.png | head -n 1)" "$tmp/tiny/non-cat/"
    trains tiny1 1 "$tmp/tiny" -i 50 -k 10 --solver primal
    trains tiny4 4 "$tmp/tiny" -i 50 -k 10
    cmp -s "$tmp/tiny1.out" "$tmp/tiny4.out" ||
        fail "4 ranks on 3 images: $(diff "$tmp/tiny1.out" "$tmp/tiny4.out")"
    # balanced class weights come from every rank's labels, and each rank
    # mirrors its own shard: the same costs and weights as one process
    for n in 1 4; do
        trains "weighted$n" "$n" "$tmp/tiny" -i 50 -k 10 --solver primal \
            --class-weight balanced --augment flip
        grep -q '^class weights: cat 0.75, non-cat 1.5 (balanced)$' "$tmp/weighted$n.err" ||
            fail "$n ranks: weights $(cat "$tmp/weighted$n.err")"
        grep -q '^--augment flip: training on 6 images, 3 and their mirrors$' \
            "$tmp/weighted$n.err" || fail "$n ranks: mirrors $(cat "$tmp/weighted$n.err")"
    done
    cmp -s "$tmp/weighted1.out" "$tmp/weighted4.out" ||
        fail "weighted, 4 ranks: $(diff "$tmp/weighted1.out" "$tmp/weighted4.out")"
    finish "1, 2 and 3 ranks train alike, and ranks without images take part"
    ;;
failures)
    # the demo folder with a text file named like an image first in cat/
    # (rank 0's shard of 2) and one last in non-cat/ (rank 1's)
    cp -R "$data/train" "$tmp/bad"
    echo junk >"$tmp/bad/non-cat/zz.png"
    ranks 2 train "$tmp/bad" --threads 1 -i 10 -o "$tmp/bad.model" >"$tmp/bad.out" 2>"$tmp/bad.err"
    code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 124 ] || fail "a bad image on rank 1: exit $code"
    grep -q "^catlr: $tmp/bad/non-cat/zz.png: not a PNG or JPEG file (use --skip-bad to leave such files out)$" "$tmp/bad.err" ||
        fail "the bad image is not named: $(cat "$tmp/bad.err")"
    [ -s "$tmp/bad.out" ] && fail "a failed run printed results: $(cat "$tmp/bad.out")"
    [ -e "$tmp/bad.model" ] && fail "a failed run wrote a model"

    # both shards bad: rank 0 names its image; a folder that is not there,
    # a failure every rank shares, is reported once
    echo junk >"$tmp/bad/cat/000.png"
    ranks 2 train "$tmp/bad" --threads 1 -i 10 -o "$tmp/bad.model" >/dev/null 2>"$tmp/both.err"
    code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 124 ] || fail "bad images on both ranks: exit $code"
    grep -q "^catlr: $tmp/bad/cat/000.png: not a PNG or JPEG file (use --skip-bad to leave such files out)$" "$tmp/both.err" ||
        fail "rank 0's bad image is not named: $(cat "$tmp/both.err")"
    # a misspelled --test folder stops every rank before any image is
    # decoded: its line alone, once, not the bad images
    ranks 2 train "$tmp/bad" --test "$tmp/tset" --threads 1 >/dev/null 2>"$tmp/tset.err"
    code=$?
    [ "$code" -eq 1 ] || fail "a missing --test folder: exit $code"
    [ "$(grep -c '^catlr: ' "$tmp/tset.err")" -eq 1 ] &&
        grep -q "^catlr: $tmp/tset: No such file or directory$" "$tmp/tset.err" ||
        fail "a missing --test folder: $(cat "$tmp/tset.err")"
    ranks 2 train "$tmp/none" --threads 1 >/dev/null 2>"$tmp/none.err"
    code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 124 ] || fail "a missing folder: exit $code"
    [ "$(grep -c "^catlr: $tmp/none: No such file or directory$" "$tmp/none.err")" -eq 1 ] ||
        fail "a missing folder is not reported once: $(cat "$tmp/none.err")"

    trains skip 2 "$tmp/bad" --skip-bad -i 10
    trains clean 1 "$data/train" -i 10 --solver primal
    cmp -s "$tmp/skip.out" "$tmp/clean.out" ||
        fail "--skip-bad does not train on the good images: $(diff "$tmp/skip.out" "$tmp/clean.out")"
    for f in cat/000.png non-cat/zz.png; do
        [ "$(grep -c "^catlr: warning: $tmp/bad/$f: .* (skipped)$" "$tmp/skip.err")" -eq 1 ] ||
            fail "--skip-bad: $f not warned about once: $(cat "$tmp/skip.err")"
    done
    [ "$(grep -c 'skipped 2 images that could not be read$' "$tmp/skip.err")" -eq 1 ] ||
        fail "--skip-bad: the total is not reported once: $(cat "$tmp/skip.err")"

    ranks 2 train "$data/train" --solver gram -o "$tmp/gram.model" >"$tmp/gram.out" 2>"$tmp/gram.err"
    code=$?
    [ "$code" -eq 2 ] || fail "--solver gram on 2 ranks: exit $code"
    [ "$(grep -c -- '--solver gram trains in one process only' "$tmp/gram.err")" -eq 1 ] ||
        fail "--solver gram on 2 ranks: $(cat "$tmp/gram.err")"

    # a split of one rank's shard would hold out other images on each
    ranks 2 train "$data/train" --val-split 0.2 -o "$tmp/val.model" >"$tmp/val.out" 2>"$tmp/val.err"
    code=$?
    [ "$code" -eq 2 ] || fail "--val-split on 2 ranks: exit $code"
    [ "$(grep -c -- '--val-split and --eval-every train in one process only' "$tmp/val.err")" -eq 1 ] ||
        fail "--val-split on 2 ranks: $(cat "$tmp/val.err")"

    # every rank would classify every image and print it: only train
    # splits its work
    ranks 2 predict "$tmp/clean.model" "$data/test" >"$tmp/predict.out" 2>"$tmp/predict.err"
    code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 124 ] || fail "predict on 2 ranks: exit $code"
    [ -s "$tmp/predict.out" ] && fail "predict on 2 ranks printed: $(head -n 2 "$tmp/predict.out")"
    grep -q "^catlr: predict: only 'catlr train' runs distributed" "$tmp/predict.err" ||
        fail "predict on 2 ranks: $(cat "$tmp/predict.err")"
    finish "a bad image stops every rank, --skip-bad skips it, gram, --val-split and predict are refused"
    ;;
*)
    echo "mpi_train.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
