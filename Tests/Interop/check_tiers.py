"""Independent check of `longtail scan --out DIR` tiers and `longtail export` with h5py,
hdf5plugin, mcap and mcap-ros2-support.

- alignment/segments.h5: every signal of every segment equals, sample for sample, the
  field of the source message it names (time from the header stamp), exactly;
- pretrain shards: every float16 value equals, within float16 rounding (relative 1e-3),
  the source resampled independently here: linear interpolation at the scan ticks for
  continuous signals (previous value for states), the mean of the ticks of each row;
- each CLIP (clip.mcap START END): its messages are byte-identical to the source's
  messages logged in [START, END), with the same topics, schemas and times.

Usage: check_tiers.py DIR SOURCE.mcap [--exclusive] [CLIP START END]... Prints a JSON summary; exits 1
on any mismatch."""
import json, sys
from collections import defaultdict
from pathlib import Path
import numpy as np
import h5py, hdf5plugin  # noqa: F401  (registers the zstd filter)
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory


def field(msg, path):
    for part in path.split("."):
        msg = getattr(msg, part)
    return float(msg)


def stamp(msg):
    s = msg.header.stamp if hasattr(msg, "header") else msg.stamp
    return s.sec * 1_000_000_000 + s.nanosec


def load(source, wanted):
    """{(topic, field): (times int64[], values float64[])} for the wanted (topic, field) pairs."""
    out = defaultdict(lambda: ([], []))
    topics = {t for t, _ in wanted}
    with open(source, "rb") as f:
        for _, ch, _, d in make_reader(f, decoder_factories=[DecoderFactory()]).iter_decoded_messages(topics=list(topics)):
            t = stamp(d)
            for (topic, path) in wanted:
                if topic == ch.topic:
                    out[(topic, path)][0].append(t)
                    out[(topic, path)][1].append(field(d, path))
    return {k: (np.array(v[0], dtype=np.int64), np.array(v[1], dtype=np.float64)) for k, v in out.items()}


def main():
    args = sys.argv[1:]
    exclusive = "--exclusive" in args   # alignment rows are NaN in the shards: fewer comparable rows
    args = [a for a in args if a != "--exclusive"]
    out, source = Path(args[0]), args[1]
    clips = args[2:]
    failures, summary = [], {"alignment_segments": 0, "alignment_samples": 0, "pretrain_values": 0, "clip_messages": 0}

    # Alignment: exact equality with the source fields.
    al = h5py.File(out / "alignment" / "segments.h5", "r")
    wanted, groups = set(), []
    for sid, g in al.items():
        # The events attribute is a list of names whatever their number (issue 15: it was a
        # string for one event and an array for two).
        ev = g.attrs["events"]
        if not (hasattr(ev, "shape") and len(ev.shape) == 1):
            failures.append(f"{sid}: events attribute {ev!r} is not a 1-D array")
        if g.attrs["source"] != source:
            continue
        for name, sg in g.items():
            topic, path = sg.attrs["from"].split(" ")
            wanted.add((topic, path))
            groups.append((sid, name, sg, topic, path, g.attrs["interval_ns"]))
    pre = json.loads((out / "pretrain" / "manifest.json").read_text())
    for shard in pre["shards"]:
        for src in shard["sources"]:
            for ch in src["channels"]:
                if src["source"] == source and "from" in ch:
                    wanted.add(tuple(ch["from"].split(" ")))
    data = load(source, wanted)
    for sid, name, sg, topic, path, (start, end) in groups:
        t, v = data[(topic, path)]
        keep = (t >= start) & (t < end)
        ref_t, ref_v = t[keep], v[keep]
        if "map" in sg.attrs:
            m = {float(k): float(x) for k, x in json.loads(sg.attrs["map"]).items()}
            ref_v = np.array([m.get(x, np.nan) for x in ref_v])
        ref_v = ref_v * sg.attrs["scale"][0] + sg.attrs["offset"][0]
        got_t, got_v = sg["t_ns"][:], sg["value"][:]
        if not (np.array_equal(got_t, ref_t) and np.array_equal(got_v, ref_v, equal_nan=True)):
            failures.append(f"alignment {sid}/{name}: {len(got_v)} samples differ from the source's {len(ref_v)}")
        summary["alignment_samples"] += len(got_v)
    summary["alignment_segments"] = len({g[0] for g in groups})

    # Pretraining: float16 within its rounding of an independent resampling.
    worst = 0.0
    for shard in pre["shards"]:
        h = h5py.File(out / "pretrain" / shard["file"], "r")
        for src in shard["sources"]:
            if src["source"] != source:
                continue
            k, period, t0 = src["ticks_per_row"], src["period_ns"], src["t0_ns"]
            step = period // k
            for ch in src["channels"]:
                if "from" not in ch:
                    continue
                got = h[ch["dataset"]][:].astype(np.float64)
                q = 0.0
                if "scale" in ch:   # int16: stored × scale, nan_value for NaN
                    got = np.where(got == ch["nan_value"], np.nan, got * ch["scale"])
                    q = ch["scale"] * 0.5
                t, v = data[tuple(ch["from"].split(" "))]
                if "map" in ch:
                    m = {float(a): float(b) for a, b in ch["map"].items()}
                    v = np.array([m.get(x, np.nan) for x in v])
                if "scale_offset" in ch:
                    v = v * ch["scale_offset"][0] + ch["scale_offset"][1]
                order = np.argsort(t, kind="stable")
                t, v = t[order], v[order]
                ticks = t0 + step * np.arange(len(got) * k, dtype=np.int64)
                if ch["kind"] == "state":
                    idx = np.searchsorted(t, ticks, side="right") - 1
                    at = np.where(idx >= 0, v[np.clip(idx, 0, None)], np.nan)
                    ref = at[::k][: len(got)]
                else:
                    at = np.interp(ticks.astype(np.float64), t.astype(np.float64), v, left=np.nan, right=np.nan)
                    ref = at.reshape(-1, k).mean(axis=1)
                ok = np.isfinite(got) & np.isfinite(ref)
                if ok.sum() < (0.5 if exclusive else 0.9) * len(got):
                    failures.append(f"pretrain {ch['dataset']}: only {ok.sum()} of {len(got)} rows comparable")
                scale = np.abs(ref[ok]).max() if ok.any() else 0
                err = np.abs(got[ok] - ref[ok])
                tol = 1e-3 * np.abs(ref[ok]) + 1e-5 * scale + 1e-7 + q * 1.01
                if (err > tol).any():
                    i = int(np.argmax(err - tol))
                    failures.append(f"pretrain {ch['dataset']}: row value {got[ok][i]} vs {ref[ok][i]} (tolerance {tol[i]:.2e})")
                rel = err / np.maximum(np.abs(ref[ok]), 1e-3 * scale + 1e-12)
                worst = max(worst, float(rel.max()) if len(rel) else 0.0)
                summary["pretrain_values"] += int(ok.sum())
    summary["pretrain_worst_relative_error"] = worst

    # Clips: byte-identical messages.
    def messages(path, start=None, end=None):
        out = []
        with open(path, "rb") as f:
            for schema, ch, m in make_reader(f).iter_messages(log_time_order=True):
                if start is not None and not (start <= m.log_time < end):
                    continue
                out.append((ch.topic, ch.message_encoding, schema.name if schema else "", bytes(schema.data) if schema else b"",
                            m.log_time, m.publish_time, m.sequence, bytes(m.data)))
        return out
    for i in range(0, len(clips), 3):
        clip, start, end = clips[i], int(clips[i + 1]), int(clips[i + 2])
        got, ref = messages(clip), messages(source, start, end)
        key = lambda r: (r[4], r[0], r[6], r[7])
        if sorted(got, key=key) != sorted(ref, key=key):
            failures.append(f"clip {clip}: {len(got)} messages, the source has {len(ref)} in [{start}, {end}) and they differ")
        summary["clip_messages"] += len(got)

    summary["failures"] = failures
    print(json.dumps(summary))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
