#!/usr/bin/env bash
# Whole-process measurements of the modelscan CLI (see RESULTS.md). Generates its inputs in a temporary directory,
# deletes them on exit, never leaves GB-sized files behind.
#
#   mvn -B -o -q -Pbench -pl modelscan-cli,tests/modelscan-bench -am package -DskipTests
#   tests/modelscan-bench/measure.sh [startup|pickle|checkpoint|dir|all] ...
#
# Needs /usr/bin/time (GNU time) and, for the start-up figures, hyperfine (apt-get install -y hyperfine; without it a
# plain loop is used). MEASURE_TMP chooses where the 2 GB inputs go (default: /tmp); MEASURE_SPARSE=1 writes them as
# sparse files (no disk; the read is then of holes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="$root/modelscan-cli/target/modelscan-cli.jar"
bench="$root/tests/modelscan-bench/target/benchmarks.jar"
for f in "$cli" "$bench"; do
  [ -f "$f" ] || { echo "missing $f: build first (see the header of this script)" >&2; exit 2; }
done
work=$(mktemp -d "${MEASURE_TMP:-/tmp}/modelscan-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT
mode=dense
[ "${MEASURE_SPARSE:-0}" = 1 ] && mode=sparse
gen() { java -cp "$bench" dev.modelscan.bench.Generate "$@"; }

machine() {
  echo "## machine: $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "RAM $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Runs a command under GNU time and prints wall, CPU and peak RSS on one line.
timed() {
  local label=$1; shift
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
  read -r wall user sys rss < <(tail -n 1 "$work/time") # GNU time adds a line when the exit code is not 0
  printf '%-44s wall %6.2f s  user %6.2f s  sys %5.2f s  maxRSS %7d KiB  exit %d\n' "$label" "$wall" "$user" "$sys" "$rss" "$rc"
}

startup() {
  echo "## CLI on one small file (JVM start included)"
  local small="$work/small.pkl"
  gen dense-pickle 2000 "$small"
  java -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$cli" scan "$small" >/dev/null 2>&1 || true
  local base="java -jar $cli scan $small"
  local c1="java -XX:TieredStopAtLevel=1 -jar $cli scan $small"
  local cds="java -XX:SharedArchiveFile=$work/app.jsa -jar $cli scan $small"
  local both="java -XX:SharedArchiveFile=$work/app.jsa -XX:TieredStopAtLevel=1 -jar $cli scan $small"
  if command -v hyperfine >/dev/null; then
    hyperfine -N -i -w 3 -r "${RUNS:-20}" -n default "$base" -n c1 "$c1" -n appcds "$cds" -n appcds+c1 "$both" \
      2>&1 | grep -E 'Benchmark|Time|Range' || true
  else
    for cmd in "$base" "$c1" "$cds" "$both"; do
      for _ in 1 2 3 4 5; do timed "$cmd" $cmd; done
    done
  fi
  timed "default, -Xmx64m" java -Xmx64m -jar "$cli" scan "$small"
  echo "classes loaded: $(java -Xlog:class+load -jar "$cli" scan "$small" 2>/dev/null | grep -c 'class,load') "\
"(from the CDS archive with AppCDS: $(java -XX:SharedArchiveFile="$work/app.jsa" -Xlog:class+load -jar "$cli" scan "$small" \
    2>/dev/null | grep -c 'shared objects file'))"
}

big() {
  local kind=$1 file=$2
  echo "## 2 GiB $kind ($mode)"
  gen "$kind" $((2 << 30)) "$file" "$mode"
  ls -ls "$file"
  cat "$file" >/dev/null # the same starting point for both: in the page cache
  timed "cat FILE > /dev/null" sh -c "cat '$file' > /dev/null"
  timed "modelscan scan FILE (-Xmx64m)" java -Xmx64m -jar "$cli" scan "$file"
  timed "modelscan scan FILE (-Xmx64m, C1 only)" java -Xmx64m -XX:TieredStopAtLevel=1 -jar "$cli" scan "$file"
  grep -m3 -iE 'status|partial|skipped|complete|finding' "$work/out" | cut -c1-160 || true
  head -c 300 "$work/err"
  rm -f "$file"
}

dir() {
  echo "## 10,000 small files (1-4 KB, mixed formats)"
  gen small-files 10000 "$work/dir"
  cat "$work"/dir/*/* >/dev/null
  for j in 1 2; do
    timed "modelscan scan -j $j DIR" java -jar "$cli" scan -j "$j" "$work/dir"
  done
  timed "modelscan scan -j 2 DIR (-Xmx64m)" java -Xmx64m -jar "$cli" scan -j 2 "$work/dir"
  java -cp "$bench" dev.modelscan.bench.ScanDirectory "$work/dir" 1 6
  java -cp "$bench" dev.modelscan.bench.ScanDirectory "$work/dir" 2 6
  rm -rf "$work/dir"
}

machine
[ $# -eq 0 ] && set -- all
for what in "$@"; do
  case $what in
    startup) startup ;;
    pickle) big bulk-pickle "$work/bulk.pkl" ;;
    checkpoint) big checkpoint "$work/model.pt" ;;
    dir) dir ;;
    all) startup; big bulk-pickle "$work/bulk.pkl"; big checkpoint "$work/model.pt"; dir ;;
    *) echo "unknown: $what" >&2; exit 2 ;;
  esac
done
