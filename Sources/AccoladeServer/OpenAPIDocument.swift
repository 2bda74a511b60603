import AccoladeCore
/// The OpenAPI 3.1 description served at `GET /openapi.yaml`.
///
/// Written by hand next to the handlers it describes; `OpenAPIDocumentTests` fails when a route
/// is added to ``APIServer`` without being described here (or described without existing), and
/// checks every operation has an `operationId` and responses. Bearer auth is the document-wide
/// default; public routes (operations, webhooks, QR images) opt out with `security: []`.
/// What depends on the deployment (template names, each template's data, the channels a
/// recipient needs addresses for, time zones, state names) is generated at start-up: see
/// ``OpenAPIDocument/render(templates:channels:)``.
enum OpenAPIDocument {
    /// The hand-written part; generated schemas are appended to `components.schemas`, its last section.
    static let base = #"""
        openapi: 3.1.0
        info:
          title: Accolade
          version: "1"
          summary: Reward and recognition messages — send, track, preview.
          description: |
            A rules engine or CRM triggers rewards with `POST /v1/messages`; Accolade renders them from
            templates (email, SMS, WhatsApp, QR), queues them durably and delivers them with retries and
            fallbacks. Every `/v1` route needs `Authorization: Bearer <token>` (one of `server.tokens`)
            except provider webhooks, which verify their provider's signature, and QR images, whose
            tokens are unguessable. Errors are RFC 9457 problems (`application/problem+json`) whose
            `field` names the offending request field as a JSON path (`to.email`, `messages[3].data`).
            Secret template variables are masked (`••••`) in every response.
          license:
            name: Proprietary
            identifier: LicenseRef-Accolade
        servers:
          - url: http://127.0.0.1:8080
            description: The default `server.listen` address.
        security:
          - bearerAuth: []
        tags:
          - name: messages
            description: Send rewards and follow their deliveries.
          - name: templates
            description: Templates and previews for template authors.
          - name: webhooks
            description: Provider status callbacks (Twilio, WhatsApp, Kannel DLR…).
          - name: operations
            description: Health, readiness, metrics and this document.
        paths:
          /v1/messages:
            post:
              tags: [messages]
              operationId: sendMessage
              summary: Send one message
              description: |
                Validates the request, renders every routed channel (nothing is queued for a message that
                cannot render) and commits the message with one delivery per channel. `202` means durable.
                Send an `Idempotency-Key` so a retried trigger never sends a reward twice: the same key with
                the same body answers `200` with the original message and `Idempotent-Replayed: true`; the
                same key with a different body is `409`.
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/MessageRequest" }
                    example:
                      template: reward-earned
                      to: { email: ana@example.com, name: Ana Putri, locale: id-ID }
                      data:
                        program: Kudos Awards
                        reward: { voucher: { amount: 50000, currency: IDR }, code: RW-7Q2K, expires_on: "2026-12-31" }
              responses:
                "202":
                  description: Accepted and durable.
                  headers:
                    Location: { $ref: "#/components/headers/Location" }
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Accepted" }
                "200":
                  description: A replay of an earlier request with the same `Idempotency-Key` and body; nothing new is queued.
                  headers:
                    Location: { $ref: "#/components/headers/Location" }
                    Idempotent-Replayed: { $ref: "#/components/headers/IdempotentReplayed" }
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Accepted" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "409": { $ref: "#/components/responses/IdempotencyConflict" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
            get:
              tags: [messages]
              operationId: listMessages
              summary: List messages, newest first
              description: Paged by cursor; pass `next_cursor` of one page as `cursor` to get the next. Unknown query parameters are `422`.
              parameters:
                - { name: recipient, in: query, description: "An address or recipient id (email, phone, WhatsApp number or `to.id`).", schema: { type: string } }
                - { name: since, in: query, description: "Only messages created at or after this RFC 3339 time (with a zone).", schema: { type: string, format: date-time } }
                - { name: state, in: query, description: Only messages with a delivery in this state., schema: { $ref: "#/components/schemas/DeliveryState" } }
                - { name: limit, in: query, description: Page size., schema: { type: integer, minimum: 1, maximum: 500, default: 50 } }
                - { name: cursor, in: query, description: "`next_cursor` of the previous page.", schema: { type: string } }
              responses:
                "200":
                  description: One page.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [messages]
                        properties:
                          messages: { type: array, items: { $ref: "#/components/schemas/Message" } }
                          next_cursor: { type: string, description: Present when a full page was returned. }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/messages/batch:
            post:
              tags: [messages]
              operationId: sendMessageBatch
              summary: Send up to 1,000 messages in one transaction
              description: |
                Every valid item is committed in one transaction; invalid items are reported and do not stop
                the others. Results come in input order. Items carry their own `idempotency_key` (the header
                does not apply). `202` when every item was accepted or replayed, `207` when some were
                rejected (each result has its own `http_status`).
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [messages]
                      properties:
                        messages:
                          type: array
                          minItems: 1
                          maxItems: 1000
                          items: { $ref: "#/components/schemas/MessageRequest" }
              responses:
                "202":
                  description: Every item accepted (or replayed).
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/BatchResult" }
                "207":
                  description: Multi-status — some items were rejected; see each result's `http_status` and `problem`.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/BatchResult" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/messages/{id}:
            get:
              tags: [messages]
              operationId: getMessage
              summary: One message with its deliveries, every attempt and every receipt
              parameters:
                - $ref: "#/components/parameters/MessageID"
              responses:
                "200":
                  description: The message (secret variables masked).
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Message" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "404": { $ref: "#/components/responses/NotFound" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/messages/{id}/retry:
            post:
              tags: [messages]
              operationId: retryMessage
              summary: Requeue the message's failed deliveries now
              parameters:
                - $ref: "#/components/parameters/MessageID"
              responses:
                "200":
                  description: The deliveries requeued (possibly none) and every delivery's state.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [id, requeued, deliveries]
                        properties:
                          id: { type: string }
                          requeued: { type: array, items: { type: string }, description: Ids of the deliveries put back in the queue. }
                          deliveries: { type: array, items: { $ref: "#/components/schemas/Delivery" } }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "404": { $ref: "#/components/responses/NotFound" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/templates:
            get:
              tags: [templates]
              operationId: listTemplates
              summary: Every template with its channels, locales and variables
              responses:
                "200":
                  description: The templates, by name.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [templates]
                        properties:
                          templates: { type: array, items: { $ref: "#/components/schemas/TemplateInfo" } }
                "401": { $ref: "#/components/responses/Unauthorized" }
          /v1/templates/{name}/preview:
            get:
              tags: [templates]
              operationId: previewTemplatePage
              summary: An HTML page showing every channel of a template side by side
              description: |
                Email (subject, HTML in a sandboxed iframe, text part), SMS bubble with encoding, units and
                segments (characters that force UCS-2 highlighted), WhatsApp bubble and QR code, with links
                to every locale. Rendered with the template's sample data unless `data` is given; secret
                variables are masked. A channel that does not render shows its error in its panel. The page
                runs no scripts (strict Content-Security-Policy).
              parameters:
                - { name: name, in: path, required: true, description: Template name., schema: { $ref: "#/components/schemas/TemplateName" }, example: reward-earned }
                - { name: locale, in: query, description: "Locale to render in (`id`, `de-DE`); the template default otherwise.", schema: { $ref: "#/components/schemas/Locale" } }
                - name: data
                  in: query
                  description: "Message data as URL-encoded JSON (an object); a channel it does not render for shows the error in its panel."
                  content:
                    application/json:
                      schema: { type: object }
              responses:
                "200":
                  description: The page.
                  headers:
                    Content-Security-Policy: { description: "No scripts; inline styles only.", schema: { type: string } }
                  content:
                    text/html:
                      schema: { type: string }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "404": { $ref: "#/components/responses/NotFound" }
                "422": { $ref: "#/components/responses/Invalid" }
          /v1/previews:
            post:
              tags: [templates]
              operationId: previewChannel
              summary: Render one channel of a template; nothing is queued
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/PreviewRequest" }
              responses:
                "200":
                  description: The rendered parts, secret variables masked.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/ChannelPreview" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
          /v1/webhooks/{provider}:
            get:
              tags: [webhooks]
              operationId: webhookGet
              summary: Provider callback (GET), e.g. Kannel delivery reports
              security: []
              description: The provider's handler checks its signature or token against the raw request and answers in the provider's own format.
              parameters:
                - $ref: "#/components/parameters/Provider"
              responses:
                "200":
                  description: Accepted; the body is whatever the provider expects (often empty or `ok`).
                  content:
                    "*/*":
                      schema: { type: string }
                "204": { description: Accepted, no body. }
                "400": { $ref: "#/components/responses/WebhookRejected" }
                "401": { $ref: "#/components/responses/WebhookRejected" }
                "403": { $ref: "#/components/responses/WebhookRejected" }
                "404": { $ref: "#/components/responses/NotFound" }
                "413": { $ref: "#/components/responses/TooLarge" }
            post:
              tags: [webhooks]
              operationId: webhookPost
              summary: Provider callback (POST), e.g. Twilio status callbacks and WhatsApp statuses
              security: []
              description: The raw body is handed to the provider's handler exactly as received, for signature checks.
              parameters:
                - $ref: "#/components/parameters/Provider"
              requestBody:
                content:
                  "*/*":
                    schema: { type: string }
              responses:
                "200":
                  description: Accepted; the body is whatever the provider expects (often empty or `ok`).
                  content:
                    "*/*":
                      schema: { type: string }
                "204": { description: Accepted, no body. }
                "400": { $ref: "#/components/responses/WebhookRejected" }
                "401": { $ref: "#/components/responses/WebhookRejected" }
                "403": { $ref: "#/components/responses/WebhookRejected" }
                "404": { $ref: "#/components/responses/NotFound" }
                "413": { $ref: "#/components/responses/TooLarge" }
          /v1/webhooks/{provider}/{event}:
            get:
              tags: [webhooks]
              operationId: webhookEventGet
              summary: Provider callback (GET) for one event kind
              security: []
              parameters:
                - $ref: "#/components/parameters/Provider"
                - $ref: "#/components/parameters/WebhookEvent"
              responses:
                "200":
                  description: Accepted; the body is whatever the provider expects (often empty or `ok`).
                  content:
                    "*/*":
                      schema: { type: string }
                "204": { description: Accepted, no body. }
                "400": { $ref: "#/components/responses/WebhookRejected" }
                "401": { $ref: "#/components/responses/WebhookRejected" }
                "403": { $ref: "#/components/responses/WebhookRejected" }
                "404": { $ref: "#/components/responses/NotFound" }
                "413": { $ref: "#/components/responses/TooLarge" }
            post:
              tags: [webhooks]
              operationId: webhookEventPost
              summary: Provider callback (POST) for one event kind
              security: []
              parameters:
                - $ref: "#/components/parameters/Provider"
                - $ref: "#/components/parameters/WebhookEvent"
              requestBody:
                content:
                  "*/*":
                    schema: { type: string }
              responses:
                "200":
                  description: Accepted; the body is whatever the provider expects (often empty or `ok`).
                  content:
                    "*/*":
                      schema: { type: string }
                "204": { description: Accepted, no body. }
                "400": { $ref: "#/components/responses/WebhookRejected" }
                "401": { $ref: "#/components/responses/WebhookRejected" }
                "403": { $ref: "#/components/responses/WebhookRejected" }
                "404": { $ref: "#/components/responses/NotFound" }
                "413": { $ref: "#/components/responses/TooLarge" }
          /v1/qr/{file}:
            get:
              tags: [messages]
              operationId: getQRImage
              summary: A stored QR code image (`{token}.png` or `{token}.svg`)
              description: Public (the token is unguessable) and immutable, so it can be cached forever and embedded anywhere. Conditional requests with `If-None-Match` (a list, weak comparison, or `*`) get `304`.
              security: []
              parameters:
                - $ref: "#/components/parameters/QRFile"
                - $ref: "#/components/parameters/IfNoneMatch"
              responses:
                "200":
                  description: The image.
                  headers:
                    Cache-Control: { $ref: "#/components/headers/ImmutableCacheControl" }
                    ETag: { $ref: "#/components/headers/StrongETag" }
                  content:
                    image/png:
                      schema: { type: string, contentMediaType: image/png }
                    image/svg+xml:
                      schema: { type: string }
                "304": { $ref: "#/components/responses/NotModified" }
                "404": { $ref: "#/components/responses/NotFound" }
            head:
              tags: [messages]
              operationId: headQRImage
              summary: The headers `GET` would answer for a stored QR code image, without the body
              security: []
              parameters:
                - $ref: "#/components/parameters/QRFile"
                - $ref: "#/components/parameters/IfNoneMatch"
              responses:
                "200":
                  description: The image exists; `Content-Length` is the size `GET` would send.
                  headers:
                    Cache-Control: { $ref: "#/components/headers/ImmutableCacheControl" }
                    ETag: { $ref: "#/components/headers/StrongETag" }
                "304": { $ref: "#/components/responses/NotModified" }
                "404": { description: No such image (no body, as for every `HEAD`). }
          /healthz:
            get:
              tags: [operations]
              operationId: health
              summary: Liveness — the process answers
              security: []
              responses:
                "200":
                  description: Alive.
                  content:
                    application/json:
                      schema: { type: object, required: [status], properties: { status: { const: ok } } }
          /readyz:
            get:
              tags: [operations]
              operationId: readiness
              summary: Readiness — the store answers; take the node out of rotation otherwise
              security: []
              responses:
                "200":
                  description: Ready, with the queue depth per delivery state.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status, queue]
                        properties:
                          status: { const: ready }
                          queue: { type: object, additionalProperties: { type: integer } }
                "503": { $ref: "#/components/responses/Unavailable" }
          /metrics:
            get:
              tags: [operations]
              operationId: metrics
              summary: Prometheus metrics
              description: Deliveries by channel/provider/outcome, attempt durations, queue depth by state, API request counts and latency.
              security: []
              responses:
                "200":
                  description: Prometheus text exposition format 0.0.4.
                  content:
                    text/plain:
                      schema: { type: string }
          /openapi.yaml:
            get:
              tags: [operations]
              operationId: openAPIDocument
              summary: This document
              security: []
              responses:
                "200":
                  description: OpenAPI 3.1 in YAML.
                  content:
                    application/yaml:
                      schema: { type: string }
        components:
          securitySchemes:
            bearerAuth:
              type: http
              scheme: bearer
              description: One of `server.tokens`. Without tokens the server runs only on loopback, unauthenticated.
          parameters:
            IdempotencyKey:
              name: Idempotency-Key
              in: header
              description: One message per key (1–255 printable ASCII characters, no spaces). Keys outlive retries and restarts.
              schema: { $ref: "#/components/schemas/IdempotencyKey" }
              example: deal-4711
            MessageID:
              name: id
              in: path
              required: true
              description: The message id returned by a send (a UUIDv7).
              schema: { type: string, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' }
            Provider:
              name: provider
              in: path
              required: true
              description: The configured provider's webhook name (e.g. `twilio`, `whatsapp`, `kannel`).
              schema: { type: string }
            WebhookEvent:
              name: event
              in: path
              required: true
              description: A provider-specific event kind (e.g. `status`, `dlr`).
              schema: { type: string }
            QRFile:
              name: file
              in: path
              required: true
              description: "`{token}.png` or `{token}.svg`."
              schema: { type: string, pattern: '^[^./]+\.(png|svg)$' }
            IfNoneMatch:
              name: If-None-Match
              in: header
              description: Entity tags from an earlier answer (`"…"`, `W/"…"`, a comma-separated list) or `*`; a match answers `304`.
              schema: { type: string }
          headers:
            ImmutableCacheControl:
              description: "`public, max-age=31536000, immutable`: the content at this URL never changes."
              schema: { type: string, const: "public, max-age=31536000, immutable" }
            StrongETag:
              description: A strong entity tag of the bytes (quoted hex).
              schema: { type: string, pattern: '^"[0-9a-f]{32}"$' }
            Location:
              description: The message's URL, `/v1/messages/{id}`.
              schema: { type: string }
            IdempotentReplayed:
              description: "`true` when the response replays an earlier request with the same Idempotency-Key."
              schema: { type: string, const: "true" }
          responses:
            Malformed:
              description: The body is empty or not JSON.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            Unauthorized:
              description: Missing or wrong bearer token.
              headers:
                WWW-Authenticate: { description: "`Bearer realm=\"accolade\"`", schema: { type: string } }
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            NotModified:
              description: "`If-None-Match` matched: the cached copy is current. No body."
              headers:
                Cache-Control: { $ref: "#/components/headers/ImmutableCacheControl" }
                ETag: { $ref: "#/components/headers/StrongETag" }
            NotFound:
              description: No such resource.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            IdempotencyConflict:
              description: The Idempotency-Key was used for a different request; `existing_message_id` names its message.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            TooLarge:
              description: The body is larger than `server.max_body_kib` (1 MiB by default).
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            Invalid:
              description: Well-formed but invalid (unknown template or field, missing variable, bad address); `field` names it.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            WebhookRejected:
              description: The provider's handler refused the callback (bad signature, unknown delivery, bad body).
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            Unavailable:
              description: The store did not answer (unreachable, busy or locked); nothing to fix in the request. Retry after `Retry-After` seconds, with the same Idempotency-Key.
              headers:
                Retry-After: { description: Seconds to wait before retrying., schema: { type: string, pattern: '^[0-9]+$' } }
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
            Internal:
              description: Unexpected failure; the detail names the request id in the logs. Safe to retry with the same Idempotency-Key.
              content: { application/problem+json: { schema: { $ref: "#/components/schemas/Problem" } } }
          schemas:
            Problem:
              type: object
              description: An RFC 9457 problem.
              required: [type, title, status, detail]
              properties:
                type: { type: string, format: uri, example: "urn:accolade:problem:validation-failed" }
                title: { type: string, example: Validation failed }
                status: { type: integer, example: 422 }
                detail: { type: string, description: What went wrong this time and what to do about it. }
                field: { type: string, description: The offending request field as a JSON path., example: to.email }
                instance: { type: string, description: The request path. }
                existing_message_id: { type: string, description: "With `idempotency-conflict`: the message the key belongs to." }
            ChannelKind:
              type: string
              enum: [email, sms, whatsapp, qr, inbox]
            Recipient:
              type: object
              additionalProperties: false
              description: Who receives it. Every address given must be well-formed, routed or not; `null` is the same as absent.
              properties:
                name: { type: [string, "null"], pattern: '^[^\r\n\x00]*$' }
                email: { type: [string, "null"], format: email, maxLength: 254, description: "A plain `local@domain` address (ASCII, no quoted local parts)." }
                phone: { anyOf: [{ $ref: "#/components/schemas/E164" }, { type: "null" }] }
                whatsapp: { anyOf: [{ $ref: "#/components/schemas/E164" }, { type: "null" }] }
                locale: { anyOf: [{ $ref: "#/components/schemas/Locale" }, { type: "null" }] }
                timezone: { anyOf: [{ $ref: "#/components/schemas/TimeZone" }, { type: "null" }] }
                id: { type: [string, "null"], minLength: 1, maxLength: \#(InboxRecipientKey.maximumLength), pattern: '\#(InboxRecipientKey.pattern)', description: "Your own id of the person (CRM id), and the inbox channel's address: 1–255 characters without control characters, compared exactly." }
            E164:
              type: string
              description: An E.164 number.
              pattern: '^\+[1-9][0-9]{6,14}$'
              example: "+6281234567890"
            Money:
              type: object
              description: "An amount in major units and its ISO 4217 code; shown formatted for the locale with the currency's own digits (`Rp50.000`, `KWD 0.500`)."
              additionalProperties: false
              required: [amount, currency]
              properties:
                amount: { type: number }
                currency: { type: string, pattern: '^[A-Z]{3}$' }
            IdempotencyKey:
              type: string
              description: One message per key (1–255 printable ASCII characters, no spaces).
              minLength: 1
              maxLength: 255
              pattern: '^[!-~]+$'
            Accepted:
              type: object
              required: [id, status, deliveries]
              properties:
                id: { type: string }
                status: { type: string, enum: [accepted, replayed] }
                deliveries:
                  type: array
                  items:
                    type: object
                    required: [id, channel, state]
                    properties:
                      id: { type: string }
                      channel: { $ref: "#/components/schemas/ChannelKind" }
                      state: { $ref: "#/components/schemas/DeliveryState" }
            BatchResult:
              type: object
              required: [accepted, rejected, results]
              properties:
                accepted: { type: integer }
                rejected: { type: integer }
                results:
                  type: array
                  description: One per input item, in input order.
                  items:
                    oneOf:
                      - allOf:
                          - $ref: "#/components/schemas/Accepted"
                          - type: object
                            required: [index, http_status]
                            properties:
                              index: { type: integer }
                              http_status: { type: integer, enum: [200, 202] }
                      - type: object
                        required: [index, http_status, problem]
                        properties:
                          index: { type: integer }
                          http_status: { type: integer, example: 422 }
                          problem: { $ref: "#/components/schemas/Problem" }
            Delivery:
              type: object
              required: [id, channel, position, state, attempts, updated_at]
              properties:
                id: { type: string }
                channel: { $ref: "#/components/schemas/ChannelKind" }
                position: { type: integer, description: Place in the route. }
                state: { $ref: "#/components/schemas/DeliveryState" }
                attempts: { type: integer }
                updated_at: { type: string, format: date-time }
                next_attempt_at: { type: string, format: date-time }
                provider: { type: string }
                provider_message_id: { type: string }
                last_error: { type: string, description: "Why the last attempt failed or the delivery was skipped; for a `scheduled` delivery held by quiet hours or a send window, why and until when (`deferred to 2026-12-07 08:00 Asia/Jakarta by quiet hours 21:00–08:00 (quiet_hours)`)." }
                cost: { $ref: "#/components/schemas/Cost" }
            Attempt:
              type: object
              required: [delivery_id, number, started_at, finished_at, provider, outcome, detail, duration_ms]
              properties:
                delivery_id: { type: string }
                number: { type: integer }
                started_at: { type: string, format: date-time }
                finished_at: { type: string, format: date-time }
                provider: { type: string }
                outcome: { $ref: "#/components/schemas/AttemptOutcome" }
                code: { type: string, description: "Protocol code: SMTP reply, HTTP status, provider error code." }
                detail: { type: string }
                duration_ms: { type: integer }
                cost: { $ref: "#/components/schemas/Cost" }
            Cost:
              type: object
              description: "What the provider charges, from `costs:` at the price in force when sent (a delivery's is 0 once WhatsApp reports it free)."
              required: [currency, amount]
              properties:
                currency: { type: string, example: USD }
                amount: { type: string, description: A decimal., example: "0.0415" }
            Receipt:
              type: object
              required: [delivery_id, status, received_at]
              properties:
                delivery_id: { type: string }
                status: { type: string, example: delivered }
                received_at: { type: string, format: date-time }
                occurred_at: { type: string, format: date-time }
                provider: { type: string }
                provider_event_id: { type: string }
                detail: { type: string }
                part: { type: integer, minimum: 1, description: "The part reported on, for an SMS Accolade sent as several parts." }
                parts: { type: integer, minimum: 2, description: "How many parts that SMS was sent as." }
            Message:
              type: object
              required: [id, template, to, data, channels, mode, category, created_at, status, deliveries]
              properties:
                id: { type: string }
                template: { type: string }
                to: { $ref: "#/components/schemas/Recipient" }
                data: { type: object, description: Secret variables masked as ••••. }
                channels: { type: array, items: { $ref: "#/components/schemas/ChannelKind" } }
                mode: { type: string, enum: [all, fallback] }
                category: { type: string, description: "The request's category, else its workflow's, else its template manifest's, else `rewards`." }
                locale: { type: string }
                idempotency_key: { type: string }
                run: { type: object, required: [id, step], description: "For a message a workflow sent: its run and step (0-based).", properties: { id: { type: string }, step: { type: integer } } }
                created_at: { type: string, format: date-time }
                send_at: { type: string, format: date-time }
                send_at_reason: { type: string, description: "For `send_at: optimal`: why this time (e.g. `optimal send time: Tue 2026-12-08 19:00 Asia/Jakarta: 7 of 9 past engagements between 19:00 and 20:00`)." }
                expires_at: { type: string, format: date-time }
                status: { type: string, enum: [queued, sent, delivered, failed, partially_failed, cancelled, skipped] }
                deliveries: { type: array, items: { $ref: "#/components/schemas/Delivery" } }
                attempts: { type: array, items: { $ref: "#/components/schemas/Attempt" }, description: "Only in `GET /v1/messages/{id}`." }
                receipts: { type: array, items: { $ref: "#/components/schemas/Receipt" }, description: "Only in `GET /v1/messages/{id}`." }
            TemplateInfo:
              type: object
              required: [name, description, channels, locales, variables]
              properties:
                name: { type: string }
                description: { type: string }
                channels: { type: array, items: { $ref: "#/components/schemas/ChannelKind" } }
                locales: { type: array, items: { type: string } }
                variables:
                  type: object
                  properties:
                    required: { type: array, items: { type: string } }
                    optional: { type: array, items: { type: string } }
                    secret: { type: array, items: { type: string } }
            ChannelPreview:
              type: object
              required: [template, channel, locale, locale_used, part_locales, parts]
              properties:
                template: { type: string }
                channel: { $ref: "#/components/schemas/ChannelKind" }
                locale: { type: string, description: "The locale asked for (the recipient's, else the request's, else the default)." }
                locale_used: { type: string, description: "The locale of the text actually sent, which its values are formatted in (`en-US` when an `es` message falls back to the `en_US` WhatsApp template)." }
                part_locales: { type: object, additionalProperties: { type: string }, description: "The locale of each part (`email.subject`, `email.txt`, `email.html`, `sms.txt`, `whatsapp.txt`, `whatsapp.template`, `qr.txt`)." }
                parts:
                  type: object
                  description: "email: subject, text, html · sms: text, encoding, units, segments, ucs2_characters · whatsapp: text (null when only an approved template is mapped), template {name, language, header, body, buttons} when mapped · qr: payload"
                  properties:
                    subject: { type: string }
                    text: { type: [string, "null"] }
                    template: { type: object, description: "The approved WhatsApp template filled in: name, language, header, body, buttons." }
                    html: { type: string }
                    encoding: { type: string, enum: [gsm7, ucs2] }
                    units: { type: integer }
                    segments: { type: integer }
                    ucs2_characters: { type: array, items: { type: string } }
                    payload: { type: string }
        """#
}
