"""Writes the bag benchmark's input with rosbags: sensor_msgs/Imu at 100 Hz, nav_msgs/Odometry
at 50 Hz and geometry_msgs/WrenchStamped at 200 Hz (the robot-log mix of the MCAP decode
benchmark), until MEGABYTES of serialized messages, in chunks of COMPRESSION (none, bz2, lz4).

  make_bag.py OUT.bag MEGABYTES COMPRESSION

Messages are serialized by rosbags from 20 000 random variants per type (more than a
chunk holds, so compression sees no repeats); each copy gets its own seq and stamp.
"""
import random
import struct
import sys

import numpy as np
from rosbags.rosbag1 import Writer
from rosbags.typesys import Stores, get_typestore

out, megabytes, compression = sys.argv[1], float(sys.argv[2]), sys.argv[3]
ts = get_typestore(Stores.ROS1_NOETIC)
T = ts.types
rng = random.Random(11)
f = lambda: rng.uniform(-20, 20)


def header(seq):
    return T["std_msgs/msg/Header"](seq=seq, stamp=T["builtin_interfaces/msg/Time"](sec=0, nanosec=0), frame_id="base_link")


def imu():
    V, Q = T["geometry_msgs/msg/Vector3"], T["geometry_msgs/msg/Quaternion"]
    cov = np.array([f() for _ in range(9)])
    return T["sensor_msgs/msg/Imu"](header=header(0), orientation=Q(x=f(), y=f(), z=f(), w=f()), orientation_covariance=cov,
                                    angular_velocity=V(x=f(), y=f(), z=f()), angular_velocity_covariance=cov,
                                    linear_acceleration=V(x=f(), y=f(), z=f()), linear_acceleration_covariance=cov)


def odom():
    V, P, Q = T["geometry_msgs/msg/Vector3"], T["geometry_msgs/msg/Point"], T["geometry_msgs/msg/Quaternion"]
    pose = T["geometry_msgs/msg/PoseWithCovariance"](pose=T["geometry_msgs/msg/Pose"](position=P(x=f(), y=f(), z=f()), orientation=Q(x=f(), y=f(), z=f(), w=f())),
                                                     covariance=np.array([f() for _ in range(36)]))
    twist = T["geometry_msgs/msg/TwistWithCovariance"](twist=T["geometry_msgs/msg/Twist"](linear=V(x=f(), y=f(), z=f()), angular=V(x=f(), y=f(), z=f())),
                                                       covariance=np.array([f() for _ in range(36)]))
    return T["nav_msgs/msg/Odometry"](header=header(0), child_frame_id="base_footprint", pose=pose, twist=twist)


def wrench():
    V = T["geometry_msgs/msg/Vector3"]
    return T["geometry_msgs/msg/WrenchStamped"](header=header(0), wrench=T["geometry_msgs/msg/Wrench"](force=V(x=f(), y=f(), z=f()), torque=V(x=f(), y=f(), z=f())))


kinds = [("/imu", "sensor_msgs/msg/Imu", imu, 10_000_000), ("/odom", "nav_msgs/msg/Odometry", odom, 20_000_000),
         ("/wrench", "geometry_msgs/msg/WrenchStamped", wrench, 5_000_000)]
variants = {topic: [bytearray(ts.serialize_ros1(make(), typ)) for _ in range(20000)] for topic, typ, make, _ in kinds}
w = Writer(out)
if compression != "none":
    w.set_compression({"bz2": Writer.CompressionFormat.BZ2, "lz4": Writer.CompressionFormat.LZ4}[compression])
written, t0 = 0, 1_700_000_000_000_000_000
with w:
    conns = {topic: w.add_connection(topic, typ, typestore=ts) for topic, typ, _, _ in kinds}
    step, seq = 5_000_000, 0
    while written < megabytes * 1e6:
        t = t0 + seq * step
        for topic, typ, _, period in kinds:
            if (seq * step) % period: continue
            raw = variants[topic][seq % 20000]
            struct.pack_into("<III", raw, 0, seq, t // 1_000_000_000, t % 1_000_000_000)   # header seq, stamp
            w.write(conns[topic], t, bytes(raw))
            written += len(raw)
        seq += 1
print(f"{written} bytes of messages")
