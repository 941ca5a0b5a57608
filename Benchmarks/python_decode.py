"""The peer a user would otherwise run: the Python `mcap` + `mcap-ros2-support` reader,
decoding every message and collecting every numeric field into per-topic columns.

Prints one JSON line with the bytes of message records processed (the same measure as
the chunks' uncompressed bytes), seconds, throughput and a checksum of all values.
Stops after --max-seconds and reports the rate over what it processed.
"""
import argparse, json, sys, time
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory


def numbers(obj, out):
    if isinstance(obj, bool):
        out.append(float(obj))
    elif isinstance(obj, (int, float)):
        out.append(float(obj))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            numbers(x, out)
    elif isinstance(obj, (str, bytes)):
        pass
    elif hasattr(obj, "__slots__"):
        for name in obj.__slots__:
            numbers(getattr(obj, name), out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--max-seconds", type=float, default=60)
    a = ap.parse_args()
    columns = {}
    processed = 0
    messages = 0
    checksum = 0.0
    values = 0
    start = time.perf_counter()
    with open(a.file, "rb") as f:
        reader = make_reader(f, decoder_factories=[DecoderFactory()])
        for schema, channel, message, decoded in reader.iter_decoded_messages(log_time_order=False):
            row = []
            numbers(decoded, row)
            columns.setdefault(channel.topic, []).append(row)
            checksum += sum(row)
            values += len(row)
            processed += 31 + len(message.data)
            messages += 1
            if messages % 10000 == 0:
                if time.perf_counter() - start > a.max_seconds:
                    break
                columns.clear()  # keep memory bounded, as the Swift side does
    seconds = time.perf_counter() - start
    print(json.dumps({"messages": messages, "bytes": processed, "seconds": seconds,
                      "mb_per_s": processed / seconds / 1e6, "values": values, "checksum": checksum}))


if __name__ == "__main__":
    main()
