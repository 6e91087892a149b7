#!/usr/bin/env bash
# Whole-process start-up of the modelscan CLI against picklescan, side by side in one run (issue 17 item 4).
#
#   tests/modelscan-bench/scripts/startup.sh            # 15 rounds; RUNS=30 for more
#   VARIANTS=explore tests/modelscan-bench/scripts/startup.sh   # also the JVM option variants tried for the launcher
#   JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64 tests/modelscan-bench/scripts/startup.sh  # also the launcher on JDK 25
#
# Inputs: ONE small file (a 3.7 KB pickle) and a folder of 313 small files (1.7 MB: pickles, PyTorch zips,
# SafeTensors, JSON, gzip, unknown), both written by the bench module's Generate (fixed seed). Every round runs every
# variant once, in a rotated order, so a load change on a shared machine hits all variants alike. Each run is timed by
# GNU time (wall, user, sys); the table gives medians and the best wall time. Prints a markdown table to paste into
# RESULTS.md. Builds what is missing (the CLI through bin/modelscan, which also makes its class-data-sharing archive;
# the bench jar with Maven, offline).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${RUNS:-15}
jar="$root/modelscan-cli/target/modelscan-cli.jar"
bench="$root/tests/modelscan-bench/target/benchmarks.jar"
peers=${PICKLESCAN_PATH:-/work/shared/peers}

"$root/bin/modelscan" --version >/dev/null # builds the CLI and its archive when missing or stale
# The class-data-sharing archive the launcher made for the java on PATH (named after its version).
jsa=$(ls "$root"/modelscan-cli/target/modelscan-cli-java*.jsa 2>/dev/null | head -n 1)
if [ ! -f "$bench" ]; then
  mvn -o -q -B -f "$root/pom.xml" -Pbench -pl tests/modelscan-bench -am package -DskipTests
fi
work=$(mktemp -d /tmp/modelscan-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
java -cp "$bench" dev.modelscan.bench.Generate small-files 313 "$work/dir"
one="$work/dir/d00/f00000.pkl"
cat "$work"/dir/*/* >/dev/null

# picklescan as the brief gives it (python3 on PATH, maybe a pyenv shim, which costs a process or two) and with the
# interpreter that the shim runs, called directly (the fair yardstick for a Python installed without a shim).
py=$(command -v python3)
pydirect=$(python3 -c 'import sys; print(sys.executable)')

quiet="-Xshare:auto -Xlog:disable -Xlog:all=error:stderr"
# name|command (INPUT is replaced by the file or the folder)
variants=(
  "bin/modelscan (launcher)|$root/bin/modelscan scan INPUT"
  "java -jar (no options)|java -jar $jar scan INPUT"
  "picklescan (python3 on PATH)|env PYTHONPATH=$peers $py -m picklescan -p INPUT"
  "picklescan (interpreter direct)|env PYTHONPATH=$peers $pydirect -m picklescan -p INPUT"
)
# JAVA25=/path/to/jdk-25: also the launcher on that JDK, which then uses an AOT cache instead of a CDS archive.
if [ -n "${JAVA25:-}" ]; then
  JAVA_HOME="$JAVA25" "$root/bin/modelscan" --version >/dev/null # makes its AOT cache
  variants+=("bin/modelscan, JAVA_HOME=JDK $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JAVA25/release") (AOT cache)|env JAVA_HOME=$JAVA25 $root/bin/modelscan scan INPUT")
fi
if [ "${VARIANTS:-}" = explore ]; then
  variants+=(
    "AppCDS|java $quiet -XX:SharedArchiveFile=$jsa -jar $jar scan INPUT"
    "AppCDS + C1|java $quiet -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -jar $jar scan INPUT"
    "AppCDS + C1 + SerialGC|java $quiet -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar $jar scan INPUT"
    "AppCDS + C1 + SerialGC + -UsePerfData|java $quiet -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -jar $jar scan INPUT"
    "AppCDS + C1 + CICompilerCount=1|java $quiet -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -jar $jar scan INPUT"
    "JVM floor: java -Xshare:auto -version|java $quiet -version"
    "picocli only: --version (AppCDS + C1)|java $quiet -XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -jar $jar --version"
  )
  [ -n "${EXTRA_VARIANT:-}" ] && variants+=("$EXTRA_VARIANT")
fi

times="$work/times"
: >"$times"
n=${#variants[@]}
for input in one dir; do
  path=$one
  [ $input = dir ] && path="$work/dir"
  for v in "${variants[@]}"; do # one warm-up run each
    cmd=${v#*|}
    ${cmd//INPUT/$path} >/dev/null 2>&1 || true
  done
  for ((r = 0; r < runs; r++)); do
    for ((k = 0; k < n; k++)); do
      i=$(((k + r) % n))
      v=${variants[$i]}
      cmd=${v#*|}
      /usr/bin/time -f "%e %U %S" -o "$work/t" ${cmd//INPUT/$path} >/dev/null 2>"$work/err" || true
      echo "$input $i $(tail -n 1 "$work/t")" >>"$times"
    done
  done
done

echo "Start-up, $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(java -version 2>&1 | head -1)," \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs per cell, medians (best wall in brackets)"
shared() { # classes loaded, and how many of them came from a class-data-sharing archive
  MODELSCAN_JAVA_OPTS="-XX:TieredStopAtLevel=1 -Xlog:class+load" "$root/bin/modelscan" scan "$1" 2>/dev/null |
    awk '/class,load/ { n++; if (/shared objects file/) s++ } END { printf "%d classes loaded, %d of them from the archive", n, s }'
}
echo "bin/modelscan, one file: $(shared "$one"); folder: $(shared "$work/dir")"
echo
echo "| Variant | one 3.7 KB pickle: wall | CPU (user + sys) | 313 files, 1.7 MB: wall | CPU (user + sys) |"
echo "|---|---|---|---|---|"
for ((i = 0; i < n; i++)); do
  row="| ${variants[$i]%%|*} |"
  for input in one dir; do
    row+=$(awk -v inp="$input" -v i="$i" '$1 == inp && $2 == i { w[++c] = $3; u[c] = $4 + $5 }
      function med(a, c,   j, k, t) { for (j = 1; j <= c; j++) for (k = j + 1; k <= c; k++) if (a[k] < a[j]) { t = a[j]; a[j] = a[k]; a[k] = t }
        return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2 }
      END { printf " %.2f s (%.2f) | %.2f s |", med(w, c), (asort_min(w, c)), med(u, c) }
      function asort_min(a, c,   j, m) { m = a[1]; for (j = 2; j <= c; j++) if (a[j] < m) m = a[j]; return m }' "$times")
  done
  echo "$row"
done
