#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: unit tests, integration tests against real
# local servers (aiosmtpd, a scripted SMTP server) and end-to-end tests of the accolade binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
