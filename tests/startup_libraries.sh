#!/bin/sh
# startup_libraries.sh OBJDUMP CATLR: catlr starts without the optional
# libraries that only some commands need and load when they do: HDF5
# (`catlr import`, src/data/h5.c), cairo (`--plot` and `catlr weights`,
# src/report/plot.c) and MPI (a process that an MPI launcher started,
# src/cli/comm_mpi.c), nor any of what they bring (X11, xcb, fontconfig,
# pixman, Open MPI's libraries, hwloc, libevent). The program does not list
# them among the libraries it needs (objdump -p), and `catlr --version`
# opens none of them (glibc's LD_DEBUG=files, where it prints anything).
set -u
objdump=$1
catlr=$2
. "$(dirname "$0")/script_util.sh"

optional='hdf5|cairo|libmpi|open-rte|open-pal|hwloc|libevent|X11|xcb|fontconfig|freetype|pixman'

needed=$("$objdump" -p "$catlr" | sed -n 's/^ *NEEDED *//p') || fail "objdump -p $catlr failed"
printf '%s\n' "$needed" | grep -q '^libc\.' || fail "objdump lists no libc among: $needed"
bad=$(printf '%s\n' "$needed" | grep -E "$optional")
[ -z "$bad" ] || fail "$catlr needs at start-up:" $bad

opened=$(LD_DEBUG=files "$catlr" --version 2>&1 >/dev/null) || fail "catlr --version failed"
if printf '%s\n' "$opened" | grep -q 'file=libc\.'; then
    bad=$(printf '%s\n' "$opened" | sed -n 's/.*file=\([^ ]*\).*/\1/p' | grep -E "$optional" |
        sort -u)
    [ -z "$bad" ] || fail "catlr --version opens:" $bad
else
    echo "LD_DEBUG=files prints nothing here; only the NEEDED list was checked"
fi

finish "catlr starts without HDF5, cairo or MPI; it needs: $(echo $needed)"
