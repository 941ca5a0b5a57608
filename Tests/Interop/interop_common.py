"""Helpers shared by the interop scripts."""
import math


def jsonable(v):
    """A decoded mcap-ros2 value as JSON: NaN/inf as strings, bytes as integer lists."""
    if isinstance(v, float):
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, (bytes, bytearray)): return list(v)
    if isinstance(v, (list, tuple)): return [jsonable(x) for x in v]
    if hasattr(v, "__slots__"): return {k: jsonable(getattr(v, k)) for k in v.__slots__}
    return v
