#!/usr/bin/env bash
# Side-by-side throughput of `regolith invert` (paper CNN) against gdal_translate on one full
# GF-2-size scene (issue 7's bar: invert no slower than 2× gdal_translate).
#
#   tools/bench-invert.sh [WORKDIR] [ROUNDS]
#
# Once: a 7300 × 6900 synthetic world (regolith synth), its reflectance (calibrate), sample set
# (samples) and a paper-preset model (train, 2000 iterations: the weights do not change the cost).
# Then ROUNDS alternating rounds on the same reflectance scene, both on all cores:
#   gdal_translate -b 2 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3
#                  --config GDAL_NUM_THREADS ALL_CPUS -co NUM_THREADS=ALL_CPUS
#   regolith invert MODEL REFL --out content.tif --memory 256MiB
# It prints each round, the medians, Mpixel/s, the ratio, and regolith's peak RSS (GNU time).
# Shared machines are noisy: read the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/regolith-bench}
rounds=${2:-3}
swift build -c release --product regolith >/dev/null
regolith=$PWD/.build/release/regolith
mkdir -p "$work"
scene=$(ls "$work"/scene/*-MSS1.tiff 2>/dev/null | head -1 || true)
if [ -z "$scene" ]; then
    "$regolith" synth --width 7300 --height 6900 --seed 7 --out "$work/scene" --quiet >/dev/null
    scene=$(ls "$work"/scene/*-MSS1.tiff | head -1)
fi
refl=$work/reflectance.tif
[ -f "$refl" ] || "$regolith" calibrate "$scene" --out "$refl" --quiet >/dev/null
[ -f "$work/sampleset.csv" ] || "$regolith" samples "$refl" "$work/scene/samples.csv" --out "$work/sampleset.csv" --nmax 32 --quiet >/dev/null
[ -f "$work/model/model.safetensors" ] || "$regolith" train "$work/sampleset.csv" --out "$work/model" --iterations 2000 --quiet >/dev/null
source tools/bench-timing.sh
gdal_times=(); invert_times=()
for round in $(seq "$rounds"); do
    rm -f "$work/translate.tif" "$work/content.tif"
    g=$(seconds gdal_translate -q -b 2 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3 \
        --config GDAL_NUM_THREADS ALL_CPUS -co NUM_THREADS=ALL_CPUS "$refl" "$work/translate.tif")
    i=$(seconds "$regolith" invert "$work/model" "$refl" --out "$work/content.tif" --memory 256MiB --quiet --restart)
    printf 'round %d: gdal_translate %.2f s, regolith invert %.2f s\n' "$round" "$g" "$i"
    gdal_times+=("$g"); invert_times+=("$i")
done
rm -f "$work/content.tif"
rss=$( { command time -f '%M' "$regolith" invert "$work/model" "$refl" --out "$work/content.tif" --memory 256MiB --quiet --restart >/dev/null; } 2>&1 | tail -1)
gm=$(printf '%s\n' "${gdal_times[@]}" | median); im=$(printf '%s\n' "${invert_times[@]}" | median)
pixels=$((7300 * 6900))
printf 'median: gdal_translate %.2f s (%.1f Mpixel/s), regolith invert %.2f s (%.1f Mpixel/s), ratio invert/gdal_translate %.2f; invert peak RSS %d MiB\n' \
    "$gm" "$(echo "$pixels / $gm / 1000000" | bc -l)" "$im" "$(echo "$pixels / $im / 1000000" | bc -l)" "$(echo "$im / $gm" | bc -l)" "$((rss / 1024))"
