"""Writes the protobuf decode benchmark's input: an MCAP (zstd chunks) of MEGABYTES of
protobuf messages shaped like sensor_msgs/Imu (100 Hz), nav_msgs/Odometry (50 Hz) and
geometry_msgs/WrenchStamped (200 Hz): headers with google.protobuf.Timestamp stamps,
nested vectors, packed covariance arrays. 20 000 random variants per type are serialized
by the Python protobuf runtime and written with the `mcap` writer under the
FileDescriptorSet of their types (as mcap-protobuf-support writes it).

  make_protobuf_mcap.py OUT.mcap MEGABYTES
"""
import random
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from mcap.writer import Writer

out, megabytes = sys.argv[1], float(sys.argv[2])
T = descriptor_pb2.FieldDescriptorProto
fp = descriptor_pb2.FileDescriptorProto(name="bench.proto", package="bench", syntax="proto3", dependency=["google/protobuf/timestamp.proto"])


def message(name, fields):
    m = fp.message_type.add(name=name)
    for i, (n, t, tn, rep) in enumerate(fields):
        f = m.field.add(name=n, number=i + 1, type=t, label=T.LABEL_REPEATED if rep else T.LABEL_OPTIONAL)
        if tn: f.type_name = tn


D, M, S = T.TYPE_DOUBLE, T.TYPE_MESSAGE, T.TYPE_STRING
message("Vec3", [(n, D, None, False) for n in "xyz"])
message("Quat", [(n, D, None, False) for n in "xyzw"])
message("Header", [("stamp", M, ".google.protobuf.Timestamp", False), ("frame_id", S, None, False)])
message("Imu", [("header", M, ".bench.Header", False), ("orientation", M, ".bench.Quat", False), ("orientation_covariance", D, None, True),
                ("angular_velocity", M, ".bench.Vec3", False), ("angular_velocity_covariance", D, None, True),
                ("linear_acceleration", M, ".bench.Vec3", False), ("linear_acceleration_covariance", D, None, True)])
message("Twist", [("linear", M, ".bench.Vec3", False), ("angular", M, ".bench.Vec3", False)])
message("Pose", [("position", M, ".bench.Vec3", False), ("orientation", M, ".bench.Quat", False)])
message("Odometry", [("header", M, ".bench.Header", False), ("child_frame_id", S, None, False), ("pose", M, ".bench.Pose", False),
                     ("pose_covariance", D, None, True), ("twist", M, ".bench.Twist", False), ("twist_covariance", D, None, True)])
message("Wrench", [("force", M, ".bench.Vec3", False), ("torque", M, ".bench.Vec3", False)])
message("WrenchStamped", [("header", M, ".bench.Header", False), ("wrench", M, ".bench.Wrench", False)])
pool = descriptor_pool.DescriptorPool()
ts = descriptor_pb2.FileDescriptorProto()
timestamp_pb2.DESCRIPTOR.CopyToProto(ts)
pool.Add(ts)
pool.Add(fp)
fds = descriptor_pb2.FileDescriptorSet(file=[ts, fp]).SerializeToString()
cls = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName("bench." + n))
rng = random.Random(13)
f = lambda: rng.uniform(-20, 20)


def vec(v):
    v.x, v.y, v.z = f(), f(), f()


def imu(i):
    m = cls("Imu")()
    m.header.stamp.seconds, m.header.stamp.nanos, m.header.frame_id = 1_700_000_000 + i, i % 1_000_000_000, "imu_link"
    m.orientation.x, m.orientation.y, m.orientation.z, m.orientation.w = f(), f(), f(), f()
    vec(m.angular_velocity); vec(m.linear_acceleration)
    for c in (m.orientation_covariance, m.angular_velocity_covariance, m.linear_acceleration_covariance): c.extend([f() for _ in range(9)])
    return m


def odom(i):
    m = cls("Odometry")()
    m.header.stamp.seconds, m.header.frame_id, m.child_frame_id = 1_700_000_000 + i, "odom", "base_link"
    vec(m.pose.position); m.pose.orientation.w = f(); vec(m.twist.linear); vec(m.twist.angular)
    m.pose_covariance.extend([f() for _ in range(36)]); m.twist_covariance.extend([f() for _ in range(36)])
    return m


def wrench(i):
    m = cls("WrenchStamped")()
    m.header.stamp.seconds, m.header.frame_id = 1_700_000_000 + i, "tool"
    vec(m.wrench.force); vec(m.wrench.torque)
    return m


kinds = [("/imu", "bench.Imu", imu, 10_000_000), ("/odom", "bench.Odometry", odom, 20_000_000), ("/wrench", "bench.WrenchStamped", wrench, 5_000_000)]
variants = {topic: [make(i).SerializeToString() for i in range(20000)] for topic, _, make, _ in kinds}
with open(out, "wb") as fh:
    w = Writer(fh)
    w.start(profile="", library="make_protobuf_mcap.py")
    channels = {}
    for topic, name, _, _ in kinds:
        sid = w.register_schema(name=name, encoding="protobuf", data=fds)
        channels[topic] = w.register_channel(topic=topic, message_encoding="protobuf", schema_id=sid)
    written, seq, step, t0 = 0, 0, 5_000_000, 1_700_000_000_000_000_000
    while written < megabytes * 1e6:
        for topic, _, _, period in kinds:
            if (seq * step) % period: continue
            data = variants[topic][seq % 20000]
            w.add_message(channel_id=channels[topic], log_time=t0 + seq * step, publish_time=t0 + seq * step, data=data)
            written += len(data)
        seq += 1
    w.finish()
print(f"{written} bytes of messages")
