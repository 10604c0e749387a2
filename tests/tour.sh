#!/bin/sh
# tour.sh CATLR SOURCE_DIR: the tour of README.md ("## A short tour") is
# what data/tour/make_tour.sh runs (the script makes the committed
# pictures), command for command; and the README's commands, run as
# written from the top folder with ./build/catlr being CATLR and tour-out
# a scratch folder, each exit 0 and change nothing in the source tree
# (data/tour/*.png stay as committed, no stray file appears). In a build
# without cairo, which the tour's pictures need, only the first is checked
# and the test reports itself skipped (exit 77).
set -u
catlr=$(realpath "$1")
src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/script_util.sh"

# the shell lines of the README's tour section
awk '/^## / { on = ($0 == "## A short tour") } on && /^```sh$/ { copy = 1; next }
     copy && /^```$/ { copy = 0 } copy { print }' "$src/README.md" >"$tmp/readme"
[ -s "$tmp/readme" ] || fail "README.md has no commands under '## A short tour'"
# the script's, spelled as the README spells them
sed -n '/^# tour:/,/^# end of tour/p' "$src/data/tour/make_tour.sh" | sed '1d;$d' |
    sed 's|^\$catlr |./build/catlr |; s|\$out|tour-out|g' >"$tmp/script"
diff "$tmp/script" "$tmp/readme" >"$tmp/diff" ||
    fail "README's tour and data/tour/make_tour.sh differ (< script, > README): $(cat "$tmp/diff")"

# the tour draws pictures: without cairo only the agreement is checked
if "$catlr" --version | grep -q '^cairo: *no$'; then
    [ "$failures" -eq 0 ] || exit 1
    echo "catlr was built without cairo: the tour's commands are not run (skipped)"
    exit 77
fi

# run the README's lines; tour-out is a scratch folder here
(cd "$src" && find . -path ./.git -prune -o -path './build*' -prune -o -print | LC_ALL=C sort) \
    >"$tmp/before"
(cd "$src" && md5sum data/tour/*.png) >"$tmp/png.md5"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    cmd=$(printf '%s\n' "$line" | sed "s|^\./build/catlr |\"$catlr\" |; s|tour-out|$tmp/tour-out|g")
    (cd "$src" && eval "$cmd") >"$tmp/out.$n" 2>"$tmp/err.$n" ||
        fail "README tour line $n exited $?: $line: $(cat "$tmp/err.$n")"
done <"$tmp/readme"
for picture in cost learning-rates validation weights; do
    [ -s "$tmp/tour-out/$picture.png" ] || fail "the tour drew no tour-out/$picture.png"
done
(cd "$src" && md5sum -c --quiet "$tmp/png.md5") >/dev/null 2>&1 ||
    fail "running the tour changed data/tour/*.png"
(cd "$src" && find . -path ./.git -prune -o -path './build*' -prune -o -print | LC_ALL=C sort) \
    >"$tmp/after"
diff "$tmp/before" "$tmp/after" >"$tmp/diff" ||
    fail "running the tour left files in the source tree: $(cat "$tmp/diff")"

finish "README's tour is data/tour/make_tour.sh's, and its $n commands run"
