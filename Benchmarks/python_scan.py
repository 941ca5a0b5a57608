"""The peer for the scan benchmark: what a user would write with the Python `mcap` +
`mcap-ros2-support` reader and numpy, doing the work `longtail scan` does on synth driving
logs (profile synth-driving): decode the mapped topics, resample every signal onto a 100 Hz
clock (linear for continuous signals, previous value for states), smooth and bias-correct
the IMU, threshold-run detection of the ego and weather events, per-list actor rules,
10 s / 5 s windows with the same features, and an HBOS rarity score with the same bins.

Prints one JSON line: seconds, events and segments found (the shell script divides the
file's uncompressed chunk bytes by the seconds, as for every contender).
"""
import argparse, json, math, time
import numpy as np
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory

TOPICS = {
    "/vehicle/status/velocity_status": [("speed", lambda m: m.longitudinal_velocity, False)],
    "/sensing/imu/imu_data": [("accel.x", lambda m: m.linear_acceleration.x, False),
                              ("accel.y", lambda m: m.linear_acceleration.y, False),
                              ("yaw_rate", lambda m: m.angular_velocity.z, False)],
    "/vehicle/status/control_mode": [("autonomy", lambda m: 1.0 if m.mode in (1, 2, 3) else 0.0, True)],
    "/vehicle/status/weather": [("precipitation", lambda m: m.precipitation_mm_h, True), ("wiper", lambda m: m.wiper_level, True),
                                ("temperature", lambda m: m.ambient_temperature_c, True), ("visibility", lambda m: m.visibility_m, True),
                                ("abs", lambda m: float(m.abs_active), True), ("esc", lambda m: float(m.esc_active), True),
                                ("tcs", lambda m: float(m.tcs_active), True)],
}
OBJECTS = "/perception/object_recognition/tracking/objects"


def stamp(m):
    h = getattr(m, "header", None)
    s = h.stamp if h is not None else m.stamp
    return s.sec * 1_000_000_000 + s.nanosec


def runs(mask, min_len):
    """(start, end) index pairs of True runs at least min_len long."""
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    keep = (ends - starts) >= min_len
    return list(zip(starts[keep], ends[keep]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    a = ap.parse_args()
    series = {name: ([], [], state) for specs in TOPICS.values() for name, _, state in specs}
    lists = []
    start = time.perf_counter()
    with open(a.file, "rb") as f:
        reader = make_reader(f, decoder_factories=[DecoderFactory()])
        for schema, channel, message, ros in reader.iter_decoded_messages(topics=list(TOPICS) + [OBJECTS]):
            t = stamp(ros)
            if channel.topic == OBJECTS:
                lists.append((t, [(o.object_id.uuid[0], o.classification[0].label if o.classification else 0,
                                   o.kinematics.pose_with_covariance.pose.position.x, o.kinematics.pose_with_covariance.pose.position.y,
                                   o.kinematics.twist_with_covariance.twist.linear.x, o.kinematics.twist_with_covariance.twist.linear.y,
                                   2 * math.atan2(o.kinematics.pose_with_covariance.pose.orientation.z, o.kinematics.pose_with_covariance.pose.orientation.w),
                                   o.shape.dimensions.x) for o in ros.objects]))
            else:
                for name, get, _ in TOPICS[channel.topic]:
                    series[name][0].append(t); series[name][1].append(get(ros))

    # Resample onto 100 Hz.
    t0 = min(ts[0] for ts, _, _ in series.values() if ts)
    t1 = max(ts[-1] for ts, _, _ in series.values() if ts)
    clock = np.arange(t0, t1, 10_000_000, dtype=np.int64)
    sig = {}
    for name, (ts, vs, state) in series.items():
        ts, vs = np.asarray(ts, dtype=np.int64), np.asarray(vs, dtype=np.float64)
        if len(ts) == 0:
            sig[name] = np.full(len(clock), np.nan); continue
        if state:
            i = np.searchsorted(ts, clock, side="right") - 1
            v = vs[np.clip(i, 0, None)]; v[i < 0] = np.nan
        else:
            v = np.interp(clock, ts, vs, left=np.nan, right=np.nan)
            gap = np.diff(ts) > 200_000_000
            if gap.any():
                j = np.searchsorted(ts, clock, side="right") - 1
                bad = (j >= 0) & (j < len(gap)) & gap[np.clip(j, 0, len(gap) - 1)]
                v[bad] = np.nan
        sig[name] = v

    # Ego: smoothed, bias-corrected accelerations, jerk over 0.5 s, threshold runs.
    k = np.ones(11) / 11
    ax = np.convolve(np.nan_to_num(sig["accel.x"]), k, mode="same")
    ay = np.convolve(np.nan_to_num(sig["accel.y"]), k, mode="same")
    v = np.nan_to_num(sig["speed"]); r = np.nan_to_num(sig["yaw_rate"])
    dv = np.gradient(v, 0.01)
    ax = ax - np.nanmean(ax - np.convolve(dv, np.ones(51) / 51, mode="same"))
    ay = ay - np.nanmean(ay - v * r)
    wide = np.convolve(np.nan_to_num(sig["accel.x"]), np.ones(50) / 50, mode="same")
    jx = np.zeros_like(wide); jx[50:] = (wide[50:] - wide[:-50]) / 0.5
    lat = np.convolve(v * r, k, mode="same"); jy = np.zeros_like(lat); jy[10:] = (lat[10:] - lat[:-10]) / 0.1
    events = []
    events += [("hard_brake", s, e) for s, e in runs(ax <= -4.0, 30)]
    events += [("harsh_acceleration", s, e) for s, e in runs(ax >= 2.5, 50)]
    events += [("high_lateral_accel", s, e) for s, e in runs(np.abs(ay) >= 3.0, 50)]
    events += [("high_jerk", s, e) for s, e in runs((np.abs(jx) >= 4.13) | (np.hypot(jx, jy) >= 8.37), 10)]
    pos = runs((r >= 0.3) & (v >= 8), 5); neg = runs((r <= -0.3) & (v >= 8), 5)
    for s, e in pos:
        if any(abs(s2 - s) <= 200 for s2, _ in neg): events.append(("swerve", s, e))
    auto = np.nan_to_num(sig["autonomy"], nan=1)
    events += [("disengagement", i, i + 1) for i in np.flatnonzero((auto[:-1] >= 0.5) & (auto[1:] < 0.5))]
    sec = slice(0, None, 100)
    p, w, tc, vis = sig["precipitation"][sec], sig["wiper"][sec], sig["temperature"][sec], sig["visibility"][sec]
    act = (sig["abs"][sec] >= 0.5) | (sig["esc"][sec] >= 0.5) | (sig["tcs"][sec] >= 0.5)
    for name, mask in [("heavy_rain", (p >= 7.6) | (w >= 3)), ("snow", (p > 0.2) & (tc <= 1)), ("fog", vis < 200),
                       ("low_visibility", (vis >= 200) & (vis < 1000)), ("icy_road", (tc <= 3) & act)]:
        events += [(name, s * 100, e * 100) for s, e in runs(mask, 1)]
    # Actors: the same per-list rules.
    vt = np.interp([t for t, _ in lists], clock, v) if lists else []
    for (t, objs), ego in zip(lists, vt):
        for (oid, cls, x, y, vxo, vyo, h, length) in objs:
            c, s_ = math.cos(h), math.sin(h)
            vx, vy = vxo * c - vyo * s_, vxo * s_ + vyo * c
            gap = x - 3.8 - length / 2
            closing = ego - vx
            if abs(y) < 1 and gap > 0 and closing > 0.1 and gap / closing < 1.5 and ego > 5: events.append(("low_ttc", t, t))
            if cls == 7 and 0 < gap <= 10 and abs(y) <= 5 and y * vy < 0 and abs(vy) > 0.3: events.append(("pedestrian_crossing", t, t))
            if cls in (6, 7) and abs(y) < 2 and -1 <= x <= 8.8 and ego > 8: events.append(("vulnerable_road_user_close", t, t))
            if cls not in (6, 7) and math.cos(h) < math.cos(150 * math.pi / 180) and gap > 0 and abs(y) < 5.25 and closing > 0:
                events.append(("wrong_way_actor", t, t))
    # Windows: 10 s every 5 s, the same features; HBOS with the same fixed bins.
    chans = {"speed": v, "accel.x": sig["accel.x"], "accel.y": sig["accel.y"], "yaw_rate": sig["yaw_rate"], "autonomy": sig["autonomy"],
             "precipitation": sig["precipitation"], "wiper": sig["wiper"], "temperature": sig["temperature"], "visibility": sig["visibility"],
             "abs": sig["abs"], "esc": sig["esc"], "tcs": sig["tcs"]}
    starts = np.arange(0, max(1, len(clock) - 1000 + 1), 500)
    feats = []
    for name, x in chans.items():
        wins = np.lib.stride_tricks.sliding_window_view(x, 1000)[starts] if len(x) >= 1000 else x[None, :]
        with np.errstate(all="ignore"):
            feats += [np.nanmin(wins, 1), np.nanmax(wins, 1), np.nanmean(wins, 1), np.nanstd(wins, 1),
                      np.nanstd(np.diff(wins, axis=1), 1), (np.diff(np.sign(wins), axis=1) != 0).sum(1)]
    F = np.stack(feats, 1)
    span = math.asinh(1e6)
    bins = np.clip(np.floor((np.arcsinh(F) / span + 1) / 2 * 256), 0, 255)
    bins[np.isnan(F)] = 256
    score = np.zeros(len(F))
    for j in range(F.shape[1]):
        counts = np.bincount(bins[:, j].astype(int), minlength=257)
        score += np.log(len(F) + 257) - np.log(counts[bins[:, j].astype(int)] + 1)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "events": len(events), "segments": int(len(F)), "lists": len(lists)}))


if __name__ == "__main__":
    main()
