"""Writes protobuf MCAPs with independent implementations, and what they decode to.

  write_protobuf.py OUT_DIR

`longtail.test.Sample` (proto3) exercises nested messages, packed and unpacked repeated
fields, repeated messages, an enum and a repeated enum, a oneof (string, int64, message,
or unset), string- and int-keyed maps, zigzag, fixed and unsigned integers, float, bool,
bytes, proto3 `optional`, google.protobuf.Timestamp and a recursive Node tree, with NaN,
±inf and non-ASCII text among the values.
- sample.mcap: written by mcap-protobuf-support's Writer (schema = the FileDescriptorSet it
  builds from the message's descriptor);
- unknown.mcap: payloads of a newer Sample with two more fields (99, 100) under the older
  schema, written with the plain `mcap` writer: readers must skip the unknown fields.
Expected values: mcap + mcap-protobuf-support's decoder, converted field by field by the
descriptors (proto3 scalars always, fields with presence only when set, maps as objects
keyed by the key's text, enums as numbers) into OUT_DIR/expected-{sample,unknown}.jsonl.
"""
import json
import math
import random
import sys
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor as FD
from mcap.reader import make_reader
from mcap.writer import Writer as McapWriter
from mcap_protobuf.decoder import DecoderFactory
from mcap_protobuf.writer import Writer as ProtobufWriter

T = descriptor_pb2.FieldDescriptorProto


def field(msg, name, number, type_, label=T.LABEL_OPTIONAL, type_name=None, oneof=None, packed=None, proto3_optional=False):
    f = msg.field.add(name=name, number=number, type=type_, label=label)
    if type_name: f.type_name = type_name
    if oneof is not None: f.oneof_index = oneof
    if packed is not None: f.options.packed = packed
    if proto3_optional: f.proto3_optional = True
    return f


def file_proto(extra):
    fp = descriptor_pb2.FileDescriptorProto(name="longtail_test.proto" if not extra else "longtail_test_v2.proto",
                                            package="longtail.test" if not extra else "longtail.test2", syntax="proto3")
    fp.dependency.append("google/protobuf/timestamp.proto")
    pkg = "." + fp.package
    e = fp.enum_type.add(name="Mode")
    for i, n in enumerate(["MODE_UNKNOWN", "MODE_AUTO", "MODE_MANUAL"]): e.value.add(name=n, number=i)
    v = fp.message_type.add(name="Vec3")
    for i, n in enumerate("xyz"): field(v, n, i + 1, T.TYPE_DOUBLE)
    node = fp.message_type.add(name="Node")
    field(node, "value", 1, T.TYPE_INT32)
    field(node, "children", 2, T.TYPE_MESSAGE, T.LABEL_REPEATED, pkg + ".Node")
    s = fp.message_type.add(name="Sample")
    s.oneof_decl.add(name="source")
    s.oneof_decl.add(name="_maybe")
    field(s, "stamp", 1, T.TYPE_MESSAGE, type_name=".google.protobuf.Timestamp")
    field(s, "frame", 2, T.TYPE_STRING)
    field(s, "accel", 3, T.TYPE_MESSAGE, type_name=pkg + ".Vec3")
    field(s, "packed_values", 4, T.TYPE_DOUBLE, T.LABEL_REPEATED)
    field(s, "unpacked_ints", 5, T.TYPE_INT32, T.LABEL_REPEATED, packed=False)
    field(s, "points", 6, T.TYPE_MESSAGE, T.LABEL_REPEATED, pkg + ".Vec3")
    field(s, "mode", 7, T.TYPE_ENUM, type_name=pkg + ".Mode")
    field(s, "name", 8, T.TYPE_STRING, oneof=0)
    field(s, "id", 9, T.TYPE_INT64, oneof=0)
    field(s, "pose", 10, T.TYPE_MESSAGE, type_name=pkg + ".Vec3", oneof=0)
    for n, num, kt, vt, vtn in [("gains", 11, T.TYPE_STRING, T.TYPE_DOUBLE, None), ("by_id", 22, T.TYPE_INT32, T.TYPE_MESSAGE, pkg + ".Vec3")]:
        entry = s.nested_type.add(name="".join(p.capitalize() for p in n.split("_")) + "Entry")
        entry.options.map_entry = True
        field(entry, "key", 1, kt)
        field(entry, "value", 2, vt, type_name=vtn)
        field(s, n, num, T.TYPE_MESSAGE, T.LABEL_REPEATED, f"{pkg}.Sample.{entry.name}")
    field(s, "zz32", 12, T.TYPE_SINT32)
    field(s, "zz64", 13, T.TYPE_SINT64)
    field(s, "f32", 14, T.TYPE_FIXED32)
    field(s, "sf64", 15, T.TYPE_SFIXED64)
    field(s, "big", 16, T.TYPE_UINT64)
    field(s, "ratio", 17, T.TYPE_FLOAT)
    field(s, "flag", 18, T.TYPE_BOOL)
    field(s, "blob", 19, T.TYPE_BYTES)
    field(s, "maybe", 20, T.TYPE_INT32, oneof=1, proto3_optional=True)
    field(s, "modes", 21, T.TYPE_ENUM, T.LABEL_REPEATED, pkg + ".Mode")
    field(s, "tree", 23, T.TYPE_MESSAGE, type_name=pkg + ".Node")
    if extra:
        field(s, "extra", 99, T.TYPE_DOUBLE)
        field(s, "tags", 100, T.TYPE_STRING, T.LABEL_REPEATED)
    return fp


def classes():
    pool = descriptor_pool.DescriptorPool()
    ts = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(ts)
    pool.Add(ts)
    v1, v2 = file_proto(False), file_proto(True)
    pool.Add(v1)
    pool.Add(v2)
    get = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n))
    return get("longtail.test.Sample"), get("longtail.test2.Sample"), ts, v1


def fill(m, i, rng):
    f = lambda: [math.nan, math.inf, -math.inf][i % 3] if i % 11 == 4 else rng.uniform(-1e3, 1e3)
    m.stamp.seconds, m.stamp.nanos = 1_700_000_000 + i // 10, (i % 10) * 100_000_000
    m.frame = ["base_link", "カメラ ✓", ""][i % 3]
    m.accel.x, m.accel.y, m.accel.z = f(), f(), f()
    m.packed_values.extend([f() for _ in range(i % 5)])
    m.unpacked_ints.extend([rng.randint(-2**31, 2**31 - 1) for _ in range(i % 4)])
    for k in range(i % 3):
        p = m.points.add(); p.x, p.y, p.z = f(), f(), f()
        if k == 1: p.x = 0.0   # a proto3 default: not on the wire, read back as 0
    m.mode = i % 3
    if i % 4 == 1: m.name = f"name {i} ü"
    elif i % 4 == 2: m.id = -(2**40) - i
    elif i % 4 == 3: m.pose.x = f()
    for k in range(i % 3): m.gains[f"k{k}é"] = f()
    for k in range(i % 2 + 1):
        m.by_id[k * 7 - 3].y = f()
    m.zz32, m.zz64 = -i * 1000, -(2**50) + i
    m.f32, m.sf64, m.big = 4_000_000_000 - i, -(2**60) + i, 2**64 - 1 - i
    m.ratio = f()
    m.flag = bool(i % 2)
    m.blob = bytes((k * 31) % 256 for k in range(i % 6))
    if i % 3 == 0: m.maybe = -i
    m.modes.extend([k % 3 for k in range(i % 4)])
    if i % 5 == 0:
        m.tree.value = i
        c = m.tree.children.add(value=1)
        c.children.add(value=2).children.add(value=3)
    return m


def plain(v, f):
    if f.type == FD.TYPE_MESSAGE: return todict(v)
    if isinstance(v, float):
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return v
    if isinstance(v, bytes): return list(v)
    return v


def todict(msg):
    out = {}
    for f in msg.DESCRIPTOR.fields:
        value = getattr(msg, f.name)
        if f.is_repeated:
            if f.message_type is not None and f.message_type.GetOptions().map_entry:
                vf = f.message_type.fields_by_name["value"]
                key = lambda k: ("true" if k else "false") if isinstance(k, bool) else str(k)
                out[f.name] = {key(k): plain(value[k], vf) for k in value}
            else:
                out[f.name] = [plain(x, f) for x in value]
        elif f.has_presence:
            if msg.HasField(f.name): out[f.name] = plain(value, f)
        else:
            out[f.name] = plain(value, f)
    return out


def expected(path, out):
    with open(path, "rb") as fh, open(out, "w") as o:
        for schema, channel, message, decoded in make_reader(fh, decoder_factories=[DecoderFactory()]).iter_decoded_messages():
            o.write(json.dumps({"topic": channel.topic, "time": message.log_time, "decoded": todict(decoded)}) + "\n")


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    Sample, Sample2, ts, v1 = classes()
    rng = random.Random(3)
    with open(out / "sample.mcap", "wb") as fh, ProtobufWriter(fh) as w:
        for i in range(60):
            w.write_message(topic="/sample", message=fill(Sample(), i, rng), log_time=1_700_000_000_000_000_000 + i * 50_000_000)
    expected(out / "sample.mcap", out / "expected-sample.jsonl")
    fds = descriptor_pb2.FileDescriptorSet(file=[ts, v1]).SerializeToString()
    with open(out / "unknown.mcap", "wb") as fh:
        w = McapWriter(fh)
        w.start(profile="", library="write_protobuf.py")
        sid = w.register_schema(name="longtail.test.Sample", encoding="protobuf", data=fds)
        cid = w.register_channel(topic="/sample", message_encoding="protobuf", schema_id=sid)
        for i in range(30):
            m = fill(Sample2(), i, rng)
            m.extra = 1.5 * i
            m.tags.extend(["a", "ü"][: i % 3])
            w.add_message(channel_id=cid, log_time=1_700_000_000_000_000_000 + i, publish_time=0, data=m.SerializeToString())
        w.finish()
    expected(out / "unknown.mcap", out / "expected-unknown.jsonl")
    print(json.dumps({"sample": 60, "unknown": 30}))


main()
