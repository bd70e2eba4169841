#!/usr/bin/env bash
# Side-by-side cost of a province against its products mapped one by one (issue 18, throughput):
# the region path — `regolith mosaic-products` (every product orthorectified with the DEM into its
# view on the region grid, then the views calibrated and their overlaps resolved by the priority into
# one mosaic), `regolith invert` of the mosaic, and
# `regolith anomalies` over the whole region (region-wide labelling) — against the single-scene
# fused pass the region replaces: `regolith invert MODEL PRODUCT/ --dem dem.tif` for each product
# (orthorectified, calibrated and mapped in one pass). The difference is the region's overhead:
# overlaps, the mosaic written and read back, region-wide labelling.
#
#   tools/bench-province.sh [WORKDIR] [ROUNDS] [ROWSxCOLUMNS] [WIDTH] [HEIGHT]
#
# Once: a province of ROWS × COLUMNS L1A products of WIDTH × HEIGHT (default 2x2 of 7300 × 6900,
# full GF-2 PMS scenes: about an hour to make on 2 cores), each unpacked once outside the timings
# (a .tar.gz read in place is re-decompressed, gzip cannot seek; see bench-l1a.sh), and a
# paper-preset model trained on the region mosaic, which holds TOA reflectance, so the model maps
# the products' DNs through their own calibration too (samples, train --iterations 1000: the
# weights do not change the cost). Then ROUNDS alternating rounds, all on all cores, --memory 256MiB.
# It prints each round, the medians, the overhead fraction, the region's pixels per second per
# node, the node-hours that rate gives 300 such products, and the CPU's AVX-512 extensions.
# Shared machines are noisy: read the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/regolith-bench-province}
rounds=${2:-3}
layout=${3:-2x2}
width=${4:-7300}
height=${5:-6900}
swift build -c release --product regolith >/dev/null
regolith=$PWD/.build/release/regolith
province=$work/province
mkdir -p "$work"
if [ ! -f "$province/catalogue.json" ]; then
    "$regolith" synth --province "$layout" --width "$width" --height "$height" --seed 7 --out "$province" --quiet >/dev/null
fi
dem=$province/dem.tif
# Each product unpacked once into products/<name>/; the list names the folders in catalogue order.
mkdir -p "$work/products"
list=$work/products.txt
: > "$list.partial"
for tarball in "$province"/*.tar.gz; do
    name=$(basename "$tarball" .tar.gz)
    folder=$work/products/$name
    if [ ! -d "$folder" ]; then mkdir -p "$folder.partial" && tar xzf "$tarball" -C "$folder.partial" && mv "$folder.partial" "$folder"; fi
    echo "$folder" >> "$list.partial"
done
mv "$list.partial" "$list"
products=$(wc -l < "$list")
region=$work/region
mkdir -p "$region" "$work/fused"
[ -f "$work/setup-mosaic.tif" ] || "$regolith" mosaic-products "@$list" --dem "$dem" --out "$work/setup-mosaic.tif" --memory 256MiB --quiet >/dev/null
[ -f "$work/sampleset.csv" ] || "$regolith" samples "$work/setup-mosaic.tif" "$province/samples.csv" --out "$work/sampleset.csv" --nmax 32 --quiet >/dev/null
[ -f "$work/model/model.safetensors" ] || "$regolith" train "$work/sampleset.csv" --scene "$work/setup-mosaic.tif" --out "$work/model" --iterations 1000 --quiet >/dev/null
source tools/bench-timing.sh
fused_times=(); mosaic_times=(); invert_times=(); anomaly_times=(); region_times=()
for round in $(seq "$rounds"); do
    f=0
    while read -r folder; do
        t=$(seconds "$regolith" invert "$work/model" "$folder" --dem "$dem" --out "$work/fused/$(basename "$folder").tif" --memory 256MiB --quiet --restart)
        f=$(echo "$f + $t" | bc -l)
    done < "$list"
    rm -f "$region/mosaic.tif" "$region/mosaic.source.tif" "$region/map.tif" "$region/areas.gpkg"
    m=$(seconds "$regolith" mosaic-products "@$list" --dem "$dem" --out "$region/mosaic.tif" --memory 256MiB --quiet --restart)
    i=$(seconds "$regolith" invert "$work/model" "$region/mosaic.tif" --out "$region/map.tif" --memory 256MiB --quiet --restart)
    a=$(seconds "$regolith" anomalies "$region/map.tif" --percentile 99 --min-area 2000 --out "$region/areas.gpkg")
    r=$(echo "$m + $i + $a" | bc -l)
    [ -f "$region/areas.gpkg" ] || { echo "round $round: the region path wrote no areas.gpkg" >&2; exit 1; }
    printf 'round %d: %d fused passes %.2f s; region %.2f s (mosaic %.2f, invert %.2f, anomalies %.2f)\n' "$round" "$products" "$f" "$r" "$m" "$i" "$a"
    fused_times+=("$f"); mosaic_times+=("$m"); invert_times+=("$i"); anomaly_times+=("$a"); region_times+=("$r")
done
fm=$(printf '%s\n' "${fused_times[@]}" | median)
rm_=$(printf '%s\n' "${region_times[@]}" | median)
mm=$(printf '%s\n' "${mosaic_times[@]}" | median)
im=$(printf '%s\n' "${invert_times[@]}" | median)
am=$(printf '%s\n' "${anomaly_times[@]}" | median)
read -r gw gh < <(gdalinfo "$region/mosaic.tif" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1 \2/p')
valid=$(gdalinfo -stats "$region/mosaic.source.tif" 2>/dev/null | sed -n 's/.*STATISTICS_VALID_PERCENT=//p' | head -1)
rm -f "$region/mosaic.source.tif.aux.xml"
isa=$(avx512_extensions)
printf 'province %s of %d × %d L1A products; region grid %d × %d (%s %% covered), %d cores, AVX-512: %s\n' \
    "$layout" "$width" "$height" "$gw" "$gh" "${valid:-?}" "$(nproc)" "${isa:-none}"
printf 'median: %d fused passes %.2f s; region %.2f s (mosaic %.2f, invert %.2f, anomalies %.2f)\n' "$products" "$fm" "$rm_" "$mm" "$im" "$am"
printf 'region overhead: %.1f %% (goal ≤ 15 %%)\n' "$(echo "($rm_ / $fm - 1) * 100" | bc -l)"
printf 'region throughput: %.2f Mpixel/s per node (grid pixels), %.2f Mpixel/s of product pixels\n' \
    "$(echo "$gw * $gh / $rm_ / 1000000" | bc -l)" "$(echo "$products * $width * $height / $rm_ / 1000000" | bc -l)"
printf '300 such products: %.1f node-hours (region path), %.1f (fused passes alone)\n' \
    "$(echo "300 * $rm_ / $products / 3600" | bc -l)" "$(echo "300 * $fm / $products / 3600" | bc -l)"
