#!/bin/sh
# Trims a production node_modules (after `npm prune --omit=dev`) to what the agent loads at run
# time: better-sqlite3 keeps its compiled addon and drops its C sources and build intermediates.
# Used by the Dockerfile and by the test that runs the agent from the production closure.
set -eu
dir="${1:-.}/node_modules"
sq="$dir/better-sqlite3"
if [ -f "$sq/build/Release/better_sqlite3.node" ]; then
  cp "$sq/build/Release/better_sqlite3.node" /tmp/better_sqlite3.node.$$
  rm -rf "$sq/build" "$sq/deps" "$sq/src"
  mkdir -p "$sq/build/Release"
  mv /tmp/better_sqlite3.node.$$ "$sq/build/Release/better_sqlite3.node"
fi
find "$dir" -type f \( -name '*.map' -o -name '*.md' -o -name '*.markdown' \) ! -path '*/better-sqlite3/build/*' -delete
rm -rf "$dir/@types"
