"""Writes damaged copies of an MCAP for `longtail doctor`'s tests.

  damage_mcap.py IN.mcap OUTDIR

- truncated.mcap: the first 60 % of the bytes (a recorder that crashed).
- unindexed.mcap: the same messages rewritten by the Python `mcap` writer with no chunk
  indexes, statistics or summary offsets.
- badstats.mcap: the input with its statistics' message count raised by 1.
- gappy.mcap: the input without the IMU's messages from 30 s to 35 s (a stalled sensor).
"""
import struct
import sys
from pathlib import Path

from mcap.reader import make_reader
from mcap.writer import IndexType, Writer

src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
data = src.read_bytes()
(out / "truncated.mcap").write_bytes(data[: len(data) * 6 // 10])

def rewrite(name, keep=lambda channel, log_time: True, **options):
    """The input's messages, in log-time order, through the Python writer with `options`,
    keeping those `keep(channel, log_time - first log time)` accepts."""
    with open(src, "rb") as f, open(out / name, "wb") as g:
        w = Writer(g, **options)
        w.start(profile="ros2", library="damage_mcap.py")
        schemas, channels, first = {}, {}, None
        for schema, channel, message in make_reader(f).iter_messages(log_time_order=True):
            first = message.log_time if first is None else first
            if not keep(channel, message.log_time - first):
                continue
            if schema.id not in schemas:
                schemas[schema.id] = w.register_schema(schema.name, schema.encoding, schema.data)
            if channel.id not in channels:
                channels[channel.id] = w.register_channel(channel.topic, channel.message_encoding, schemas[schema.id], channel.metadata)
            w.add_message(channels[channel.id], message.log_time, message.data, message.publish_time, message.sequence)
        w.finish()


rewrite("unindexed.mcap", index_types=IndexType.NONE, use_statistics=False, use_summary_offsets=False)
rewrite("gappy.mcap", keep=lambda channel, t: not (channel.topic == "/sensing/imu/imu_data" and 30e9 <= t < 35e9))

# The footer (opcode 0x02, length 20) before the closing magic gives the summary's start;
# its records are walked to the statistics (0x0B), whose body begins with the message count.
raw = bytearray(data)
footer = len(raw) - 8 - 29
assert raw[footer] == 0x02
summary_start = struct.unpack_from("<Q", raw, footer + 9)[0]
pos = summary_start
while raw[pos] != 0x0B:
    pos += 9 + struct.unpack_from("<Q", raw, pos + 1)[0]
count = struct.unpack_from("<Q", raw, pos + 9)[0]
struct.pack_into("<Q", raw, pos + 9, count + 1)
(out / "badstats.mcap").write_bytes(bytes(raw))
