"""Damages a copy of a Longtail catalog the ways issue 17's fuzzing did: a NULL where the
schema says NOT NULL, text in an integer column, Int64.min as a time, an empty source path.
Usage: damage_catalog.py CATALOG.sqlite KIND"""
import sqlite3, sys

path, kind = sys.argv[1], sys.argv[2]
c = sqlite3.connect(path)
if kind == "null-uid":
    c.execute("PRAGMA writable_schema=1")
    c.execute("UPDATE sqlite_master SET sql = replace(sql, 'uid TEXT NOT NULL UNIQUE', 'uid TEXT UNIQUE') WHERE name = 'segments'")
    c.commit(); c.close(); c = sqlite3.connect(path)
    c.execute("UPDATE segments SET uid = NULL WHERE seg_index = 1")
elif kind == "text-start":
    c.execute("UPDATE segments SET start_ns = 'abc' WHERE seg_index = 1")
elif kind == "min-start":
    c.execute("UPDATE segments SET start_ns = -9223372036854775808")
elif kind == "empty-path":
    c.execute("UPDATE sources SET path = ''")
else:
    sys.exit(f"unknown kind {kind}")
c.commit()
