/// The statement that records which messages a redemption redeemed (`message_redemptions`), the
/// same rule on both stores: the message named by `message_id`, and for a reward code each
/// matching run's issuing message (its first message carrying a reward value, else its first
/// message). The first redemption of a message stands; the value is the event's when it gives
/// one, else what the message issued.
///
/// Parameters: 1 time (ms), 2 message id, 3 reward code, 4 value micros, 5 value currency.
enum StoreRedemptionSQL {
    /// SQLite's spelling.
    static let sqlite = """
        INSERT INTO message_redemptions (message_id, redeemed_at, value_micros, value_currency)
        SELECT m.id, ?1, COALESCE(?4, m.reward_value_micros), CASE WHEN ?4 IS NOT NULL THEN ?5 ELSE m.reward_value_currency END
        FROM messages m
        WHERE m.id IN (
            SELECT ?2 WHERE ?2 IS NOT NULL
            UNION
            SELECT (SELECT s.message_id FROM workflow_run_steps s JOIN messages sm ON sm.id = s.message_id
                    WHERE s.run_id = r.id ORDER BY sm.reward_value_micros IS NULL, s.ordinal LIMIT 1)
            FROM workflow_runs r WHERE ?3 IS NOT NULL AND r.reward_code = ?3)
        ON CONFLICT (message_id) DO NOTHING
        """

    /// PostgreSQL's spelling (`$n` parameters, typed where PostgreSQL cannot infer them).
    static let postgres = """
        INSERT INTO message_redemptions (message_id, redeemed_at, value_micros, value_currency)
        SELECT m.id, $1::bigint, COALESCE($4::bigint, m.reward_value_micros),
            CASE WHEN $4::bigint IS NOT NULL THEN $5::text ELSE m.reward_value_currency END
        FROM messages m
        WHERE m.id IN (
            SELECT $2::text WHERE $2::text IS NOT NULL
            UNION
            SELECT (SELECT s.message_id FROM workflow_run_steps s JOIN messages sm ON sm.id = s.message_id
                    WHERE s.run_id = r.id ORDER BY sm.reward_value_micros IS NULL, s.ordinal LIMIT 1)
            FROM workflow_runs r WHERE $3::text IS NOT NULL AND r.reward_code = $3::text)
        ON CONFLICT (message_id) DO NOTHING
        """
}
