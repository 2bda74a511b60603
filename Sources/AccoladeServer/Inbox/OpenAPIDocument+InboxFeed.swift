import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The feed operations' `security`: the inbox token, never the API token.
    static let inboxSecurity = "[{ inboxToken: [] }, { inboxTokenQuery: [] }]"

    /// The feed paths (`/v1/inbox/items…`), after ``inboxPaths`` under `paths:`.
    static var inboxFeedPaths: String {
        var text = #"""
              /v1/inbox/stream:
                get:
                  tags: [inbox]
                  operationId: streamInbox
                  summary: The token's recipient's feed as Server-Sent Events
                  description: |
                    For `EventSource` (token as `?token=`, which it cannot send as a header). The body is
                    `text/event-stream`: first `retry: <ms>` (2–8 s, random per connection, so a restart's
                    reconnects spread out), then with a resume point the items after it, then a `counts`
                    event; then live `item` events (data: an InboxItem; `id:` its per-recipient sequence,
                    in commit order, no gaps or repeats) each batch followed by `counts` (data:
                    `unread_count`, `unseen_count`, `last_sequence`, `version`; also sent when a mark made
                    in another tab or on another node changes the feed), `: heartbeat` comments every 15 s,
                    and `token-expired` (data: `expires_at`) after which the server ends the stream: ask the
                    page for a new token and reconnect with `last_event_id`. Refused answers (401, 422, 503
                    at `channels.inbox.max_streams`) are problem documents, which `EventSource` does not
                    retry on its own.
                  security: \#(inboxSecurity)
                  parameters:
                    - { name: last_event_id, in: query, description: "Resume after this item sequence (a new EventSource cannot send Last-Event-ID).", schema: { type: string, pattern: '^[0-9]{1,18}$' } }
                    - { name: Last-Event-ID, in: header, description: "Resume after this item sequence (EventSource sends it when it reconnects); wins over last_event_id.", schema: { type: string, pattern: '^[0-9]{1,18}$' } }
                  responses:
                    "200":
                      description: The event stream; it ends when the token expires or the server stops.
                      headers:
                        Cache-Control: { $ref: "#/components/headers/PrivateNoStore" }
                      content:
                        text/event-stream:
                          schema:
                            description: "One event as `EventSource` parses it: `item` (data: an InboxItem, id: its sequence), `counts`, `token-expired`; the opening `retry:` hint; heartbeats are comments."
                            type: object
                            properties:
                              event: { type: string, enum: [item, counts, token-expired] }
                              id: { type: string, pattern: '^[0-9]+$' }
                              data: { type: string, contentMediaType: application/json }
                              retry: { type: integer, minimum: 2000, maximum: 8000 }
                    "400": { $ref: "#/components/responses/InboxTokenTwice" }
                    "401": { $ref: "#/components/responses/InboxUnauthorized" }
                    "403": { $ref: "#/components/responses/OriginNotAllowed" }
                    "422": { $ref: "#/components/responses/Invalid" }
                    "503": { $ref: "#/components/responses/Unavailable" }
              /v1/inbox/items:
                get:
                  tags: [inbox]
                  operationId: listInboxItems
                  summary: The token's recipient's feed, newest first, with the badge counts
                  description: |
                    For the recipient's browser, with an inbox token. `status` picks the items: `all` (the
                    feed: everything not archived, the default), `unread`, `unseen`, or `archived` (only
                    those). `unread_count` and `unseen_count` count the feed (archived items never count) in
                    the same snapshot as the page. Pass `next_cursor` back as `cursor` for the next page
                    (`null`: this was the last); cursors are opaque.
                  security: \#(inboxSecurity)
                  parameters:
                    - { name: status, in: query, description: Which items; default `all`., schema: { type: string, enum: [\#(InboxStatus.allCases.map(\.rawValue).joined(separator: ", "))], default: all } }
                    - { name: cursor, in: query, description: "`next_cursor` of the previous page, unchanged.", schema: { type: string, pattern: '^[A-Za-z0-9_-]{1,32}$' } }
                    - { name: limit, in: query, description: Items per page., schema: { type: integer, minimum: 1, maximum: \#(InboxFeedQuery.maximumLimit), default: \#(InboxFeedQuery.defaultLimit) } }
                  responses:
                    "200":
                      description: A page of the feed.
                      headers:
                        Cache-Control: { $ref: "#/components/headers/PrivateNoStore" }
                      content:
                        application/json:
                          schema: { $ref: "#/components/schemas/InboxPage" }
                    "400": { $ref: "#/components/responses/InboxTokenTwice" }
                    "401": { $ref: "#/components/responses/InboxUnauthorized" }
                    "403": { $ref: "#/components/responses/OriginNotAllowed" }
                    "422": { $ref: "#/components/responses/Invalid" }
                    "503": { $ref: "#/components/responses/Unavailable" }
              /v1/inbox/items/{id}:
                get:
                  tags: [inbox]
                  operationId: getInboxItem
                  summary: One item of the token's recipient's feed
                  security: \#(inboxSecurity)
                  parameters:
                    - $ref: "#/components/parameters/InboxItemID"
                  responses:
                    "200":
                      description: The item.
                      headers:
                        Cache-Control: { $ref: "#/components/headers/PrivateNoStore" }
                      content:
                        application/json:
                          schema: { $ref: "#/components/schemas/InboxItem" }
                    "400": { $ref: "#/components/responses/InboxTokenTwice" }
                    "401": { $ref: "#/components/responses/InboxUnauthorized" }
                    "403": { $ref: "#/components/responses/OriginNotAllowed" }
                    "404": { $ref: "#/components/responses/InboxItemNotFound" }
                    "503": { $ref: "#/components/responses/Unavailable" }

            """#
        for mark in [InboxMark.seen, .read] {
            text += #"""
                  /v1/inbox/items/\#(mark.rawValue)-all:
                    post:
                      tags: [inbox]
                      operationId: markAllInboxItems\#(mark.rawValue.capitalized)
                      summary: "\#(bulkSummary(mark))"
                      security: \#(inboxSecurity)
                      responses:
                        "200":
                          description: How many items changed (0 when none had to) and the counts after.
                          content:
                            application/json:
                              schema: { $ref: "#/components/schemas/InboxBulkMarkResult" }
                        "400": { $ref: "#/components/responses/InboxTokenTwice" }
                        "401": { $ref: "#/components/responses/InboxUnauthorized" }
                        "403": { $ref: "#/components/responses/OriginNotAllowed" }
                        "503": { $ref: "#/components/responses/Unavailable" }

                """#
        }
        for mark in InboxMark.allCases {
            text += #"""
                  /v1/inbox/items/{id}/\#(mark.rawValue):
                    post:
                      tags: [inbox]
                      operationId: markInboxItem\#(mark.rawValue.capitalized)
                      summary: "\#(itemSummary(mark))"
                      description: "Idempotent: a repeat changes nothing (`changed` 0) and records no receipt."
                      security: \#(inboxSecurity)
                      parameters:
                        - $ref: "#/components/parameters/InboxItemID"
                      responses:
                        "200":
                          description: The item as it is now, whether this request changed it, and the counts after.
                          content:
                            application/json:
                              schema: { $ref: "#/components/schemas/InboxMarkResult" }
                        "400": { $ref: "#/components/responses/InboxTokenTwice" }
                        "401": { $ref: "#/components/responses/InboxUnauthorized" }
                        "403": { $ref: "#/components/responses/OriginNotAllowed" }
                        "404": { $ref: "#/components/responses/InboxItemNotFound" }
                        "503": { $ref: "#/components/responses/Unavailable" }

                """#
        }
        return text
    }

    private static func itemSummary(_ mark: InboxMark) -> String {
        switch mark {
        case .seen: "Shown in an open panel: sets seen_at once, records a delivered receipt"
        case .read: "Opened or its action clicked: sets read_at (and seen_at) once, records a read receipt"
        case .archive: "Takes the item out of the feed and its counts (kept; no receipt)"
        case .unarchive: "Puts an archived item back into the feed"
        }
    }

    private static func bulkSummary(_ mark: InboxMark) -> String {
        mark == .seen
            ? "Marks every unseen item of the feed seen (delivered receipts); archived items are left alone"
            : "Marks every unread item of the feed read (read receipts); archived items are left alone"
    }

    /// Security schemes, parameters, headers and responses of the feed routes, inserted at the
    /// start of their `components` sections.
    static let inboxSecuritySchemes = #"""
            inboxToken:
              type: http
              scheme: bearer
              bearerFormat: JWT
              description: "An inbox token (`POST /v1/inbox/tokens`, or minted by your backend with `channels.inbox.signing_secret`): opens the feed of its `sub` and nothing else. API tokens are refused here."
            inboxTokenQuery:
              type: apiKey
              in: query
              name: token
              description: The same inbox token as `?token=`, for `EventSource`, which cannot set headers. Not together with the header.

        """#

    static let inboxParameters = #"""
            InboxItemID:
              name: id
              in: path
              required: true
              description: "An item's `id`. An item of another recipient's feed is `404`, as one that does not exist."
              schema: { type: string, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' }

        """#

    static let inboxHeaders = #"""
            PrivateNoStore:
              description: "`private, no-store`: a recipient's feed is kept by no cache."
              schema: { type: string, const: "private, no-store" }

        """#

    static let inboxResponses = #"""
            InboxUnauthorized:
              description: "No inbox token, or one refused: the problem `type` ends in `token-expired` (with `expired_at`: get a new token and retry) or `token-invalid`."
              headers:
                WWW-Authenticate: { description: "`Bearer realm=\"accolade-inbox\", error=\"invalid_token\", …`", schema: { type: string } }
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            InboxTokenTwice:
              description: The inbox token came both as a header and as `?token=`, or `?token=` more than once.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            OriginNotAllowed:
              description: "The page's `Origin` is not in `channels.inbox.allowed_origins` (`origin-not-allowed`)."
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            InboxItemNotFound:
              description: No such item in this recipient's feed.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }

        """#

    static let inboxFeedSchemas = #"""
            InboxItem:
              type: object
              required: [id, sequence, message_id, template, locale, title, body, url, image_url, created_at, seen_at, read_at, archived_at]
              properties:
                id: { type: string }
                sequence: { type: integer, minimum: 1, description: "The item's place in the feed (1, 2, 3 … in commit order); the stream's event id." }
                message_id: { type: string, description: "The message it was delivered for (`GET /v1/messages/{id}` with the API token)." }
                template: { type: string }
                locale: { type: [string, "null"], description: The locale it was rendered in. }
                title: { type: string }
                body: { type: [string, "null"] }
                url: { type: [string, "null"], description: The action link. }
                image_url: { type: [string, "null"], description: "The QR image the delivery drew (`/v1/qr/{token}.png` at `server.public_url`)." }
                created_at: { type: string, format: date-time }
                seen_at: { type: [string, "null"], format: date-time }
                read_at: { type: [string, "null"], format: date-time }
                archived_at: { type: [string, "null"], format: date-time }
            InboxPage:
              type: object
              required: [items, next_cursor, unread_count, unseen_count]
              properties:
                items: { type: array, items: { $ref: "#/components/schemas/InboxItem" } }
                next_cursor: { type: [string, "null"], description: "`cursor` for the next page; `null` on the last." }
                unread_count: { type: integer, minimum: 0 }
                unseen_count: { type: integer, minimum: 0 }
            InboxMarkResult:
              type: object
              required: [item, changed, unread_count, unseen_count]
              properties:
                item: { $ref: "#/components/schemas/InboxItem" }
                changed: { type: integer, minimum: 0, maximum: 1, description: 0 for a repeat. }
                unread_count: { type: integer, minimum: 0 }
                unseen_count: { type: integer, minimum: 0 }
            InboxBulkMarkResult:
              type: object
              required: [changed, unread_count, unseen_count]
              properties:
                changed: { type: integer, minimum: 0 }
                unread_count: { type: integer, minimum: 0 }
                unseen_count: { type: integer, minimum: 0 }

        """#

    /// `document` with the feed's components added at the start of their sections.
    static func withInboxFeedComponents(_ document: String) -> String {
        var text = document
        for (section, addition) in [
            ("securitySchemes", inboxSecuritySchemes), ("parameters", inboxParameters), ("headers", inboxHeaders),
            ("responses", inboxResponses), ("schemas", inboxFeedSchemas),
        ] {
            text = text.replacingOccurrences(of: "\n  \(section):\n", with: "\n  \(section):\n" + addition)
        }
        return text
    }
}
