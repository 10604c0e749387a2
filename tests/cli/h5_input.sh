#!/bin/sh
# h5_input.sh CATLR DATA: the .h5 input and `catlr pack` end to end on the
# demo data. pack writes the course's layout (read back by h5py when it is
# installed, as the course's load_dataset() would); train, eval and cv
# print from the packed files what they print from the folders, and train
# writes the same model bytes; predict names each image FILE.h5:INDEX;
# pack refuses an existing file and leaves nothing behind when it fails.
# Built without HDF5, pack and an .h5 input fail with import's message.
set -u
catlr=$1
data=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../script_util.sh"

if "$catlr" --version | grep -q '^HDF5: *no$'; then
    printf 'x' >"$tmp/x.h5"
    for cmd in "pack $data/train $tmp/out.h5" "train $tmp/x.h5 -o $tmp/m.model"; do
        # shellcheck disable=SC2086 # the command's words
        "$catlr" $cmd 2>"$tmp/err" && fail "$cmd succeeded without HDF5"
        grep -q 'catlr was built without HDF5, so it cannot read .h5 files' "$tmp/err" ||
            fail "$cmd: $(cat "$tmp/err")"
    done
    [ -e "$tmp/out.h5" ] && fail "pack without HDF5 left a file"
    finish "without HDF5, pack and .h5 inputs say so"
fi

"$catlr" pack "$data/train" "$tmp/train.h5" 2>"$tmp/pack.err" || fail "pack: $(cat "$tmp/pack.err")"
grep -q "^200 images written to $tmp/train.h5 (train_set_x, train_set_y, list_classes)$" \
    "$tmp/pack.err" || fail "pack's summary: $(cat "$tmp/pack.err")"
"$catlr" pack -q --name test --threads 1 "$data/test" "$tmp/test.h5" ||
    fail "pack --name test --threads 1"
[ "$(ls "$tmp")" = "$(printf 'pack.err\ntest.h5\ntrain.h5')" ] || fail "left behind: $(ls "$tmp")"

# an existing file is never replaced, and the refusal comes before decoding
cp "$tmp/test.h5" "$tmp/keep.h5"
"$catlr" pack "$data/train" "$tmp/test.h5" 2>"$tmp/err" && fail "pack over an existing file"
grep -q "^catlr: $tmp/test.h5: already exists; catlr does not overwrite it$" "$tmp/err" ||
    fail "pack over an existing file: $(cat "$tmp/err")"
cmp -s "$tmp/test.h5" "$tmp/keep.h5" || fail "the existing file changed"
"$catlr" pack "$data/train" "$tmp/new.h5" --name a/b 2>"$tmp/err"
[ $? -eq 2 ] || fail "--name a/b is not a usage error"
[ -e "$tmp/new.h5" ] && fail "a refused pack left new.h5"

if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    /usr/bin/python3 - "$tmp/train.h5" "$tmp/test.h5" >"$tmp/py" 2>&1 <<'PY' || fail "h5py: $(cat "$tmp/py")"
import sys
import h5py
import numpy as np
# the course's load_dataset(), with the two file names
train_dataset = h5py.File(sys.argv[1], "r")
train_set_x_orig = np.array(train_dataset["train_set_x"][:])
train_set_y_orig = np.array(train_dataset["train_set_y"][:])
test_dataset = h5py.File(sys.argv[2], "r")
test_set_x_orig = np.array(test_dataset["test_set_x"][:])
classes = np.array(test_dataset["list_classes"][:])
train_set_y_orig = train_set_y_orig.reshape((1, train_set_y_orig.shape[0]))
assert train_set_x_orig.shape == (200, 64, 64, 3) and train_set_x_orig.dtype == np.uint8
assert test_set_x_orig.shape[1:] == (64, 64, 3)
assert train_dataset["train_set_x"].chunks is None  # contiguous, as the course's
assert list(classes) == [b"non-cat", b"cat"]
assert train_set_y_orig.sum() == 80  # the demo's 80 cats are label 1
PY
fi

# the same output and model from the folders and from the packs
"$catlr" train "$data/train" --test "$data/test" -i 300 -o "$tmp/dir.model" >"$tmp/dir.out" \
    2>/dev/null || fail "train on the folders"
"$catlr" train "$tmp/train.h5" --test "$tmp/test.h5" -i 300 -o "$tmp/h5.model" >"$tmp/h5.out" \
    2>"$tmp/h5.err" || fail "train on the packs: $(cat "$tmp/h5.err")"
cmp -s "$tmp/dir.out" "$tmp/h5.out" || fail "train prints otherwise: $(diff "$tmp/dir.out" "$tmp/h5.out")"
cmp -s "$tmp/dir.model" "$tmp/h5.model" || fail "train writes another model from the packs"
grep -q "^$tmp/train.h5: 200 images (cat: 80, non-cat: 120)$" "$tmp/h5.err" ||
    fail "the summary line: $(cat "$tmp/h5.err")"
"$catlr" eval "$tmp/dir.model" "$data/test" >"$tmp/eval_dir" || fail "eval on the folder"
"$catlr" eval "$tmp/dir.model" "$tmp/test.h5" >"$tmp/eval_h5" || fail "eval on the pack"
cmp -s "$tmp/eval_dir" "$tmp/eval_h5" || fail "eval differs: $(diff "$tmp/eval_dir" "$tmp/eval_h5")"
"$catlr" cv "$data/train" --lr 0.01 -i 100 -k 3 >"$tmp/cv_dir" 2>/dev/null || fail "cv on the folder"
"$catlr" cv "$tmp/train.h5" --lr 0.01 -i 100 -k 3 >"$tmp/cv_h5" 2>/dev/null || fail "cv on the pack"
cmp -s "$tmp/cv_dir" "$tmp/cv_h5" || fail "cv differs: $(diff "$tmp/cv_dir" "$tmp/cv_h5")"

# predict: FILE.h5:INDEX in the file's order, with the folder's p
"$catlr" predict "$tmp/dir.model" "$data/test" | cut -f 2,3 >"$tmp/p_dir" || fail "predict folder"
"$catlr" predict "$tmp/dir.model" "$tmp/test.h5" >"$tmp/p_h5" || fail "predict on the pack"
cut -f 2,3 "$tmp/p_h5" | cmp -s - "$tmp/p_dir" || fail "predict's classes and p differ"
[ "$(head -n 1 "$tmp/p_h5" | cut -f 1)" = "$tmp/test.h5:0" ] || fail "names: $(head -n 1 "$tmp/p_h5")"

# a file that is not HDF5, named .h5, is refused as such
printf 'not hdf5\n' >"$tmp/bad.h5"
"$catlr" train "$tmp/bad.h5" -o "$tmp/bad.model" 2>"$tmp/err" && fail "train on a text .h5"
grep -q "^catlr: $tmp/bad.h5: not an HDF5 file$" "$tmp/err" || fail "text .h5: $(cat "$tmp/err")"

finish "pack, and train, eval, cv and predict on .h5 files"
