#!/bin/sh
# mpi_two_hosts.sh MPIEXEC CATLR: `catlr train` on two "hosts" that talk
# over a network, not shared memory: two network namespaces joined by a
# veth pair with addresses from 192.0.2.0/24 (the documentation range;
# nothing leaves the namespaces), mpirun in the first over TCP only
# (--mca btl tcp,self), reaching the second through a launch agent that
# enters it with `ip netns exec` where a cluster would use ssh.
#   1. 2 ranks, one per namespace, print the course's table exactly
#      (expected.txt of CATLR_REFERENCE_DIR);
#   2. the rank in the second namespace killed with -9 mid-run: the job
#      ends, non-zero, within 10 s, and no process is left in either.
# Skipped (exit 77, with the reason) when not root, where `ip netns` does
# not work, or without CATLR_REFERENCE_DIR. The namespaces are removed on
# exit, on failure too.
set -u
mpiexec=$1
catlr=$2
. "$(dirname "$0")/script_util.sh"

skip() {
    echo "skipped: $*"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "ip netns needs root"
command -v ip >/dev/null 2>&1 || skip "no ip command (iproute2)"
ref=${CATLR_REFERENCE_DIR:-}
[ -n "$ref" ] || skip "CATLR_REFERENCE_DIR is not set (the course's data)"

tmp=$(mktemp -d) || exit 1
ns0=catlr-a-$$
ns1=catlr-b-$$
cleanup() {
    for ns in "$ns0" "$ns1"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns0" 2>"$tmp/err" || skip "ip netns does not work here: $(cat "$tmp/err")"
ip netns add "$ns1" || exit 1
# the veth pair, one end in each namespace (names of at most 15 bytes)
ip -n "$ns0" link add cv0 type veth peer name cv1 netns "$ns1" || exit 1
ip -n "$ns0" addr add 192.0.2.1/24 dev cv0 || exit 1
ip -n "$ns1" addr add 192.0.2.2/24 dev cv1 || exit 1
ip -n "$ns0" link set lo up && ip -n "$ns1" link set lo up || exit 1
ip -n "$ns0" link set cv0 up && ip -n "$ns1" link set cv1 up || exit 1
if command -v ping >/dev/null 2>&1; then
    ip netns exec "$ns0" ping -c 1 -W 2 192.0.2.2 >/dev/null 2>&1 ||
        fail "the namespaces do not reach each other over the veth pair"
fi

# The launch agent: what ssh does on a cluster, `agent HOST COMMAND...`
# runs COMMAND in HOST's namespace, through a shell as ssh would.
cat >"$tmp/agent" <<AGENT
#!/bin/sh
case \$1 in
192.0.2.1) ns=$ns0 ;;
192.0.2.2) ns=$ns1 ;;
*) echo "agent: unknown host \$1" >&2; exit 1 ;;
esac
shift
exec ip netns exec "\$ns" sh -c "\$*"
AGENT
chmod +x "$tmp/agent"

mpi_allow_root
# one rank per namespace, TCP only, every Open MPI channel on the veth
two_hosts() {
    ip netns exec "$ns0" timeout 300 "$mpiexec" --mca btl tcp,self \
        --mca btl_tcp_if_include 192.0.2.0/24 --mca oob_tcp_if_include 192.0.2.0/24 \
        --mca plm_rsh_agent "$tmp/agent" --mca plm_rsh_no_tree_spawn 1 \
        -H 192.0.2.1:1,192.0.2.2:1 -np 2 "$catlr" train "$ref/png/train" --threads 1 "$@"
}

# 1. the course's table, across the two hosts
two_hosts --test "$ref/png/test" -q -o "$tmp/course.model" >"$tmp/out" 2>"$tmp/err" ||
    fail "2 hosts: exit $?: $(cat "$tmp/err")"
diff "$tmp/out" "$ref/expected.txt" >"$tmp/diff" ||
    fail "2 hosts: the table differs from expected.txt: $(cat "$tmp/diff")"

# 2. the rank of the second host killed with -9 while training
two_hosts -q --solver primal -i 1000000 -o "$tmp/long.model" >/dev/null 2>"$tmp/err" &
job=$!
rank=
n=0
while [ -z "$rank" ] && [ "$n" -lt 600 ]; do
    sleep 0.1
    n=$((n + 1))
    for p in $(ip netns pids "$ns1" 2>/dev/null); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = catlr ] && rank=$p
    done
done
if [ -z "$rank" ]; then
    fail "no rank started in the second namespace: $(cat "$tmp/err")"
else
    sleep 2 # loading done, training under way
    start=$(date +%s)
    kill -9 "$rank"
    wait "$job"
    code=$?
    took=$(($(date +%s) - start))
    [ "$code" -ne 0 ] || fail "kill -9: the job exited 0"
    [ "$took" -le 10 ] || fail "kill -9: the job took $took s to end"
    echo "kill -9 of the second host's rank: the job ended with exit $code in $took s"
    sleep 1
    for ns in "$ns0" "$ns1"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            fail "a process is left in $ns: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
        done
    done
    [ -e "$tmp/long.model" ] && fail "kill -9: a model was written"
fi
finish "two hosts over TCP: the course's table, and a killed rank ends the job"
