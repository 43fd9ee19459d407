#!/usr/bin/env bash
# Run make targets in order, stop at the first failure, print each one's time.
set -uo pipefail
declare -a names=() times=()
status=0
total_start=$SECONDS
for target in "$@"; do
  echo "=============== stage: $target"
  start=$SECONDS
  if make --no-print-directory "$target"; then result=ok; else result=FAILED; status=1; fi
  names+=("$target") times+=("$((SECONDS - start))s $result")
  [ "$status" -eq 0 ] || break
done
echo "=============== stage times"
for i in "${!names[@]}"; do printf '  %-18s %s\n' "${names[$i]}" "${times[$i]}"; done
printf '  %-18s %ss\n' total "$((SECONDS - total_start))"
passed=0
for t in "${times[@]}"; do case "$t" in *" ok") passed=$((passed + 1)) ;; esac; done
echo "stages: $passed passed, $(($# - passed)) failed"
exit "$status"
