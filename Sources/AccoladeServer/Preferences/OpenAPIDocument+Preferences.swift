import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The preference routes: the API's (API token) and the public pages behind the signed links.
    static let preferencePaths = #"""
          /v1/recipients/{key}/preferences:
            get:
              tags: [preferences]
              operationId: getPreferences
              summary: A recipient's effective preferences, every configured category × channel
              description: |
                Without a stored choice a recipient is opted in; `required` categories are always in.
                `source` and `updated_at` say who set a stored choice, and when.
              parameters:
                - $ref: "#/components/parameters/RecipientKey"
                - $ref: "#/components/parameters/PreferenceLocale"
              responses:
                "200":
                  description: The preferences.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Preferences" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
            put:
              tags: [preferences]
              operationId: setPreferences
              summary: Set some of a recipient's preferences (a partial update, all or nothing)
              description: |
                Entries not named keep their state. Opting out of a `required` category, or naming an
                unknown category or a channel that is not configured, is a 422 and changes nothing.
              parameters:
                - $ref: "#/components/parameters/RecipientKey"
                - $ref: "#/components/parameters/PreferenceLocale"
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/PreferencesUpdate" }
              responses:
                "200":
                  description: The preferences after the update.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Preferences" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/unsubscribe/{token}:
            get:
              tags: [preferences]
              operationId: getUnsubscribePage
              summary: The unsubscribe confirmation page of a List-Unsubscribe link; changes nothing
              description: |
                Public: the signed token is the credential. A GET never unsubscribes (link scanners
                follow links); the page's button POSTs the one-click body. Strict CSP, `no-store`,
                `Referrer-Policy: no-referrer`. 404 when `preferences.signing_secret` is not set.
              security: []
              parameters:
                - $ref: "#/components/parameters/LinkToken"
                - $ref: "#/components/parameters/PageLocale"
              responses:
                "200": { $ref: "#/components/responses/PreferencePage" }
                "400": { $ref: "#/components/responses/PreferenceLinkRefused" }
                "404": { $ref: "#/components/responses/PreferenceLinksOff" }
            post:
              tags: [preferences]
              operationId: unsubscribeOneClick
              summary: One-click unsubscribe (RFC 8058) from the link's category on email
              description: |
                The body is `List-Unsubscribe=One-Click`, urlencoded or multipart. Answers 200 with no
                cookie and no redirect; repeating it changes nothing.
              security: []
              parameters:
                - $ref: "#/components/parameters/LinkToken"
                - $ref: "#/components/parameters/PageLocale"
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema: { $ref: "#/components/schemas/OneClickBody" }
                  multipart/form-data:
                    schema: { $ref: "#/components/schemas/OneClickBody" }
              responses:
                "200": { $ref: "#/components/responses/PreferencePage" }
                "400": { $ref: "#/components/responses/PreferenceLinkRefused" }
                "404": { $ref: "#/components/responses/PreferenceLinksOff" }
                "413": { $ref: "#/components/responses/TooLarge" }
          /v1/preferences/{token}:
            get:
              tags: [preferences]
              operationId: getPreferencesPage
              summary: The hosted preferences page of a `{{preferences_url}}` link
              security: []
              parameters:
                - $ref: "#/components/parameters/LinkToken"
                - $ref: "#/components/parameters/PageLocale"
              responses:
                "200": { $ref: "#/components/responses/PreferencePage" }
                "400": { $ref: "#/components/responses/PreferenceLinkRefused" }
                "404": { $ref: "#/components/responses/PreferenceLinksOff" }
            post:
              tags: [preferences]
              operationId: savePreferencesPage
              summary: Save the preferences form (checked is in, unchecked is out)
              security: []
              parameters:
                - $ref: "#/components/parameters/LinkToken"
                - $ref: "#/components/parameters/PageLocale"
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema: { $ref: "#/components/schemas/PreferencesForm" }
              responses:
                "200": { $ref: "#/components/responses/PreferencePage" }
                "400": { $ref: "#/components/responses/PreferenceLinkRefused" }
                "404": { $ref: "#/components/responses/PreferenceLinksOff" }
                "413": { $ref: "#/components/responses/TooLarge" }

        """#

    static let preferenceParameters = #"""
            RecipientKey:
              name: key
              in: path
              required: true
              description: "The recipient key: the CRM id (`to.id`), else the email address (compared lower-cased), else the phone number; percent-encoded."
              schema: { type: string, minLength: 1, maxLength: 255, pattern: "^[^\\x00-\\x1F\\x7F-\\x9F]*$", not: { enum: [".", ".."] } }
              example: crm-42
            PreferenceLocale:
              name: locale
              in: query
              description: The locale of the category names; the default locale otherwise.
              schema: { $ref: "#/components/schemas/Locale" }
            LinkToken:
              name: token
              in: path
              required: true
              description: The signed token of a link in a message.
              schema: { type: string, pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", maxLength: 1024 }
            PageLocale:
              name: locale
              in: query
              description: "The page's language (`en`, `id`, `es`, `de`); else the browser's `Accept-Language`, else English."
              schema: { type: string, maxLength: 35 }

        """#

    static let preferenceResponses = #"""
            PreferencePage:
              description: The page (static HTML, no scripts).
              headers:
                Content-Security-Policy: { description: The page's policy., schema: { type: string } }
                Cache-Control: { description: "`no-store`: the URL carries a credential.", schema: { type: string } }
              content:
                text/html:
                  schema: { type: string }
            PreferenceLinkRefused:
              description: The link was altered, cut off, signed by a retired key, or is for another page; the page says which.
              content:
                text/html:
                  schema: { type: string }
            PreferenceLinksOff:
              description: "`preferences.signing_secret` is not set: the server makes no links."
              content:
                text/html:
                  schema: { type: string }

        """#

    /// The schemas, given the configured channels (the only ones a preference may name).
    static func preferenceSchemas(channels: [ChannelKind]) -> [(String, JSONValue)] {
        let channel: JSONValue = .object(["type": .string("string"), "enum": .array(channels.map { .string($0.rawValue) })])
        let entry: JSONValue = .object([
            "type": .string("object"),
            "required": .array(["category", "name", "required", "channel", "opted_in", "source", "updated_at"].map(JSONValue.string)),
            "properties": .object([
                "category": .object(["type": .string("string")]),
                "name": .object(["type": .string("string"), "description": .string("The display name in the asked locale.")]),
                "required": .object(["type": .string("boolean")]),
                "channel": channel,
                "opted_in": .object(["type": .string("boolean")]),
                "source": .object(["enum": .array(PreferenceSource.allCases.map { .string($0.rawValue) } + [.null])]),
                "updated_at": .object(["type": .array([.string("string"), .string("null")])]),
            ]),
        ])
        return [
            ("Preferences", .object([
                "type": .string("object"), "required": .array([.string("recipient_key"), .string("locale"), .string("preferences")]),
                "properties": .object([
                    "recipient_key": .object(["type": .string("string")]),
                    "locale": .object(["type": .string("string")]),
                    "preferences": .object(["type": .string("array"), "items": entry]),
                ]),
            ])),
            ("PreferencesUpdate", .object([
                "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("preferences")]),
                "properties": .object([
                    "preferences": .object([
                        "type": .string("array"), "minItems": .int(1), "maxItems": .int(1000),
                        "items": .object([
                            "type": .string("object"), "additionalProperties": .bool(false),
                            "required": .array([.string("category"), .string("channel"), .string("opted_in")]),
                            "properties": .object([
                                "category": .object(["$ref": .string("#/components/schemas/Category")]),
                                "channel": channel,
                                "opted_in": .object(["type": .string("boolean")]),
                            ]),
                        ]),
                    ])
                ]),
            ])),
            ("OneClickBody", .object([
                "type": .string("object"), "required": .array([.string("List-Unsubscribe")]),
                "properties": .object(["List-Unsubscribe": .object(["const": .string("One-Click")])]),
            ])),
            ("PreferencesForm", .object([
                "type": .string("object"), "required": .array([.string("submitted")]),
                "description": .string("`submitted=1` plus one `pref:{category}:{channel}=on` field per checked box."),
                "properties": .object(["submitted": .object(["const": .string("1")])]),
                "additionalProperties": .object(["const": .string("on")]),
            ])),
        ]
    }

    /// `document` with the preference paths, parameters, responses and tag.
    static func withPreferences(_ document: String) -> String {
        var text = document.replacingOccurrences(of: "\ncomponents:\n", with: "\n" + preferencePaths + "components:\n")
        text = text.replacingOccurrences(of: "\n  responses:\n", with: "\n  responses:\n" + preferenceResponses)
        if text.contains("\n  parameters:\n") {
            text = text.replacingOccurrences(of: "\n  parameters:\n", with: "\n  parameters:\n" + preferenceParameters)
        } else {
            text = text.replacingOccurrences(of: "\n  responses:\n", with: "\n  parameters:\n" + preferenceParameters + "  responses:\n")
        }
        text = text.replacingOccurrences(
            of: "\n  - name: operations\n",
            with: "\n  - name: preferences\n    description: Recipients' preferences per category and channel, one-click unsubscribe and the hosted preferences page.\n  - name: operations\n")
        return text
    }
}
