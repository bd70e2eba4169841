#!/usr/bin/env bash
# Kriging throughput of `regolith krige` end to end (GeoTIFF written), per model and neighbourhood,
# with and without the variance, on one synthetic world; each case `rounds` times, alternating, and
# the median reported with the largest peak RSS of its rounds. Run by hand on a release build:
#
#   .build/release/regolith synth --width 2000 --height 2000 --seed 2 --out /tmp/w2
#   tools/bench-krige.sh /tmp/w2 3 [--tile-size 512] [--memory 256MiB]
#
# Extra arguments go to every `regolith krige`. Cases can be narrowed with CASES="exp-global sph-nmax32".
set -euo pipefail
world=${1:?usage: bench-krige.sh WORLD_DIR [ROUNDS] [krige options...]}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
regolith=${REGOLITH:-$(dirname "$0")/../.build/release/regolith}
scene=$(ls "$world"/GF2_*.tiff | head -1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pixels=$(gdalinfo "$scene" | awk '/^Size is/ { gsub(",", ""); print $3 * $4 }')

declare -A arguments=(
  [global]="" [nmax32]="--nmax 32" [global+variance]="--variance $out/v.tif" [nmax32+variance]="--nmax 32 --variance $out/v.tif"
  [nmax32-block4]="--nmax 32 --block 4" [global-block4]="--block 4"
)
cases=${CASES:-}
if [[ -z $cases ]]; then
  for model in sph exp gau; do
    for setup in global nmax32 nmax32+variance global+variance global-block4 nmax32-block4; do cases+=" $model-$setup"; done
  done
fi

declare -A times memory
for round in $(seq "$rounds"); do
  for case in $cases; do
    model=${case%%-*} setup=${case#*-}
    log=$out/log
    /usr/bin/time -f "%e %M" -o "$out/time" "$regolith" krige "$world/samples.csv" --like "$scene" --out "$out/k.tif" \
      --model "$model" ${arguments[$setup]} --restart --quiet "$@" > "$log" 2>&1 || { cat "$log"; exit 1; }
    read -r seconds kilobytes < "$out/time"
    times[$case]+="$seconds "
    (( kilobytes > ${memory[$case]:-0} )) && memory[$case]=$kilobytes
  done
done

printf "%-22s %10s %12s %10s\n" case "median s" "Mpixel/s" "peak MiB"
for case in $cases; do
  median=$(tr ' ' '\n' <<< "${times[$case]}" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  printf "%-22s %10.2f %12.2f %10.0f\n" "$case" "$median" "$(bc -l <<< "$pixels / $median / 1000000")" "$(bc -l <<< "${memory[$case]} / 1024")"
done
