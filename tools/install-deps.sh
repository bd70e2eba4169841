#!/usr/bin/env bash
# Installs the system packages Regolith builds and tests against (Debian/Ubuntu).
# Idempotent and quiet when everything is already there; run by `make demo` and `make test`.
# --with-slurm also installs Slurm and munge for the Slurm integration test (`make test` passes it
# unless REGOLITH_SKIP_SLURM=1); the tests themselves never install anything.
# --with-onnx-bench also makes /opt/regolith-onnx-venv for tools/bench-python-onnx.py (run by
# tools/bench-fused.sh): the system python with python3-gdal, plus onnxruntime and onnx from PyPI
# in a venv, because their NumPy 2 would break the system gdal_array built against NumPy 1.
set -euo pipefail

# chromium: the report test renders report.html headless. libxgboost-dev: gradient-boosted trees;
# python3-xgboost: tools/check-xgboost.py, the interop check against Python's xgboost (same version).
packages=(libgdal-dev libzstd-dev gdal-bin pkg-config time chromium libxgboost-dev python3-xgboost)
onnx_venv=""
for argument in "$@"; do
    case "$argument" in
        --with-slurm) packages+=(slurm-wlm munge) ;;
        --with-onnx-bench) packages+=(python3-gdal python3-venv); onnx_venv=/opt/regolith-onnx-venv ;;
        *) echo "install-deps: unknown option $argument (known: --with-slurm, --with-onnx-bench)" >&2; exit 2 ;;
    esac
done

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
make_onnx_venv() {
    [ -z "$onnx_venv" ] || [ -x "$onnx_venv/bin/python" ] && return 0
    echo "install-deps: making $onnx_venv (onnxruntime, onnx)" >&2
    $sudo /usr/bin/python3 -m venv --system-site-packages "$onnx_venv"
    $sudo "$onnx_venv/bin/pip" install -q onnxruntime onnx numpy
}
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"
    elif [ ${#missing[@]} -gt 0 ] || { [ -n "$onnx_venv" ] && [ ! -x "$onnx_venv/bin/python" ]; }; then
        echo "install-deps: need root or sudo to install: ${missing[*]} ${onnx_venv}" >&2; exit 1
    fi
fi
[ ${#missing[@]} -eq 0 ] && { make_onnx_venv; exit 0; }
echo "install-deps: installing ${missing[*]} (one-time, about a minute)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
make_onnx_venv
