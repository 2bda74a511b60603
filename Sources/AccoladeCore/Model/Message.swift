import Foundation

/// One reward message as accepted: what to render, for whom, over which route.
///
/// A message is immutable once stored; its deliveries carry the changing state.
public struct Message: Sendable, Hashable, Codable {
    /// Time-sortable id (UUIDv7 text), see ``Identifier``.
    public var id: String
    /// The template folder name, e.g. `reward-earned`.
    public var template: String
    /// The locale to render in (`id-ID`), or `nil` for the template's default.
    public var locale: String?
    /// Who receives it.
    public var recipient: Recipient
    /// The template data (a JSON object).
    public var data: JSONValue
    /// The channels and how they combine.
    public var route: Route
    /// The caller's idempotency key, if any. At most one message exists per key.
    public var idempotencyKey: String?
    /// A digest of the request that created the message, to tell a replay from a conflicting reuse of the key.
    public var fingerprint: String
    /// When the message was accepted.
    public var createdAt: Date
    /// Do not deliver before this time.
    public var sendAt: Date?
    /// Do not deliver after this time; undelivered channels end `skipped`.
    public var expiresAt: Date?
    /// The message's category (``CategoriesConfig``): the request's, else its workflow's, else
    /// its template manifest's, else `rewards`. Quiet hours, send windows and (later)
    /// preferences are decided by it.
    public var category: String
    /// Why ``sendAt`` is what it is when Accolade picked it (`send_at: optimal`): the
    /// explanation `status` and `GET /v1/messages/{id}` show; nil for a caller's own time.
    public var sendAtReason: String?
    /// The programme reports group it under (``MessageValues``), resolved when accepted; nil
    /// for messages stored before reports existed (reported under their template's name).
    public var programme: String?
    /// The workflow whose run sent it (nil for a message a caller sent), for reports.
    public var workflow: String?
    /// The reward value the message issues (``TemplateManifest/rewardValuePaths``).
    public var rewardValue: MicroMoney?
    /// The `outcome_value` its data reports (for ROI).
    public var outcomeValue: MicroMoney?

    /// Sets the report values read from the data.
    public mutating func setValues(_ values: MessageValues) {
        programme = values.programme
        rewardValue = values.rewardValue
        outcomeValue = values.outcomeValue
    }

    /// Creates a message.
    public init(
        id: String, template: String, locale: String?, recipient: Recipient, data: JSONValue, route: Route,
        idempotencyKey: String?, fingerprint: String, createdAt: Date, sendAt: Date? = nil, expiresAt: Date? = nil,
        category: String = CategoriesConfig.defaultName, sendAtReason: String? = nil
    ) {
        self.sendAtReason = sendAtReason
        self.category = category
        self.id = id
        self.template = template
        self.locale = locale
        self.recipient = recipient
        self.data = data
        self.route = route
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.createdAt = createdAt
        self.sendAt = sendAt
        self.expiresAt = expiresAt
    }
}
