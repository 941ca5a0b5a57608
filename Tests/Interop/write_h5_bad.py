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
# A few-KB file declaring a 1e9 x 14 float64 dataset (112 GB) that stores nothing but its
# fill value, and timestamps of every kind of bad number (issue 17's HDF5 crash sites).
with h5py.File(out / "huge.h5", "w", libver=("earliest", "v110")) as f:
    f.create_dataset("wrench", shape=(1_000_000_000, 14), dtype=np.float64, chunks=(1024, 14), compression="gzip")
with h5py.File(out / "badtimes.h5", "w", libver=("earliest", "v110")) as f:
    f.create_dataset("force", data=np.ones((6, 3)))
    f.create_dataset("t", data=np.array([0.0, 1e300, np.nan, np.inf, -1e18, 0.004]))
# An unfiltered chunked dataset whose one chunk stores 100 bytes where a chunk holds 2400
# (fuzzing found libhdf5 1.10 copying a whole chunk into the shorter buffer).
with h5py.File(out / "shortchunk.h5", "w", libver=("earliest", "v110")) as f:
    d = f.create_dataset("force", shape=(100, 3), dtype=np.float64, chunks=(100, 3))
    d.id.write_direct_chunk((0, 0), bytes(100))
# A hard link from a group to its ancestor: a cycle (`inspect` never returned on one).
with h5py.File(out / "cycle.h5", "w", libver=("earliest", "v110")) as f:
    f.create_dataset("a/b/x", data=np.arange(3.0))
    f["a/b/loop"] = f["a"]
# A chunked dataset whose dataspace says scalar (rank patched from 1 to 0): libhdf5 1.10's
# H5Dread allocated without end on it (fuzzing found it: 5.8 GB in 3 s).
with h5py.File(out / "chunkedscalar.h5", "w", libver="earliest") as f:
    f.create_dataset("effort", data=np.array([1.5], dtype="<f4"), chunks=(1,), maxshape=(1,))
raw = bytearray((out / "chunkedscalar.h5").read_bytes())
space = bytes([1, 1, 1, 0, 0, 0, 0, 0]) + (1).to_bytes(8, "little") + (1).to_bytes(8, "little")   # dataspace v1, rank 1, dims+max
assert raw.count(space) == 1
raw[raw.find(space) + 1] = 0
(out / "chunkedscalar.h5").write_bytes(raw)
# A variable-length string attribute whose global heap collection records a free-space
# object of size 0: libhdf5 1.10 walks the collection for ever (fuzzing found it; h5py
# hangs on it too).
with h5py.File(out / "heaploop.h5", "w", libver="earliest") as f:
    f.attrs["note"] = "wrench applied by the environment"
    f.create_dataset("ok", data=np.arange(10.0))
raw = bytearray((out / "heaploop.h5").read_bytes())
heap = raw.find(b"GCOL")
assert heap > 0 and raw.count(b"GCOL") == 1
p = heap + 16
while int.from_bytes(raw[p:p + 2], "little") != 0:   # skip objects to the free space (index 0)
    p += 16 + (int.from_bytes(raw[p + 8:p + 16], "little") + 7) // 8 * 8
raw[p + 8:p + 16] = bytes(8)
(out / "heaploop.h5").write_bytes(raw)
# The same string's heap object recording 2^64 - 8 bytes in a 4096-byte collection: rounded
# up to 8 the size wraps to 0, so libhdf5 walks on, then copied the recorded size out of the
# heap (fuzzing found it, as a memcpy ASan stopped).
with h5py.File(out / "heapobject.h5", "w", libver="earliest") as f:
    f.attrs["note"] = "wrench applied by the environment"
    f.create_dataset("ok", data=np.arange(10.0))
raw = bytearray((out / "heapobject.h5").read_bytes())
heap = raw.find(b"GCOL")
assert int.from_bytes(raw[heap + 16:heap + 18], "little") == 1
raw[heap + 24:heap + 32] = ((1 << 64) - 8).to_bytes(8, "little")
(out / "heapobject.h5").write_bytes(raw)
# A dataset with five attributes whose fourth does not decode (its message version patched
# to 9), after a root with five good ones: listing them by index made libhdf5 1.10 close the
# table slots it never filled, stale pointers left by the root's table (a crash; fuzzing
# found it).
with h5py.File(out / "badattr.h5", "w", libver="earliest") as f:
    for k in range(1, 6):
        f.attrs[f"a{k}"] = np.int64(k)
    z = f.create_dataset("z", data=np.arange(10.0))
    for k in range(1, 6):
        z.attrs[f"b{k}"] = np.int64(k)
raw = bytearray((out / "badattr.h5").read_bytes())
name = raw.find(b"b4\x00")
assert name > 8 and raw.count(b"b4\x00") == 1 and raw[name - 8] == 1, raw[name - 8:name + 4]
raw[name - 8] = 9
(out / "badattr.h5").write_bytes(raw)
# A dataset of 2^40 rows of zero values each (its first dimension patched up from 5, under
# an unlimited maximum): read a block of rows at a time, it took minutes (fuzzing found it).
with h5py.File(out / "emptyrows.h5", "w", libver="earliest") as f:
    f.create_dataset("qvel", shape=(5, 0), maxshape=(None, 14), chunks=(5, 14), dtype="<f4")
raw = bytearray((out / "emptyrows.h5").read_bytes())
space = bytes([1, 2, 1, 0, 0, 0, 0, 0]) + (5).to_bytes(8, "little") + (0).to_bytes(8, "little")
assert raw.count(space) == 1, raw.count(space)
raw[raw.find(space) + 8:raw.find(space) + 16] = (1 << 40).to_bytes(8, "little")
(out / "emptyrows.h5").write_bytes(raw)
# An attribute whose name has no terminating NUL inside its message (the name and its
# padding patched to "n1XXXXXX"): libhdf5 1.10 strdup'ed past the object header's buffer on
# such a name (a heap-buffer-overflow under ASan; fuzzing found it).
with h5py.File(out / "noname.h5", "w", libver="earliest") as f:
    f.attrs["n1"] = np.int64(1)
    f.create_dataset("ok", data=np.arange(10.0))
raw = bytearray((out / "noname.h5").read_bytes())
name = raw.find(b"n1\x00")
assert name > 8 and raw.count(b"n1\x00") == 1 and raw[name - 8] == 1 and raw[name + 3:name + 8] == bytes(5)
raw[name:name + 8] = b"n1XXXXXX"
(out / "noname.h5").write_bytes(raw)
