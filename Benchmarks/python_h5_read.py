"""The peer for HDF5 reads: h5py + hdf5plugin (both link libhdf5), reading every numeric
dataset of every file as float32 (what Longtail's scan does) and summing it. Prints one
JSON line: values, seconds, MB/s of float32 produced, checksum."""
import json, sys, time
import h5py, hdf5plugin, numpy as np

files = sys.argv[1:]
start = time.perf_counter()
values, checksum = 0, 0.0
for path in files:
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            global values, checksum
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                a = obj.astype(np.float32)[()]
                values += a.size
                checksum += float(a.sum(dtype=np.float64))
        f.visititems(visit)
seconds = time.perf_counter() - start
print(json.dumps({"files": len(files), "values": values, "seconds": seconds,
                  "mb_per_s": values * 4 / seconds / 1e6, "checksum": checksum}))
