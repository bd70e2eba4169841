#!/usr/bin/env bash
# Side-by-side cost of an L1A product + DEM → content map in one pass (issue 15, performance):
# `regolith invert MODEL PRODUCT/ --dem dem.tif` (the product's folder: its MSS orthorectified window
# by window through GDAL's warper, calibrated as it is read, mapped) against the preprocessing a user
# needs anyway: gdalwarp of the same MSS with the same DEM and grid. Both read the unpacked product:
# a full-size .tar.gz read in place costs both about 0.5 GiB of resident memory and minutes of
# re-decompression (gzip cannot seek), so the tarball is unpacked once, outside the timings.
#
#   tools/bench-l1a.sh [WORKDIR] [ROUNDS] [WIDTH] [HEIGHT]
#
# Once: a WIDTH × HEIGHT synthetic world delivered as an L1A product (regolith synth --level L1A,
# relief 300 m; default 7300 × 6900, a full GF-2 PMS scene, about 10 minutes to make), and a
# paper-preset model trained on its ortho reference scene (calibrate, samples, train --iterations
# 2000: the weights do not change the cost). Then ROUNDS alternating rounds, all on all cores:
#   gdalwarp -rpc -to RPC_DEM=dem.tif -t_srs <UTM> -tr 4 4 -tap -r bilinear -multi
#            -wo NUM_THREADS=ALL_CPUS -co TILED=YES -co COMPRESS=ZSTD   (the unpacked MSS; the issue's
#            command, gdalwarp's default error threshold 0.125 px; -tap for Regolith's grid)
#   regolith invert MODEL PRODUCT/ --dem dem.tif --memory 256MiB   (one pass to the map, with the
#            exact transformer: its pixels equal gdalwarp -et 0's)
# It prints each round, the medians, the ratio, regolith's peak RSS (GNU time) and the CPU's
# AVX-512 extensions. Shared machines are noisy: read the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/regolith-bench-l1a}
rounds=${2:-3}
width=${3:-7300}
height=${4:-6900}
swift build -c release --product regolith >/dev/null
regolith=$PWD/.build/release/regolith
mkdir -p "$work"
product=$(ls "$work"/world/*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$product" ]; then
    "$regolith" synth --width "$width" --height "$height" --seed 7 --level L1A --dem-relief 300 --out "$work/world" --quiet >/dev/null
    product=$(ls "$work"/world/*.tar.gz | head -1)
fi
dem=$work/world/dem.tif
ortho=$work/world/truth/ortho-dn.tif
refl=$work/reflectance.tif
[ -f "$refl" ] || "$regolith" calibrate "$ortho" --out "$refl" --quiet >/dev/null
[ -f "$work/sampleset.csv" ] || "$regolith" samples "$refl" "$work/world/samples.csv" --out "$work/sampleset.csv" --nmax 32 --quiet >/dev/null
[ -f "$work/model/model.safetensors" ] || "$regolith" train "$work/sampleset.csv" --scene "$refl" --out "$work/model" --iterations 2000 --quiet >/dev/null
unpacked=$work/product
if [ ! -d "$unpacked" ]; then mkdir -p "$unpacked.partial" && tar xzf "$product" -C "$unpacked.partial" && mv "$unpacked.partial" "$unpacked"; fi
mss=$(ls "$unpacked"/*-MSS[12].tiff | head -1)
epsg=$(gdalsrsinfo -o epsg "$ortho" | grep -o '[0-9]\+' | head -1)
source tools/bench-timing.sh
warp_times=(); map_times=()
for round in $(seq "$rounds"); do
    rm -f "$work/warped.tif" "$work/map.tif"
    w=$(seconds gdalwarp -q -rpc -to "RPC_DEM=$dem" -t_srs "EPSG:$epsg" -tr 4 4 -tap -r bilinear -multi \
        -wo NUM_THREADS=ALL_CPUS -co TILED=YES -co COMPRESS=ZSTD "$mss" "$work/warped.tif")
    m=$(seconds "$regolith" invert "$work/model" "$unpacked" --dem "$dem" --out "$work/map.tif" --memory 256MiB --quiet --restart)
    printf 'round %d: gdalwarp %.2f s, regolith invert --dem %.2f s\n' "$round" "$w" "$m"
    warp_times+=("$w"); map_times+=("$m")
done
rm -f "$work/map.tif"
rss=$( { command time -f '%M' "$regolith" invert "$work/model" "$unpacked" --dem "$dem" --out "$work/map.tif" --memory 256MiB --quiet --restart >/dev/null; } 2>&1 | tail -1)
wm=$(printf '%s\n' "${warp_times[@]}" | median)
mm=$(printf '%s\n' "${map_times[@]}" | median)
isa=$(avx512_extensions)
printf 'world %d × %d (L1A MSS %s), %d cores, AVX-512: %s\n' "$width" "$height" "$(gdalinfo "$mss" | sed -n 's/^Size is //p')" "$(nproc)" "${isa:-none}"
printf 'median: gdalwarp %.2f s, regolith invert --dem %.2f s (%.2f ×); regolith peak RSS %d MiB\n' \
    "$wm" "$mm" "$(echo "$mm / $wm" | bc -l)" "$((rss / 1024))"
