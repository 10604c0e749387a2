#!/bin/sh
# model_selection.sh CATLR DATA: with several learning rates, the test set
# never chooses the model. The same `catlr train --lr A,B,C --test DIR`
# with DIR's labels swapped (its cat and non-cat folders exchanged) keeps
# the same rate and writes a model that predicts the same labels, with and
# without --val-split; and on this data the runs' test accuracies differ,
# so a choice made on them would have changed with the swap.
set -u
catlr=$1
data=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../script_util.sh"

mkdir "$tmp/swapped"
ln -s "$data/test/non-cat" "$tmp/swapped/cat"
ln -s "$data/test/cat" "$tmp/swapped/non-cat"

# kept_rate STDERR_FILE: the rate named on the "kept learning rate" line
kept_rate() { sed -n 's/^kept learning rate: \([^ ]*\) .*/\1/p' "$1"; }

for extra in "" "--val-split 0.25"; do
    for test in plain swapped; do
        dir=$data/test
        [ "$test" = swapped ] && dir=$tmp/swapped
        # shellcheck disable=SC2086 # $extra is two words or none
        "$catlr" train "$data/train" --test "$dir" --lr 0.01,0.001,0.0001 -i 300 $extra \
            -o "$tmp/$test.model" >"$tmp/$test.out" 2>"$tmp/$test.err" ||
            fail "train --test $test $extra: exit $?: $(cat "$tmp/$test.err")"
        "$catlr" predict "$tmp/$test.model" "$data/test" >"$tmp/$test.predict" ||
            fail "predict with the model of --test $test $extra"
    done
    rate=$(kept_rate "$tmp/plain.err")
    [ -n "$rate" ] || fail "no 'kept learning rate' line $extra: $(cat "$tmp/plain.err")"
    [ "$rate" = "$(kept_rate "$tmp/swapped.err")" ] ||
        fail "$extra: kept $rate with the test labels, $(kept_rate "$tmp/swapped.err") swapped"
    cmp -s "$tmp/plain.predict" "$tmp/swapped.predict" ||
        fail "$extra: the two models predict different labels"
    # the test accuracies of the three runs (last column of the table) are
    # not all equal, so a choice on them would have followed the swap
    accs=$(sed -n '/^learning rate  /,$p' "$tmp/plain.out" | awk 'NR > 1 { print $(NF - 1) }' |
        sort -u | wc -l)
    [ "$accs" -gt 1 ] || fail "$extra: the runs' test accuracies are all equal"
done
grep -q "lowest final training cost" "$tmp/plain.err" 2>/dev/null ||
    grep -q "highest validation accuracy" "$tmp/plain.err" ||
    fail "stderr does not say which rule chose"

finish "the test set never chooses among several learning rates"
