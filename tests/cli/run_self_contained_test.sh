#!/usr/bin/env bash
# The repository is self-contained: no tracked file reads or cites a path outside the
# checkout (a sibling shared/ folder, a build machine's /work, /home, /root or /tmp).
# Paths of Debian packages' files (/usr/share/fonts/..., /usr/include) are allowed.
# (.ci/run also runs the whole suite in a clone with nothing beside it.)
#   run_self_contained_test.sh SOURCE_DIR
set -u
src=$1
MMR=unused
source "$(dirname "$0")/lib.sh"
if ! git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
  echo "self_contained: $src is not a git checkout; nothing to check"
  echo "self_contained: 0 passed, 0 failed"
  exit 0
fi
check() {  # check LABEL REGEX
  local hits
  hits=$(git -C "$src" grep -nIE "$2" -- . ':!tests/cli/run_self_contained_test.sh' | head -n 5)
  [ -z "$hits" ] && ok || bad "$1 in tracked files: $hits"
}
check "a path to a sibling shared/ folder" '\.\./shared'
check "a build machine's absolute path" '(^|[^A-Za-z0-9_.~-])/(work|home|root|tmp)/'
finish self_contained
