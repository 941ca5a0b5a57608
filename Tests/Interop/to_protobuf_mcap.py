"""Rewrites a ROS 2 (CDR) MCAP as a protobuf MCAP of the same messages.

  to_protobuf_mcap.py IN.mcap OUT.mcap

For each topic, a proto3 message type is derived from the first decoded message (same
field names; floats as double, integers as int64, strings, bytes, nested messages,
repeated fields; builtin_interfaces/Time as google.protobuf.Timestamp), the messages are
rebuilt with it and written by mcap-protobuf-support's Writer at the same log times.
"""
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from mcap.reader import make_reader
from mcap_protobuf.writer import Writer
from mcap_ros2.decoder import DecoderFactory

T = descriptor_pb2.FieldDescriptorProto
pool = descriptor_pool.DescriptorPool()
ts = descriptor_pb2.FileDescriptorProto()
timestamp_pb2.DESCRIPTOR.CopyToProto(ts)
pool.Add(ts)


def is_time(v):
    return hasattr(v, "__slots__") and sorted(v.__slots__) == ["nanosec", "sec"]


def define(fp, name, sample):
    """A message type for `sample` (a decoded ROS object) in `fp`; returns its full name."""
    m = fp.message_type.add(name=name)
    for i, k in enumerate(sample.__slots__):
        v = getattr(sample, k)
        f = m.field.add(name=k, number=i + 1, label=T.LABEL_OPTIONAL)
        if isinstance(v, (list, tuple)) and not isinstance(v, (bytes, bytearray)):
            f.label = T.LABEL_REPEATED
            v = v[0] if len(v) else 0.0
        if is_time(v):
            f.type, f.type_name = T.TYPE_MESSAGE, ".google.protobuf.Timestamp"
        elif hasattr(v, "__slots__"):
            f.type, f.type_name = T.TYPE_MESSAGE, "." + fp.package + "." + define(fp, name + "_" + k, v)
        elif isinstance(v, bool): f.type = T.TYPE_BOOL
        elif isinstance(v, int): f.type = T.TYPE_INT64
        elif isinstance(v, float): f.type = T.TYPE_DOUBLE
        elif isinstance(v, str): f.type = T.TYPE_STRING
        else: f.type = T.TYPE_BYTES
    return name


def fill(msg, v):
    for k in v.__slots__:
        x = getattr(v, k)
        f = msg.DESCRIPTOR.fields_by_name[k]
        if f.type == f.TYPE_MESSAGE:
            items = x if f.is_repeated else [x]
            for j, item in enumerate(items):
                target = getattr(msg, k).add() if f.is_repeated else getattr(msg, k)
                if is_time(item): target.seconds, target.nanos = item.sec, item.nanosec
                else: fill(target, item)
        elif f.is_repeated: getattr(msg, k).extend(list(x))
        else: setattr(msg, k, bytes(x) if f.type == f.TYPE_BYTES else x)


classes = {}
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst, Writer(dst) as w:
    for schema, channel, message, decoded in make_reader(src, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
        if channel.topic not in classes:
            pkg = "longtail.ros." + schema.name.replace("/msg/", ".").replace("/", ".").lower().rsplit(".", 1)[0]
            fp = descriptor_pb2.FileDescriptorProto(name=f"{channel.topic.strip('/').replace('/', '_')}.proto", package=pkg, syntax="proto3")
            fp.dependency.append("google/protobuf/timestamp.proto")
            root = define(fp, schema.name.rsplit("/", 1)[-1], decoded)
            pool.Add(fp)
            classes[channel.topic] = message_factory.GetMessageClass(pool.FindMessageTypeByName(pkg + "." + root))
        out = classes[channel.topic]()
        fill(out, decoded)
        w.write_message(topic=channel.topic, message=out, log_time=message.log_time, publish_time=message.publish_time)
