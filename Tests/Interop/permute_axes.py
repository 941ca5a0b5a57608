"""Rewrites a synth driving MCAP as another vehicle might have recorded it: the IMU mounted
turned (its axes a signed permutation of the vehicle's) and the speed in km/h.

  permute_axes.py IN.mcap OUT.mcap AXES [SPEED_SCALE]

AXES names, for the IMU's x, y and z in turn, the vehicle axis it reads, signed: "-z,+x,-y"
means imu.x = -vehicle.z (down), imu.y = +vehicle.x (forward), imu.z = -vehicle.y (right).
Acceleration and angular velocity turn alike (one rigid sensor). The speed field
(`longitudinal_velocity`) is multiplied by SPEED_SCALE (3.6: km/h). Everything else is
copied. Messages are decoded and re-encoded by mcap-ros2-support, an independent CDR
implementation.
"""
import sys

from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory
from mcap_ros2.writer import Writer

src_path, dst_path, axes = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
speed_scale = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
assert len(axes) == 3 and sorted(a[1] for a in axes) == ["x", "y", "z"], axes


def turn(vec):
    v = {"x": vec.x, "y": vec.y, "z": vec.z}
    out = [(-1.0 if a[0] == "-" else 1.0) * v[a[1]] for a in axes]
    vec.x, vec.y, vec.z = out


with open(src_path, "rb") as src, open(dst_path, "wb") as dst:
    w = Writer(dst)
    schemas = {}
    for schema, channel, message, decoded in make_reader(src, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
        if schema.name not in schemas:
            schemas[schema.name] = w.register_msgdef(schema.name, schema.data.decode())
        if schema.name == "sensor_msgs/msg/Imu":
            turn(decoded.linear_acceleration)
            turn(decoded.angular_velocity)
        if hasattr(decoded, "longitudinal_velocity"):
            decoded.longitudinal_velocity *= speed_scale
        w.write_message(channel.topic, schemas[schema.name], decoded, log_time=message.log_time,
                        publish_time=message.publish_time, sequence=message.sequence)
    w.finish()
