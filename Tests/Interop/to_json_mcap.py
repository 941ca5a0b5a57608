"""Rewrites a ROS 2 (CDR) MCAP as a json-encoded MCAP of the same messages.

  to_json_mcap.py IN.mcap OUT.mcap

Each message is decoded by mcap-ros2-support and written as a JSON object with the same
field names, at the same log time; header stamps are written Foxglove-style as
{"sec", "nsec"}. Floats print as Python's shortest round-trip text, so every value is exact.
"""
import json
import math
import sys

from mcap.reader import make_reader
from mcap.writer import Writer
from mcap_ros2.decoder import DecoderFactory


def plain(v, key=""):
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, (bytes, bytearray)): return list(v)
    if isinstance(v, (list, tuple)): return [plain(x) for x in v]
    if hasattr(v, "__slots__"):
        d = {k: plain(getattr(v, k), k) for k in v.__slots__}
        if key == "stamp" and set(d) == {"sec", "nanosec"}: d = {"sec": d["sec"], "nsec": d["nanosec"]}
        return d
    return v


with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    w = Writer(dst)
    w.start(profile="", library="to_json_mcap.py")
    channels = {}
    for schema, channel, message, decoded in make_reader(src, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
        if channel.topic not in channels:
            sid = w.register_schema(name=schema.name, encoding="jsonschema", data=json.dumps({"type": "object"}).encode())
            channels[channel.topic] = w.register_channel(topic=channel.topic, message_encoding="json", schema_id=sid)
        w.add_message(channel_id=channels[channel.topic], log_time=message.log_time, publish_time=message.publish_time,
                      sequence=message.sequence, data=json.dumps(plain(decoded)).encode())
    w.finish()
