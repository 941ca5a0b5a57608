"""Reads TOML files with Python's tomllib (an independent parser) and prints one JSON
document per file, one per line ("ERROR" for text tomllib rejects, "UNSUPPORTED" for dates, inf and nan). Usage: toml_to_json.py FILE..."""
import json, sys, tomllib

for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        print("ERROR")
        continue
    try:
        print(json.dumps(doc, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):   # dates, inf, nan: valid TOML that profiles do not use
        print("UNSUPPORTED")
