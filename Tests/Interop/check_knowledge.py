"""Independent check that knowledge.jsonl files of different scans load as one table, as
`datasets` and pandas users load them: each file is read on its own with pyarrow's JSON
reader, the schemas must be equal, and the tables concatenate without promotion.

Usage: check_knowledge.py FILE.jsonl FILE.jsonl... Prints a JSON summary; exits 1 when the
schemas differ (naming the first difference)."""
import json, sys
import pyarrow as pa
import pyarrow.json as pj

tables = [pj.read_json(path) for path in sys.argv[1:]]
first = tables[0].schema
for path, t in zip(sys.argv[2:], tables[1:]):
    if not t.schema.equals(first):
        for f in first:
            other = t.schema.field(f.name) if f.name in t.schema.names else None
            if other is None or not other.type.equals(f.type):
                print(json.dumps({"ok": False, "file": path, "field": f.name, "expected": str(f.type),
                                  "found": str(other.type) if other else None}))
                sys.exit(1)
        print(json.dumps({"ok": False, "file": path, "schema": str(t.schema)}))
        sys.exit(1)
table = pa.concat_tables(tables)
print(json.dumps({"ok": True, "rows": table.num_rows, "files": len(tables),
                  "columns": table.schema.names, "events_type": str(table.schema.field("events").type)}))
