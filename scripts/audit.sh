#!/usr/bin/env bash
# Production dependencies against the npm advisory database: fails on any high or critical advisory.
# Needs a registry that serves the audit endpoint (registry.npmjs.org does; some mirrors answer 405).
set -euo pipefail
cd "$(dirname "$0")/.."
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
# npm audit exits non-zero whenever it finds anything; we judge the JSON ourselves
if ! npm audit --omit=dev --json >"$report" 2>/dev/null; then
  if ! grep -q '"vulnerabilities"' "$report"; then
    echo "audit: the advisory endpoint did not answer (see npm audit --omit=dev); run this where it is reachable" >&2
    exit 2
  fi
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const v = (r.metadata && r.metadata.vulnerabilities) || {};
  const high = (v.high || 0) + (v.critical || 0);
  console.log(`audit (production dependencies): ${JSON.stringify(v)}`);
  if (high > 0) {
    for (const [name, info] of Object.entries(r.vulnerabilities || {}))
      if (info.severity === "high" || info.severity === "critical") console.log(`  ${info.severity}: ${name} ${info.range || ""}`);
    process.exit(1);
  }
' "$report"
