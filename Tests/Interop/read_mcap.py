"""Reads an MCAP file with the Python `mcap` + `mcap-ros2-support` packages (CRCs
validated) and prints JSON: summary statistics, attachments, metadata, and every message
decoded, in log-time order. Used to check files Longtail writes."""
import json, sys
from interop_common import jsonable
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory


with open(sys.argv[1], "rb") as f:
    r = make_reader(f, decoder_factories=[DecoderFactory()], validate_crcs=True)
    s = r.get_summary()
    out = {"statistics": {"message_count": s.statistics.message_count, "chunk_count": s.statistics.chunk_count,
                          "message_start_time": s.statistics.message_start_time, "message_end_time": s.statistics.message_end_time},
           "chunk_indexes": len(s.chunk_indexes),
           "attachments": [{"name": a.name, "data": list(a.data)} for a in r.iter_attachments()],
           "metadata": [{"name": m.name, "metadata": m.metadata} for m in r.iter_metadata()],
           "messages": [{"topic": c.topic, "log_time": m.log_time, "decoded": jsonable(d)}
                        for _, c, m, d in r.iter_decoded_messages(log_time_order=True)]}
print(json.dumps(out))
