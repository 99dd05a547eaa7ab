"""Writes the PromQL of the Grafana dashboards as recording rules, so promtool can check them.

Grafana variables are replaced by what they expand to: $tenant by a regex, $__rate_interval by
a duration. Usage: python3 .ci/dashboard-promql.py deploy/grafana/dashboards > rules.yml
"""
import glob
import json
import os
import sys

exprs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    dashboard = json.load(open(path))
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            if "expr" in target:
                exprs.append((os.path.basename(path), panel.get("title", ""), target["expr"]))
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("datasource", {}).get("type") == "prometheus" and var.get("query", "").startswith("label_values("):
            # label_values(metric, label) is Grafana's, not PromQL: check its metric as a selector
            exprs.append((os.path.basename(path), var["name"], var["query"][len("label_values("):].split(",")[0]))

print("groups:")
print("  - name: dashboards")
print("    rules:")
for i, (file, title, expr) in enumerate(exprs):
    filled = expr.replace("$tenant", ".*").replace("$__rate_interval", "5m")
    print(f"      - record: toolgate:dashboard_expr_{i}")
    print("        expr: " + json.dumps(filled))
print(f"# {len(exprs)} expressions", file=sys.stderr)
