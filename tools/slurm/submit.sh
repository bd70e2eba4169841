#!/usr/bin/env bash
# Submits a Regolith run to Slurm: a job array of N tasks (each runs its units of the plan) and
# the mosaic job, which starts only once every task succeeded (--dependency=afterok) and is
# cancelled if one fails (--kill-on-invalid-dep=yes).
#
#   tools/slurm/submit.sh --tasks N --out DIR --mosaic PATH [options] SCENES...
#
#   --command "CMD OPTS"  the regolith command and its own options, e.g. "invert MODEL_DIR" (required)
#   --memory SIZE         each task's --memory (default 2GiB); the --mem request is derived from it
#   --cpus C              CPUs (threads) per task (default 1)
#   --tile-size T         each task's --tile-size (default: the largest that fits --memory)
#   --unit-rows R         scene rows per work unit (default: regolith's)
#   --cog                 with a .vrt --mosaic, also write a COG beside it
#   --indices LIST        resubmit only these tasks (e.g. 3 or 1,3) of the same plan, after a task
#                         was cancelled or failed; give --after the old array's job id, so the new
#                         mosaic job waits for that array's other tasks too
#   --after JOBID
#
# Scenes may be @list.txt. Site options (partition, account, time limit) go through sbatch's own
# variables: SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT. REGOLITH names the binary
# (default: regolith on PATH); it is resolved to an absolute path for the jobs.
# Prints "array <job id>" and "mosaic <job id>" on stdout; logs go to DIR/logs/.
set -euo pipefail

command=""
tasks="" out="" mosaic="" memory="2GiB" cpus=1 tile_size="" unit_rows="" cog="" indices="" after=""
scenes=()
while [ $# -gt 0 ]; do
    case "$1" in
        --command) command=$2; shift 2 ;;
        --tasks) tasks=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --mosaic) mosaic=$2; shift 2 ;;
        --memory) memory=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --tile-size) tile_size=$2; shift 2 ;;
        --unit-rows) unit_rows=$2; shift 2 ;;
        --cog) cog="--cog"; shift ;;
        --indices) indices=$2; shift 2 ;;
        --after) after=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --*) echo "submit.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) scenes+=("$1"); shift ;;
    esac
done
if [ -z "$command" ] || [ -z "$tasks" ] || [ -z "$out" ] || [ -z "$mosaic" ] || [ ${#scenes[@]} -eq 0 ]; then
    echo "submit.sh: --command, --tasks, --out, --mosaic and at least one scene are required (see --help)" >&2
    exit 2
fi
if [ -n "$indices" ] && [ -z "$after" ]; then
    echo "submit.sh: --indices needs --after <the old array's job id>" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
regolith=$(command -v "${REGOLITH:-regolith}") || { echo "submit.sh: no regolith binary (${REGOLITH:-regolith}); set REGOLITH" >&2; exit 1; }

# The same options go to the plan and to every task, so they compute the same units.
engine=(--memory "$memory")
[ -n "$tile_size" ] && engine+=(--tile-size "$tile_size")
[ -n "$unit_rows" ] && engine+=(--unit-rows "$unit_rows")
plan_options=(--tasks "$tasks" --memory "$memory" --threads "$cpus")
[ -n "$unit_rows" ] && plan_options+=(--unit-rows "$unit_rows")

plan_json=$("$regolith" plan "${scenes[@]}" "${plan_options[@]}" --json)
memory_request=$(printf '%s\n' "$plan_json" | sed -n 's/^  "memoryRequestMiB" : \([0-9]*\),*$/\1/p')
[ -n "$memory_request" ] || { echo "submit.sh: could not read memoryRequestMiB from regolith plan --json" >&2; exit 1; }
units=$(printf '%s\n' "$plan_json" | grep -c '"endRow"')
echo "submit.sh: $units unit(s) over $tasks task(s), --mem=${memory_request}M per task" >&2

mkdir -p "$out/logs"
read -r -a command_words <<< "$command"
common=(--parsable --cpus-per-task="$cpus" --mem="${memory_request}M" --export="ALL,REGOLITH=$regolith")

array_indices=${indices:-0-$((tasks - 1))}
array_job=$(sbatch "${common[@]}" --array="$array_indices" --output="$out/logs/task-%A_%a.out" \
    "$here/regolith-array.sbatch" "$tasks" "${command_words[@]}" "${scenes[@]}" --out "$out" "${engine[@]}")
array_job=${array_job%%;*}

dependency="afterok:$array_job"
[ -n "$after" ] && dependency="$dependency,afterany:$after"
mosaic_job=$(sbatch "${common[@]}" --dependency="$dependency" --kill-on-invalid-dep=yes \
    --output="$out/logs/mosaic-%j.out" "$here/regolith-mosaic.sbatch" "$out" --out "$mosaic" $cog)
mosaic_job=${mosaic_job%%;*}

echo "array $array_job"
echo "mosaic $mosaic_job"
