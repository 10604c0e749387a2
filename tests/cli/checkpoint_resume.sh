#!/bin/sh
# checkpoint_resume.sh CATLR DATA [MPIEXEC]: long runs survive faults.
#   - kill -9 at random moments (several rounds, both solvers, with
#     --val-split and class weights), then --resume: the same model bytes,
#     and the lines printed from the checkpoint on are the uninterrupted
#     run's last lines;
#   - a resume with other data or other settings is refused, the setting
#     named;
#   - SIGINT and SIGTERM: exit 130 and 143, "interrupted at iteration I of
#     N" and the resume command, no model (an older one untouched), no
#     temporary file; the printed command resumes to the same model;
#   - with MPIEXEC: 2 ranks, one killed with -9 mid-run: the job ends
#     within 10 s, and the resume on 2 ranks gives the same model; SIGTERM
#     to one rank stops both at the same iteration with a checkpoint.
set -u
catlr=$1
data=$2
mpiexec=${3:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../script_util.sh"

# a number from 0 to $1 - 1, different each round
seed=$$
rnd() {
    seed=$(((seed * 1103515245 + 12345) % 2147483648))
    echo $(((seed / 65536) % $1))
}

# wait_for FILE SECONDS: until FILE exists; 1 when it never did.
wait_for() {
    n=0
    while [ ! -s "$1" ]; do
        n=$((n + 1))
        [ "$n" -gt $(($2 * 20)) ] && return 1
        sleep 0.05
    done
    return 0
}

# no_temp NAME: fail when a temporary file is left in $tmp/run.
no_temp() {
    ls "$tmp/run" | grep -q '\.tmp-' && fail "$1: temporary file left: $(ls "$tmp/run")"
}

# iterations_for SOLVER SHORT LEAST: how many iterations of SOLVER last
# about 3 s with this build on this machine, from a timed run of SHORT
# (load included, so the estimate errs short), rounded up to a hundred,
# at least LEAST. A run must outlast the script's kill (up to half a
# second after its first checkpoint, polling every 50 ms), but fixed
# counts sized for a release build on an AVX-512 CPU made this test take
# 10 to over 15 minutes in a sanitizer build on a CPU without AVX-512.
iterations_for() {
    t0=$(date +%s%N)
    "$catlr" train "$data/train" -q --solver "$1" -i "$2" -k "$2" -o "$tmp/timing.model" \
        >/dev/null 2>&1 # (a failure shows in the rounds)
    ms=$((($(date +%s%N) - t0) / 1000000 + 1))
    n=$((($2 * 3000 / ms + 99) / 100 * 100))
    [ "$n" -lt "$3" ] && n=$3
    echo "$n"
}
primal_i=$(iterations_for primal 50 300)
gram_i=$(iterations_for gram 20000 20000)
echo "rounds: primal $primal_i iterations, gram $gram_i"

# settings of each round: solver, iterations, print interval, extra options
round_args() {
    case $1 in
    0) echo "--solver primal -i $primal_i -k 100" ;;
    1) echo "--solver gram -i $gram_i -k 10000 --class-weight balanced" ;;
    2) echo "--solver primal -i $primal_i -k 100 --val-split 0.25 --class-weight 2,1" ;;
    3) echo "--solver gram -i $gram_i -k 10000 --val-split 0.3 --l2 0.5" ;;
    esac
}

mkdir "$tmp/run"
for r in 0 1 2 3 0 1; do
    args=$(round_args $r)
    name=round$r
    if [ ! -f "$tmp/$name.whole.model" ]; then
        # shellcheck disable=SC2086 # $args is several words
        "$catlr" train "$data/train" -q $args -o "$tmp/$name.whole.model" >"$tmp/$name.whole.out" ||
            fail "$name: the uninterrupted run failed"
    fi
    every=$(($(rnd 40) + 5))
    [ "${args#*gram}" != "$args" ] && every=$(($(rnd 4000) + 500))
    # the run killed a random moment after its first checkpoint; should it
    # end first (a fast machine), again, killed at once
    for delay in "0.$(rnd 5)$(rnd 10)" 0 0 0; do
        rm -f "$tmp/run/"*
        # shellcheck disable=SC2086
        "$catlr" train "$data/train" -q $args -o "$tmp/run/m" --checkpoint "$tmp/run/ck" \
            --checkpoint-every "$every" >/dev/null 2>&1 &
        pid=$!
        wait_for "$tmp/run/ck" 60 || fail "$name: no checkpoint written"
        sleep "$delay"
        killed=0
        kill -9 "$pid" 2>/dev/null && killed=1
        wait "$pid" 2>/dev/null
        # a run that had ended (and written its model) before the kill is
        # still there to kill until it is waited for
        [ -e "$tmp/run/m" ] && killed=0
        [ "$killed" -eq 1 ] && break
    done
    [ "$killed" -eq 1 ] || fail "$name: the run ended before the kill"
    [ -e "$tmp/run/m" ] && fail "$name: a model was written by the killed run"
    # shellcheck disable=SC2086
    "$catlr" train "$data/train" -q $args -o "$tmp/run/m" --checkpoint "$tmp/run/ck" \
        --checkpoint-every "$every" --resume "$tmp/run/ck" >"$tmp/run/out" 2>"$tmp/run/err" ||
        fail "$name: the resume failed: $(cat "$tmp/run/err")"
    cmp -s "$tmp/run/m" "$tmp/$name.whole.model" || fail "$name: the resumed model differs"
    lines=$(wc -l <"$tmp/run/out")
    tail -n "$lines" "$tmp/$name.whole.out" | cmp -s - "$tmp/run/out" ||
        fail "$name: the resumed lines differ from the uninterrupted run's last $lines"
    # its first line is a cost line, unless the checkpoint came after the
    # run's last one (then only the accuracies are left to print)
    if grep -q '^Cost after iteration' "$tmp/run/out"; then
        head -n 1 "$tmp/run/out" | grep -q '^Cost after iteration' ||
            fail "$name: the resume prints no cost line first: $(head -n 1 "$tmp/run/out")"
    fi
    # (a kill -9 during a write leaves its temporary file: nothing can
    # remove it; the checkpoint itself is the old one or the new one)
done

# Other data, other settings: refused with the reason, before training.
args=$(round_args 0)
rm -f "$tmp/run/"*
# shellcheck disable=SC2086
"$catlr" train "$data/train" -q $args -i 300 -o "$tmp/run/m" --checkpoint "$tmp/run/ck" \
    --checkpoint-every 100 >/dev/null 2>&1 || fail "short run failed"
# shellcheck disable=SC2086
"$catlr" train "$data/test" -q $args -i 300 -o "$tmp/run/m2" --resume "$tmp/run/ck" \
    >/dev/null 2>"$tmp/err" && fail "a resume on other data was accepted"
grep -q 'cannot resume: the number of training images differs' "$tmp/err" ||
    fail "other data: $(cat "$tmp/err")"
# shellcheck disable=SC2086
"$catlr" train "$data/train" -q $args -i 300 --lr 0.01 -o "$tmp/run/m2" --resume "$tmp/run/ck" \
    >/dev/null 2>"$tmp/err" && fail "a resume with another rate was accepted"
grep -q 'cannot resume: --lr differs: 0.0050000000000000001 in the checkpoint, 0.01 now' \
    "$tmp/err" || fail "other settings: $(cat "$tmp/err")"
[ -e "$tmp/run/m2" ] && fail "a refused resume wrote a model"
printf 'not a checkpoint' >"$tmp/bad"
"$catlr" train "$data/train" -q -o "$tmp/run/m2" --resume "$tmp/bad" 2>"$tmp/err" &&
    fail "a damaged checkpoint was accepted"
grep -q "bad magic" "$tmp/err" || fail "damaged checkpoint: $(cat "$tmp/err")"

# SIGINT and SIGTERM: the iteration finishes, the checkpoint is written,
# the message and the resume command, exit 128 + the signal, no model.
for sig in INT TERM; do
    want=130
    [ $sig = TERM ] && want=143
    rm -f "$tmp/run/"*
    echo old >"$tmp/run/m"
    "$catlr" train "$data/train" --solver primal -i 100000 -o "$tmp/run/m" \
        --checkpoint "$tmp/run/ck" --checkpoint-every 20 >"$tmp/run/out" 2>"$tmp/run/err" &
    pid=$!
    wait_for "$tmp/run/ck" 60 || fail "SIG$sig: no checkpoint written"
    kill -$sig "$pid"
    wait "$pid"
    code=$?
    [ "$code" -eq "$want" ] || fail "SIG$sig: exit $code, not $want: $(cat "$tmp/run/err")"
    grep -q '^catlr: interrupted at iteration [0-9]* of 100000$' "$tmp/run/err" ||
        fail "SIG$sig: no 'interrupted' line: $(cat "$tmp/run/err")"
    [ "$(cat "$tmp/run/m")" = old ] || fail "SIG$sig: the older model was touched"
    no_temp "SIG$sig"
    # the printed command, run as it is, goes on
    cmd=$(sed -n 's/^  catlr train /train /p' "$tmp/run/err")
    [ -n "$cmd" ] || fail "SIG$sig: no resume command"
    iter=$(sed -n 's/^catlr: interrupted at iteration \([0-9]*\) .*/\1/p' "$tmp/run/err")
    # shellcheck disable=SC2086 # the command as the user would paste it
    eval "exec \"\$catlr\" $cmd --checkpoint \"\$tmp/run/ck2\"" >/dev/null 2>"$tmp/run/err2" &
    pid=$!
    wait_for "$tmp/run/ck2" 60 || fail "SIG$sig: the resumed run wrote no checkpoint"
    kill -$sig "$pid"
    wait "$pid"
    code=$?
    [ "$code" -eq "$want" ] || fail "SIG$sig: the resumed run exited $code: $(cat "$tmp/run/err2")"
    iter2=$(sed -n 's/^catlr: interrupted at iteration \([0-9]*\) .*/\1/p' "$tmp/run/err2")
    [ -n "$iter2" ] && [ "$iter2" -gt "$iter" ] ||
        fail "SIG$sig: the resumed run did not go on from $iter: $(cat "$tmp/run/err2")"
done

# A second signal ends the run at once, without a model or a temporary file.
rm -f "$tmp/run/"*
"$catlr" train "$data/train" --solver primal -i 100000 -o "$tmp/run/m" \
    --checkpoint "$tmp/run/ck" --checkpoint-every 20 >/dev/null 2>"$tmp/run/err" &
pid=$!
wait_for "$tmp/run/ck" 60 || fail "double SIGINT: no checkpoint written"
kill -INT "$pid"
kill -INT "$pid" 2>/dev/null
wait "$pid"
code=$?
[ "$code" -eq 130 ] || fail "double SIGINT: exit $code"
[ -e "$tmp/run/m" ] && fail "double SIGINT: a model was written"
no_temp "double SIGINT"

[ -z "$mpiexec" ] && finish "checkpoints, resumes and signals (no MPI)"

# Under MPI: 2 ranks, one of them killed with -9 while training.
mpi_allow_root
ranks() { timeout 120 "$mpiexec" --oversubscribe -np 2 "$catlr" train "$data/train" -q \
    --threads 1 --solver primal -i "$primal_i" -k 100 "$@"; }
ranks -o "$tmp/mpi.whole.model" >"$tmp/mpi.whole.out" 2>"$tmp/err" ||
    fail "2 ranks: the uninterrupted run failed: $(cat "$tmp/err")"
every=$(($(rnd 30) + 10))
for delay in "0.$(rnd 3)" 0; do
    rm -f "$tmp/run/"*
    ranks -o "$tmp/run/m" --checkpoint "$tmp/run/ck" --checkpoint-every "$every" \
        >/dev/null 2>&1 &
    pid=$!
    wait_for "$tmp/run/ck" 60 || fail "2 ranks: no checkpoint written"
    sleep "$delay"
    # the ranks: the processes named catlr with this run's model path
    rank=$(for p in $(pgrep -f "$tmp/run/m"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = catlr ] && echo "$p"
    done | tail -n 1)
    [ -n "$rank" ] && break
    wait "$pid" # ended before the kill: once more, at once
done
start=$(date +%s)
kill -9 "$rank" 2>/dev/null || fail "2 ranks: no rank to kill"
wait "$pid"
code=$?
took=$(($(date +%s) - start))
[ "$code" -ne 0 ] || fail "2 ranks: the job exited 0 after a rank was killed"
[ "$took" -le 10 ] || fail "2 ranks: the job took $took s to end after kill -9"
echo "kill -9 of a rank: the job ended with exit $code in $took s"
sleep 1
pgrep -f "$tmp/run/m" >/dev/null && fail "2 ranks: a process is left: $(pgrep -af "$tmp/run/m")"
ranks -o "$tmp/run/m" --resume "$tmp/run/ck" >"$tmp/run/out" 2>"$tmp/err" ||
    fail "2 ranks: the resume failed: $(cat "$tmp/err")"
cmp -s "$tmp/run/m" "$tmp/mpi.whole.model" || fail "2 ranks: the resumed model differs"
lines=$(wc -l <"$tmp/run/out")
tail -n "$lines" "$tmp/mpi.whole.out" | cmp -s - "$tmp/run/out" ||
    fail "2 ranks: the resumed lines differ"
# SIGTERM to one rank stops both after the same iteration: rank 0 writes
# the checkpoint and says so, and no model is written.
rm -f "$tmp/run/"*
ranks -i 1000000 -o "$tmp/run/m" --checkpoint "$tmp/run/ck" --checkpoint-every 50 \
    >/dev/null 2>"$tmp/run/err" &
pid=$!
wait_for "$tmp/run/ck" 60 || fail "2 ranks, SIGTERM: no checkpoint written"
rank=$(for p in $(pgrep -f "$tmp/run/m"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = catlr ] && echo "$p"
done | tail -n 1)
kill -TERM "$rank"
wait "$pid"
code=$?
[ "$code" -ne 0 ] || fail "2 ranks, SIGTERM: the job exited 0"
grep -q '^catlr: interrupted at iteration [0-9]* of 1000000$' "$tmp/run/err" ||
    fail "2 ranks, SIGTERM: no 'interrupted' line: $(cat "$tmp/run/err")"
grep -q '^  mpirun -np 2 catlr train ' "$tmp/run/err" ||
    fail "2 ranks, SIGTERM: no resume command: $(cat "$tmp/run/err")"
[ -e "$tmp/run/m" ] && fail "2 ranks, SIGTERM: a model was written"
no_temp "2 ranks, SIGTERM"
# a resume on 1 process is refused: the sums group the images by process
"$catlr" train "$data/train" -q --solver primal -i 1000000 -k 100 -o "$tmp/run/m1" \
    --resume "$tmp/run/ck" 2>"$tmp/err" && fail "a 2-rank checkpoint resumed on 1 process"
grep -q 'number of processes differs: 2 in the checkpoint, 1 now' "$tmp/err" ||
    fail "1 process: $(cat "$tmp/err")"
finish "checkpoints, resumes, signals, and a killed MPI rank"
