#!/usr/bin/env bash
# WhatsApp throughput benchmark: 20,000 WhatsApp template messages to a local nginx answering like the Graph API.
# See scripts/bench-messaging.sh for what is measured.
#   scripts/bench-whatsapp.sh [--messages N] [--concurrency N]
exec "$(dirname "$0")/bench-messaging.sh" whatsapp "$@"
