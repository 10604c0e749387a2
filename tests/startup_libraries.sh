#!/bin/sh
# startup_libraries.sh OBJDUMP CATLR: catlr starts without HDF5, which only
# `catlr import` loads (src/data/h5.c dlopens it): the program does not list
# libhdf5 among the libraries it needs (objdump -p), and `catlr --version`
# opens no libhdf5 (glibc's LD_DEBUG=files, where it prints anything).
set -u
objdump=$1
catlr=$2
. "$(dirname "$0")/script_util.sh"

needed=$("$objdump" -p "$catlr" | sed -n 's/^ *NEEDED *//p') || fail "objdump -p $catlr failed"
printf '%s\n' "$needed" | grep -q '^libc\.' || fail "objdump lists no libc among: $needed"
printf '%s\n' "$needed" | grep -i hdf5 && fail "$catlr needs HDF5 at start-up"

opened=$(LD_DEBUG=files "$catlr" --version 2>&1 >/dev/null) || fail "catlr --version failed"
if printf '%s\n' "$opened" | grep -q 'file=libc\.'; then
    printf '%s\n' "$opened" | grep -i 'file=.*hdf5' && fail "catlr --version opens HDF5"
else
    echo "LD_DEBUG=files prints nothing here; only the NEEDED list was checked"
fi

finish "catlr starts without HDF5"
