#!/usr/bin/env bash
# Installs everything Accolade needs to build, run and test on Debian 12 (idempotent).
# Swift 6.3 itself is expected on PATH (it is on the project's machines).
set -euo pipefail

packages=(
  libcurl4-openssl-dev   # libcurl: all network I/O (SMTP, HTTP)
  zlib1g-dev             # deflate/CRC for PNG (QR)
  libsqlite3-dev         # SQLite headers for GRDB
  python3-aiosmtpd       # local SMTP server that keeps messages (tests, scripts/run.sh)
  python3-venv           # scripts/api-fuzz.sh installs schemathesis (PyPI) into var/api-fuzz/venv
  postfix                # smtp-sink for the benchmark
  postgresql             # throw-away test cluster (initdb/pg_ctl) for the PostgreSQL store
  libqrencode-dev        # QR symbol encoding
  zbar-tools             # zbarimg: tests decode every QR PNG we produce
  librsvg2-bin           # rsvg-convert: tests rasterise QR SVGs
  kannel                 # real SMS gateway (bearerbox, smsbox) for SMS integration tests
  kannel-extras          # fakesmsc: Kannel's fake SMS centre
  wrk                    # HTTP load generator for the API benchmark
  chromium               # headless checks: the template preview page, the inbox widget (scripts/check-inbox-browser.py)
  chromium-driver        # WebDriver for Chromium: scripts/check-inbox-browser.py drives the inbox widget
  python3-selenium       # Selenium bindings for /usr/bin/python3 (the same script)
  nginx-light            # HTTP sink answering 201 for the SMS benchmark (scripts/bench-sms.sh)
  curl                   # the Kannel test script polls bearerbox's admin status with it
  openssl                # throw-away CAs: TLS tests (make_test_certs.sh), the chaos TLS relay row, PostgreSQL over TLS
  systemd                # systemd-analyze: scripts/check-deploy.sh verifies config/accolade.service (nothing is started)
  ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Postfix must not configure or start a mail system: we only want its smtp-sink tool.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6.3 is required)" >&2; exit 1; }

# PyJWT from PyPI, pinned, in a virtualenv of Debian's Python (installed once): InboxTokenPyJWTTests
# mints and verifies inbox tokens with it both ways, as a CRM backend would.
pyjwt_version=2.10.1
pyjwt_venv="$(cd "$(dirname "$0")/.." && pwd)/var/pyjwt/venv"
if [ "$("$pyjwt_venv/bin/python" -c 'import jwt; print(jwt.__version__)' 2>/dev/null)" != "$pyjwt_version" ]; then
  rm -rf "$pyjwt_venv"
  /usr/bin/python3 -m venv "$pyjwt_venv"
  "$pyjwt_venv/bin/pip" install -q --disable-pip-version-check "PyJWT==$pyjwt_version"
fi
