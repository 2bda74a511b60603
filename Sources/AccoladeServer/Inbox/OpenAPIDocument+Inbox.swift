import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The inbox paths, in the document only when `channels.inbox` is configured (as the routes
    /// are). Indented as path items under `paths:`; inserted just before `components:`.
    static let inboxPaths = #"""
          /v1/inbox/tokens:
            post:
              tags: [inbox]
              operationId: createInboxToken
              summary: A short-lived token that opens one recipient's inbox in a browser
              description: |
                For your backend, with the API token: the answer goes to the recipient's browser, which
                reads its feed with it (`Authorization: Bearer <token>` or `?token=` for `EventSource`). The
                token is a JWT (RFC 7519) signed HS256 with `channels.inbox.signing_secret`, claims `sub`
                (the recipient id), `iat` and `exp`; a backend holding the secret may mint the same token
                with any JWT library instead. Nothing is stored. Browsers cannot call this route (no CORS):
                API tokens never belong in a page.
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/InboxTokenRequest" }
                    example: { recipient_id: crm-10492, ttl: 1h }
              responses:
                "200":
                  description: The token and when it stops working.
                  headers:
                    Cache-Control: { description: "`no-store`: the answer is a credential.", schema: { type: string, const: no-store } }
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/InboxToken" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }

        """#

    /// The schemas ``inboxPaths`` refers to, generated so the `recipient_id` and `ttl` rules are
    /// the server's own (``InboxRecipientKey``, ``InboxTokenLifetime``).
    static var inboxSchemas: [(String, JSONValue)] {
        [
            ("InboxTokenRequest", .object([
                "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("recipient_id")]),
                "properties": .object([
                    "recipient_id": .object([
                        "type": .string("string"), "minLength": .int(1), "maxLength": .int(Int64(InboxRecipientKey.maximumLength)),
                        "pattern": .string(InboxRecipientKey.pattern),
                        "description": .string("The recipient's id, as sent in `to.id`; compared exactly (no trimming or case folding)."),
                    ]),
                    "ttl": .object([
                        "description": .string("How long the token works: whole seconds or a duration (`90s`, `15m`, `1h`, `1d`), 1 minute to 24 hours. Default `1h`."),
                        "anyOf": .array([
                            .object([
                                "type": .string("integer"), "minimum": .int(Int64(InboxTokenLifetime.minimumSeconds)),
                                "maximum": .int(Int64(InboxTokenLifetime.maximumSeconds)),
                            ]),
                            .object(["type": .string("string"), "pattern": .string(InboxTokenLifetime.pattern)]),
                            .object(["type": .string("null")]),
                        ]),
                    ]),
                ]),
            ])),
            ("InboxToken", .object([
                "type": .string("object"), "required": .array([.string("token"), .string("expires_at")]),
                "properties": .object([
                    "token": .object([
                        "type": .string("string"), "pattern": .string("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"),
                        "description": .string("A JWT (HS256); claims `sub`, `iat`, `exp`."),
                    ]),
                    "expires_at": .object(["type": .string("string"), "format": .string("date-time")]),
                ]),
            ])),
        ]
    }

    /// `base` with ``inboxPaths``, ``inboxFeedPaths`` and ``inboxWidgetPaths`` added at the end of `paths:`, their
    /// components, and the inbox tag listed.
    static func withInbox(_ document: String) -> String {
        var text = document.replacingOccurrences(
            of: "\ncomponents:\n", with: "\n" + inboxPaths + inboxFeedPaths + inboxWidgetPaths + "components:\n")
        text = withInboxFeedComponents(text)
        for (section, addition) in inboxWidgetComponents {
            text = text.replacingOccurrences(of: "\n  \(section):\n", with: "\n  \(section):\n" + addition)
        }
        text = text.replacingOccurrences(
            of: "\n  - name: operations\n",
            with: "\n  - name: inbox\n    description: The in-app inbox (`channels.inbox`) — tokens for browsers (API token), and the recipient's feed (inbox token).\n  - name: operations\n")
        return text
    }
}
