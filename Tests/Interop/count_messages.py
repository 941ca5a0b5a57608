"""Counts the Message records Python's `mcap` stream reader yields from an MCAP file until
its end or the first error (a truncated file yields what comes before the cut).
Usage: count_messages.py FILE  → prints the count."""
import sys
from mcap.records import Message
from mcap.stream_reader import StreamReader

n = 0
with open(sys.argv[1], "rb") as f:
    try:
        for record in StreamReader(f, skip_magic=False).records:
            if isinstance(record, Message):
                n += 1
    except Exception:
        pass
print(n)
