#!/usr/bin/env bash
# Installs the system packages Regolith builds and tests against (Debian/Ubuntu).
# Idempotent and quiet when everything is already there; run by `make demo` and `make test`.
# --with-slurm also installs Slurm and munge for the Slurm integration test (`make test` passes it
# unless REGOLITH_SKIP_SLURM=1); the tests themselves never install anything.
set -euo pipefail

# chromium: the report test renders report.html headless. libxgboost-dev: gradient-boosted trees;
# python3-xgboost: tools/check-xgboost.py, the interop check against Python's xgboost (same version).
packages=(libgdal-dev libzstd-dev gdal-bin pkg-config time chromium libxgboost-dev python3-xgboost)
for argument in "$@"; do
    case "$argument" in
        --with-slurm) packages+=(slurm-wlm munge) ;;
        *) echo "install-deps: unknown option $argument (known: --with-slurm)" >&2; exit 2 ;;
    esac
done

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]} (one-time, about a minute)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
