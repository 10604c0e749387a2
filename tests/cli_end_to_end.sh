#!/bin/sh
# cli_end_to_end.sh CATLR DATA_DIR: the real catlr binary on the demo data,
# as a user runs it: train with the defaults, with each solver and with a
# validation split, predict, and the exit codes of a failure and of a usage
# error.
set -u
catlr=$1
data=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

# train: 20 cost lines, then the two accuracies; messages only on stderr
"$catlr" train "$data/train" --test "$data/test" -o "$tmp/demo.model" \
    >"$tmp/out" 2>"$tmp/err"
code=$?
[ "$code" -eq 0 ] || fail "train exited $code: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 22 ] || fail "train printed $(wc -l <"$tmp/out") lines, want 22"
[ "$(grep -c '^Cost after iteration [0-9]*: [0-9]*\.[0-9]\{6\}$' "$tmp/out")" -eq 20 ] ||
    fail "train: cost lines malformed"
head -n 1 "$tmp/out" | grep -qx 'Cost after iteration 0: 0.693147' ||
    fail "train: first cost is not log 2"
sed -n 21p "$tmp/out" | grep -q '^train accuracy: [0-9]*\.[0-9][0-9] %$' ||
    fail "train: no train accuracy line"
sed -n 22p "$tmp/out" | grep -q '^test accuracy: [0-9]*\.[0-9][0-9] %$' ||
    fail "train: no test accuracy line"
grep -q 'model written to' "$tmp/err" || fail "train: no message on stderr"
[ -s "$tmp/demo.model" ] || fail "train wrote no model"

# the solvers print the same cost lines as the default run above (the first
# three: 300 iterations keep this quick under the sanitizers), on any thread
# count; --timings adds one stderr line; --tol stops early and says so
head -n 3 "$tmp/out" >"$tmp/costs"
for solver in primal gram; do
    "$catlr" train "$data/train" -q -i 300 --timings --solver "$solver" --threads 2 \
        -o "$tmp/s.model" >"$tmp/s.out" 2>"$tmp/s.err"
    [ $? -eq 0 ] || fail "train --solver $solver exited non-zero: $(cat "$tmp/s.err")"
    head -n 3 "$tmp/s.out" | cmp -s - "$tmp/costs" || fail "train --solver $solver: other costs"
    grep -qx "timings: load=[0-9.]* train=[0-9.]* save=[0-9.]* solver=$solver" "$tmp/s.err" ||
        fail "train --solver $solver: timings line: $(cat "$tmp/s.err")"
done
"$catlr" train "$data/train" --tol 10 -o "$tmp/s.model" >/dev/null 2>"$tmp/s.err"
grep -q '^stopped after 1 of 2000 iterations' "$tmp/s.err" || fail "--tol: $(cat "$tmp/s.err")"
"$catlr" train --solver fast "$data/train" >/dev/null 2>&1
[ $? -eq 2 ] || fail "train --solver fast should exit 2"

# predict: IMAGE<TAB>CLASS<TAB>P
image=$(ls "$data/test/cat/"*.png | head -n 1)
"$catlr" predict "$tmp/demo.model" "$image" >"$tmp/out" 2>"$tmp/err"
code=$?
[ "$code" -eq 0 ] || fail "predict exited $code: $(cat "$tmp/err")"
tab=$(printf '\t')
grep -qx "$image$tab\(cat\|non-cat\)$tab[01]\.[0-9]\{4\}" "$tmp/out" ||
    fail "predict printed: $(cat "$tmp/out")"
[ ! -s "$tmp/err" ] || fail "predict wrote to stderr: $(cat "$tmp/err")"

# eval: the table, and --json read back by Python's json module with the
# same numbers
"$catlr" eval -m "$tmp/demo.model" "$data/test" >"$tmp/out" 2>"$tmp/err"
code=$?
[ "$code" -eq 0 ] || fail "eval exited $code: $(cat "$tmp/err")"
grep -q '^accuracy:  [0-9]*\.[0-9][0-9] %$' "$tmp/out" || fail "eval: no accuracy line"
grep -q '^actual cat  *[0-9]*  *[0-9]*$' "$tmp/out" || fail "eval: no matrix row"
"$catlr" eval --json -m "$tmp/demo.model" "$data/test" >"$tmp/json" 2>"$tmp/err" ||
    fail "eval --json failed: $(cat "$tmp/err")"
python3 - "$tmp/json" "$tmp/out" <<'PY' || fail "eval --json does not read back as the table"
import json, sys
d = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read()
(tp, fn), (fp, tn) = d["confusion"]["matrix"]
assert d["images"] == tp + fn + fp + tn == 50, d
assert "accuracy:  %.2f %%" % d["accuracy"] in table
assert "F1:        %.4f" % d["f1"] in table
assert len(d["misclassified"]) == fn + fp
assert "misclassified: %d" % (fn + fp) in table
PY
"$catlr" predict --json "$tmp/demo.model" "$data/test/cat/"*.png >"$tmp/json" 2>"$tmp/err" ||
    fail "predict --json failed: $(cat "$tmp/err")"
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 20
for line in lines:
    d = json.loads(line)
    assert (d["p"] > 0.5) == (d["class"] == "cat"), d
' "$tmp/json" || fail "predict --json lines do not read back"

# predict on a folder, on all cores: the 50 test images in byte order of
# their paths, the same as naming them; --csv and --files-from - agree
"$catlr" predict "$tmp/demo.model" "$data/test" >"$tmp/out" 2>"$tmp/err" ||
    fail "predict on a folder failed: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq 50 ] || fail "predict on a folder: $(wc -l <"$tmp/out") lines"
cut -f 1 "$tmp/out" | LC_ALL=C sort -c || fail "predict on a folder: not in byte order"
"$catlr" predict --threads 1 "$tmp/demo.model" "$data/test/cat/"*.png "$data/test/non-cat/"*.png |
    cmp -s - "$tmp/out" || fail "predict on a folder differs from the files named one by one"
find "$data/test" -name '*.png' | "$catlr" predict --csv --files-from - "$tmp/demo.model" \
    >"$tmp/csv" 2>"$tmp/err" || fail "predict --csv --files-from - failed: $(cat "$tmp/err")"
python3 - "$tmp/csv" "$tmp/out" <<'PY' || fail "predict --csv does not read back as the lines"
import csv, sys
rows = {r["path"]: r for r in csv.DictReader(open(sys.argv[1]))}
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
assert len(rows) == len(lines) == 50
for path, cls, p in lines:
    assert rows[path]["class"] == cls and "%.4f" % float(rows[path]["p"]) == p, path
PY
mkdir "$tmp/empty"
"$catlr" predict "$tmp/demo.model" "$tmp/empty" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "predict on a folder without images should exit 1"
grep -qx "catlr: $tmp/empty: no PNG or JPEG images in this folder or below" "$tmp/err" ||
    fail "empty folder message: $(cat "$tmp/err")"
"$catlr" predict --threshold 1.5 "$tmp/demo.model" "$image" >/dev/null 2>&1
[ $? -eq 2 ] || fail "predict --threshold 1.5 should exit 2"

# eval --roc: one row per operating point, first nothing positive, last all
"$catlr" eval --roc "$tmp/roc.csv" "$tmp/demo.model" "$data/test" >"$tmp/out" 2>"$tmp/err" ||
    fail "eval --roc failed: $(cat "$tmp/err")"
python3 - "$tmp/roc.csv" "$tmp/out" <<'PY' || fail "eval --roc: the curve does not match the table"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert (int(rows[0]["tp"]), int(rows[0]["fp"])) == (0, 0) and rows[0]["threshold"] == "1"
assert (int(rows[-1]["tn"]), int(rows[-1]["fn"])) == (0, 0)
auc = sum((float(b["fpr"]) - float(a["fpr"])) * (float(a["tpr"]) + float(b["tpr"])) / 2
          for a, b in zip(rows, rows[1:]))
assert "ROC AUC:   %.4f" % auc in open(sys.argv[2]).read(), auc
PY

# info: the model just trained, as lines and as JSON; a cut-off copy fails
"$catlr" info "$tmp/demo.model" >"$tmp/out" 2>"$tmp/err" || fail "info failed: $(cat "$tmp/err")"
grep -qx 'format:          version [0-9]*, checksum OK' "$tmp/out" || fail "info: $(cat "$tmp/out")"
"$catlr" info --json "$tmp/demo.model" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["checksum_ok"] and d["iterations"] == 2000, d' ||
    fail "info --json does not read back"
head -c 100 "$tmp/demo.model" >"$tmp/cut.model"
"$catlr" info "$tmp/cut.model" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "^catlr: $tmp/cut.model: " "$tmp/err" ||
    fail "info on a cut-off model: $(cat "$tmp/err")"

# train --curve: one row per iteration; the printed costs are its values
"$catlr" train -q "$data/train" -i 40 -k 10 -o "$tmp/c.model" --curve "$tmp/c.csv" \
    >"$tmp/out" 2>"$tmp/err" || fail "train --curve failed: $(cat "$tmp/err")"
python3 - "$tmp/c.csv" "$tmp/out" <<'PY' || fail "--curve values differ from the printed costs"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [int(r["iteration"]) for r in rows] == list(range(40))
printed = [l.split(": ")[1].strip() for l in open(sys.argv[2]) if l.startswith("Cost")]
assert printed == ["%f" % float(rows[i]["cost"]) for i in range(0, 40, 10)], printed
PY

# train --val-split: the split on stderr, a validation accuracy line, the
# same model file on 1 and 2 threads; --eval-every's rows carry the printed
# costs; --pick-threshold says what it picked, and needs --val-split
for threads in 1 2; do
    "$catlr" train "$data/train" -i 60 -k 20 --val-split 0.2 --seed 5 --threads $threads \
        --eval-every 20 --curve "$tmp/v.csv" --pick-threshold -o "$tmp/v$threads.model" \
        >"$tmp/out" 2>"$tmp/err" || fail "train --val-split failed: $(cat "$tmp/err")"
done
cmp -s "$tmp/v1.model" "$tmp/v2.model" || fail "--val-split: another model on 2 threads"
grep -qx 'validation split 0.2 (seed 5): train cat 64 non-cat 96, validation cat 16 non-cat 24' \
    "$tmp/err" || fail "--val-split: $(cat "$tmp/err")"
grep -q '^threshold [0-9.e-]* picked on the validation set: F1 ' "$tmp/err" ||
    fail "--pick-threshold: $(cat "$tmp/err")"
grep -qx 'validation accuracy: [0-9]*\.[0-9][0-9] %' "$tmp/out" ||
    fail "--val-split: no validation accuracy line"
python3 - "$tmp/v.csv" "$tmp/out" <<'PY' || fail "--eval-every rows differ from the printed costs"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0]) == ["iteration", "cost", "train_acc", "val_cost", "val_acc"], list(rows[0])
assert [int(r["iteration"]) for r in rows] == [0, 20, 40]
printed = [l.split(": ")[1].strip() for l in open(sys.argv[2]) if l.startswith("Cost")]
assert printed == ["%f" % float(r["cost"]) for r in rows], printed
assert all(0 <= float(r[k]) <= 100 for r in rows for k in ("train_acc", "val_acc"))
PY
"$catlr" train "$data/train" --pick-threshold >/dev/null 2>&1
[ $? -eq 2 ] || fail "train --pick-threshold without --val-split should exit 2"

# the progress line: on a terminal (script gives the command one), redrawn
# with \r and cleared; coloured unless NO_COLOR; none with --quiet
tty_train() {
    script -qec "$1 '$catlr' train '$data/train' -i 300 -o '$tmp/p.model' $2 >/dev/null" \
        /dev/null >"$tmp/tty" 2>&1
}
if tty_train "" ""; then
    grep -q 'iteration [0-9]*/300  cost' "$tmp/tty" || fail "no progress line on a terminal"
    grep -q "$(printf '\r')" "$tmp/tty" || fail "progress line not redrawn with \\r"
    grep -q "$(printf '\033')" "$tmp/tty" || fail "progress line without colour"
    tty_train "NO_COLOR=1" ""
    grep -q 'iteration [0-9]*/300' "$tmp/tty" || fail "no progress line with NO_COLOR"
    ! grep -q "$(printf '\033')" "$tmp/tty" || fail "colour despite NO_COLOR"
    # stdout on the same terminal: the accuracy starts a clean line, not
    # after the last progress line (-k 1000: no cost line clears it first)
    script -qec "'$catlr' train '$data/train' -i 300 -k 1000 -o '$tmp/p.model'" \
        /dev/null >"$tmp/tty" 2>&1
    grep -a 'train accuracy' "$tmp/tty" | tr '\r' '\n' | grep -q '^train accuracy' ||
        fail "progress line not cleared before the accuracy"
    tty_train "" "-q"
    ! grep -q 'iteration' "$tmp/tty" || fail "progress line despite --quiet"
else
    echo "note: script(1) could not run a terminal here; progress line not checked"
fi

# class weights and mirrors on the demo data (80 cats, 120 non-cats):
# stderr names the balanced weights (m / (2 m_c)) and the doubled m, and
# the model file records them (model.h's offsets 112, 144, 176 and 180)
"$catlr" train "$data/train" -i 20 --class-weight balanced --augment flip -o "$tmp/w.model" \
    >"$tmp/out" 2>"$tmp/err" || fail "train --class-weight --augment failed: $(cat "$tmp/err")"
grep -qx 'class weights: cat 1.25, non-cat 0.833333 (balanced)' "$tmp/err" ||
    fail "--class-weight balanced: $(cat "$tmp/err")"
grep -qx -- '--augment flip: training on 400 images, 200 and their mirrors' "$tmp/err" ||
    fail "--augment flip: $(cat "$tmp/err")"
python3 - "$tmp/w.model" <<'PY' || fail "the model file does not record the weights and mirrors"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert struct.unpack_from("<I", b, 4)[0] == 3
assert struct.unpack_from("<QQ", b, 112) == (160, 240)  # folders cat, non-cat, mirrors included
assert struct.unpack_from("<dd", b, 144) == (200 / 240, 1.25)  # label 0 (non-cat), label 1 (cat)
augment, flags = struct.unpack_from("<II", b, 176)
assert augment == 1 and flags == 2, (augment, flags)  # flip; balanced, no warm start
PY
# a warm start from the trained demo model stops at once with --tol, and
# is recorded; a model for the other positive class is refused
"$catlr" train "$data/train" --init "$tmp/demo.model" --tol 1e-4 -o "$tmp/warm.model" \
    >"$tmp/out" 2>"$tmp/err" || fail "train --init failed: $(cat "$tmp/err")"
grep -q '^stopped after 1 of 2000 iterations' "$tmp/err" || fail "--init --tol: $(cat "$tmp/err")"
python3 -c 'import struct, sys; assert struct.unpack_from("<I", open(sys.argv[1], "rb").read(), 180)[0] == 4' \
    "$tmp/warm.model" || fail "the model file does not record the warm start"
"$catlr" train "$data/train" -p non-cat --init "$tmp/demo.model" -o "$tmp/warm.model" \
    >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "train --init with another positive class should exit 1"
grep -qx "catlr: $tmp/demo.model: --init model's positive class is 'cat', not --positive 'non-cat'" \
    "$tmp/err" || fail "--init positive class message: $(cat "$tmp/err")"
"$catlr" train "$data/train" --init "$tmp/nope.model" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "train --init of a missing file should exit 1"
grep -qx "catlr: $tmp/nope.model: No such file or directory" "$tmp/err" ||
    fail "--init missing file message: $(cat "$tmp/err")"
for bad in 0,1 -1,2 abc balanced,1 2; do
    "$catlr" train --class-weight "$bad" "$data/train" >/dev/null 2>&1
    [ $? -eq 2 ] || fail "train --class-weight $bad should exit 2"
done
"$catlr" train --augment rotate "$data/train" >/dev/null 2>&1
[ $? -eq 2 ] || fail "train --augment rotate should exit 2"
# cv: a table of one row per setting and the best line, the same for 1 and 2
# threads; -o writes the bytes `train` writes with the best setting
for threads in 1 2; do
    "$catlr" cv "$data/train" -k 5 --seed 3 --lr 0.005,0.01 --l2 0,1 -i 200 --threads "$threads" \
        -o "$tmp/cv$threads.model" >"$tmp/cv$threads.out" 2>"$tmp/cv.err" ||
        fail "cv --threads $threads failed: $(cat "$tmp/cv.err")"
done
cmp -s "$tmp/cv1.out" "$tmp/cv2.out" || fail "cv: other table on 2 threads"
[ "$(wc -l <"$tmp/cv1.out")" -eq 6 ] || fail "cv printed $(wc -l <"$tmp/cv1.out") lines, want 6"
[ "$(grep -c '^0\.0[01]5*  *[01]  *[0-9]*\.[0-9][0-9] %  *[0-9.]*  *[0-9.]*  *[0-9.]*  *[0-9.]*$' \
    "$tmp/cv1.out")" -eq 4 ] || fail "cv: rows malformed: $(cat "$tmp/cv1.out")"
grep -q 'folds (seed 3) of 40 images, 4 settings: 20 runs' "$tmp/cv.err" ||
    fail "cv: no folds line: $(cat "$tmp/cv.err")"
best=$(sed -n 's/^best: lr \([0-9.]*\), l2 \([0-9]*\) (.*)$/--lr \1 --l2 \2/p' "$tmp/cv1.out")
[ -n "$best" ] || fail "cv: no best line: $(cat "$tmp/cv1.out")"
# shellcheck disable=SC2086 # $best is two options
"$catlr" train "$data/train" -q -i 200 $best -o "$tmp/best.model" >/dev/null 2>&1
cmp -s "$tmp/cv1.model" "$tmp/best.model" || fail "cv -o: not the model train writes with $best"
"$catlr" cv -k 1 "$data/train" >/dev/null 2>&1
[ $? -eq 2 ] || fail "cv -k 1 should exit 2"
"$catlr" cv "$tmp/nope" >/dev/null 2>&1
[ $? -eq 1 ] || fail "cv on a missing folder should exit 1"

# exit codes: 1 for a failure, 2 for a usage error, 0 for --version
"$catlr" predict "$tmp/demo.model" "$tmp/nope.png" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "predict on a missing image should exit 1"
grep -qx "catlr: $tmp/nope.png: No such file or directory" "$tmp/err" ||
    fail "missing image message: $(cat "$tmp/err")"
"$catlr" train --lr abc "$data/train" >/dev/null 2>&1
[ $? -eq 2 ] || fail "train --lr abc should exit 2"
"$catlr" --version | grep -q '^catlr [0-9]*\.[0-9]*\.[0-9]*$' || fail "--version"

finish "catlr end to end on $data"
