# script_util.sh: what the shell tests share, sourced with
# `. "$(dirname "$0")/script_util.sh"`: fail records a failed check and
# goes on, so one run lists every failure; finish ends the script.

failures=0

# fail MESSAGE: print "NOT OK: MESSAGE" and count it.
fail() {
    echo "NOT OK: $*"
    failures=$((failures + 1))
}

# finish MESSAGE: "OK: MESSAGE" and exit 0 when no check failed, else exit 1.
finish() {
    if [ "$failures" -eq 0 ]; then
        echo "OK: $*"
        exit 0
    fi
    exit 1
}
