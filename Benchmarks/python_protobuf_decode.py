"""The peer a user would otherwise run for a protobuf MCAP: the Python `mcap` reader with
mcap-protobuf-support's decoder, decoding every message and collecting every numeric field
(the same work as `longtail-bench decode`). Prints one JSON line; stops after --max-seconds.
"""
import argparse, json, time

from google.protobuf.descriptor import FieldDescriptor as FD
from mcap.reader import make_reader
from mcap_protobuf.decoder import DecoderFactory

NUMERIC = {FD.TYPE_DOUBLE, FD.TYPE_FLOAT, FD.TYPE_INT64, FD.TYPE_UINT64, FD.TYPE_INT32, FD.TYPE_FIXED64, FD.TYPE_FIXED32,
           FD.TYPE_BOOL, FD.TYPE_UINT32, FD.TYPE_ENUM, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64, FD.TYPE_SINT32, FD.TYPE_SINT64}


def numbers(msg, out):
    for f, v in msg.ListFields():
        if f.type == FD.TYPE_MESSAGE:
            for x in (v if f.is_repeated else [v]): numbers(x, out)
        elif f.type in NUMERIC:
            if f.is_repeated: out.extend(float(x) for x in v)
            else: out.append(float(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--max-seconds", type=float, default=60)
    a = ap.parse_args()
    processed = messages = values = 0
    checksum = 0.0
    start = time.perf_counter()
    with open(a.file, "rb") as f:
        for schema, channel, message, decoded in make_reader(f, decoder_factories=[DecoderFactory()]).iter_decoded_messages(log_time_order=False):
            row = []
            numbers(decoded, row)
            checksum += sum(row); values += len(row)
            processed += 31 + len(message.data); messages += 1
            if messages % 10000 == 0 and time.perf_counter() - start > a.max_seconds:
                break
    seconds = time.perf_counter() - start
    print(json.dumps({"messages": messages, "bytes": processed, "seconds": seconds,
                      "mb_per_s": processed / seconds / 1e6, "values": values, "checksum": checksum}))


main()
