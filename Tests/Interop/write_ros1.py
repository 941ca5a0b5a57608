"""Writes ROS 1 test inputs with independent implementations, and what they decode to.

  write_ros1.py OUT_DIR            the interop set (expected-*.jsonl beside each file)
  write_ros1.py OUT_DIR --small    three small bags (none, bz2, lz4) of the first 8 messages,
                                   the committed Fixtures/ros1 (bad-input tests flip their bytes)

rosbags writes bags (uncompressed, bz2, lz4; and an unindexed copy of the bz2 bag, as a
recorder that crashed leaves it: index cut off, index_pos 0) holding sensor_msgs Imu,
NavSatFix and JointState, nav_msgs Odometry, geometry_msgs WrenchStamped and a custom
nested type (fixed and variable arrays, strings, string arrays, nested messages, time,
duration, constants, bytes), with NaN, ±inf and non-ASCII text among the values.
mcap-ros1-support's Writer writes the same messages as a ros1 MCAP (genpy classes generated
from each type's ROS 1 definition). Expected values come from reading the files back with rosbags (bags) and with
mcap + mcap-ros1-support (the MCAP), one JSON line per message in OUT_DIR/expected-*.jsonl.
Time fields are written as {"sec", "nanosec"} (rosbags' naming; genpy's secs/nsecs mapped).
"""
import dataclasses
import json
import math
import random
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
from mcap.reader import make_reader
from mcap.writer import Writer as McapWriter
from mcap_ros1.decoder import DecoderFactory
from rosbags.rosbag1 import Reader, Writer
from rosbags.typesys import Stores, get_typestore, get_types_from_msg

from interop_common import jsonable as base_jsonable

NESTED = """
uint8 MODE_A=1
string GREETING=hello
std_msgs/Header header
float64[3] fixed
int32[] counts
string name
string[] labels
time t
duration d
uint8[] blob
geometry_msgs/Point[2] corners
Item[] items
"""
ITEM = """
string label
float32 value
int8 code
bool ok
"""


TYPESTORE = None


def jsonable(v):
    if isinstance(v, np.ndarray): return [jsonable(x) for x in v.tolist()]
    if isinstance(v, np.generic): return jsonable(v.item())
    t = type(v).__name__
    if t in ("Time", "Duration") and hasattr(v, "secs"): return {"sec": v.secs, "nanosec": v.nsecs}
    if dataclasses.is_dataclass(v):   # the message's fields (by its definition), not its constants
        names = [f[0] for f in TYPESTORE.fielddefs[v.__msgtype__][1]]
        return {n: jsonable(getattr(v, n)) for n in names}
    if isinstance(v, str) or isinstance(v, (int, float, bool)) or v is None: return base_jsonable(v)
    if isinstance(v, (list, tuple)): return [jsonable(x) for x in v]
    if isinstance(v, (bytes, bytearray)): return list(v)
    if hasattr(v, "__slots__"):
        return {k: jsonable(getattr(v, k)) for k in v.__slots__}
    return base_jsonable(v)


def messages(ts, rng):
    T = lambda s, n: ts.types["builtin_interfaces/msg/Time"](sec=s, nanosec=n)
    D = lambda s, n: ts.types["builtin_interfaces/msg/Duration"](sec=s, nanosec=n)
    Header = ts.types["std_msgs/msg/Header"]
    V3 = ts.types["geometry_msgs/msg/Vector3"]
    P = ts.types["geometry_msgs/msg/Point"]
    Q = ts.types["geometry_msgs/msg/Quaternion"]
    specials = [math.nan, math.inf, -math.inf]
    out = []
    t0 = 1_700_000_000
    for i in range(60):
        sec, ns = t0 + i // 10, (i % 10) * 100_000_000
        h = Header(seq=i, stamp=T(sec, ns), frame_id=["base_link", "imu_ünï", ""][i % 3])
        f = lambda: specials[i % 3] if i % 17 == 5 else rng.uniform(-50, 50)
        cov = np.array([f() for _ in range(9)], dtype=np.float64)
        out.append(("/imu", "sensor_msgs/msg/Imu", ts.types["sensor_msgs/msg/Imu"](
            header=h, orientation=Q(x=f(), y=f(), z=f(), w=f()), orientation_covariance=cov,
            angular_velocity=V3(x=f(), y=f(), z=f()), angular_velocity_covariance=cov,
            linear_acceleration=V3(x=f(), y=f(), z=f()), linear_acceleration_covariance=cov), sec, ns))
        if i % 2 == 0:
            Twist = ts.types["geometry_msgs/msg/Twist"]
            pose = ts.types["geometry_msgs/msg/PoseWithCovariance"](
                pose=ts.types["geometry_msgs/msg/Pose"](position=P(x=f(), y=f(), z=f()), orientation=Q(x=0.0, y=0.0, z=0.0, w=1.0)),
                covariance=np.array([f() for _ in range(36)]))
            twist = ts.types["geometry_msgs/msg/TwistWithCovariance"](twist=Twist(linear=V3(x=f(), y=f(), z=f()), angular=V3(x=f(), y=f(), z=f())),
                                                                        covariance=np.array([f() for _ in range(36)]))
            out.append(("/odom", "nav_msgs/msg/Odometry", ts.types["nav_msgs/msg/Odometry"](header=h, child_frame_id="base_footprint", pose=pose, twist=twist), sec, ns + 1))
        if i % 3 == 0:
            W = ts.types["geometry_msgs/msg/Wrench"](force=V3(x=f(), y=f(), z=f()), torque=V3(x=f(), y=f(), z=f()))
            out.append(("/wrench", "geometry_msgs/msg/WrenchStamped", ts.types["geometry_msgs/msg/WrenchStamped"](header=h, wrench=W), sec, ns + 2))
        if i % 4 == 0:
            n = i % 5
            out.append(("/joints", "sensor_msgs/msg/JointState", ts.types["sensor_msgs/msg/JointState"](
                header=h, name=[f"joint_{k}" for k in range(n)], position=np.array([f() for _ in range(n)]),
                velocity=np.array([f() for _ in range(n)]), effort=np.array([], dtype=np.float64)), sec, ns + 3))
        if i % 6 == 0:
            st = ts.types["sensor_msgs/msg/NavSatStatus"](status=np.int8(i % 3 - 1), service=np.uint16(1))
            out.append(("/fix", "sensor_msgs/msg/NavSatFix", ts.types["sensor_msgs/msg/NavSatFix"](
                header=h, status=st, latitude=37.4 + i * 1e-6, longitude=-122.1, altitude=f(),
                position_covariance=np.array([f() for _ in range(9)]), position_covariance_type=np.uint8(2)), sec, ns + 4))
        if i % 5 == 0:
            Item = ts.types["longtail_test/msg/Item"]
            items = [Item(label=f"item {k} ✓", value=np.float32(f()), code=np.int8(k - 2), ok=bool(k % 2)) for k in range(i % 4)]
            out.append(("/nested", "longtail_test/msg/Nested", ts.types["longtail_test/msg/Nested"](
                header=h, fixed=np.array([f(), f(), f()]), counts=np.array(list(range(-2, i % 7)), dtype=np.int32),
                name=f"nested #{i}", labels=[f"l{k}" for k in range(i % 3)], t=T(sec, ns), d=D(-(i % 4), 5_000 * i),
                blob=np.array([k * 37 % 256 for k in range(i % 9)], dtype=np.uint8), corners=[P(x=f(), y=f(), z=f()), P(x=1.0, y=2.0, z=3.0)],
                items=items), sec, ns + 5))
    return out


def write_bag(path, ts, msgs, compression):
    w = Writer(path)
    if compression: w.set_compression(compression)
    w.chunk_threshold = 4096   # several chunks per bag
    conns = {}
    with w:
        for topic, typ, _, _, _ in msgs:
            if topic not in conns: conns[topic] = w.add_connection(topic, typ, typestore=ts, callerid="/writer", latching=1 if topic == "/fix" else 0)
        for topic, typ, m, sec, ns in msgs:
            w.write(conns[topic], sec * 1_000_000_000 + ns, ts.serialize_ros1(m, typ))


def expected_bag(path, ts, out):
    with Reader(path) as r, open(out, "w") as f:
        for c, t, raw in r.messages():
            f.write(json.dumps({"topic": c.topic, "time": t, "type": c.msgtype, "md5sum": c.digest,
                                "decoded": jsonable(ts.deserialize_ros1(raw, c.msgtype))}) + "\n")


def write_mcap(path, ts, msgs):
    """The messages as a ros1 MCAP written by mcap-ros1-support's Writer: genpy classes made
    at run time from each type's ROS 1 definition (as rosbags generates it), each message
    deserialized into them from rosbags' serialization."""
    from mcap_ros1._vendor.genpy.dynamic import generate_dynamic
    from mcap_ros1.writer import Writer as Ros1Writer
    classes = {}
    with open(path, "wb") as fh:
        w = Ros1Writer(fh)
        for topic, typ, m, sec, ns in msgs:
            name = typ.replace("/msg/", "/")
            if name not in classes:
                text, _ = ts.generate_msgdef(typ, ros_version=1)
                classes[name] = generate_dynamic(name, text)[name]
            genpy_msg = classes[name]()
            genpy_msg.deserialize(bytes(ts.serialize_ros1(m, typ)))
            t = sec * 1_000_000_000 + ns
            w.write_message(topic, genpy_msg, log_time=t, publish_time=t)
        w.finish()


def expected_mcap(path, out):
    with open(path, "rb") as fh, open(out, "w") as f:
        for schema, channel, message, decoded in make_reader(fh, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
            f.write(json.dumps({"topic": channel.topic, "time": message.log_time, "type": schema.name, "decoded": jsonable(decoded)}) + "\n")


def unindexed(src, dst):
    """A copy as a crashed recorder leaves it: the index cut off and index_pos zeroed."""
    data = bytearray(Path(src).read_bytes())
    at = 13
    hlen = struct.unpack_from("<I", data, at)[0]
    header = data[at + 4: at + 4 + hlen]
    k = 0
    while k < hlen:
        n = struct.unpack_from("<I", header, k)[0]
        field = header[k + 4: k + 4 + n]
        if field.startswith(b"index_pos="):
            index_pos = struct.unpack_from("<Q", field, 10)[0]
            struct.pack_into("<Q", data, at + 4 + k + 4 + 10, 0)
        k += 4 + n
    Path(dst).write_bytes(bytes(data[:index_pos]))


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    global TYPESTORE
    ts = TYPESTORE = get_typestore(Stores.ROS1_NOETIC)
    types = {}
    types.update(get_types_from_msg(NESTED, "longtail_test/msg/Nested"))
    types.update(get_types_from_msg(ITEM, "longtail_test/msg/Item"))
    ts.register(types)
    msgs = messages(ts, random.Random(5))
    if sys.argv[2:] == ["--small"]:
        for name, comp in [("none", None), ("bz2", Writer.CompressionFormat.BZ2), ("lz4", Writer.CompressionFormat.LZ4)]:
            p = out / f"small-{name}.bag"
            if p.exists(): p.unlink()
            write_bag(p, ts, msgs[:8], comp)
        print(json.dumps({"messages": 8}))
        return
    for name, comp in [("none", None), ("bz2", Writer.CompressionFormat.BZ2), ("lz4", Writer.CompressionFormat.LZ4)]:
        p = out / f"ros1-{name}.bag"
        if p.exists(): p.unlink()
        write_bag(p, ts, msgs, comp)
        expected_bag(p, ts, out / f"expected-{name}.jsonl")
    unindexed(out / "ros1-bz2.bag", out / "ros1-unindexed.bag")
    shutil.copy(out / "expected-bz2.jsonl", out / "expected-unindexed.jsonl")
    write_mcap(out / "ros1.mcap", ts, msgs)
    expected_mcap(out / "ros1.mcap", out / "expected-mcap.jsonl")
    print(json.dumps({"messages": len(msgs), "topics": sorted({m[0] for m in msgs})}))


main()
