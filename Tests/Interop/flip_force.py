"""Copies an HDF5 episode with one column of a force dataset negated, as a sensor mounted
the other way round would record it.

  flip_force.py IN.h5 OUT.h5 DATASET COLUMN
"""
import shutil
import sys

import h5py
import hdf5plugin  # noqa: F401  (registers the zstd filter for reading and writing)

src, dst, dataset, column = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shutil.copyfile(src, dst)
with h5py.File(dst, "r+") as f:
    d = f[dataset]
    values = d[...]
    values[:, column] = -values[:, column]
    d[...] = values
