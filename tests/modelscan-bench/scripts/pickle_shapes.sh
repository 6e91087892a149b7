#!/usr/bin/env bash
# The pickle machine on issue 17's real shapes against CPython's pickletools.genops, in-process, on the same bytes.
#
#   tests/modelscan-bench/scripts/pickle_shapes.sh          # JMH 2 warm-up + 3 measured iterations of 2 s, 1 fork
#   WHOLE=1 tests/modelscan-bench/scripts/pickle_shapes.sh  # also the full-size files through the whole CLI (-Xmx64m)
#   JMH_JVM_ARGS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch" WI=3 I=5 tests/modelscan-bench/scripts/pickle_shapes.sh  # steady state
#
# Shapes: `records` (pickle.dump([(i % 250, 'k%d' % (i % 5000), i * 7919 % 65536, None, True) ...], protocol=4))
# and `vocabulary` (pickle.dump({'w%07d' % i: i ...}, protocol=4)), 16 MiB each, written opcode by opcode by the bench
# module exactly as CPython writes them (frames, memo, batches); the random `opcodeDense` stream is measured next to
# them. The same 16 MiB streams are written to files for genops (scripts/genops_baseline.py), so both read the same
# bytes. PY chooses the Python (default python3 on PATH). Prints a markdown table to paste into RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bench="$root/tests/modelscan-bench/target/benchmarks.jar"
py=${PY:-python3}
if [ ! -f "$bench" ]; then
  mvn -o -q -B -f "$root/pom.xml" -Pbench -pl tests/modelscan-bench -am package -DskipTests
fi
work=$(mktemp -d /tmp/modelscan-pickle-shapes.XXXXXX)
trap 'rm -rf "$work"' EXIT
gen() { java -cp "$bench" dev.modelscan.bench.Generate "$@"; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# JMH_JVM_ARGS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch": the steady state of a process whose heap has grown already (with
# the short warm-up the records figure otherwise includes the first-touch page faults of its growing memo).
jmh_jvm=()
if [ -n "${JMH_JVM_ARGS:-}" ]; then
  jmh_jvm=(-jvmArgsAppend "$JMH_JVM_ARGS")
fi
java -jar "$bench" 'PickleMachineBenchmark.scan' -p shape=records,vocabulary,opcodeDense -p mebibytes=16 \
  -f 1 -wi "${WI:-2}" -w 2s -i "${I:-3}" -r 2s ${jmh_jvm[@]+"${jmh_jvm[@]}"} -rf json -rff "$work/jmh.json" >"$work/jmh.log" 2>&1 ||
  { tail -n 30 "$work/jmh.log" >&2; exit 1; }

for shape in records vocabulary; do
  gen "$shape-bytes" $((16 << 20)) "$work/$shape.pkl"
  "$py" "$root/tests/modelscan-bench/scripts/genops_baseline.py" "$work/$shape.pkl" "${PASSES:-2}" >"$work/$shape.genops"
done

echo "Pickle shapes, $(date -u '+%Y-%m-%d %H:%M UTC'), nproc $(nproc), $(java -version 2>&1 | head -1)," \
  "$("$py" -c 'import sys; print("Python", sys.version.split()[0])'); load average $load0 at the start," \
  "$(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| Shape (16 MiB) | JMH ops/s ± error | modelscan MB/s | genops best | genops MB/s | ratio |"
echo "|---|---|---|---|---|---|"
/usr/bin/python3 - "$work" <<'EOF'
import json, os, sys
work = sys.argv[1]
runs = json.load(open(os.path.join(work, "jmh.json")))
for shape in ("records", "vocabulary", "opcodeDense"):
    r = next(x for x in runs if x["params"]["shape"] == shape)
    m = r["primaryMetric"]
    size = 16 << 20
    mbs = m["score"] * size / 1e6
    err = m["scoreError"] if isinstance(m["scoreError"], (int, float)) else float("nan")  # "NaN" with one iteration
    g = os.path.join(work, shape + ".genops")
    if os.path.exists(g):
        words = open(g).read().split()
        best, gmbs = float(words[4]), float(words[6])
        print("| %s | %.2f ± %.2f | %.0f | %.2f s | %.2f | %.0f× |" % (shape, m["score"], err, mbs, best, gmbs, mbs / gmbs))
    else:
        print("| %s | %.2f ± %.2f | %.0f | — | — | — |" % (shape, m["score"], err, mbs))
EOF
echo
echo "JMH: \`java -jar tests/modelscan-bench/target/benchmarks.jar PickleMachineBenchmark.scan -p shape=records,vocabulary,opcodeDense" \
  "-p mebibytes=16 -f 1 -wi ${WI:-2} -w 2s -i ${I:-3} -r 2s\`; MB/s = ops/s × 16.78. genops: \`$py" \
  "tests/modelscan-bench/scripts/genops_baseline.py FILE ${PASSES:-2}\` (best pass) on the same 16 MiB written by \`Generate SHAPE-bytes\`."

if [ "${WHOLE:-0}" = 1 ]; then
  "$root/bin/modelscan" --version >/dev/null
  echo
  echo "| Whole file | bytes | \`java -Xmx64m -jar modelscan-cli.jar scan F\` wall | CPU | max RSS | exit | genops best | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  for spec in "records 5000000" "vocabulary 3000000"; do
    set -- $spec
    f="$work/$1-full.pkl"
    gen "$1" "$2" "$f"
    rc=0
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" java -Xmx64m -jar "$root/modelscan-cli/target/modelscan-cli.jar" \
      scan "$f" >/dev/null 2>&1 || rc=$?
    read -r wall user sys rss < <(tail -n 1 "$work/time")
    g=$("$py" "$root/tests/modelscan-bench/scripts/genops_baseline.py" "$f" 1 | awk '{ print $5 }')
    echo "| $1 ($2) | $(stat -c %s "$f") | $wall s | $(echo "$user + $sys" | bc) s | $((rss / 1024)) MB | $rc | $g s |" \
      "$(echo "scale=1; $g / $wall" | bc)× |"
    rm -f "$f"
  done
fi
