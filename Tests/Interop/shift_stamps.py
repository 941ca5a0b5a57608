"""Rewrites an MCAP with one topic's header stamps shifted, as a sensor stamping by its
own clock would leave them (log times unchanged).

  shift_stamps.py IN.mcap OUT.mcap TOPIC SECONDS

Messages are decoded and re-encoded by mcap-ros2-support.
"""
import sys

from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory
from mcap_ros2.writer import Writer

src_path, dst_path, topic, shift = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with open(src_path, "rb") as src, open(dst_path, "wb") as dst:
    w = Writer(dst)
    schemas = {}
    for schema, channel, message, decoded in make_reader(src, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
        if schema.name not in schemas:
            schemas[schema.name] = w.register_msgdef(schema.name, schema.data.decode())
        if channel.topic == topic:
            stamp = decoded.header.stamp
            ns = stamp.sec * 1_000_000_000 + stamp.nanosec + int(shift * 1e9)
            stamp.sec, stamp.nanosec = ns // 1_000_000_000, ns % 1_000_000_000
        w.write_message(channel.topic, schemas[schema.name], decoded, log_time=message.log_time,
                        publish_time=message.publish_time, sequence=message.sequence)
    w.finish()
