/// The versioned schema of the PostgreSQL store, the same tables as ``SQLiteSchema``.
///
/// Migrations are append-only: never edit a shipped one, add `v2`, `v3` … Applied names are
/// recorded in `schema_migrations`. Each migration is a list of single statements because the
/// extended query protocol accepts one statement per call.
///
/// Types: times are `BIGINT` milliseconds since 1970 (``StoreTime``), ids `TEXT COLLATE "C"` so
/// they sort bytewise (time order for UUIDv7) whatever the database's locale, and message data is
/// `TEXT` holding the canonical JSON text, because `jsonb` would turn `50000.0` into `50000`.
enum PostgresSchema {
    /// Advisory lock keys ("accola" + a number), per database.
    enum LockKey {
        /// Held while migrating, so concurrent starters apply each migration once.
        static let migrate: Int64 = 0x6163_636F_6C61_0001
        /// Held by the one worker sweeping expired leases.
        static let rescue: Int64 = 0x6163_636F_6C61_0002
        /// Held by the one node refreshing planner statistics (``PostgresStore/refreshStatisticsIfStale()``).
        static let analyze: Int64 = 0x6163_636F_6C61_0003
        /// Held by the one node sweeping unmatched receipts (``PostgresStore/sweepUnmatchedReceipts(now:receivedBefore:)``).
        static let receiptSweep: Int64 = 0x6163_636F_6C61_0011
        /// The class (first key of the two-key form, a key space apart from the one-key locks
        /// above) of the per-(workflow, recipient key) lock a throttle's count and pass hold.
        static let throttleClass: Int32 = 0x6163_0021
        /// The class of the per-(workflow, step, digest key) lock a digest's join or opening holds.
        static let digestClass: Int32 = 0x6163_0022
    }

    /// Every migration, in order.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", v1), ("v2", v2), ("v3", v3), ("v4", v4), ("v5", v5), ("v6", v6), ("v7", v7), ("v8", v8), ("v9", v9),
        ("v10", v10), ("v11", v11), ("v12", v12), ("v13", v13), ("v14", v14), ("v15", v15), ("v16", v16),
    ]

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    TEXT PRIMARY KEY,
            applied_at BIGINT NOT NULL
        )
        """

    private static let v1: [String] = [
        """
        CREATE TABLE messages (
            id                    TEXT COLLATE "C" PRIMARY KEY,
            template              TEXT NOT NULL,
            locale                TEXT,
            recipient_name        TEXT,
            recipient_email       TEXT,
            recipient_phone       TEXT,
            recipient_whatsapp    TEXT,
            recipient_locale      TEXT,
            recipient_timezone    TEXT,
            recipient_external_id TEXT,
            data                  TEXT NOT NULL,
            route_channels        TEXT NOT NULL,
            route_mode            TEXT NOT NULL,
            idempotency_key       TEXT,
            fingerprint           TEXT NOT NULL,
            created_at            BIGINT NOT NULL,
            send_at               BIGINT,
            expires_at            BIGINT
        )
        """,
        // The guarantee behind idempotency: two API nodes racing on one key still store one message.
        "CREATE UNIQUE INDEX messages_idempotency_key ON messages(idempotency_key)",
        "CREATE INDEX messages_recipient_email ON messages(recipient_email) WHERE recipient_email IS NOT NULL",
        "CREATE INDEX messages_recipient_phone ON messages(recipient_phone) WHERE recipient_phone IS NOT NULL",
        "CREATE INDEX messages_recipient_whatsapp ON messages(recipient_whatsapp) WHERE recipient_whatsapp IS NOT NULL",
        """
        CREATE INDEX messages_recipient_external_id ON messages(recipient_external_id)
            WHERE recipient_external_id IS NOT NULL
        """,
        "CREATE INDEX messages_created_at ON messages(created_at)",
        """
        CREATE TABLE deliveries (
            id                  TEXT COLLATE "C" PRIMARY KEY,
            message_id          TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            channel             TEXT NOT NULL,
            position            INTEGER NOT NULL,
            state               TEXT NOT NULL,
            attempts            INTEGER NOT NULL DEFAULT 0,
            next_attempt_at     BIGINT,
            lease_owner         TEXT,
            lease_expires_at    BIGINT,
            provider            TEXT,
            provider_message_id TEXT,
            last_error          TEXT,
            updated_at          BIGINT NOT NULL,
            UNIQUE (message_id, position)
        )
        """,
        // Claims read only claimable rows, already in due order, so LIMIT n reads n entries.
        """
        CREATE INDEX deliveries_due ON deliveries(next_attempt_at, id)
            WHERE state IN ('available', 'scheduled', 'retryable')
        """,
        "CREATE INDEX deliveries_lease ON deliveries(lease_expires_at) WHERE state = 'running'",
        "CREATE INDEX deliveries_state_updated ON deliveries(state, updated_at)",
        """
        CREATE INDEX deliveries_provider_message ON deliveries(provider, provider_message_id)
            WHERE provider_message_id IS NOT NULL
        """,
        """
        CREATE TABLE attempts (
            id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
            number      INTEGER NOT NULL,
            started_at  BIGINT NOT NULL,
            finished_at BIGINT NOT NULL,
            provider    TEXT NOT NULL,
            outcome     TEXT NOT NULL,
            code        TEXT,
            detail      TEXT NOT NULL
        )
        """,
        "CREATE INDEX attempts_delivery ON attempts(delivery_id, id)",
        // Placeholder for provider status events; the receipts work may extend it in a later migration.
        """
        CREATE TABLE receipts (
            id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id       TEXT COLLATE "C" NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
            status            TEXT NOT NULL,
            provider          TEXT,
            provider_event_id TEXT,
            occurred_at       BIGINT,
            received_at       BIGINT NOT NULL,
            detail            TEXT
        )
        """,
        "CREATE INDEX receipts_delivery ON receipts(delivery_id, id)",
    ]

    /// Autovacuum tuned for a queue. Every delivery is updated twice (claim, outcome) and no
    /// update can be HOT (state, due time and lease are indexed), so `deliveries` makes dead rows
    /// and index entries fast; the default thresholds (20% of the table) let a large queue bloat
    /// before a vacuum, and stale statistics turn claims into full sorts. 2% keeps both bounded.
    private static let v2: [String] = [
        """
        ALTER TABLE deliveries SET (
            autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
            autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000)
        """,
        """
        ALTER TABLE messages SET (autovacuum_analyze_scale_factor = 0.05, autovacuum_analyze_threshold = 1000)
        """,
    ]

    /// Receipts: webhooks find a delivery by the provider's message id alone, and repeats of one
    /// event are recognised by (delivery, provider event id).
    private static let v3: [String] = [
        """
        CREATE INDEX deliveries_provider_message_id ON deliveries(provider_message_id)
            WHERE provider_message_id IS NOT NULL
        """,
        """
        CREATE INDEX receipts_event ON receipts(delivery_id, provider_event_id)
            WHERE provider_event_id IS NOT NULL
        """,
    ]

    /// Recipients: per-channel suppression (opt-outs) and the last inbound message per address
    /// (WhatsApp's customer-service window), keyed by (channel, address).
    private static let v4: [String] = [
        """
        CREATE TABLE suppressions (
            channel    TEXT COLLATE "C" NOT NULL,
            address    TEXT COLLATE "C" NOT NULL,
            reason     TEXT NOT NULL,
            source     TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (channel, address)
        )
        """,
        """
        CREATE TABLE inbound_activity (
            channel         TEXT COLLATE "C" NOT NULL,
            address         TEXT COLLATE "C" NOT NULL,
            last_inbound_at BIGINT NOT NULL,
            PRIMARY KEY (channel, address)
        )
        """,
    ]

    /// Receipts that arrive before the outcome they name is written (a callback beating the
    /// worker's batched write): held here, keyed by the provider's message id (Twilio, WhatsApp) or
    /// by the delivery id (Kannel DLR tokens, or a delivery still running), and applied in the
    /// transaction that writes the outcome. Repeats of one held event are refused by the unique
    /// indexes (which also serve the look-ups); `received_at` serves the TTL purge.
    private static let v5: [String] = [
        """
        CREATE TABLE unmatched_receipts (
            id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            provider_message_id TEXT,
            delivery_id         TEXT COLLATE "C" REFERENCES deliveries(id) ON DELETE CASCADE,
            status              TEXT NOT NULL,
            provider            TEXT,
            provider_event_id   TEXT,
            occurred_at         BIGINT,
            received_at         BIGINT NOT NULL,
            detail              TEXT,
            CHECK (provider_message_id IS NOT NULL OR delivery_id IS NOT NULL)
        )
        """,
        """
        CREATE UNIQUE INDEX unmatched_receipts_provider_message
            ON unmatched_receipts(provider_message_id, provider_event_id) WHERE provider_message_id IS NOT NULL
        """,
        """
        CREATE UNIQUE INDEX unmatched_receipts_delivery
            ON unmatched_receipts(delivery_id, provider_event_id) WHERE delivery_id IS NOT NULL
        """,
        "CREATE INDEX unmatched_receipts_received ON unmatched_receipts(received_at)",
    ]

    /// Fault tolerance, as SQLite's `v5`: a structured skip cause (revival matches it; existing
    /// fallback skips backfilled from their text) and the board of paused channels. (`v5` belongs
    /// to the receipts work.)
    private static let v6: [String] = [
        "ALTER TABLE deliveries ADD COLUMN skip_cause TEXT",
        "UPDATE deliveries SET skip_cause = 'fallback_sent' WHERE state = 'skipped' AND last_error LIKE '% was sent'",
        """
        CREATE TABLE provider_pauses (
            channel       TEXT PRIMARY KEY,
            provider      TEXT NOT NULL,
            config_key    TEXT NOT NULL,
            reason        TEXT NOT NULL,
            since         BIGINT NOT NULL,
            next_probe_at BIGINT NOT NULL,
            owner         TEXT NOT NULL
        )
        """,
    ]

    /// Multi-part deliveries, as SQLite's `v6`: the part a receipt (applied or held) reports on.
    private static let v7: [String] = [
        "ALTER TABLE receipts ADD COLUMN part_index INTEGER",
        "ALTER TABLE receipts ADD COLUMN part_count INTEGER",
        "ALTER TABLE unmatched_receipts ADD COLUMN part_index INTEGER",
        "ALTER TABLE unmatched_receipts ADD COLUMN part_count INTEGER",
    ]

    /// The in-app inbox, as SQLite's `v7`: items and per-recipient feeds. The feed row is the
    /// per-recipient sequence counter: a writer locks it, takes the next sequence and holds the lock
    /// until commit (see `PostgresStore+Inbox.swift` for why that makes sequences gap-free in commit
    /// order). `change_mark` comes from a sequence (owned by the column, so the SQLite copier moves
    /// it past copied values): no shared row that every writer would queue on.
    private static let v8: [String] = [
        """
        CREATE TABLE inbox_feeds (
            recipient_key TEXT COLLATE "C" PRIMARY KEY,
            last_sequence BIGINT NOT NULL,
            version       BIGINT NOT NULL,
            change_mark   BIGINT NOT NULL
        )
        """,
        "CREATE SEQUENCE inbox_change_marks OWNED BY inbox_feeds.change_mark",
        "CREATE INDEX inbox_feeds_change ON inbox_feeds(change_mark)",
        """
        CREATE TABLE inbox_items (
            id            TEXT COLLATE "C" PRIMARY KEY,
            recipient_key TEXT COLLATE "C" NOT NULL,
            sequence      BIGINT NOT NULL,
            delivery_id   TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES deliveries(id) ON DELETE CASCADE,
            message_id    TEXT COLLATE "C" NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            template      TEXT NOT NULL,
            locale        TEXT,
            title         TEXT NOT NULL,
            body          TEXT,
            url           TEXT,
            image_token   TEXT,
            created_at    BIGINT NOT NULL,
            seen_at       BIGINT,
            read_at       BIGINT,
            archived_at   BIGINT,
            UNIQUE (recipient_key, sequence)
        )
        """,
        """
        CREATE INDEX inbox_items_unread ON inbox_items(recipient_key, sequence)
            WHERE read_at IS NULL AND archived_at IS NULL
        """,
        """
        CREATE INDEX inbox_items_unseen ON inbox_items(recipient_key, sequence)
            WHERE seen_at IS NULL AND archived_at IS NULL
        """,
        """
        CREATE INDEX inbox_items_archived ON inbox_items(recipient_key, sequence)
            WHERE archived_at IS NOT NULL
        """,
        "CREATE INDEX inbox_items_message ON inbox_items(message_id)",
    ]

    /// Durable workflow runs, as SQLite's `v8`: runs (with their lease), step records, digests
    /// with their members, and throttle passes. The claim index holds `(state, due_at)` so the
    /// `FOR UPDATE SKIP LOCKED` claim reads due scheduled rows in order; the wake indexes make a
    /// receipt's or redemption's wake a probe.
    private static let v9: [String] = [
        """
        CREATE TABLE workflow_runs (
            id                    TEXT COLLATE "C" PRIMARY KEY,
            workflow              TEXT COLLATE "C" NOT NULL,
            event                 TEXT NOT NULL,
            recipient_name        TEXT,
            recipient_email       TEXT,
            recipient_phone       TEXT,
            recipient_whatsapp    TEXT,
            recipient_locale      TEXT,
            recipient_timezone    TEXT,
            recipient_external_id TEXT,
            recipient_key         TEXT COLLATE "C" NOT NULL,
            data                  TEXT NOT NULL,
            idempotency_key       TEXT COLLATE "C",
            fingerprint           TEXT NOT NULL,
            cancellation_key      TEXT COLLATE "C",
            reward_code           TEXT COLLATE "C",
            state                 TEXT NOT NULL,
            cursor_step           INTEGER NOT NULL,
            due_at                BIGINT,
            deadline              BIGINT,
            last_message_id       TEXT COLLATE "C",
            digest_id             TEXT COLLATE "C",
            redeemed_at           BIGINT,
            reason                TEXT,
            wake_pending          INTEGER NOT NULL DEFAULT 0,
            lease_owner           TEXT,
            lease_expires_at      BIGINT,
            created_at            BIGINT NOT NULL,
            updated_at            BIGINT NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX workflow_runs_idempotency ON workflow_runs(idempotency_key, recipient_key, workflow)
            WHERE idempotency_key IS NOT NULL
        """,
        "CREATE INDEX workflow_runs_due ON workflow_runs(state, due_at)",
        "CREATE INDEX workflow_runs_lease ON workflow_runs(lease_expires_at) WHERE state = 'running'",
        "CREATE INDEX workflow_runs_cancellation ON workflow_runs(cancellation_key) WHERE cancellation_key IS NOT NULL",
        "CREATE INDEX workflow_runs_reward_code ON workflow_runs(reward_code) WHERE reward_code IS NOT NULL",
        "CREATE INDEX workflow_runs_last_message ON workflow_runs(last_message_id) WHERE last_message_id IS NOT NULL",
        "CREATE INDEX workflow_runs_recipient ON workflow_runs(recipient_key, id)",
        "CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow, id)",
        """
        CREATE TABLE workflow_run_steps (
            run_id     TEXT COLLATE "C" NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
            ordinal    INTEGER NOT NULL,
            step       INTEGER NOT NULL,
            kind       TEXT NOT NULL,
            outcome    TEXT NOT NULL,
            reason     TEXT,
            message_id TEXT COLLATE "C",
            until_at   BIGINT,
            decided_at BIGINT NOT NULL,
            PRIMARY KEY (run_id, ordinal)
        )
        """,
        "CREATE INDEX workflow_run_steps_message ON workflow_run_steps(message_id) WHERE message_id IS NOT NULL",
        """
        CREATE TABLE workflow_digests (
            id           TEXT COLLATE "C" PRIMARY KEY,
            workflow     TEXT COLLATE "C" NOT NULL,
            step         INTEGER NOT NULL,
            digest_key   TEXT COLLATE "C" NOT NULL,
            closes_at    BIGINT NOT NULL,
            owner_run_id TEXT COLLATE "C" NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
            state        TEXT NOT NULL,
            created_at   BIGINT NOT NULL,
            closed_at    BIGINT
        )
        """,
        """
        CREATE INDEX workflow_digests_open ON workflow_digests(workflow, step, digest_key, closes_at)
            WHERE state = 'open'
        """,
        "CREATE INDEX workflow_digests_owner ON workflow_digests(owner_run_id)",
        """
        CREATE TABLE workflow_digest_members (
            digest_id TEXT COLLATE "C" NOT NULL REFERENCES workflow_digests(id) ON DELETE CASCADE,
            ordinal   INTEGER NOT NULL,
            run_id    TEXT COLLATE "C" NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
            data      TEXT NOT NULL,
            joined_at BIGINT NOT NULL,
            PRIMARY KEY (digest_id, ordinal)
        )
        """,
        "CREATE INDEX workflow_digest_members_run ON workflow_digest_members(run_id)",
        """
        CREATE TABLE workflow_throttle_passes (
            id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            workflow      TEXT COLLATE "C" NOT NULL,
            recipient_key TEXT COLLATE "C" NOT NULL,
            run_id        TEXT COLLATE "C" NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
            passed_at     BIGINT NOT NULL
        )
        """,
        "CREATE INDEX workflow_throttle_passes_key ON workflow_throttle_passes(workflow, recipient_key, passed_at)",
    ]

    /// Message categories, as SQLite's `v9`: rows from before it are `rewards`. A constant
    /// default makes the `ALTER` a catalogue change, not a rewrite of the table.
    private static let v10: [String] = [
        "ALTER TABLE messages ADD COLUMN category TEXT NOT NULL DEFAULT 'rewards'",
    ]

    /// Soft bounces per email address, one row per delivery, counted over `bounces.window`.
    private static let v11: [String] = [
        """
        CREATE TABLE email_soft_bounces (
            address     TEXT COLLATE "C" NOT NULL,
            delivery_id TEXT COLLATE "C" NOT NULL,
            at          BIGINT NOT NULL,
            PRIMARY KEY (address, delivery_id)
        )
        """,
        "CREATE INDEX email_soft_bounces_address_at ON email_soft_bounces(address, at)",
    ]

    /// Recipients' preferences, as SQLite's `v11`: explicit choices only; no row means opted in.
    private static let v12: [String] = [
        """
        CREATE TABLE recipient_preferences (
            recipient_key TEXT COLLATE "C" NOT NULL,
            category      TEXT COLLATE "C" NOT NULL,
            channel       TEXT COLLATE "C" NOT NULL,
            opted_in      INTEGER NOT NULL,
            source        TEXT NOT NULL,
            updated_at    BIGINT NOT NULL,
            PRIMARY KEY (recipient_key, category, channel)
        )
        """,
    ]

    /// `send_at: optimal`: engagement signals and the explanation of a picked `send_at` (see
    /// ``SQLiteSchema``'s `v12`).
    private static let v13: [String] = [
        """
        CREATE TABLE engagement_events (
            recipient_key TEXT COLLATE "C" NOT NULL,
            at            BIGINT NOT NULL,
            kind          TEXT NOT NULL,
            cohort        TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (recipient_key, at, kind)
        )
        """,
        "CREATE INDEX engagement_events_cohort ON engagement_events(cohort, at, kind)",
        "ALTER TABLE messages ADD COLUMN send_at_reason TEXT",
    ]

    /// Costs and report values (issue 18), as SQLite's `v13`.
    private static let v14: [String] = [
        "ALTER TABLE attempts ADD COLUMN cost_micros BIGINT, ADD COLUMN cost_currency TEXT",
        "ALTER TABLE deliveries ADD COLUMN cost_micros BIGINT, ADD COLUMN cost_currency TEXT",
        "ALTER TABLE unmatched_receipts ADD COLUMN free_of_charge BOOLEAN NOT NULL DEFAULT false",
        """
        ALTER TABLE messages ADD COLUMN programme TEXT, ADD COLUMN reward_value_micros BIGINT,
            ADD COLUMN reward_value_currency TEXT, ADD COLUMN outcome_value_micros BIGINT, ADD COLUMN outcome_value_currency TEXT,
            ADD COLUMN workflow TEXT
        """,
        """
        CREATE TABLE message_redemptions (
            message_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            redeemed_at    BIGINT NOT NULL,
            value_micros   BIGINT,
            value_currency TEXT
        )
        """,
        "CREATE INDEX message_redemptions_redeemed_at ON message_redemptions(redeemed_at)",
        "ALTER TABLE deliveries ADD COLUMN delivered_at BIGINT",
    ]  // until v15 also the first, tall report rollups, which `v15` drops (if there) for the wide ones

    /// Fast reports (issue 18), as SQLite's `v14`: wide rollup rows at quarter-hours, hours and
    /// UTC days replace `v14`'s tall table and triggers, filled from the log.
    private static let v15: [String] = RollupSQL.replaceV13(.postgres) + RollupSQL.rebuild(.postgres)

    /// Faster reports in zones that are not UTC, as SQLite's `v15`: the six-hour grain, with the
    /// triggers made again and the coarser grains summed anew from the quarter-hours.
    private static let v16: [String] = RollupSQL.regrain(.postgres)
}
