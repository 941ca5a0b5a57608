"""Independent check of a `longtail synth` archive with the Python mcap + mcap-ros2-support
and h5py packages: every file must read without error, and for a sample of events of every
class the ground-truth facts are recomputed from the raw published signals and compared
within a tolerance that covers the simulated sensor noise, bias and sample rate.

Usage: check_synth.py DIR [--per-class N]. Prints one JSON summary; exits 1 on any failure."""
import json, math, sys
from collections import defaultdict
from pathlib import Path
import numpy as np
import h5py, hdf5plugin
from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory

EGO_FRONT = 3.8


def smooth(x, n):
    return np.convolve(x, np.ones(n) / n, mode="same") if len(x) >= n else x


def load_mcap(path):
    s = defaultdict(lambda: defaultdict(list))
    with open(path, "rb") as f:
        for _, ch, m, d in make_reader(f, decoder_factories=[DecoderFactory()]).iter_decoded_messages(log_time_order=True):
            t = d.header.stamp.sec + d.header.stamp.nanosec * 1e-9 if hasattr(d, "header") else d.stamp.sec + d.stamp.nanosec * 1e-9
            topic = s[ch.topic]
            topic["t"].append(t)
            if ch.topic.endswith("imu_data"):
                topic["ax"].append(d.linear_acceleration.x); topic["ay"].append(d.linear_acceleration.y)
                topic["wz"].append(d.angular_velocity.z)
            elif ch.topic.endswith("velocity_status"):
                topic["v"].append(d.longitudinal_velocity)
            elif ch.topic.endswith("control_mode"):
                topic["mode"].append(d.mode)
            elif ch.topic.endswith("weather"):
                for k in ("precipitation_mm_h", "ambient_temperature_c", "visibility_m", "abs_active", "esc_active", "wiper_level"):
                    topic[k].append(float(getattr(d, k)))
            elif ch.topic.endswith("objects"):
                objs = []
                for o in d.objects:
                    p = o.kinematics.pose_with_covariance.pose
                    heading = 2 * math.atan2(p.orientation.z, p.orientation.w)
                    speed = o.kinematics.twist_with_covariance.twist.linear.x
                    lat = o.kinematics.twist_with_covariance.twist.linear.y
                    vx = speed * math.cos(heading) - lat * math.sin(heading)
                    vy = speed * math.sin(heading) + lat * math.cos(heading)
                    objs.append(dict(id=o.object_id.uuid[0], cls=o.classification[0].label, x=p.position.x, y=p.position.y,
                                     vx=vx, vy=vy, heading=heading, length=o.shape.dimensions.x))
                topic["objects"].append(objs)
    return {k: {kk: (vv if kk == "objects" else np.array(vv)) for kk, vv in v.items()} for k, v in s.items()}


def window(topic, a, b, key):
    t = topic["t"]
    m = (t >= a) & (t <= b)
    return t[m], (np.array(topic[key])[m] if key != "objects" else [o for o, k in zip(topic[key], m) if k])


def speed_at(sig, t):
    v = sig["/vehicle/status/velocity_status"]
    return float(np.interp(t, v["t"], v["v"]))


def check_driving(label, sig):
    a, b = label["start_ns"] / 1e9, label["end_ns"] / 1e9
    f, ev = label["facts"], label["event"]
    imu = sig["/sensing/imu/imu_data"]
    if ev in ("hard_brake", "harsh_acceleration", "high_lateral_accel", "swerve", "high_jerk"):
        t, ax = window(imu, a - 0.05, b + 0.05, "ax")
        _, ay = window(imu, a - 0.05, b + 0.05, "ay")
        _, wz = window(imu, a - 0.05, b + 0.05, "wz")
        if ev == "hard_brake":
            return abs(smooth(ax, 5).min() - f["peak_decel_mps2"]) < 0.35, smooth(ax, 5).min()
        if ev == "harsh_acceleration":
            return abs(smooth(ax, 5).max() - f["peak_accel_mps2"]) < 0.35, smooth(ax, 5).max()
        if ev == "high_lateral_accel":
            return abs(np.abs(smooth(ay, 5)).max() - f["peak_lateral_accel_mps2"]) < 0.35, np.abs(smooth(ay, 5)).max()
        if ev == "swerve":
            peak = np.abs(smooth(wz, 3)).max()
            reverses = wz.max() > 0.25 and wz.min() < -0.25
            return reverses and abs(peak - f["peak_yaw_rate_rps"]) < 0.03, peak
        t, ax = window(imu, a - 0.3, b + 0.3, "ax")
        _, ay = window(imu, a - 0.3, b + 0.3, "ay")
        sx, sy, k = smooth(ax, 7), smooth(ay, 7), 5
        dt = t[2 * k:] - t[:-2 * k]   # derivative over 0.1 s: header stamps carry jitter
        jx, jy = (sx[2 * k:] - sx[:-2 * k]) / dt, (sy[2 * k:] - sy[:-2 * k]) / dt
        total = np.sqrt(jx ** 2 + jy ** 2)[k:-k].max()
        return abs(total - f["peak_total_jerk_mps3"]) < 0.35 * f["peak_total_jerk_mps3"] + 1.0, total
    if ev == "disengagement":
        _, mode = window(sig["/vehicle/status/control_mode"], a - 0.2, b, "mode")
        return 1 in mode and 4 in mode and list(mode).index(4) > list(mode).index(1), list(mode)
    if ev in ("heavy_rain", "snow", "fog", "low_visibility", "icy_road"):
        w = sig["/vehicle/status/weather"]
        _, p = window(w, a, b - 0.5, "precipitation_mm_h")
        _, temp = window(w, a, b - 0.5, "ambient_temperature_c")
        _, vis = window(w, a, b - 0.5, "visibility_m")
        _, abs_ = window(w, a, b - 0.5, "abs_active")
        _, esc = window(w, a, b - 0.5, "esc_active")
        if ev == "heavy_rain":
            return abs(p.max() - f["peak_precipitation_mm_h"]) < 0.01 and p.max() >= 7.6, p.max()
        if ev == "snow":
            return abs(p.max() - f["peak_precipitation_mm_h"]) < 0.01 and abs(temp.min() - f["min_temperature_c"]) < 0.01, temp.min()
        if ev in ("fog", "low_visibility"):
            return abs(vis.min() - f["min_visibility_m"]) < 0.05, vis.min()
        return (abs_.max() > 0 or esc.max() > 0) and abs(temp.min() - f["min_temperature_c"]) < 0.01, temp.min()
    # actor events: from the tracked objects
    objs = sig["/perception/object_recognition/tracking/objects"]
    ts, frames = window(objs, a - 0.1, b + 0.1, "objects")
    rows = [(t, o) for t, fr in zip(ts, frames) for o in fr]
    if not rows:
        return False, "no objects"
    if ev == "low_ttc":
        ttcs = []
        for t, o in rows:
            gap = o["x"] - EGO_FRONT - o["length"] / 2
            closing = speed_at(sig, t) - o["vx"]
            if abs(o["y"]) < 1.1 and gap > 0 and closing > 0.1:
                ttcs.append(gap / closing)
        m = min(ttcs) if ttcs else float("inf")
        return abs(m - f["min_ttc_s"]) < 0.15 + 0.15 * f["min_ttc_s"], m
    if ev == "cut_in":
        ys = [abs(o["y"]) for _, o in rows]
        gaps = [o["x"] - EGO_FRONT - o["length"] / 2 for _, o in rows if abs(o["y"]) < 0.6]
        ok = max(ys) > 1.6 and min(ys) < 0.6 and gaps and abs(min(gaps, key=lambda g: abs(g - f["gap_m"])) - f["gap_m"]) < 0.6
        return bool(ok), (max(ys), min(ys))
    if ev == "pedestrian_crossing":
        d = [o["x"] - EGO_FRONT - o["length"] / 2 for _, o in rows if o["cls"] == 7 and abs(o["y"]) <= 5.2]
        return bool(d) and abs(min(d) - f["min_distance_ahead_m"]) < 0.3, min(d) if d else None
    if ev == "vulnerable_road_user_close":
        lat = [abs(o["y"]) for _, o in rows if o["cls"] in (6, 7)]
        return bool(lat) and abs(min(lat) - f["min_lateral_m"]) < 0.2, min(lat) if lat else None
    if ev == "wrong_way_actor":
        closing = [speed_at(sig, t) - o["vx"] for t, o in rows if math.cos(o["heading"]) < -0.866]
        return bool(closing) and abs(max(closing) - f["closing_speed_mps"]) < 1.0, max(closing) if closing else None
    return False, "unknown event"


def check_robot(label, h5):
    a, b = label["start_ns"] / 1e9, label["end_ns"] / 1e9
    f, ev = label["facts"], label["event"]
    t = h5["/timestamps/measured_force"][()]
    F = h5["/robot_state/measured_force"][()].astype(np.float64)
    T = h5["/robot_state/measured_torque"][()].astype(np.float64)
    still = t < t[0] + 0.5
    F -= F[still].mean(axis=0)   # bias from the still frames at the start (drift remains)
    T -= T[still].mean(axis=0)
    m = (t >= a) & (t <= b)
    Fw, Tw = F[m], T[m]
    if ev == "insert" and "peak_axial_force_n" not in f:   # aborted: a steady search force
        mid = -Fw[len(Fw) // 4: 3 * len(Fw) // 4, 2]
        return abs(np.median(mid) - f["search_force_n"]) < 1.5, np.median(mid)
    if ev == "insert":
        return abs(-smooth(Fw[:, 2], 3).min() - f["peak_axial_force_n"]) < 1.5, -Fw[:, 2].min()
    if ev == "extract":
        return abs(smooth(Fw[:, 2], 3).max() - f["peak_tensile_force_n"]) < 1.5, Fw[:, 2].max()
    if ev == "pull":
        mid = Fw[len(Fw) // 4: 3 * len(Fw) // 4, 0]
        return abs(mid.mean() - f["mean_opposing_force_n"]) < 1.5, mid.mean()
    if ev == "push":
        mid = -Fw[len(Fw) // 4: 3 * len(Fw) // 4, 0]
        return abs(mid.mean() - f["mean_force_n"]) < 2.0, mid.mean()
    if ev == "twist":
        tp = h5["/timestamps/pose"][()]
        q = h5["/robot_state/pose"][()][:, 3:7]
        psi = -2 * np.arctan2(q[:, 2], q[:, 1])
        mp = (tp >= a - 0.05) & (tp <= b + 0.05)
        rot = abs(np.degrees(psi[mp][-1] - psi[mp][0]))
        peak = np.abs(smooth(Tw[:, 2], 5)).max()
        return abs(rot - f["rotation_deg"]) < 3 and abs(peak - f["peak_torque_nm"]) < 0.25, (rot, peak)
    if ev == "contact_spike":
        m2 = (t >= a - 0.01) & (t <= b + 0.01)
        peak = np.linalg.norm(F[m2], axis=1).max()
        return abs(peak - f["peak_force_n"]) < 3.5, peak
    return False, "unknown event"


def main():
    d = Path(sys.argv[1])
    per_class = int(sys.argv[sys.argv.index("--per-class") + 1]) if "--per-class" in sys.argv else 3
    manifest = json.loads((d / "manifest.json").read_text())
    labels = [json.loads(l) for l in (d / "labels.jsonl").read_text().splitlines() if l]
    by_class = defaultdict(list)
    for l in labels:
        by_class[l["event"]].append(l)
    read_ok, signals = {}, {}
    for name in manifest["files"]:
        p = d / name
        if name.endswith(".mcap"):
            signals[name] = load_mcap(p)
        else:
            with h5py.File(p, "r") as h:
                h.visititems(lambda n, o: o[()] if isinstance(o, h5py.Dataset) else None)
        read_ok[name] = True
    results, failures = {}, []
    for ev, ls in sorted(by_class.items()):
        checked = passed = 0
        for l in ls:
            if checked >= per_class:
                break
            if l["source"].endswith(".mcap"):
                ok, got = check_driving(l, signals[l["source"]])
            elif "reassemble" in l["source"]:
                with h5py.File(d / l["source"], "r") as h:
                    ok, got = check_robot(l, h)
            else:
                continue   # ALOHA episodes carry no F/T sensor: their facts are checked on REASSEMBLE ones
            checked += 1
            passed += bool(ok)
            if not ok:
                failures.append({"label": l, "recomputed": str(got)})
        results[ev] = {"checked": checked, "passed": passed}
    out = {"files": len(read_ok), "labels": len(labels), "classes": results, "failures": failures[:10]}
    print(json.dumps(out))
    bad = failures or any(r["checked"] == 0 for r in results.values())
    sys.exit(1 if bad else 0)


main()
