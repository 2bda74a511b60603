#!/usr/bin/env bash
# Simulates `send_at: optimal` with the real picker (AccoladeWorkflows/Timing/OptimalSendPicker):
# 5,000 synthetic recipients in six zones, each with a hidden preferred hour and a noisy
# engagement history (noise model: OptimalSendSimulation.swift), one send each; prints the share
# of optimal sends within ±1 h of the hidden hour against immediate sending (target ≥ 3×) and the
# time it took. Seeded: the same seed prints the same shares.
#   scripts/simulate-optimal-send.sh [--recipients 5000] [--seed 17] [--horizon-hours 24] [--json] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
args=()
while (($#)); do
  case "$1" in
    --no-build) build=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if ((build)); then swift build --product accolade >&2; fi
exec "$(swift build --show-bin-path)/accolade" simulate-optimal-send "${args[@]}"
