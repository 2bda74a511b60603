#!/usr/bin/env bash
# SMS throughput benchmark: 20,000 SMS through the Twilio provider to a local nginx answering 201.
# See scripts/bench-messaging.sh for what is measured.
#   scripts/bench-sms.sh [--messages N] [--concurrency N]
exec "$(dirname "$0")/bench-messaging.sh" sms "$@"
