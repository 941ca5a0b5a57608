"""Writes MCAP files with the Python `mcap` + `mcap-ros2-support` packages for Longtail's
interop tests: chunked and unchunked x zstd, lz4 and none x with and without summary,
with attachments and metadata, holding Imu, Odometry, WrenchStamped, JointState and a
custom nested type. Beside them, expected.json: every message as mcap-ros2 decodes it
(floats as Python repr, NaN/inf as strings)."""
import json, random, sys
from interop_common import jsonable
from pathlib import Path
from mcap.writer import Writer, CompressionType, IndexType
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory
from mcap_ros2._dynamic import serialize_dynamic

SEP = "\n" + "=" * 80 + "\n"
HEADER = "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id"
TIME = "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec"
V3 = "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z"
Q = "MSG: geometry_msgs/Quaternion\nfloat64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1"
P = "MSG: geometry_msgs/Point\nfloat64 x\nfloat64 y\nfloat64 z"
SCHEMAS = {
    "sensor_msgs/msg/Imu": SEP.join(["std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\ngeometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\ngeometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance", HEADER, TIME, Q, V3]),
    "nav_msgs/msg/Odometry": SEP.join(["std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/PoseWithCovariance pose\ngeometry_msgs/TwistWithCovariance twist", HEADER, TIME, "MSG: geometry_msgs/PoseWithCovariance\nPose pose\nfloat64[36] covariance", "MSG: geometry_msgs/Pose\nPoint position\nQuaternion orientation", P, Q, "MSG: geometry_msgs/TwistWithCovariance\nTwist twist\nfloat64[36] covariance", "MSG: geometry_msgs/Twist\nVector3 linear\nVector3 angular", V3]),
    "geometry_msgs/msg/WrenchStamped": SEP.join(["std_msgs/Header header\nWrench wrench", HEADER, TIME, "MSG: geometry_msgs/Wrench\nVector3 force\nVector3 torque", V3]),
    "sensor_msgs/msg/JointState": SEP.join(["std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\nfloat64[] effort", HEADER, TIME]),
    "longtail_test/msg/Custom": SEP.join(["# a custom nested type\nint32 LIMIT=7\nstring label\nint16[] samples\nItem[2] fixed_items\nItem[<=4] items\nuint8[] blob\nfloat32 ratio\nbool flag\nstring<=8 short_name \"abc\"\nint64 big\nint8[3] small", "MSG: longtail_test/Item\nstring name\nfloat64[2] xy\nuint32 count"]),
}
TOPICS = [("/imu", "sensor_msgs/msg/Imu"), ("/odom", "nav_msgs/msg/Odometry"), ("/wrench", "geometry_msgs/msg/WrenchStamped"),
          ("/joints", "sensor_msgs/msg/JointState"), ("/custom", "longtail_test/msg/Custom")]


def header(rng, t):
    return {"stamp": {"sec": t // 10**9, "nanosec": t % 10**9}, "frame_id": rng.choice(["base_link", "imu", "tool0"])}


def v3(rng):
    return {"x": rng.gauss(0, 3), "y": rng.gauss(0, 3), "z": rng.gauss(9.8, 1)}


def make(rng, schema, t, i):
    if schema.endswith("Imu"):
        cov = [rng.random() for _ in range(9)]
        if i == 1: cov[4] = float("nan")
        return {"header": header(rng, t), "orientation": {"x": 0.0, "y": 0.0, "z": rng.random(), "w": rng.random()},
                "orientation_covariance": cov, "angular_velocity": v3(rng), "angular_velocity_covariance": [0.0] * 9,
                "linear_acceleration": v3(rng), "linear_acceleration_covariance": [1e-300, -0.0, 5e-324] + [0.0] * 6}
    if schema.endswith("Odometry"):
        return {"header": header(rng, t), "child_frame_id": "base_link",
                "pose": {"pose": {"position": {"x": rng.gauss(0, 100), "y": rng.gauss(0, 100), "z": 0.0},
                                  "orientation": {"x": 0.0, "y": 0.0, "z": 0.38, "w": 0.92}}, "covariance": [rng.random() for _ in range(36)]},
                "twist": {"twist": {"linear": v3(rng), "angular": v3(rng)}, "covariance": [0.0] * 36}}
    if schema.endswith("WrenchStamped"):
        torque = v3(rng)
        if i == 2: torque["z"] = float("inf")
        if i == 3: torque["y"] = float("-inf")
        return {"header": header(rng, t), "wrench": {"force": v3(rng), "torque": torque}}
    if schema.endswith("JointState"):
        n = rng.randint(0, 7)
        return {"header": header(rng, t), "name": [f"joint_{k}" for k in range(n)],
                "position": [rng.gauss(0, 1) for _ in range(n)], "velocity": [rng.gauss(0, 1) for _ in range(n)], "effort": []}
    return {"label": "ünïcödé ✓ " + str(i), "samples": [rng.randint(-32768, 32767) for _ in range(rng.randint(0, 5))],
            "fixed_items": [{"name": "a", "xy": [rng.random(), rng.random()], "count": rng.randint(0, 2**32 - 1)} for _ in range(2)],
            "items": [{"name": "b" * k, "xy": [1.5, -2.5], "count": k} for k in range(rng.randint(0, 4))],
            "blob": [rng.randint(0, 255) for _ in range(rng.randint(0, 9))], "ratio": 0.1 * i, "flag": i % 2 == 0,
            "short_name": "xyz", "big": -(2**62) + i, "small": [-128, 0, 127]}


def write(path, chunked, compression, summary):
    rng = random.Random(path.name)
    kw = dict(use_chunking=chunked, compression=compression, chunk_size=2048)
    if not summary:
        kw.update(index_types=IndexType.NONE, use_statistics=False, repeat_channels=False, repeat_schemas=False, use_summary_offsets=False)
    with open(path, "wb") as f:
        w = Writer(f, **kw)
        w.start(profile="ros2", library="python-interop")
        ids = {}
        for topic, schema in TOPICS:
            sid = w.register_schema(name=schema, encoding="ros2msg", data=SCHEMAS[schema].encode())
            ids[topic] = (w.register_channel(topic=topic, message_encoding="cdr", schema_id=sid, metadata={"k": "v"}), schema)
        encoders = {schema: serialize_dynamic(schema, SCHEMAS[schema])[schema] for _, schema in TOPICS}
        t0 = 1_700_000_000_000_000_000
        for i in range(40):
            for k, (topic, _) in enumerate(TOPICS):
                cid, schema = ids[topic]
                t = t0 + i * 10_000_000 + (k * 7_000_000 if i % 5 == 0 else k)  # some cross-topic disorder
                w.add_message(channel_id=cid, log_time=t, publish_time=t + 1, sequence=i,
                              data=encoders[schema](make(rng, schema, t, i)))
            if i == 20:
                w.add_attachment(create_time=1, log_time=t0, name="calib.yaml", media_type="text/yaml", data=b"fx: 500\n")
                w.add_metadata(name="vehicle", data={"id": "car-7", "fw": "1.2"})
        w.finish()


def expected(path):
    out = []
    with open(path, "rb") as f:
        for schema, channel, msg, decoded in make_reader(f, decoder_factories=[DecoderFactory()]).iter_decoded_messages(log_time_order=True):
            out.append({"topic": channel.topic, "log_time": msg.log_time, "publish_time": msg.publish_time,
                        "sequence": msg.sequence, "decoded": jsonable(decoded)})
    return out


def main():
    out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
    result = {}
    for chunked in (True, False):
        for cname, comp in (("zstd", CompressionType.ZSTD), ("lz4", CompressionType.LZ4), ("none", CompressionType.NONE)):
            if not chunked and cname != "none": continue  # compression applies to chunks only
            for summary in (True, False):
                name = f"{'chunked' if chunked else 'unchunked'}-{cname}-{'summary' if summary else 'nosummary'}.mcap"
                write(out / name, chunked, comp, summary)
                result[name] = expected(out / name)
    (out / "expected.json").write_text(json.dumps(result))


main()
