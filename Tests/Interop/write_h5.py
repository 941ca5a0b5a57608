"""Writes HDF5 robot episodes with h5py + hdf5plugin for Longtail's interop tests, in the
four layouts people have (REASSEMBLE, ALOHA/ACT, robomimic, DROID raw), each with no
compression (contiguous and chunked), gzip, shuffle+gzip and zstd, in float32, float64
and int16, with libver=('earliest', 'v110') so HDF5 1.10 can open them. Beside each file,
NAME.expected/<dataset path with / as __>.bin holds the values as little-endian float64
(what Longtail's Double read must give bit for bit) and expected.json lists datasets,
shapes, dtypes and attributes."""
import json, sys
from pathlib import Path
import h5py, hdf5plugin, numpy as np


def comp(kind):
    if kind == "gzip": return dict(compression="gzip", compression_opts=4)
    if kind == "shuffle_gzip": return dict(compression="gzip", compression_opts=4, shuffle=True)
    if kind == "zstd": return dict(**hdf5plugin.Zstd(clevel=5))
    return {}


def episode(layout, rng, T):
    """(path, array) pairs and attributes for one layout."""
    t = np.arange(T) / 1000.0
    if layout == "reassemble":
        d = {"robot_state/pose": rng.normal(size=(T // 10, 7)), "robot_state/velocity": rng.normal(size=(T // 10, 6)),
             "robot_state/measured_force": rng.normal(0, 5, size=(T, 3)).astype(np.float32),
             "robot_state/measured_torque": rng.normal(0, 0.5, size=(T, 3)).astype(np.float32),
             "robot_state/joint_positions": rng.normal(size=(T // 10, 7)),
             "robot_state/gripper_positions": (rng.random(size=(T // 20, 2)) * 100).astype(np.int16),
             "timestamps/measured_force": t, "timestamps/pose": t[::10],
             "segments_info/0/start": np.array(0.5), "segments_info/0/end": np.array(1.5)}
        attrs = {"/segments_info/0": {"text": "insert the peg", "success": 1}}
    elif layout == "aloha":
        d = {"observations/qpos": rng.normal(size=(T // 20, 14)).astype(np.float32),
             "observations/qvel": rng.normal(size=(T // 20, 14)).astype(np.float32),
             "observations/effort": (rng.normal(size=(T // 20, 14)) * 1000).astype(np.int16),
             "action": rng.normal(size=(T // 20, 14)).astype(np.float32)}
        attrs = {"/": {"sim": 0, "compress": 1}}
    elif layout == "robomimic":
        d = {"data/demo_0/actions": rng.normal(size=(T // 20, 7)), "data/demo_0/states": rng.normal(size=(T // 20, 32)),
             "data/demo_0/rewards": rng.random(T // 20), "data/demo_0/dones": (rng.random(T // 20) > 0.99).astype(np.int16),
             "data/demo_0/obs/robot0_eef_pos": rng.normal(size=(T // 20, 3)).astype(np.float32),
             "data/demo_1/actions": rng.normal(size=(T // 40, 7))}
        attrs = {"/data": {"env_args": json.dumps({"env_name": "Lift", "type": 1}), "total": T // 20 + T // 40},
                 "/data/demo_0": {"num_samples": T // 20}, "/data/demo_1": {"num_samples": T // 40}}
    else:  # droid
        d = {"observation/robot_state/cartesian_position": rng.normal(size=(T // 60, 6)),
             "observation/robot_state/joint_positions": rng.normal(size=(T // 60, 7)),
             "observation/robot_state/joint_torques_computed": rng.normal(size=(T // 60, 7)).astype(np.float32),
             "observation/robot_state/gripper_position": rng.random(T // 60),
             "observation/timestamp/robot_state/robot_timestamp_seconds": np.arange(T // 60, dtype=np.float64)}
        attrs = {}
    # Special values must survive bit for bit.
    first = next(iter(d))
    if d[first].dtype.kind == "f" and d[first].ndim == 2:
        d[first][0, 0] = np.nan; d[first][1, 0] = np.inf; d[first][2, 0] = -0.0
    return d, attrs


def main():
    out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for li, layout in enumerate(["reassemble", "aloha", "robomimic", "droid"]):
        for kind in ["contiguous", "chunked", "gzip", "shuffle_gzip", "zstd"]:
            rng = np.random.default_rng(li * 10 + len(kind))
            data, attrs = episode(layout, rng, 2400)
            name = f"{layout}-{kind}.h5"
            exp = out / (name + ".expected"); exp.mkdir(exist_ok=True)
            with h5py.File(out / name, "w", libver=("earliest", "v110")) as f:
                for path, arr in data.items():
                    if kind == "contiguous" or arr.ndim == 0:
                        f.create_dataset(path, data=arr)
                    elif layout == "droid":  # DROID raw: resizable datasets
                        ds = f.create_dataset(path, data=arr, chunks=True, maxshape=(None,) + arr.shape[1:], **comp(kind))
                    else:
                        f.create_dataset(path, data=arr, chunks=(min(len(arr), 128),) + arr.shape[1:], **comp(kind))
                    arr.astype("<f8").tofile(exp / (path.replace("/", "__") + ".bin"))
                for obj, kv in attrs.items():
                    for k, v in kv.items():
                        f[obj].attrs[k] = v
            manifest[name] = {"datasets": {p: {"shape": list(a.shape), "dtype": str(a.dtype)} for p, a in data.items()},
                              "attrs": {o: {k: (v if isinstance(v, str) else int(v)) for k, v in kv.items()} for o, kv in attrs.items()}}
    (out / "expected.json").write_text(json.dumps(manifest))


main()
