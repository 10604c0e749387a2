#!/bin/sh
# install_example.sh BUILD_DIR SOURCE_DIR CC EXTRA_CFLAGS: `cmake --install`
# into a temporary prefix, check what lands there, then compile the C example
# of README.md (taken from the README itself, so the two cannot drift) with
# `pkg-config --static --cflags --libs catlr` against the installed tree, and
# check that it predicts what `catlr predict` does with a trained model.
set -u
build=$1
src=$2
cc=$3
extra=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "NOT OK: cmake --install failed"; exit 1; }
pc=$(find "$prefix" -name catlr.pc)
[ -n "$pc" ] || { echo "NOT OK: no catlr.pc installed"; exit 1; }
for f in bin/catlr share/man/man1/catlr.1 include/catlr/catlr.h include/catlr/image.h \
    include/catlr/model.h include/catlr/predict.h include/catlr/h5.h; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done
[ -n "$(find "$prefix" -name libcatlr.a)" ] || fail "libcatlr.a not installed"

# the first ```c block after "## Using the library"
awk '/^## Using the library/ { on = 1 } on && /^```c$/ { copy = 1; next }
     copy && /^```$/ { exit } copy { print }' "$src/README.md" >"$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "NOT OK: no C example in README.md"; exit 1; }

flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --static --cflags --libs catlr) ||
    { echo "NOT OK: pkg-config --static catlr failed"; exit 1; }
# shellcheck disable=SC2086 # flags are words
$cc -std=c11 -Wall -Wextra -Werror $extra -o "$tmp/example" "$tmp/example.c" $flags \
    >"$tmp/cc.log" 2>&1 || { cat "$tmp/cc.log"; echo "NOT OK: the README example does not build with: $flags"; exit 1; }

catlr=$prefix/bin/catlr
"$catlr" train "$src/data/train" -i 200 -q -o "$tmp/demo.model" >/dev/null ||
    fail "installed catlr could not train"
for image in "$src/data/test/cat/cat_000.png" "$src/data/test/non-cat/noncat_000.png"; do
    want=$("$catlr" predict "$tmp/demo.model" "$image" | cut -f 2,3 | tr '\t' ' ')
    got=$("$tmp/example" "$tmp/demo.model" "$image") || fail "example exited $? on $image"
    [ "$got" = "$want" ] || fail "example printed '$got', catlr predict '$want'"
done
"$tmp/example" "$tmp/demo.model" "$tmp/missing.png" >/dev/null 2>&1 &&
    fail "example succeeded on a missing image"

finish "installed to a prefix, the README example builds with pkg-config --static and predicts"
