#!/bin/sh
# install_example.sh BUILD_DIR SOURCE_DIR CC EXTRA_CFLAGS OBJDUMP: `cmake
# --install` into a temporary prefix, check what lands there, then build
# examples/predict_one.c against the installed tree four ways:
#   1. pkg-config --cflags --libs catlr: libcatlr.so, and -lcatlr is all
#      it takes;
#   2. pkg-config --static: libcatlr.a (named -l:libcatlr.a, since -lcatlr
#      takes the shared library where both are installed) and what it needs;
#   3. examples/CMakeLists.txt: find_package(catlr 0.2 CONFIG REQUIRED) and
#      catlr::catlr;
#   4. the same with catlr::catlr_static;
# and check that each prints what `catlr predict` prints for the same image,
# and links the library it should (objdump -p). The C excerpt that
# README.md shows under "## Using the library" must be lines of the example,
# word for word, so that the two cannot drift.
set -u
build=$1
src=$2
cc=$3
extra=$4
objdump=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

# the first ```c block after "## Using the library", line by line
awk '/^## Using the library/ { on = 1 } on && /^```c$/ { copy = 1; next }
     copy && /^```$/ { exit } copy { print }' "$src/README.md" >"$tmp/excerpt.c"
[ -s "$tmp/excerpt.c" ] || fail "README.md shows no C excerpt under '## Using the library'"
while IFS= read -r line; do
    grep -qxF -- "$line" "$src/examples/predict_one.c" ||
        fail "README.md's library excerpt has a line examples/predict_one.c lacks: $line"
done <"$tmp/excerpt.c"

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "NOT OK: cmake --install failed"; exit 1; }
pc=$(find "$prefix" -name catlr.pc)
[ -n "$pc" ] || { echo "NOT OK: no catlr.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in bin/catlr share/man/man1/catlr.1 include/catlr/catlr.h include/catlr/image.h \
    include/catlr/model.h include/catlr/predict.h include/catlr/h5.h; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done
for f in libcatlr.a libcatlr.so libcatlr.so.0 cmake/catlr/catlrConfig.cmake \
    cmake/catlr/catlrConfigVersion.cmake cmake/catlr/catlrTargets.cmake; do
    [ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
soname=$("$objdump" -p "$libdir/libcatlr.so" | sed -n 's/^ *SONAME *//p')
[ "$soname" = libcatlr.so.0 ] || fail "libcatlr.so's SONAME is '$soname', not libcatlr.so.0"

example=$src/examples/predict_one.c
catlr=$prefix/bin/catlr
"$catlr" train "$src/data/train" -i 200 -q -o "$tmp/demo.model" >/dev/null ||
    fail "installed catlr could not train"

# needs PROGRAM: the libcatlr it lists among its NEEDED libraries, or "".
needs() {
    "$objdump" -p "$1" | sed -n 's/^ *NEEDED *\(libcatlr\..*\)/\1/p'
}

# check HOW PROGRAM WANT_NEEDED: PROGRAM needs WANT_NEEDED ("" for none) of
# libcatlr and predicts what catlr predict does, and fails on a missing image.
check() {
    how=$1
    program=$2
    [ "$(needs "$program")" = "$3" ] ||
        fail "$how: the example needs '$(needs "$program")', not '$3'"
    for image in "$src/data/test/cat/cat_000.png" "$src/data/test/non-cat/noncat_000.png"; do
        want=$("$catlr" predict "$tmp/demo.model" "$image" | cut -f 2,3 | tr '\t' ' ')
        got=$(LD_LIBRARY_PATH=$libdir "$program" "$tmp/demo.model" "$image") ||
            fail "$how: example exited $? on $image"
        [ "$got" = "$want" ] || fail "$how: example printed '$got', catlr predict '$want'"
    done
    LD_LIBRARY_PATH=$libdir "$program" "$tmp/demo.model" "$tmp/missing.png" >/dev/null 2>&1 &&
        fail "$how: example succeeded on a missing image"
}

# build_cc HOW OUTPUT FLAGS...: compile the example with the flags.
build_cc() {
    how=$1
    out=$2
    shift 2
    # shellcheck disable=SC2086 # extra holds words
    $cc -std=c11 -Wall -Wextra -Werror $extra -o "$out" "$example" "$@" \
        >"$tmp/cc.log" 2>&1 || { cat "$tmp/cc.log"; fail "$how: the example does not build with: $*"; }
}

# 1. pkg-config, shared: nothing but -L and -lcatlr
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs catlr) ||
    { echo "NOT OK: pkg-config catlr failed"; exit 1; }
libs=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --libs-only-l --libs-only-other catlr)
[ "$(echo $libs)" = "-lcatlr" ] || fail "pkg-config --libs catlr gives '$libs' besides -L, not -lcatlr alone"
# shellcheck disable=SC2086 # flags are words
build_cc "pkg-config" "$tmp/shared" $flags && check "pkg-config" "$tmp/shared" libcatlr.so.0

# 2. pkg-config --static, the archive named
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --static --cflags --libs catlr) ||
    { echo "NOT OK: pkg-config --static catlr failed"; exit 1; }
flags=$(printf '%s\n' "$flags" | sed 's/-lcatlr\( \|$\)/-l:libcatlr.a\1/')
# shellcheck disable=SC2086 # flags are words
build_cc "pkg-config --static" "$tmp/static" $flags && check "pkg-config --static" "$tmp/static" ""

# 3 and 4. find_package(catlr 0.2 CONFIG REQUIRED) with catlr::catlr, then
# with catlr::catlr_static
for kind in shared static; do
    [ $kind = static ] && static=ON || static=OFF
    dir=$tmp/cmake-$kind
    if cmake -S "$src/examples" -B "$dir" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-Werror $extra" \
        -DCMAKE_EXE_LINKER_FLAGS="$extra" -DPREDICT_ONE_STATIC=$static >"$tmp/cmake.log" 2>&1 &&
        cmake --build "$dir" >>"$tmp/cmake.log" 2>&1; then
        [ $kind = shared ] && want=libcatlr.so.0 || want=""
        check "find_package, $kind" "$dir/predict_one" "$want"
    else
        cat "$tmp/cmake.log"
        fail "find_package, $kind: examples/CMakeLists.txt does not build"
    fi
done

finish "installed to a prefix, examples/predict_one.c builds with pkg-config (shared and --static) and find_package (catlr::catlr and catlr::catlr_static) and predicts as catlr does"
