#!/bin/sh
# exported_symbols.sh NM CC INCLUDE_DIR LIBRARY: libcatlr.so exports exactly
# the functions that the public headers declare: none missing, none extra
# (no internal helper, however it is named, and no data).
#
# The declarations come from the headers themselves, run through the C
# preprocessor (so comments and macros are gone and #if is honoured): every
# `catlr_NAME (` once function pointers, `(*catlr_NAME)`, are taken out and
# when it is not a return type before one, `catlr_status (*fn)(`. The
# exports are the dynamic symbols the library defines (nm -D
# --defined-only), less the loader's _init and _fini where a linker adds
# them and the locks of named OpenMP critical sections
# (.gomp_critical_user_NAME, which the OpenMP runtime needs shared by the
# whole process, and which no C program can name).
set -u
nm=$1
cc=$2
include=$3
library=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

headers=$(cd "$include" && ls catlr/*.h) || { echo "NOT OK: no headers in $include/catlr"; exit 1; }
[ -n "$headers" ] || { echo "NOT OK: no headers in $include/catlr"; exit 1; }
for h in $headers; do
    printf '#include <%s>\n' "$h"
done >"$tmp/all.c"
"$cc" -E -P -I "$include" "$tmp/all.c" >"$tmp/all.i" 2>"$tmp/cc.log" ||
    { cat "$tmp/cc.log"; echo "NOT OK: the headers do not preprocess"; exit 1; }
tr '\n' ' ' <"$tmp/all.i" |
    sed -E 's/\([[:space:]]*\*[[:space:]]*catlr_[[:alnum:]_]+[[:space:]]*\)//g' |
    grep -oE '(^|[^[:alnum:]_])catlr_[[:alnum:]_]+[[:space:]]*\([^*]' |
    sed -E 's/^[^c]*(catlr_[[:alnum:]_]+).*/\1/' | sort -u >"$tmp/declared"
[ -s "$tmp/declared" ] || { echo "NOT OK: found no declarations in the headers"; exit 1; }

"$nm" -D --defined-only "$library" >"$tmp/nm.out" 2>&1 ||
    { cat "$tmp/nm.out"; echo "NOT OK: $nm -D $library failed"; exit 1; }
awk 'NF >= 3 { print $3 }' "$tmp/nm.out" | sed 's/@.*//' |
    grep -vxE '_init|_fini|\.gomp_critical_user_.*' | sort -u >"$tmp/exported"

missing=$(comm -23 "$tmp/declared" "$tmp/exported")
extra=$(comm -13 "$tmp/declared" "$tmp/exported")
[ -z "$missing" ] || fail "declared in $include/catlr but not exported:" $missing
[ -z "$extra" ] || fail "exported but declared in no public header:" $extra

finish "$(basename "$library") exports the $(wc -l <"$tmp/declared" | tr -d ' ') functions of the public headers, nothing else"
