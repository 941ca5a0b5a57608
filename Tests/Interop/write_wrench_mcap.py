"""Writes a robot log as a ROS 2 MCAP of geometry_msgs/msg/WrenchStamped at 200 Hz: 60 s of
a wrist F/T sensor at rest (bias, 0.2 N noise) with five 2-s contacts in which the tool
presses into a part (15 N along the approach axis). SIGN is how pressing reads on the
sensor's z: -1 as Longtail's convention has it, +1 for a sensor mounted the other way.

  write_wrench_mcap.py OUT.mcap SIGN
"""
import math
import random
import sys

from mcap_ros2.writer import Writer

out, sign = sys.argv[1], float(sys.argv[2])
WRENCH = """std_msgs/Header header
geometry_msgs/Wrench wrench
================================================================================
MSG: std_msgs/Header
builtin_interfaces/Time stamp
string frame_id
================================================================================
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec
================================================================================
MSG: geometry_msgs/Wrench
geometry_msgs/Vector3 force
geometry_msgs/Vector3 torque
================================================================================
MSG: geometry_msgs/Vector3
float64 x
float64 y
float64 z
"""
rng = random.Random(7)
with open(out, "wb") as f:
    w = Writer(f)
    schema = w.register_msgdef("geometry_msgs/msg/WrenchStamped", WRENCH)
    t0 = 1_700_000_000_000_000_000
    for i in range(60 * 200):
        t = i / 200
        phase = t % 12
        press = 15 * math.sin(math.pi * (phase - 5) / 2) if 5 <= phase < 7 else 0.0
        ns = t0 + i * 5_000_000
        msg = {"header": {"stamp": {"sec": ns // 10**9, "nanosec": ns % 10**9}, "frame_id": "ft"},
               "wrench": {"force": {"x": 0.3 + rng.gauss(0, 0.2), "y": -0.1 + rng.gauss(0, 0.2),
                                    "z": 1.2 + sign * press + rng.gauss(0, 0.2)},
                          "torque": {"x": rng.gauss(0, 0.01), "y": rng.gauss(0, 0.01), "z": 0.02 * press + rng.gauss(0, 0.01)}}}
        w.write_message("/ft_sensor/wrench", schema, msg, log_time=ns, publish_time=ns)
    w.finish()
