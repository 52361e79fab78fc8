#!/usr/bin/env bash
# clang-format check of the C++ files changed since scripts/format-base (the commit from which
# the project's .clang-format is enforced; older files are brought in line when they are next
# touched). Also checks uncommitted changes. Exit 1 listing the files, with the command that
# fixes them. Usage: scripts/format-check.sh [BASE]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-$(cat scripts/format-base)}
command -v clang-format >/dev/null || { echo "format-check: clang-format missing (scripts/deps.sh)"; exit 1; }
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "format-check: base $base not in this clone's history (shallow?): checking the last commit only"
  base=HEAD~1
fi
mapfile -t files < <( { git diff --name-only --diff-filter=ACMR "$base" -- '*.cc' '*.h';
                        git ls-files --others --exclude-standard -- '*.cc' '*.h'; } | sort -u)
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  case "$f" in third_party/*) continue ;; esac
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "format-check: ${#bad[@]} of ${#files[@]} changed C++ files do not follow .clang-format:"
  printf '  %s\n' "${bad[@]}"
  echo "fix: clang-format -i ${bad[*]}"
  exit 1
fi
echo "format-check: ${#files[@]} changed C++ files follow .clang-format (since $base)"
