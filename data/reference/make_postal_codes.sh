#!/usr/bin/env bash
# Regenerates postal_codes_2025.csv (INSEE commune code → its postal codes) from the npm package
# @etalab/decoupage-administratif (data: Licence Ouverte, La Poste's « base officielle des codes postaux »).
# Usage: data/reference/make_postal_codes.sh [VERSION]   (default 6.0.0; needs node and npm)
set -euo pipefail
version="${1:-6.0.0}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "@etalab/decoupage-administratif@$version")
node - "$work/node_modules/@etalab/decoupage-administratif/data/communes.json" > "$here/postal_codes_2025.csv" <<'JS'
// One row per commune (current, delegated, associated; municipal arrondissements too, with their city in `parent`),
// postal codes sorted and space-separated.
const communes = require(process.argv[2]);
const rows = communes
  .filter(c => (c.codesPostaux ?? []).length > 0)
  .map(c => [c.code, c.type, c.commune ?? c.chefLieu ?? '', [...new Set(c.codesPostaux)].sort().join(' ')])
  .sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));
process.stdout.write('code,type,parent,postal_codes\n');
for (const row of rows) process.stdout.write(row.join(',') + '\n');
JS
echo "wrote $here/postal_codes_2025.csv ($(($(wc -l < "$here/postal_codes_2025.csv") - 1)) rows)"
