#!/usr/bin/env bash
# Golden command-line tests for sdgen, in the manner of zstd's tests/cli-tests: each case
# cases/NAME.sh is a short bash script; its standard output, standard error and exit code, once
# normalised, must equal cases/NAME.out, NAME.err and NAME.exit. See README.md beside this file.
#
# Usage: run.sh SDGEN_BINARY [--update] [CASE...]
#   CASE     a case name (cases/CASE.sh); all cases when none is given
#   --update rewrite the expected files from this run, to be reviewed with git diff (never in CI)
# Prints "ok NAME", "FAIL NAME" with the differences, or "skip NAME: reason", then
# "N passed, M failed"; exits non-zero when any case failed.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
  echo "usage: run.sh SDGEN_BINARY [--update] [CASE...]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
sdgen=$(realpath -e -- "$1" 2>/dev/null) && [ -x "$sdgen" ] || { echo "run.sh: not an executable: $1" >&2; exit 2; }
shift
# Cases read JSON with python3. Resolve the interpreter once: a version manager's shim (pyenv)
# costs half a second a call, and the cases make dozens.
python=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$python" ] ||
  { echo "run.sh: python3 is needed (cases read JSON with it)" >&2; exit 2; }

update=0
names=()
for arg in "$@"; do
  case $arg in
    --update) update=1 ;;
    -*) usage ;;
    *) names+=("${arg%.sh}") ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  for file in "$here"/cases/*.sh; do
    name=${file##*/}
    names+=("${name%.sh}")
  done
fi

# Each case runs in its own directory under one temporary root; pwd -P so the path sdgen prints
# is the one we replace, even where TMPDIR is a symbolic link.
root=$(mktemp -d "${TMPDIR:-/tmp}/sdgen-cli.XXXXXX") || exit 2
root=$(cd "$root" && pwd -P)
trap 'rm -rf "$root"' EXIT

# A case that hangs (a signal lost, a pipeline that never drains) fails instead of holding ctest.
case_timeout=300

# normalise WORK < actual > normalised: the case's directory becomes $WORK, then normalize.sed
# replaces what no run can repeat (times, rates, latencies, peak memory).
normalise() {
  local escaped
  escaped=$(printf '%s' "$1" | sed 's/[][\.*^$|+?(){}]/\\&/g')
  sed -E -e "s|$escaped|\$WORK|g" -f "$here/normalize.sed"
}

passed=0
failed=0
skipped=0
for name in "${names[@]}"; do
  script="$here/cases/$name.sh"
  if [ ! -f "$script" ]; then
    echo "FAIL $name: no such case ($script)"
    failed=$((failed + 1))
    continue
  fi
  work="$root/$name"
  mkdir "$work"
  actual="$root/$name.actual"
  mkdir "$actual"
  # A fresh bash with the helpers, in the case's directory, with nothing on standard input.
  (cd "$work" && SDGEN=$sdgen SDGEN_CLI_PYTHON=$python exec timeout -k 10 "$case_timeout" \
    bash --norc --noprofile -c 'set -u; . "$1"; . "$2"' case "$here/lib.sh" "$script") \
    >"$actual/raw.out" 2>"$actual/raw.err" </dev/null
  rc=$?
  normalise "$work" <"$actual/raw.out" >"$actual/out"
  normalise "$work" <"$actual/raw.err" >"$actual/err"
  echo "$rc" >"$actual/exit"
  rm -rf "$work"

  last=$(tail -n 1 "$actual/err")
  if [ "$rc" -eq 77 ] && [ "${last#skipped: }" != "$last" ]; then
    echo "skip $name: ${last#skipped: }"
    skipped=$((skipped + 1))
    continue
  fi

  if [ "$update" -eq 1 ]; then
    for kind in out err exit; do cp "$actual/$kind" "$here/cases/$name.$kind"; done
    echo "updated $name"
    passed=$((passed + 1))
    continue
  fi

  differences=""
  for kind in out err exit; do
    expected="$here/cases/$name.$kind"
    if [ ! -f "$expected" ]; then
      differences+="missing $expected (write it with --update, then review it)"$'\n'
    elif ! cmp -s "$expected" "$actual/$kind"; then
      differences+=$(diff -u --label "expected $name.$kind" --label "actual $name.$kind" "$expected" "$actual/$kind")$'\n'
    fi
  done
  if [ -z "$differences" ]; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    printf '%s' "$differences"
    failed=$((failed + 1))
  fi
done

[ "$skipped" -gt 0 ] && echo "$skipped skipped (not counted below)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
