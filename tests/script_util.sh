# script_util.sh: what the shell tests share, sourced with
# `. "$(dirname "$0")/script_util.sh"`: fail records a failed check and
# goes on, so one run lists every failure; finish ends the script;
# mpi_allow_root lets Open MPI's launcher start as root.

failures=0

# fail MESSAGE: print "NOT OK: MESSAGE" and count it.
fail() {
    echo "NOT OK: $*"
    failures=$((failures + 1))
}

# mpi_allow_root: as root (a container, CI), export the two variables
# without which Open MPI's launcher will not start.
mpi_allow_root() {
    if [ "$(id -u)" -eq 0 ]; then
        OMPI_ALLOW_RUN_AS_ROOT=1
        OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
        export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
    fi
}

# finish MESSAGE: "OK: MESSAGE" and exit 0 when no check failed, else exit 1.
finish() {
    if [ "$failures" -eq 0 ]; then
        echo "OK: $*"
        exit 0
    fi
    exit 1
}
