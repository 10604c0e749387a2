#!/bin/sh
# startup_libraries.sh OBJDUMP CATLR SOURCE_DIR LAZY_OPENMP: catlr starts
# without the optional libraries that only some commands need and load when
# they do: libjpeg (the first JPEG, src/image/image_jpeg.c), HDF5 (.h5
# files, src/data/h5.c), cairo (`--plot` and `catlr weights`,
# src/report/plot.c) and MPI (a process that an MPI launcher started,
# src/cli/comm_mpi.c), nor any of what they bring (X11, xcb, fontconfig,
# pixman, Open MPI's libraries, hwloc, libevent); and, where LAZY_OPENMP is
# 1 (GCC builds, src/cli/openmp_lazy.c), without the OpenMP runtime
# libgomp, which the first OpenMP call loads.
#
# The program does not list them among the libraries it needs (objdump
# -p), takes no OpenMP function from a library at start (objdump -T: each
# one missing from openmp_lazy.c is named), and `catlr --version` and
# `catlr predict MODEL IMAGE` of one PNG open none of them (glibc's
# LD_DEBUG=files, where it prints anything). A JPEG is still predicted,
# loading libjpeg then; and when libjpeg cannot be loaded (an empty file
# of its name first on LD_LIBRARY_PATH), predict says so, naming the
# image, and exits 1.
set -u
objdump=$1
catlr=$2
src=$3
lazy_openmp=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

optional='jpeg|hdf5|cairo|libmpi|open-rte|open-pal|hwloc|libevent|X11|xcb|fontconfig|freetype|pixman'
[ "$lazy_openmp" = 1 ] && optional="$optional|gomp"

needed=$("$objdump" -p "$catlr" | sed -n 's/^ *NEEDED *//p') || fail "objdump -p $catlr failed"
printf '%s\n' "$needed" | grep -q '^libc\.' || fail "objdump lists no libc among: $needed"
bad=$(printf '%s\n' "$needed" | grep -E "$optional")
[ -z "$bad" ] || fail "$catlr needs at start-up:" $bad

if [ "$lazy_openmp" = 1 ]; then
    # every OpenMP entry point the program calls is one of openmp_lazy.c's
    # forwarders, defined in the program, not taken from libgomp
    missing=$("$objdump" -T "$catlr" | awk '/\*UND\*/ { print $NF }' | sed 's/@.*//' |
        grep -E '^(GOMP_|GOACC_|omp_)' | sort -u)
    [ -z "$missing" ] ||
        fail "catlr takes these OpenMP functions from libgomp at start-up; forward them in src/cli/openmp_lazy.c:" $missing
fi

# opened COMMAND...: the libraries COMMAND opens (LD_DEBUG=files), one a
# line; "" where LD_DEBUG prints nothing; exits 1 when COMMAND fails.
opened() {
    out=$(LD_DEBUG=files "$@" 2>&1 >/dev/null) || return 1
    printf '%s\n' "$out" | sed -n 's/.*file=\([^ ]*\).*/\1/p' | sort -u
}

if ! "$catlr" train "$src/data/train" -i 10 -q -o "$tmp/demo.model" >/dev/null 2>"$tmp/err"; then
    fail "catlr train failed: $(cat "$tmp/err")"
fi
png=$src/data/test/cat/cat_000.png
jpeg=$src/tests/fuzz/seeds/image/rgb_8x8.jpg
debug=1
for what in "--version" "predict"; do
    if [ "$what" = predict ]; then
        files=$(opened "$catlr" predict "$tmp/demo.model" "$png") ||
            fail "catlr predict MODEL $png failed"
    else
        files=$(opened "$catlr" --version) || fail "catlr --version failed"
    fi
    if printf '%s\n' "$files" | grep -q '^libc\.'; then
        bad=$(printf '%s\n' "$files" | grep -E "$optional")
        [ -z "$bad" ] || fail "catlr $what opens:" $bad
    else
        debug=0
    fi
done

# a JPEG is decoded with the libjpeg loaded then
if "$catlr" --version | grep -q '^libjpeg: *no$'; then
    "$catlr" predict "$tmp/demo.model" "$jpeg" >/dev/null 2>"$tmp/err" &&
        fail "a build without libjpeg predicted a JPEG"
    grep -q "rgb_8x8.jpg: catlr was built without libjpeg" "$tmp/err" ||
        fail "without libjpeg, predict printed: $(cat "$tmp/err")"
else
    "$catlr" predict "$tmp/demo.model" "$jpeg" >"$tmp/out" 2>"$tmp/err" ||
        fail "predict of a JPEG failed: $(cat "$tmp/err")"
    grep -q "rgb_8x8.jpg	" "$tmp/out" || fail "predict of a JPEG printed: $(cat "$tmp/out")"
    if [ "$debug" = 1 ]; then
        files=$(opened "$catlr" predict "$tmp/demo.model" "$jpeg")
        printf '%s\n' "$files" | grep -q 'libjpeg' ||
            fail "predict of a JPEG opened no libjpeg:" $files
    fi
    # a libjpeg that cannot be loaded: the PNG is still predicted, the
    # JPEG is refused, named, and predict exits 1
    soname=$("$catlr" --version | sed -n 's/^libjpeg:.*loaded when needed (\(.*\))$/\1/p')
    [ -n "$soname" ] || fail "--version names no libjpeg to load: $("$catlr" --version)"
    mkdir "$tmp/broken" && : >"$tmp/broken/$soname"
    LD_LIBRARY_PATH=$tmp/broken "$catlr" predict "$tmp/demo.model" "$png" "$jpeg" \
        >"$tmp/out" 2>"$tmp/err"
    code=$?
    [ "$code" -eq 1 ] || fail "predict with a broken libjpeg exited $code, not 1"
    grep -q "cat_000.png	" "$tmp/out" || fail "with a broken libjpeg the PNG was not predicted"
    grep -q "^catlr: $jpeg: cannot load libjpeg from $soname: " "$tmp/err" ||
        fail "with a broken libjpeg predict printed: $(cat "$tmp/err")"
fi

[ "$debug" = 1 ] || echo "LD_DEBUG=files prints nothing here; only the NEEDED list was checked"
finish "catlr starts without libjpeg, HDF5, cairo or MPI$([ "$lazy_openmp" = 1 ] &&
    echo ", or the OpenMP runtime"); it needs: $(echo $needed)"
