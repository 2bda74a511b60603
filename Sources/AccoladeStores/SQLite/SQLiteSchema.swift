import GRDB

/// The versioned schema of the SQLite store. Migrations are append-only: never edit a shipped
/// one, add `v2`, `v3` … instead (GRDB records applied names in `grdb_migrations`).
///
/// Times are INTEGER milliseconds since 1970 (see ``StoreTime``); enums are their raw strings.
enum SQLiteSchema {
    /// The migrator with every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6", migrate: v6)
        migrator.registerMigration("v7", migrate: v7)
        migrator.registerMigration("v8", migrate: v8)
        migrator.registerMigration("v9", migrate: v9)
        migrator.registerMigration("v10", migrate: v10)
        migrator.registerMigration("v11", migrate: v11)
        migrator.registerMigration("v12", migrate: v12)
        migrator.registerMigration("v13", migrate: v13)
        migrator.registerMigration("v14", migrate: v14)
        migrator.registerMigration("v15", migrate: v15)
        migrator.registerMigration("v16", migrate: v16)
        return migrator
    }

    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE messages (
                    id                    TEXT PRIMARY KEY NOT NULL,
                    template              TEXT NOT NULL,
                    locale                TEXT,
                    recipient_name        TEXT,
                    recipient_email       TEXT,
                    recipient_phone       TEXT,
                    recipient_whatsapp    TEXT,
                    recipient_locale      TEXT,
                    recipient_timezone    TEXT,
                    recipient_external_id TEXT,
                    data                  TEXT NOT NULL,      -- JSON, ints and doubles kept apart
                    route_channels        TEXT NOT NULL,      -- comma-separated channel kinds, in order
                    route_mode            TEXT NOT NULL,
                    idempotency_key       TEXT UNIQUE,        -- NULLs never collide
                    fingerprint           TEXT NOT NULL,
                    created_at            INTEGER NOT NULL,
                    send_at               INTEGER,
                    expires_at            INTEGER
                );
                -- "What did we send to Ana?": list by any address the caller knows her by.
                CREATE INDEX messages_recipient_email ON messages(recipient_email) WHERE recipient_email IS NOT NULL;
                CREATE INDEX messages_recipient_phone ON messages(recipient_phone) WHERE recipient_phone IS NOT NULL;
                CREATE INDEX messages_recipient_whatsapp ON messages(recipient_whatsapp)
                    WHERE recipient_whatsapp IS NOT NULL;
                CREATE INDEX messages_recipient_external_id ON messages(recipient_external_id)
                    WHERE recipient_external_id IS NOT NULL;
                CREATE INDEX messages_created_at ON messages(created_at);

                CREATE TABLE deliveries (
                    id                  TEXT PRIMARY KEY NOT NULL,
                    message_id          TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    channel             TEXT NOT NULL,
                    position            INTEGER NOT NULL,
                    state               TEXT NOT NULL,
                    attempts            INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at     INTEGER,
                    lease_owner         TEXT,
                    lease_expires_at    INTEGER,
                    provider            TEXT,
                    provider_message_id TEXT,
                    last_error          TEXT,
                    updated_at          INTEGER NOT NULL,
                    UNIQUE (message_id, position)             -- also the index by message, in route order
                );
                -- Claims: only claimable rows are in this index, already ordered by due time, so
                -- "oldest due first LIMIT n" reads n entries however many rows are due. A plain
                -- (state, next_attempt_at) index would have to merge three state ranges and sort.
                CREATE INDEX deliveries_due ON deliveries(next_attempt_at)
                    WHERE state IN ('available', 'scheduled', 'retryable');
                -- Rescue of expired leases and the snapshot's next lease expiry.
                CREATE INDEX deliveries_lease ON deliveries(lease_expires_at) WHERE state = 'running';
                -- Listings by state, newest change first (`accolade dead`, `status`), and counts by state.
                CREATE INDEX deliveries_state_updated ON deliveries(state, updated_at);
                -- Provider webhooks find the delivery by the provider's id (wamid, Twilio SID).
                CREATE INDEX deliveries_provider_message ON deliveries(provider, provider_message_id)
                    WHERE provider_message_id IS NOT NULL;

                CREATE TABLE attempts (
                    id          INTEGER PRIMARY KEY,          -- append order
                    delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                    number      INTEGER NOT NULL,
                    started_at  INTEGER NOT NULL,
                    finished_at INTEGER NOT NULL,
                    provider    TEXT NOT NULL,
                    outcome     TEXT NOT NULL,
                    code        TEXT,
                    detail      TEXT NOT NULL
                );
                CREATE INDEX attempts_delivery ON attempts(delivery_id, id);

                -- Placeholder for provider status events (delivered / read / failed); filled by the
                -- receipts work, which may add columns and dedupe rules in a later migration.
                CREATE TABLE receipts (
                    id                INTEGER PRIMARY KEY,
                    delivery_id       TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                    status            TEXT NOT NULL,
                    provider          TEXT,
                    provider_event_id TEXT,
                    occurred_at       INTEGER,
                    received_at       INTEGER NOT NULL,
                    detail            TEXT
                );
                CREATE INDEX receipts_delivery ON receipts(delivery_id, id);
                """)
    }

    /// Receipts: webhooks find a delivery by the provider's message id alone (a Twilio status
    /// callback does not say which configured provider sent it), and repeats of one event are
    /// recognised by (delivery, provider event id).
    private static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX deliveries_provider_message_id ON deliveries(provider_message_id)
                    WHERE provider_message_id IS NOT NULL;
                CREATE INDEX receipts_event ON receipts(delivery_id, provider_event_id)
                    WHERE provider_event_id IS NOT NULL;
                """)
    }

    /// Recipients: per-channel suppression (opt-outs) and the last inbound message per address
    /// (WhatsApp's customer-service window). Keyed by (channel, address): one row per person and
    /// channel, however often they write or opt out. Rowid tables: the SQLite → PostgreSQL copier
    /// pages by rowid.
    private static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE suppressions (
                    channel    TEXT NOT NULL,
                    address    TEXT NOT NULL,
                    reason     TEXT NOT NULL,
                    source     TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (channel, address)
                );
                CREATE TABLE inbound_activity (
                    channel         TEXT NOT NULL,
                    address         TEXT NOT NULL,
                    last_inbound_at INTEGER NOT NULL,
                    PRIMARY KEY (channel, address)
                );
                """)
    }

    /// Receipts that arrive before the outcome they name is written (a callback beating the
    /// worker's batched write): held here, keyed by the provider's message id (Twilio, WhatsApp) or
    /// by the delivery id (Kannel DLR tokens, or a delivery still running), and applied in the
    /// transaction that writes the outcome. Repeats of one held event are refused by the unique
    /// indexes (which also serve the look-ups); `received_at` serves the TTL purge.
    private static func v4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE unmatched_receipts (
                    id                  INTEGER PRIMARY KEY,      -- arrival order
                    provider_message_id TEXT,
                    delivery_id         TEXT REFERENCES deliveries(id) ON DELETE CASCADE,
                    status              TEXT NOT NULL,
                    provider            TEXT,
                    provider_event_id   TEXT,
                    occurred_at         INTEGER,
                    received_at         INTEGER NOT NULL,
                    detail              TEXT,
                    CHECK (provider_message_id IS NOT NULL OR delivery_id IS NOT NULL)
                );
                CREATE UNIQUE INDEX unmatched_receipts_provider_message
                    ON unmatched_receipts(provider_message_id, provider_event_id) WHERE provider_message_id IS NOT NULL;
                CREATE UNIQUE INDEX unmatched_receipts_delivery
                    ON unmatched_receipts(delivery_id, provider_event_id) WHERE delivery_id IS NOT NULL;
                CREATE INDEX unmatched_receipts_received ON unmatched_receipts(received_at);
                """)
    }

    /// Fault tolerance: a structured skip cause (fallback revival matches it, never the
    /// human-readable `last_error`; existing fallback skips are backfilled from their text), and
    /// the board of channels paused because their provider is misconfigured. (`v4` belongs to the
    /// receipts work: pending receipts.)
    private static func v5(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE deliveries ADD COLUMN skip_cause TEXT;
                UPDATE deliveries SET skip_cause = 'fallback_sent' WHERE state = 'skipped' AND last_error LIKE '% was sent';
                CREATE TABLE provider_pauses (
                    channel       TEXT PRIMARY KEY NOT NULL,
                    provider      TEXT NOT NULL,
                    config_key    TEXT NOT NULL,
                    reason        TEXT NOT NULL,
                    since         INTEGER NOT NULL,
                    next_probe_at INTEGER NOT NULL,
                    owner         TEXT NOT NULL
                );
                """)
    }

    /// Multi-part deliveries: a receipt (applied or held) may name one part of a message the
    /// channel sent as several (an SMS Accolade split itself), so the delivery's state can be
    /// decided from every part's report (``PartReceipts``). NULL for a whole-message receipt.
    private static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE receipts ADD COLUMN part_index INTEGER;
                ALTER TABLE receipts ADD COLUMN part_count INTEGER;
                ALTER TABLE unmatched_receipts ADD COLUMN part_index INTEGER;
                ALTER TABLE unmatched_receipts ADD COLUMN part_count INTEGER;
                """)
    }

    /// The in-app inbox: one row per item (one per `inbox` delivery, written with its `sent`
    /// outcome) and one row per recipient's feed holding the sequence counter, the feed version
    /// and the store-wide change mark a poller watches.
    ///
    /// The partial indexes serve the feed's listings and badge counts (`InboxSQL.predicate` spells
    /// their conditions); `UNIQUE (recipient_key, sequence)` serves "all" and resumption, newest or
    /// oldest first. Rowid tables: the SQLite → PostgreSQL copier pages by rowid.
    private static func v7(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE inbox_feeds (
                    recipient_key TEXT PRIMARY KEY NOT NULL,
                    last_sequence INTEGER NOT NULL,        -- the newest item's sequence (items are 1...last)
                    version       INTEGER NOT NULL,        -- bumped by every change to this feed
                    change_mark   INTEGER NOT NULL         -- store-wide: MAX + 1 at each change (one writer)
                );
                CREATE INDEX inbox_feeds_change ON inbox_feeds(change_mark);
                CREATE TABLE inbox_items (
                    id            TEXT PRIMARY KEY NOT NULL,
                    recipient_key TEXT NOT NULL,
                    sequence      INTEGER NOT NULL,
                    delivery_id   TEXT NOT NULL UNIQUE REFERENCES deliveries(id) ON DELETE CASCADE,
                    message_id    TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    template      TEXT NOT NULL,
                    locale        TEXT,
                    title         TEXT NOT NULL,
                    body          TEXT,
                    url           TEXT,
                    image_token   TEXT,
                    created_at    INTEGER NOT NULL,
                    seen_at       INTEGER,
                    read_at       INTEGER,
                    archived_at   INTEGER,
                    UNIQUE (recipient_key, sequence)
                );
                CREATE INDEX inbox_items_unread ON inbox_items(recipient_key, sequence)
                    WHERE read_at IS NULL AND archived_at IS NULL;
                CREATE INDEX inbox_items_unseen ON inbox_items(recipient_key, sequence)
                    WHERE seen_at IS NULL AND archived_at IS NULL;
                CREATE INDEX inbox_items_archived ON inbox_items(recipient_key, sequence)
                    WHERE archived_at IS NOT NULL;
                CREATE INDEX inbox_items_message ON inbox_items(message_id);
                """)
    }

    /// Durable workflow runs (``WorkflowRunStore``): one row per run (the ``WorkflowRun`` plus its
    /// lease), its step records, the digests runs collect into with their members, and the passes
    /// throttles count. Rowid tables: the SQLite → PostgreSQL copier pages by rowid.
    ///
    /// `workflow_runs_due` holds only scheduled rows, ordered by due time, so a claim reads `limit`
    /// entries however many runs wait; `workflow_runs_lease` serves the reclaim of expired leases.
    /// The wake indexes (`last_message_id`, `reward_code`) and the step records' `message_id` index
    /// make a receipt's or a redemption's wake a probe, not a scan.
    private static func v8(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE workflow_runs (
                    id                    TEXT PRIMARY KEY NOT NULL,
                    workflow              TEXT NOT NULL,
                    event                 TEXT NOT NULL,
                    recipient_name        TEXT,
                    recipient_email       TEXT,
                    recipient_phone       TEXT,
                    recipient_whatsapp    TEXT,
                    recipient_locale      TEXT,
                    recipient_timezone    TEXT,
                    recipient_external_id TEXT,
                    recipient_key         TEXT NOT NULL,
                    data                  TEXT NOT NULL,      -- JSON, ints and doubles kept apart
                    idempotency_key       TEXT,
                    fingerprint           TEXT NOT NULL,
                    cancellation_key      TEXT,
                    reward_code           TEXT,
                    state                 TEXT NOT NULL,
                    cursor_step           INTEGER NOT NULL,
                    due_at                INTEGER,
                    deadline              INTEGER,
                    last_message_id       TEXT,
                    digest_id             TEXT,
                    redeemed_at           INTEGER,
                    reason                TEXT,
                    wake_pending          INTEGER NOT NULL DEFAULT 0,  -- woken while running: the advance schedules it now
                    lease_owner           TEXT,
                    lease_expires_at      INTEGER,
                    created_at            INTEGER NOT NULL,
                    updated_at            INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX workflow_runs_idempotency ON workflow_runs(idempotency_key, recipient_key, workflow)
                    WHERE idempotency_key IS NOT NULL;
                CREATE INDEX workflow_runs_due ON workflow_runs(state, due_at);
                CREATE INDEX workflow_runs_lease ON workflow_runs(lease_expires_at) WHERE state = 'running';
                CREATE INDEX workflow_runs_cancellation ON workflow_runs(cancellation_key) WHERE cancellation_key IS NOT NULL;
                CREATE INDEX workflow_runs_reward_code ON workflow_runs(reward_code) WHERE reward_code IS NOT NULL;
                CREATE INDEX workflow_runs_last_message ON workflow_runs(last_message_id) WHERE last_message_id IS NOT NULL;
                CREATE INDEX workflow_runs_recipient ON workflow_runs(recipient_key, id);
                CREATE INDEX workflow_runs_workflow ON workflow_runs(workflow, id);

                CREATE TABLE workflow_run_steps (
                    run_id     TEXT NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
                    ordinal    INTEGER NOT NULL,              -- 0, 1, 2 … in the order decided
                    step       INTEGER NOT NULL,
                    kind       TEXT NOT NULL,
                    outcome    TEXT NOT NULL,
                    reason     TEXT,
                    message_id TEXT,
                    until_at   INTEGER,
                    decided_at INTEGER NOT NULL,
                    PRIMARY KEY (run_id, ordinal)
                );
                CREATE INDEX workflow_run_steps_message ON workflow_run_steps(message_id) WHERE message_id IS NOT NULL;

                CREATE TABLE workflow_digests (
                    id           TEXT PRIMARY KEY NOT NULL,
                    workflow     TEXT NOT NULL,
                    step         INTEGER NOT NULL,
                    digest_key   TEXT NOT NULL,
                    closes_at    INTEGER NOT NULL,
                    owner_run_id TEXT NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
                    state        TEXT NOT NULL,               -- open | closed
                    created_at   INTEGER NOT NULL,
                    closed_at    INTEGER
                );
                CREATE INDEX workflow_digests_open ON workflow_digests(workflow, step, digest_key, closes_at)
                    WHERE state = 'open';
                CREATE INDEX workflow_digests_owner ON workflow_digests(owner_run_id);

                CREATE TABLE workflow_digest_members (
                    digest_id TEXT NOT NULL REFERENCES workflow_digests(id) ON DELETE CASCADE,
                    ordinal   INTEGER NOT NULL,               -- 0 is the owner's own event
                    run_id    TEXT NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
                    data      TEXT NOT NULL,                  -- the member run's event data, as it joined
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (digest_id, ordinal)
                );
                CREATE INDEX workflow_digest_members_run ON workflow_digest_members(run_id);

                CREATE TABLE workflow_throttle_passes (
                    id            INTEGER PRIMARY KEY,        -- append order
                    workflow      TEXT NOT NULL,
                    recipient_key TEXT NOT NULL,
                    run_id        TEXT NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
                    passed_at     INTEGER NOT NULL
                );
                CREATE INDEX workflow_throttle_passes_key ON workflow_throttle_passes(workflow, recipient_key, passed_at);
                """)
    }

    /// Message categories (issue 17): every message has one; rows from before it are `rewards`,
    /// the category every message had implicitly.
    private static func v9(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE messages ADD COLUMN category TEXT NOT NULL DEFAULT 'rewards'")
    }

    /// Soft bounces per email address, one row per delivery, counted over `bounces.window`.
    private static func v10(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE email_soft_bounces (
                    address     TEXT NOT NULL,
                    delivery_id TEXT NOT NULL,
                    at          INTEGER NOT NULL,
                    PRIMARY KEY (address, delivery_id)
                );
                CREATE INDEX email_soft_bounces_address_at ON email_soft_bounces(address, at);
                """)
    }

    /// Recipients' preferences (issue 17): explicit choices only, per recipient key × category ×
    /// channel; no row means opted in. The primary key's prefix serves the claim's one lookup per
    /// batch (`recipient_key IN (…)`) and the API's read of one recipient.
    private static func v11(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE recipient_preferences (
                    recipient_key TEXT NOT NULL,
                    category      TEXT NOT NULL,
                    channel       TEXT NOT NULL,
                    opted_in      INTEGER NOT NULL,  -- 1 in, 0 out
                    source        TEXT NOT NULL,     -- api, cli, page, unsubscribe
                    updated_at    INTEGER NOT NULL,
                    PRIMARY KEY (recipient_key, category, channel)
                );
                """)
    }

    /// `send_at: optimal`: the engagement signals it learns from, one row per (recipient key,
    /// instant, kind) — a bulk "read all" is one moment of attention, not fifty — written in the
    /// transaction of the receipt or redemption that is the signal; read newest first by
    /// recipient (the primary key) and by cohort (`locale/zone`, the covering index). And the
    /// explanation of a picked `send_at`, shown by `status`. A rowid table (not `WITHOUT ROWID`):
    /// the SQLite → PostgreSQL copier pages every table by rowid.
    private static func v12(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE engagement_events (
                    recipient_key TEXT NOT NULL,
                    at            INTEGER NOT NULL,
                    kind          TEXT NOT NULL,
                    cohort        TEXT NOT NULL,
                    PRIMARY KEY (recipient_key, at, kind)
                );
                CREATE INDEX engagement_events_cohort ON engagement_events(cohort, at, kind);
                ALTER TABLE messages ADD COLUMN send_at_reason TEXT;
                """)
    }

    /// Costs and report values (issue 18): what each accepted attempt cost and each delivery
    /// costs now (a free-of-charge receipt zeroes it, held receipts keep that flag), the
    /// programme and values a message reported when accepted, and one row per redeemed message.
    private static func v13(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE attempts ADD COLUMN cost_micros INTEGER;
                ALTER TABLE attempts ADD COLUMN cost_currency TEXT;
                ALTER TABLE deliveries ADD COLUMN cost_micros INTEGER;
                ALTER TABLE deliveries ADD COLUMN cost_currency TEXT;
                ALTER TABLE unmatched_receipts ADD COLUMN free_of_charge INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE messages ADD COLUMN programme TEXT;
                ALTER TABLE messages ADD COLUMN reward_value_micros INTEGER;
                ALTER TABLE messages ADD COLUMN reward_value_currency TEXT;
                ALTER TABLE messages ADD COLUMN outcome_value_micros INTEGER;
                ALTER TABLE messages ADD COLUMN outcome_value_currency TEXT;
                ALTER TABLE messages ADD COLUMN workflow TEXT;
                ALTER TABLE deliveries ADD COLUMN delivered_at INTEGER;    -- first delivered/read receipt
                CREATE TABLE message_redemptions (
                    message_id     TEXT PRIMARY KEY NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    redeemed_at    INTEGER NOT NULL,          -- the first redemption stands
                    value_micros   INTEGER,
                    value_currency TEXT
                );
                CREATE INDEX message_redemptions_redeemed_at ON message_redemptions(redeemed_at);
                """)
        // Until `v14`, this migration also made the first, tall report rollups and their
        // triggers; files migrated then still have them, and `v14` drops them (if there) for
        // the wide ones. A new file goes straight to those.
    }

    /// Fast reports (issue 18): the rollups become wide rows (every measure a column, so one
    /// state change is one row's update) kept at quarter-hours, hours and UTC days (a long report
    /// reads days, its edges hours and quarter-hours); `v13`'s tall table and its triggers go, and
    /// the new table is filled from the log.
    private static func v14(_ db: Database) throws {
        for statement in RollupSQL.replaceV13(.sqlite) + RollupSQL.rebuild(.sqlite) { try db.execute(sql: statement) }
    }

    /// Faster reports in zones that are not UTC (issue 18): a six-hour grain between the hour and
    /// the day (``RollupGrains``), so a local day reads about 5 buckets instead of 15–17. The
    /// triggers are made again (they spell the grains) and the coarser grains summed anew from
    /// the quarter-hours.
    private static func v15(_ db: Database) throws {
        for statement in RollupSQL.regrain(.sqlite) { try db.execute(sql: statement) }
    }

    /// Cheaper rollup writes (issue 18): the triggers append each contribution to
    /// `report_rollup_pending` at the quarter-hour instead of upserting it at every grain, and
    /// each write transaction folds what it appended at its end (``RollupSQL/Pending``). The
    /// counters need no change: nothing is pending when the triggers are replaced.
    ///
    /// The `v14`/`v15` triggers of a new file are already the appending ones (they share the
    /// definitions) and name the table before this makes it; SQLite resolves a trigger's tables
    /// when it fires, and nothing fires between those steps.
    private static func v16(_ db: Database) throws {
        for statement in RollupSQL.Pending.migration { try db.execute(sql: statement) }
    }
}
