#!/usr/bin/env python3
"""The Python baseline of issue 15's performance note: a GF-2 DN scene to the content map in one pass
with GDAL + ONNX Runtime, the paper CNN lowered to two dense matrices (run by tools/bench-fused.sh).

  bench-python-onnx.py MODEL_FOLDER DN_SCENE OUT.tif --affine g1,o1,g2,o2,g3,o3,g4,o4 [--threads 2]
      reads the DN scene one block row at a time (GDAL_CACHEMAX 64), brings each band to reflectance
      with `DN · g + o` (one pair per scene band), standardises, runs the network in 4096-pixel
      batches (intra-op threads = --threads, no spinning) and writes Float32 tiled GeoTIFF, ZSTD
      (Regolith's default level, 1) with PREDICTOR=3, nodata -9999 where any band's DN is 0.
  bench-python-onnx.py --affine-from DN_SCENE REFLECTANCE_SCENE
      prints the --affine value: per band, the least-squares line through (DN, reflectance) pairs
      from eight strips of 64 rows of the same scene as `regolith calibrate` wrote it (its residual on
      standard error; refused above 1e-6), so the timed run needs no Regolith call.
  bench-python-onnx.py --compare MAP.tif REGOLITH_MAP.tif
      prints the largest difference between two maps over pixels where both have values (Regolith's
      applicability domain sets nodata; those pixels are skipped and counted).

Needs the osgeo (python3-gdal) bindings and onnxruntime + onnx; tools/install-deps.sh --with-onnx-bench
makes /opt/regolith-onnx-venv with both (a venv on the system python, so that pip's NumPy 2 does not
replace the NumPy 1 the system's gdal_array was built against). Only GDAL's raw-buffer calls are used.

The network (Sources/NeuralNet/Inference/PaperNetworkReference.swift): the 4 standardised bands in 4
identical rows, conv 2×2 'same' (padding bottom/right) → ReLU → max-pool 2 → conv 2×2 'same' → ReLU →
max-pool 2 → dense 32→64 → ReLU → dense 64→1. On that fixed input each conv is one matrix: conv1 a
4 → 256 matrix whose columns are ordered (pool tap, channel, pooled row, pooled column), so the
max-pool is the maximum over 4 column blocks of 64; conv2 a 64 → 128 matrix, pooled over 4 blocks
of 32. The per-channel bias and the ReLU commute with the maximum and come after it.
"""
import json
import struct
import sys
import time

import numpy as np
from osgeo import gdal

BATCH = 4096
NODATA = -9999.0
ZSTD_LEVEL = 1  # Sources/TileEngine/EngineOptions.swift, defaultZstdLevel
TILE = 512

gdal.UseExceptions()


def read_safetensors(path):
    with open(path, "rb") as f:
        header_length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{path}: {name} is {entry['dtype']}, expected F32"
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def lowered_network(folder):
    """The paper preset as (conv1 4×256, bias 64, conv2 64×128, bias 32, dense weights and biases)."""
    spec = json.load(open(f"{folder}/model.json"))
    assert spec["architecture"]["preset"] == "paper", f"{folder}: preset {spec['architecture']['preset']}, expected paper"
    assert spec["input"]["layout"] == "replicated-rows" and spec["input"]["rows"] == 4, f"{folder}: not 4 replicated rows"
    t = read_safetensors(f"{folder}/model.safetensors")
    w1, b1, w2, b2 = t["0.weight"], t["0.bias"], t["3.weight"], t["3.bias"]
    # conv1 on 4 identical rows of the 4 band values, zero-padded at the bottom and right.
    conv1 = np.zeros((4, 256), np.float64)
    for o in range(16):
        for r in range(4):
            for c in range(4):
                column = (((r % 2) * 2 + c % 2) * 16 + o) * 4 + (r // 2) * 2 + c // 2
                for kr in range(2):
                    for kc in range(2):
                        if r + kr < 4 and c + kc < 4:
                            conv1[c + kc, column] += w1[o, 0, kr, kc]
    # conv2 on the pooled 16×2×2 map (channel-major, as the block maximum leaves it).
    conv2 = np.zeros((64, 128), np.float64)
    for o in range(32):
        for r in range(2):
            for c in range(2):
                column = (r * 2 + c) * 32 + o
                for ch in range(16):
                    for kr in range(2):
                        for kc in range(2):
                            if r + kr < 2 and c + kc < 2:
                                conv2[ch * 4 + (r + kr) * 2 + c + kc, column] += w2[o, ch, kr, kc]
    return spec, {
        "conv1": conv1.astype(np.float32), "bias1": np.repeat(b1, 4).astype(np.float32),
        "conv2": conv2.astype(np.float32), "bias2": b2.astype(np.float32),
        "dense1": np.ascontiguousarray(t["7.weight"].T), "bias3": t["7.bias"],
        "dense2": np.ascontiguousarray(t["10.weight"].T), "bias4": t["10.bias"],
    }


def onnx_model(weights, gains, offsets, means, sds, target_sd, target_mean):
    """DN (N×4 Float32) → map value (N×1): the affine to reflectance, the standardisation, the two
    conv matrices with their block maxima, the dense layers, the de-standardisation."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    constants = dict(weights)
    constants.update({"gains": gains, "offsets": offsets, "means": means, "sds": sds,
                      "target_sd": np.array([target_sd], np.float32), "target_mean": np.array([target_mean], np.float32),
                      "pool1": np.array([-1, 4, 64], np.int64), "pool2": np.array([-1, 4, 32], np.int64)})
    n = helper.make_node
    nodes = [
        n("Mul", ["dn", "gains"], ["scaled"]), n("Add", ["scaled", "offsets"], ["reflectance"]),
        n("Sub", ["reflectance", "means"], ["centred"]), n("Div", ["centred", "sds"], ["z"]),
        n("MatMul", ["z", "conv1"], ["c1"]), n("Reshape", ["c1", "pool1"], ["c1_taps"]),
        n("ReduceMax", ["c1_taps"], ["p1"], axes=[1], keepdims=0), n("Add", ["p1", "bias1"], ["p1b"]),
        n("Relu", ["p1b"], ["a1"]),
        n("MatMul", ["a1", "conv2"], ["c2"]), n("Reshape", ["c2", "pool2"], ["c2_taps"]),
        n("ReduceMax", ["c2_taps"], ["p2"], axes=[1], keepdims=0), n("Add", ["p2", "bias2"], ["p2b"]),
        n("Relu", ["p2b"], ["a2"]),
        n("MatMul", ["a2", "dense1"], ["h"]), n("Add", ["h", "bias3"], ["hb"]), n("Relu", ["hb"], ["a3"]),
        n("MatMul", ["a3", "dense2"], ["y"]), n("Add", ["y", "bias4"], ["yb"]),
        n("Mul", ["yb", "target_sd"], ["ys"]), n("Add", ["ys", "target_mean"], ["content"]),
    ]
    graph = helper.make_graph(
        nodes, "regolith-paper-cnn-lowered",
        [helper.make_tensor_value_info("dn", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("content", TensorProto.FLOAT, ["N", 1])],
        [numpy_helper.from_array(np.ascontiguousarray(v), name) for name, v in constants.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model.SerializeToString()


def invert(folder, scene_path, out_path, affine, threads):
    import onnxruntime as ort
    gdal.SetConfigOption("GDAL_CACHEMAX", "64")
    spec, weights = lowered_network(folder)
    bands = [b["number"] for b in spec["input"]["bands"]]
    assert len(bands) == 4, f"{folder}: {len(bands)} bands, the paper preset reads 4"
    s = spec["standardisation"]
    means, sds = np.array(s["inputMeans"], np.float32), np.array(s["inputStandardDeviations"], np.float32)
    gains, offsets = (np.array(affine[k::2], np.float32)[[b - 1 for b in bands]] for k in (0, 1))
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    session = ort.InferenceSession(onnx_model(weights, gains, offsets, means, sds, s["targetStandardDeviation"], s["targetMean"]),
                                   options, providers=["CPUExecutionProvider"])

    scene = gdal.OpenEx(scene_path, gdal.OF_RASTER, open_options=[f"NUM_THREADS={threads}"])
    width, height = scene.RasterXSize, scene.RasterYSize
    dtype = {gdal.GDT_UInt16: np.uint16, gdal.GDT_Int16: np.int16, gdal.GDT_Byte: np.uint8,
             gdal.GDT_UInt32: np.uint32}[scene.GetRasterBand(bands[0]).DataType]
    gdal_type = scene.GetRasterBand(bands[0]).DataType
    out = gdal.GetDriverByName("GTiff").Create(
        out_path, width, height, 1, gdal.GDT_Float32,
        ["TILED=YES", f"BLOCKXSIZE={TILE}", f"BLOCKYSIZE={TILE}", "COMPRESS=ZSTD", f"ZSTD_LEVEL={ZSTD_LEVEL}",
         "PREDICTOR=3", "BIGTIFF=IF_SAFER", f"NUM_THREADS={threads}"])
    out.SetGeoTransform(scene.GetGeoTransform())
    out.SetProjection(scene.GetProjection())
    out_band = out.GetRasterBand(1)
    out_band.SetNoDataValue(NODATA)
    # One output tile row at a time, so each tile is written (and compressed) once.
    for y in range(0, height, TILE):
        rows = min(TILE, height - y)
        raw = scene.ReadRaster(0, y, width, rows, band_list=bands, buf_type=gdal_type)
        dn = np.frombuffer(raw, dtype=dtype).reshape(4, rows * width)
        pixels = np.ascontiguousarray(dn.T, dtype=np.float32)
        content = np.empty(rows * width, np.float32)
        for start in range(0, rows * width, BATCH):
            content[start:start + BATCH] = session.run(None, {"dn": pixels[start:start + BATCH]})[0][:, 0]
        content[(dn == 0).any(axis=0)] = NODATA
        out_band.WriteRaster(0, y, width, rows, content.tobytes(), buf_type=gdal.GDT_Float32)
    out_band = None
    out = None


def read_band(path, band=1, window=None):
    dataset = gdal.Open(path)
    b = dataset.GetRasterBand(band)
    x, y, w, h = window or (0, 0, dataset.RasterXSize, dataset.RasterYSize)
    values = np.frombuffer(b.ReadRaster(x, y, w, h, buf_type=gdal.GDT_Float64), np.float64).reshape(h, w)
    return values, b.GetNoDataValue(), dataset


def affine_from(dn_path, reflectance_path):
    dataset = gdal.Open(dn_path)
    width, height = dataset.RasterXSize, dataset.RasterYSize
    # Eight strips of 64 rows spread over the scene, so a collar of nodata does not matter.
    windows = [(0, y, width, min(64, height - y)) for y in sorted({k * height // 8 for k in range(8)})]
    pairs = []
    for band in range(1, dataset.RasterCount + 1):
        dn = np.concatenate([read_band(dn_path, band, w)[0].ravel() for w in windows])
        reflectance_scene = gdal.Open(reflectance_path)  # kept alive while its band is used
        nodata = reflectance_scene.GetRasterBand(band).GetNoDataValue()
        reflectance = np.concatenate([read_band(reflectance_path, band, w)[0].ravel() for w in windows])
        valid = (dn != 0) & np.isfinite(reflectance) & (reflectance != nodata)
        x, y = dn[valid], reflectance[valid]
        if np.unique(x).size < 2:
            sys.exit(f"{dn_path}: band {band} has fewer than 2 distinct DNs in the rows sampled")
        (gain, offset), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
        residual = np.abs(x * gain + offset - y).max() / np.abs(y).max()
        print(f"band {band}: gain {gain:.9g}, offset {offset:.9g}, largest residual {residual:.2e} of the largest reflectance ({valid.sum()} pixels)", file=sys.stderr)
        # Float32 rounding of the reflectance leaves ~6e-8; more means it is not this scene's calibration.
        if residual > 1e-6:
            sys.exit(f"{reflectance_path}: band {band} is not an affine map of {dn_path} (residual {residual:.1e})")
        pairs += [f"{gain:.9g}", f"{offset:.9g}"]
    print(",".join(pairs))


def compare(map_path, regolith_path):
    a, nodata_a, _ = read_band(map_path)
    b, nodata_b, _ = read_band(regolith_path)
    assert a.shape == b.shape, f"{map_path} is {a.shape}, {regolith_path} {b.shape}"
    both = (a != nodata_a) & (b != nodata_b)
    only_regolith = (a == nodata_a) & (b != nodata_b)
    difference = np.abs(a[both] - b[both])
    # Relative to the value, where the value is not close to zero (1e-3 of the map's largest value).
    floor = 1e-3 * np.abs(b[both]).max()
    relative = difference / np.maximum(np.abs(b[both]), floor)
    print(f"compared {both.sum()} pixels; {(b == nodata_b).sum()} nodata in {regolith_path} skipped; "
          f"{only_regolith.sum()} nodata only in {map_path}")
    print(f"largest difference {difference.max():.3e} (absolute), {relative.max():.3e} (relative, |value| floored at {floor:.3g}); "
          f"median relative {np.median(relative):.3e}")


def main(argv):
    usage = __doc__.split("\n\n")[1]
    if len(argv) == 3 and argv[0] == "--affine-from":
        return affine_from(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "--compare":
        return compare(argv[1], argv[2])
    import argparse
    parser = argparse.ArgumentParser(usage=usage)
    parser.add_argument("model_folder")
    parser.add_argument("dn_scene")
    parser.add_argument("out")
    parser.add_argument("--affine", required=True, help="g1,o1,g2,o2,g3,o3,g4,o4: DN → reflectance per scene band")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    affine = [float(v) for v in args.affine.split(",")]
    if len(affine) % 2:
        parser.error("--affine needs a gain and an offset per band")
    start = time.perf_counter()
    invert(args.model_folder, args.dn_scene, args.out, affine, args.threads)
    print(f"wrote {args.out} in {time.perf_counter() - start:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
