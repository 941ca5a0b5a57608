"""The peer a user would otherwise run for a ROS 1 bag: the Python `rosbags` reader,
deserializing every message and collecting every numeric field (the same work as
`longtail-bench bag-decode`). Prints one JSON line: bytes of messages processed, seconds,
throughput and a checksum. Stops after --max-seconds and reports the rate so far.
"""
import argparse, json, time

import numpy as np
from rosbags.rosbag1 import Reader
from rosbags.typesys import Stores, get_typestore


def numbers(obj, out):
    if isinstance(obj, (bool, int, float)):
        out.append(float(obj))
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biuf": out.extend(obj.astype(float).tolist())
    elif isinstance(obj, (list, tuple)):
        for x in obj: numbers(x, out)
    elif isinstance(obj, (str, bytes)):
        pass
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            if name != "__msgtype__" and not name.isupper(): numbers(getattr(obj, name), out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--max-seconds", type=float, default=60)
    a = ap.parse_args()
    ts = get_typestore(Stores.ROS1_NOETIC)
    processed = messages = values = 0
    checksum = 0.0
    start = time.perf_counter()
    with Reader(a.file) as reader:
        for connection, timestamp, raw in reader.messages():
            row = []
            numbers(ts.deserialize_ros1(raw, connection.msgtype), row)
            checksum += sum(row); values += len(row)
            processed += len(raw); messages += 1
            if messages % 10000 == 0 and time.perf_counter() - start > a.max_seconds:
                break
    seconds = time.perf_counter() - start
    print(json.dumps({"messages": messages, "bytes": processed, "seconds": seconds,
                      "mb_per_s": processed / seconds / 1e6, "values": values, "checksum": checksum}))


main()
