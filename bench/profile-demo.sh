#!/usr/bin/env bash
# Where the CPU goes while the demo records (BENCHMARKS.md, "What holds it back"):
#   bash bench/profile-demo.sh [SECONDS]
# runs `npm run demo -- --headless --seconds SECONDS` (default 25) with V8 writing its JIT
# symbols for perf, samples the whole machine for 8 s from 5 s into the recording
# (`perf record -a -g`), and prints the share of all samples by thread and library, then by
# thread and function. Needs perf (Debian: linux-perf) and root, as on this project's machines.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "bench/profile-demo.sh needs perf (apt-get install linux-perf)" >&2; exit 2; }
seconds=${1:-25}
out=$(mktemp -d)
RR_CHROMIUM_EXTRA_ARGS=--js-flags=--perf-basic-prof \
  node scripts/demo.mjs --headless --seconds "$seconds" --port 0 --s3-port 0 --s3-dir "$out/s3" \
  --out "$out/recording.mp4" >"$out/run.json" 2>"$out/run.err" &
demo=$!
until grep -q 'recording started' "$out/run.err"; do
  kill -0 "$demo" 2>/dev/null || { cat "$out/run.err" >&2; exit 1; }
  sleep 0.5
done
sleep 5 # past the encoders' start
perf record -a -g -o "$out/perf.data" -- sleep 8 2>/dev/null
wait "$demo"
echo "== share of all samples, by thread and library (${seconds}-s headless demo, 8 s sampled)"
perf report -i "$out/perf.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null | grep "%" | head -20 || true
echo "== by thread and function (JS functions as V8 names them)"
perf report -i "$out/perf.data" --no-children --sort comm,sym --stdio -g none 2>/dev/null | grep "%" | head -30 || true
echo "== the run: $(tail -1 "$out/run.json" | cut -c1-300)"
rm -rf "$out"
