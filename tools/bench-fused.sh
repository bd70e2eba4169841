#!/usr/bin/env bash
# Side-by-side cost of the fused DN → map path (issue 15, item 5): one ortho DN scene to the content
# map, calibration included, against the floor a user pays anyway to read the scene once.
#
#   tools/bench-fused.sh [WORKDIR] [ROUNDS] [WIDTH] [HEIGHT]
#
# Once: a WIDTH × HEIGHT synthetic world (regolith synth; default 7300 × 6900, a full GF-2 PMS scene),
# its reflectance (calibrate), sample set (samples) and a paper-preset model trained on it (train
# --scene, 2000 iterations: the weights do not change the cost; the model records TOA reflectance).
# Then ROUNDS alternating rounds, all on all cores, --memory 256MiB for regolith:
#   gdal_translate -b 2 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3
#                  --config GDAL_NUM_THREADS ALL_CPUS -co NUM_THREADS=ALL_CPUS   (of the DN scene)
#   regolith calibrate DN --out refl.tif, then regolith invert MODEL refl.tif   (two passes)
#   regolith invert MODEL DN --out content.tif                                  (fused: one pass)
#   tools/bench-python-onnx.py MODEL DN python-onnx.tif --threads NPROC          (GDAL + ONNX Runtime,
#                  the same job in one pass in Python; its per-band DN → reflectance affine is fitted
#                  once, untimed, to the scene and the reflectance regolith calibrate wrote)
# It prints each round, the medians, the ratios to gdal_translate, the fused run's speed-up over the
# Python script, the fused run's peak RSS (GNU time), the largest difference between the Python and
# the fused map, and the CPU's AVX-512 extensions. Shared machines are noisy: read the ratios.
# The Python interpreter: $REGOLITH_ONNX_PYTHON, default the venv tools/install-deps.sh --with-onnx-bench makes.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/regolith-bench-fused}
rounds=${2:-3}
width=${3:-7300}
height=${4:-6900}
swift build -c release --product regolith >/dev/null
regolith=$PWD/.build/release/regolith
mkdir -p "$work"
scene=$(ls "$work"/scene/*-MSS1.tiff 2>/dev/null | head -1 || true)
if [ -z "$scene" ]; then
    "$regolith" synth --width "$width" --height "$height" --seed 7 --out "$work/scene" --quiet >/dev/null
    scene=$(ls "$work"/scene/*-MSS1.tiff | head -1)
fi
refl=$work/reflectance.tif
[ -f "$refl" ] || "$regolith" calibrate "$scene" --out "$refl" --quiet >/dev/null
[ -f "$work/sampleset.csv" ] || "$regolith" samples "$refl" "$work/scene/samples.csv" --out "$work/sampleset.csv" --nmax 32 --quiet >/dev/null
[ -f "$work/model/model.safetensors" ] || "$regolith" train "$work/sampleset.csv" --scene "$refl" --out "$work/model" --iterations 2000 --quiet >/dev/null
python=${REGOLITH_ONNX_PYTHON:-/opt/regolith-onnx-venv/bin/python}
affine=$("$python" tools/bench-python-onnx.py --affine-from "$scene" "$refl")
source tools/bench-timing.sh
gdal_times=(); two_pass_times=(); fused_times=(); python_times=()
for round in $(seq "$rounds"); do
    rm -f "$work/translate.tif" "$work/refl-round.tif" "$work/two-pass.tif" "$work/fused.tif" "$work/python-onnx.tif"
    g=$(seconds gdal_translate -q -b 2 -ot Float32 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3 \
        --config GDAL_NUM_THREADS ALL_CPUS -co NUM_THREADS=ALL_CPUS "$scene" "$work/translate.tif")
    c=$(seconds "$regolith" calibrate "$scene" --out "$work/refl-round.tif" --memory 256MiB --quiet --restart)
    i=$(seconds "$regolith" invert "$work/model" "$work/refl-round.tif" --out "$work/two-pass.tif" --memory 256MiB --quiet --restart)
    f=$(seconds "$regolith" invert "$work/model" "$scene" --out "$work/fused.tif" --memory 256MiB --quiet --restart)
    p=$(seconds "$python" tools/bench-python-onnx.py "$work/model" "$scene" "$work/python-onnx.tif" --affine "$affine" --threads "$(nproc)")
    [ -s "$work/python-onnx.tif" ] || { echo "bench-fused: tools/bench-python-onnx.py wrote no map (run it by hand to see why)" >&2; exit 1; }
    t=$(echo "$c + $i" | bc -l)
    printf 'round %d: gdal_translate %.2f s, calibrate + invert %.2f s (%.2f + %.2f), fused invert %.2f s, Python + ONNX Runtime %.2f s\n' "$round" "$g" "$t" "$c" "$i" "$f" "$p"
    gdal_times+=("$g"); two_pass_times+=("$t"); fused_times+=("$f"); python_times+=("$p")
done
rm -f "$work/fused.tif"
rss=$( { command time -f '%M' "$regolith" invert "$work/model" "$scene" --out "$work/fused.tif" --memory 256MiB --quiet --restart >/dev/null; } 2>&1 | tail -1)
gm=$(printf '%s\n' "${gdal_times[@]}" | median)
tm=$(printf '%s\n' "${two_pass_times[@]}" | median)
fm=$(printf '%s\n' "${fused_times[@]}" | median)
pm=$(printf '%s\n' "${python_times[@]}" | median)
isa=$(avx512_extensions)
printf 'scene %d × %d, %d cores, AVX-512: %s\n' "$width" "$height" "$(nproc)" "${isa:-none}"
printf 'median: gdal_translate %.2f s, calibrate + invert %.2f s (%.2f ×), fused invert %.2f s (%.2f ×); fused peak RSS %d MiB\n' \
    "$gm" "$tm" "$(echo "$tm / $gm" | bc -l)" "$fm" "$(echo "$fm / $gm" | bc -l)" "$((rss / 1024))"
printf 'median: Python + ONNX Runtime %.2f s (%.2f ×); fused invert is %.2f × faster than it\n' \
    "$pm" "$(echo "$pm / $gm" | bc -l)" "$(echo "$pm / $fm" | bc -l)"
echo "Python map against the fused map:"
"$python" tools/bench-python-onnx.py --compare "$work/python-onnx.tif" "$work/fused.tif"
