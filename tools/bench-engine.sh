#!/usr/bin/env bash
# Side-by-side throughput of the tile engine against GDAL on one full GF-2-size scene.
#
#   tools/bench-engine.sh [WORKDIR] [ROUNDS]
#
# Generates a 7300 × 6900 synthetic scene once (regolith synth, ~30 s), then alternates, ROUNDS
# times, on the same machine in the same run:
#   gdal_translate -b 4 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3   (one band: the floor)
#   regolith ndvi SCENE --out ndvi.tif            (read 2 × UInt16, write Float32 ZSTD PREDICTOR=3)
# and prints each time, the medians and their ratio. Shared machines are noisy: read the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/regolith-bench}
rounds=${2:-3}
swift build -c release --product regolith >/dev/null
regolith=.build/release/regolith
mkdir -p "$work"
scene=$(ls "$work"/scene/*-MSS1.tiff 2>/dev/null | head -1 || true)
if [ -z "$scene" ]; then
    "$regolith" synth --width 7300 --height 6900 --seed 7 --out "$work/scene" --quiet >/dev/null
    scene=$(ls "$work"/scene/*-MSS1.tiff | head -1)
fi
source tools/bench-timing.sh
gdal_times=(); ndvi_times=()
for round in $(seq "$rounds"); do
    rm -f "$work/translate.tif" "$work/ndvi.tif"
    g=$(seconds gdal_translate -q -b 4 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3 "$scene" "$work/translate.tif")
    n=$(seconds "$regolith" ndvi "$scene" --out "$work/ndvi.tif" --quiet --restart)
    printf 'round %d: gdal_translate %.2f s, regolith ndvi %.2f s\n' "$round" "$g" "$n"
    gdal_times+=("$g"); ndvi_times+=("$n")
done
gm=$(printf '%s\n' "${gdal_times[@]}" | median); nm=$(printf '%s\n' "${ndvi_times[@]}" | median)
pixels=$((7300 * 6900))
printf 'median: gdal_translate %.2f s (%.1f Mpixel/s), regolith ndvi %.2f s (%.1f Mpixel/s), ratio ndvi/gdal_translate %.2f\n' \
    "$gm" "$(echo "$pixels / $gm / 1000000" | bc -l)" "$nm" "$(echo "$pixels / $nm / 1000000" | bc -l)" "$(echo "$nm / $gm" | bc -l)"
