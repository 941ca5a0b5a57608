#!/usr/bin/env python3
"""Black-box mutation testing of the release CLI (issue 17).

Mutates seed inputs (MCAP, ROS 1 bag, HDF5, profile TOML, a scan's catalog) with bit flips,
byte overwrites, length-field overwrites (0, 2^32-1, 2^63, 2^64-1 at 4- and 8-byte
boundaries), truncations, insertions and deletions, runs the command that reads each kind
(`scan --dry-run`, `scan --out`, `inspect`, `cat`, `query`, `show`) under a time limit with
its peak RSS measured (`/usr/bin/time -v`), and counts signals (a crash), hangs (the limit
hit) and the largest RSS. Exit 1 when any run crashed, hung, or went over the RSS limit.

    scripts/mutate-cli.py [--runs N] [--jobs J] [--timeout S] [--rss-mb MB] [--seed K]

Seeds are made from Fixtures/ and `longtail synth`; failing inputs are kept in
.mutate/failures/ with the command that failed.
"""
import argparse, concurrent.futures, os, random, shutil, sqlite3, struct, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LT = ROOT / ".build/release/longtail"
WORK = ROOT / ".mutate"


def seeds():
    s = WORK / "seeds"
    if s.exists():
        return s
    s.mkdir(parents=True)
    subprocess.run([LT, "synth", "--kind", "driving", "--seed", "3", "--duration", "20s", "--out", s / "synth"],
                   check=True, capture_output=True)
    shutil.copy(s / "synth/drive-000.mcap", s / "drive.mcap")
    shutil.copy(ROOT / "Fixtures/ros1/small-lz4.bag", s / "small.bag")
    shutil.copy(ROOT / "Fixtures/ros1/small-bz2.bag", s / "small-bz2.bag")
    shutil.copy(ROOT / "Fixtures/synth/robot/episode-001-aloha.h5", s / "aloha.h5")
    (s / "profile.toml").write_text(subprocess.run([LT, "profiles", "--show", "synth-driving"], capture_output=True,
                                                   text=True, check=True).stdout)
    subprocess.run([LT, "scan", s / "drive.mcap", "--out", s / "out", "--alignment-budget", "3"], check=True, capture_output=True)
    return s


def mutate(data: bytearray, rng: random.Random) -> bytearray:
    d = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not d:
            break
        k = rng.randrange(6)
        at = rng.randrange(len(d))
        if k == 0:
            d[at] ^= 1 << rng.randrange(8)
        elif k == 1:
            d[at] = rng.randrange(256)
        elif k == 2:   # a length field overwritten
            width = rng.choice([4, 8])
            at -= at % width
            value = rng.choice([0, 2**32 - 1, 2**31, 2**63, 2**64 - 1, rng.randrange(2**32)])
            packed = struct.pack("<Q", value % 2**64)[:width]
            d[at:at + width] = packed
        elif k == 3:
            del d[rng.randrange(len(d)):]
        elif k == 4:
            d[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            del d[at:at + rng.randint(1, 64)]
    return d


def one(i, args, seeddir):
    rng = random.Random(args.seed * 1_000_003 + i)
    tmp = Path(tempfile.mkdtemp(prefix="lt-mut-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None))
    try:
        kind = rng.choice(["mcap", "mcap", "bag", "h5", "profile", "catalog"])
        if kind == "mcap":
            f = tmp / "x.mcap"
            f.write_bytes(mutate(bytearray((seeddir / "drive.mcap").read_bytes()), rng))
            cmd = rng.choice([["scan", f, "--dry-run"], ["scan", f, "--out", tmp / "o"], ["inspect", f], ["cat", f]])
        elif kind == "bag":
            f = tmp / "x.bag"
            f.write_bytes(mutate(bytearray((seeddir / rng.choice(["small.bag", "small-bz2.bag"])).read_bytes()), rng))
            cmd = rng.choice([["scan", f, "--dry-run"], ["scan", f, "--out", tmp / "o"], ["inspect", f], ["cat", f]])
        elif kind == "h5":
            f = tmp / "x.h5"
            f.write_bytes(mutate(bytearray((seeddir / "aloha.h5").read_bytes()), rng))
            cmd = rng.choice([["scan", f, "--dry-run"], ["scan", f, "--out", tmp / "o"], ["inspect", f]])
        elif kind == "profile":
            f = tmp / "p.toml"
            f.write_bytes(mutate(bytearray((seeddir / "profile.toml").read_bytes()), rng))
            cmd = ["scan", seeddir / "drive.mcap", "--profile", f, "--dry-run"]
        else:
            out = tmp / "o"
            shutil.copytree(seeddir / "out", out)
            cat = out / "catalog.sqlite"
            if rng.random() < 0.5:
                cat.write_bytes(mutate(bytearray(cat.read_bytes()), rng))
            else:   # typed damage: NULLs, wrong types, extreme numbers
                c = sqlite3.connect(cat)
                table, column = rng.choice([("segments", "start_ns"), ("segments", "end_ns"), ("segments", "rarity"),
                                            ("segments", "features"), ("events", "facts"), ("events", "start_ns"),
                                            ("sources", "path"), ("segments", "tier")])
                value = rng.choice([None, "abc", -2**63, 2**63 - 1, 1e308, "", "{"])
                try:
                    c.execute(f"UPDATE {table} SET {column} = ? WHERE rowid % 3 = 0", (value,))
                    c.commit()
                except Exception:
                    pass
                c.close()
            ids = ["00-0", "x"]
            try:   # a mutated catalog may not even read as text
                ids = [str(r[0]) for r in sqlite3.connect(cat).execute("SELECT uid FROM segments LIMIT 3")] or ids
            except Exception:
                pass
            uid = str(rng.choice(ids))
            cmd = rng.choice([["query", "--catalog", out, "--limit", "0"], ["query", "--catalog", out, "--format", "jsonl"],
                              ["show", "--catalog", out, uid], ["export", "--catalog", out, uid, "--to", tmp / "e.mcap"]])
        argv = ["/usr/bin/time", "-f", "%M", str(LT)] + [str(c) for c in cmd]
        try:
            p = subprocess.run(argv, capture_output=True, timeout=args.timeout, stdin=subprocess.DEVNULL,
                               env=dict(os.environ, SWIFT_BACKTRACE="enable=no"))
        except subprocess.TimeoutExpired:
            return keep(i, "hang", cmd, tmp), 0
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        status = p.returncode
        # /usr/bin/time reports a child killed by a signal as "Command terminated by signal N".
        signalled = status < 0 or status >= 128 or any("terminated by signal" in l for l in lines)
        if signalled:
            return keep(i, "signal", cmd, tmp, "\n".join(lines[-20:])), rss
        if rss > args.rss_mb * 1024:
            return keep(i, "rss", cmd, tmp, f"{rss} KiB"), rss
        return None, rss
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def keep(i, what, cmd, tmp, note=""):
    dest = WORK / "failures" / f"{what}-{i}"
    shutil.copytree(tmp, dest, dirs_exist_ok=True)
    (dest / "command.txt").write_text(" ".join(str(c) for c in cmd) + "\n" + note)
    return what


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--rss-mb", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not LT.exists():
        subprocess.run(["swift", "build", "-c", "release", "--product", "longtail"], cwd=ROOT, check=True)
    seeddir = seeds()
    counts = {"signal": 0, "hang": 0, "rss": 0}
    peak = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for n, (bad, rss) in enumerate(ex.map(lambda i: one(i, args, seeddir), range(args.runs)), 1):
            peak = max(peak, rss)
            if bad:
                counts[bad] += 1
            if n % 1000 == 0:
                print(f"mutate: {n}/{args.runs} runs, signals {counts['signal']}, hangs {counts['hang']}, "
                      f"over RSS {counts['rss']}, peak RSS {peak // 1024} MiB", file=sys.stderr, flush=True)
    print(f"runs {args.runs}: signals {counts['signal']}, hangs {counts['hang']} (limit {args.timeout:g} s), "
          f"over {args.rss_mb} MiB {counts['rss']}, peak RSS {peak // 1024} MiB")
    sys.exit(1 if any(counts.values()) else 0)


if __name__ == "__main__":
    main()
