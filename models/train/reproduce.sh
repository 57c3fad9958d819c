#!/bin/sh
# usage: reproduce.sh [REV]  -- the reproducibility check of the whole recipe: a clean checkout of REV
# (default HEAD) in $CHORUS_REPRO_DIR (default /work/repro), the recipe of the shipped models
# ($CHORUS_RECIPE, default run_v2.sh; run_v3.sh once its models ship) run there from scratch into its
# own work folder (corpus included), every rebuilt model scored by `npm run eval:models` in that
# checkout, then compared with this checkout's shipped models: chorus eval figures side by side
# (compare_models.py) and the expert/multitask deltas tensor by tensor (compare_deltas.py).
# ~2.5 h on 2 cores; nothing in this checkout is written.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel)
REV=${1:-HEAD}
R=${CHORUS_REPRO_DIR:-/work/repro}
PY=/usr/bin/python3
mkdir -p "$R"
[ -d "$R/checkout/.git" ] || git clone -q --no-hardlinks "$ROOT" "$R/checkout"
git -C "$R/checkout" checkout -q --detach "$REV"
# the rebuilt models replace the checkout's shipped ones, so nothing shipped is reused
rm -f "$R/checkout/models/base/model.safetensors" "$R/checkout/models/experts"/*/delta.safetensors \
  "$R/checkout/models/multitask/delta.safetensors"
[ -e "$R/checkout/node_modules" ] || ln -s "$ROOT/node_modules" "$R/checkout/node_modules"
RECIPE=${CHORUS_RECIPE:-run_v2.sh}
date -u +"%H:%M:%S reproduce: $RECIPE starts" >> "$R/reproduce.log"
CHORUS_TRAIN_WORK="$R/work" sh "$R/checkout/models/train/$RECIPE" >> "$R/reproduce.log" 2>&1
date -u +"%H:%M:%S reproduce: eval" >> "$R/reproduce.log"
echo "eval sets, samples and mel fixture against REV (no output = byte-identical):" >> "$R/reproduce.log"
git -C "$R/checkout" status --short models/eval models/samples test/fixtures >> "$R/reproduce.log"
(cd "$R/checkout" && npm run -s eval:models -- --no-readme) >> "$R/reproduce.log" 2>&1
cd "$HERE"
$PY compare_models.py "$ROOT/bench/results/models.json" "$R/checkout/bench/results/models.json" | tee -a "$R/reproduce.log"
for e in "$ROOT"/models/experts/*/; do
  n=$(basename "$e")
  $PY compare_deltas.py "$e/delta.safetensors" "$R/checkout/models/experts/$n/delta.safetensors" | tee -a "$R/reproduce.log"
done
$PY compare_deltas.py "$ROOT/models/multitask/delta.safetensors" "$R/checkout/models/multitask/delta.safetensors" | tee -a "$R/reproduce.log"
date -u +"%H:%M:%S reproduce: done" >> "$R/reproduce.log"
