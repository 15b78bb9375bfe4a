#!/bin/sh
# Run the fuzz targets named after the mode, one after another (make fuzz, make fuzz-replay).
#   fuzz    each target FUZZ_TIME seconds (default 60), from its seeds (spec/fuzz/TARGET/,
#           and build/fuzz/seeds/TARGET/, made by fuzz/seeds.lua) and what earlier runs found
#           (build/fuzz/corpus/TARGET/); a crash is saved as build/fuzz/crash/TARGET-*;
#           prints the executions per target at the end.
#           FUZZ_OPTS adds libFuzzer options (-jobs=2, -dict=…).
#   replay  each target once over its seeds and regressions (spec/fuzz/TARGET/regressions/:
#           files ending in .b64 are base64, decoded first) and nothing else.
# Exit status 1 if any target crashed.
mode=$1; shift
out=build/fuzz
time=${FUZZ_TIME:-60}
failed=""
summary=""
mkdir -p "$out/crash" "$out/log"
for t in "$@"; do
  bin=$out/fuzz-$t
  seeds=spec/fuzz/$t
  extra=""
  [ -d "$out/seeds/$t" ] && extra=$out/seeds/$t   # made by fuzz/seeds.lua
  # inputs kept as base64 (binary ones) are decoded next to the others
  dec=$out/decoded/$t
  rm -rf "$dec"; mkdir -p "$dec"
  for f in $(find "$seeds" -name '*.b64' 2>/dev/null); do
    base64 -d "$f" > "$dec/$(basename "$f" .b64)" || { echo "fuzz: $f: not base64" >&2; exit 1; }
  done
  log=$out/log/$t.log
  if [ "$mode" = replay ]; then
    files=$(find "$seeds" "$dec" $extra -type f ! -name '*.b64' ! -name README 2>/dev/null | sort)
    # -runs=0: each file is run once; an ASan, UBSan or libFuzzer report fails the target
    if "$bin" -runs=0 -timeout=60 -rss_limit_mb=4096 -close_fd_mask=3 $files > "$log" 2>&1; then
      n=$(echo "$files" | grep -c .)
      summary="$summary$(printf '%-10s %6d inputs replayed' "$t" "$n")\n"
    else
      failed="$failed $t"
      summary="$summary$(printf '%-10s FAILED (see %s)' "$t" "$log")\n"
      tail -40 "$log" >&2
    fi
  else
    work=$out/corpus/$t
    mkdir -p "$work"
    maxlen=4096
    [ "$t" = index ] && maxlen=262144
    # a target that holds a Lua state allocates across inputs (caches, garbage not yet
    # collected), which would send libFuzzer's leak check after every other input and
    # slow it tenfold; leaks are the replay's and make check-asan's to find
    leaks=0
    [ "$t" = token ] && leaks=1
    if "$bin" -max_total_time="$time" -timeout=30 -rss_limit_mb=4096 -max_len=$maxlen \
         -detect_leaks=$leaks \
         -close_fd_mask=3 -print_final_stats=1 $FUZZ_OPTS -artifact_prefix="$out/crash/$t-" \
         "$work" $([ -d "$seeds" ] && echo "$seeds") $extra "$dec" > "$log" 2>&1; then
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
      summary="$summary$(printf '%-10s %10s executions in %ss' "$t" "${runs:-?}" "$time")\n"
    else
      failed="$failed $t"
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
      summary="$summary$(printf '%-10s CRASHED after %s executions (see %s, %s)' "$t" "${runs:-?}" "$log" "$out/crash/$t-*")\n"
      grep -A30 'ERROR\|runtime error\|fuzz: check failed\|fuzz: an internal error\|deadly signal\|timeout' "$log" | head -40 >&2
    fi
  fi
  echo "fuzz: $t done" >&2
done
printf "$summary"
[ -z "$failed" ] || { echo "fuzz: failed:$failed" >&2; exit 1; }
