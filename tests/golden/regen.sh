#!/bin/bash
# tests/golden/regen.sh: rewrites expected/ from the app in CGI mode.  Run
# it after an intended change of answers, then READ the diff: the golden
# files are the specification, not a recording.
set -eu
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
BIN=${BIN:-$ROOT/build/bin}
. ./golden.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
golden_db "$tmp/golden.db"
mkdir -p expected
rm -f expected/*
while IFS=$'\t' read -r name method target header; do
	golden_cgi "$tmp/golden.db" "$method" "$target" "$header" >"expected/$name"
done < <(golden_cases)
echo "regen: $(ls expected | wc -l) answers in tests/golden/expected/"
