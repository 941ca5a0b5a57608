"""Writes HDF5 inputs for Longtail's bad-input tests: a dataset compressed with a filter
Longtail does not register (hdf5plugin's LZ4, id 32004), and a string dataset."""
import sys
from pathlib import Path
import h5py, hdf5plugin, numpy as np

out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
with h5py.File(out / "lz4.h5", "w", libver=("earliest", "v110")) as f:
    f.create_dataset("force", data=np.arange(3000, dtype=np.float32).reshape(1000, 3), chunks=(100, 3), **hdf5plugin.LZ4())
with h5py.File(out / "strings.h5", "w", libver=("earliest", "v110")) as f:
    f.create_dataset("names", data=np.array([b"a", b"bb", b"ccc"]))
    f.create_dataset("ok", data=np.arange(10.0))
