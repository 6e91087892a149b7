#!/usr/bin/env bash
# Folder scans with 1, 2 and N threads: files/s, MB/s and peak RSS of the whole CLI process (issue 17 item 5).
#
#   tests/modelscan-bench/scripts/scaling.sh             # 3 runs per cell; RUNS=5 for more, SCALE=20 for bigger folders
#
# Shapes (written under a temporary folder, deleted on exit): a folder of Hugging Face repositories (tokenizers, chat
# templates, SafeTensors shards, a torch.save checkpoint, images), a Hugging Face hub cache of the same repositories
# (blobs and snapshots of symbolic links), a folder of project folders (joblib pipelines, checkpoints, plots, CSV,
# notebook), all from scripts/make_folders.py (/usr/bin/python3 with torch, numpy, PIL, scikit-learn), and 313 small
# files of mixed formats from the bench module's Generate. Each cell runs `bin/modelscan scan -j J DIR` (the launcher
# as a user runs it, JVM start-up included) RUNS times and gives the median wall time; "default" is no -j at all.
# Files are all files the report lists (scanned or not); MB are the folder's bytes (`du -sb`, links not followed).
# Prints a markdown table to paste into RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${RUNS:-3}
scale=${SCALE:-10}
bench="$root/tests/modelscan-bench/target/benchmarks.jar"
"$root/bin/modelscan" --version >/dev/null # builds the CLI and its archive when missing or stale
if [ ! -f "$bench" ]; then
  mvn -o -q -B -f "$root/pom.xml" -Pbench -pl tests/modelscan-bench -am package -DskipTests
fi
work=$(mktemp -d /tmp/modelscan-scaling.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$root/tests/modelscan-bench/scripts/make_folders.py" "$work" "$scale" >/dev/null
java -cp "$bench" dev.modelscan.bench.Generate small-files 313 "$work/small313"

n=$(nproc)
threads="1 2"
[ "$n" -gt 2 ] && threads="$threads $n"
threads="$threads $((2 * n)) default"

# Runs the command, prints "wall_seconds cpu_seconds peak_rss_kib"; the report goes to $work/out.
measure() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" >"$work/out" 2>/dev/null || rc=$?
    t1=$(date +%s%N)
    awk -v w=$(((t1 - t0) / 1000000)) 'END { printf "%.3f %.2f %d\n", w / 1000, $1 + $2, $3 }' "$work/time"
  else
    # No GNU time: poll the process's resident set size (and read its CPU time from /proc before it exits).
    "$@" >"$work/out" 2>/dev/null &
    local pid=$! peak=0 rss
    while kill -0 "$pid" 2>/dev/null; do
      rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && peak=$rss
      sleep 0.02
    done
    wait "$pid" || rc=$?
    t1=$(date +%s%N)
    echo "$(((t1 - t0) / 1000000)) $peak" | awk '{ printf "%.3f n/a %d\n", $1 / 1000, $2 }'
  fi
  [ "$rc" -le 3 ] || echo "exit $rc from $*" >&2
}

echo "Folder scans, $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $n, $(java -version 2>&1 | head -1), SCALE=$scale;" \
  "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); median of $runs runs, whole process"
echo
echo "| Folder | files | MB | -j | wall | files/s | MB/s | CPU (user + sys) | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for shape in hfrepo hub project small313; do
  dir="$work/$shape"
  mb=$(du -sb "$dir" | awk '{ printf "%.1f", $1 / 1e6 }')
  cat $(find "$dir" -type f) >/dev/null # the same starting point for every run: in the page cache
  for j in $threads; do
    opt=(-j "$j")
    [ "$j" = default ] && opt=()
    : >"$work/cells"
    for ((r = 0; r < runs; r++)); do
      measure "$root/bin/modelscan" scan "${opt[@]}" "$dir" >>"$work/cells"
    done
    files=$(sed -n "s/^Scanned [0-9]* of \([0-9]*\) files.*/\1/p" "$work/out")
    sort -n "$work/cells" | awk -v f="$files" -v mb="$mb" -v shape="$shape" -v j="$j" '
      { w[NR] = $1; c[NR] = $2; m[NR] = $3 }
      END {
        k = int((NR + 1) / 2); rss = 0; for (i = 1; i <= NR; i++) if (m[i] > rss) rss = m[i]
        printf "| %s | %d | %s | %s | %.2f s | %.0f | %.1f | %s s | %.0f MB |\n", shape, f, mb, j, w[k], f / w[k], mb / w[k], c[k], rss / 1024
      }'
  done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
