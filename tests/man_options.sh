#!/bin/sh
# man_options.sh CATLR MANPAGE: every long option that `catlr --help` and
# each command's --help print is in the man page (written \-\-name in roff),
# its .TH line names the version `catlr --version` prints first, and the page
# renders without warnings (mandoc -Tlint, groff -ww and `man --warnings
# -l`, each where installed).
set -u
catlr=$1
page=$2
. "$(dirname "$0")/script_util.sh"

check_help() { # check_help WHAT HELP_TEXT
    for opt in $(printf '%s\n' "$2" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        roff=$(printf '%s' "$opt" | sed 's/-/\\-/g')
        grep -qF -- "$roff" "$page" || fail "$1 prints $opt, which $page does not mention"
    done
}

version=$("$catlr" --version | head -n 1) || fail "catlr --version failed"
grep -q "^\.TH CATLR 1 .* \"$version\"" "$page" || fail "$page's .TH does not name \"$version\""

top=$("$catlr" --help) || fail "catlr --help failed"
check_help "catlr --help" "$top"
commands=$(printf '%s\n' "$top" | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || fail "no commands found in catlr --help"
for cmd in $commands; do
    help=$("$catlr" "$cmd" --help) || fail "catlr $cmd --help failed"
    check_help "catlr $cmd --help" "$help"
    grep -qF "catlr $cmd" "$page" || fail "$page has no section for catlr $cmd"
done

if command -v mandoc >/dev/null 2>&1; then
    out=$(mandoc -Tlint "$page" 2>&1) || fail "mandoc -Tlint: $out"
    [ -z "$out" ] || fail "mandoc -Tlint: $out"
fi
if command -v groff >/dev/null 2>&1; then
    out=$(groff -man -ww -z "$page" 2>&1)
    [ -z "$out" ] || fail "groff -ww: $out"
fi

if command -v man >/dev/null 2>&1; then
    out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$out" ] || fail "man --warnings -l: $out"
fi

finish "every long option of $(echo $commands) is in $page"
