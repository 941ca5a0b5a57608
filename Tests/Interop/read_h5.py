"""Reads an HDF5 file with h5py + hdf5plugin and prints JSON: every dataset (shape,
dtype, chunks, compression, values as float64 lists with NaN/inf as strings) and every
attribute. Used to check files Longtail writes."""
import json, math, sys
import h5py, hdf5plugin, numpy as np


def num(x):
    x = float(x)
    if math.isnan(x): return "nan"
    if math.isinf(x): return "inf" if x > 0 else "-inf"
    return x


def attr(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, str): return v
    a = np.asarray(v)
    if a.dtype.kind in "OSU": return [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel()]
    return [num(x) for x in a.ravel()]


out = {"datasets": {}, "attrs": {}}
with h5py.File(sys.argv[1], "r") as f:
    def visit(name, obj):
        if obj.attrs:
            out["attrs"]["/" + name] = {k: attr(v) for k, v in obj.attrs.items()}
        if isinstance(obj, h5py.Dataset):
            out["datasets"]["/" + name] = {"shape": list(obj.shape), "dtype": str(obj.dtype), "chunks": obj.chunks and list(obj.chunks),
                                           "filters": [str(k) for k in obj._filters.keys()],
                                           "values": [num(x) for x in np.asarray(obj[()]).ravel()]}
    if f.attrs:
        out["attrs"]["/"] = {k: attr(v) for k, v in f.attrs.items()}
    f.visititems(visit)
print(json.dumps(out))
