import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The workflow paths (`/v1/events…`, `/v1/runs…`), indented as path items under `paths:`;
    /// inserted just before `components:` by ``withEvents(_:)``.
    static let eventPaths = #"""
          /v1/events:
            post:
              tags: [workflows]
              operationId: triggerEvent
              summary: Report an event; the workflows listening to it start one run per recipient
              description: |
                Every workflow whose `on:` names the event starts a run for each recipient, keyed by the
                recipient key (`id`, else the email address lower-cased, else phone, else WhatsApp number).
                Everything is checked first — recipients, and the data against every template the workflows
                may send — and the runs are durable when the answer comes. With an `idempotency_key` (or the
                `Idempotency-Key` header) a repeat replays the original runs per recipient and workflow; a
                different event under the same key is a conflict for that recipient. `202` when runs started
                (or no workflow listens: `runs` is empty), `200` when every run was a replay, `207` when some
                recipients conflict (each result has its own `http_status`), `409` when the only recipient
                conflicts. `reward.redeemed` without recipients records a redemption: `data.message_id` or
                `data.reward.code` names the reward; the runs that sent it see it (`unless: redeemed`,
                `wait: {for: redeemed}`).
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/EventRequest" }
                    example: { event: deal.closed, recipients: [{ id: crm-10492, email: ana@example.com, whatsapp: "+6281234567890" }], data: { reward: { voucher: { amount: 50000, currency: IDR } } }, idempotency_key: deal-4711, cancellation_key: deal-4711 }
              responses:
                "200":
                  description: Every run was a replay of an earlier event with the same key.
                  headers:
                    Idempotent-Replayed: { $ref: "#/components/headers/IdempotentReplayed" }
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/EventResult" }
                "202":
                  description: Runs started (durable), or none listens, or a redemption recorded.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/EventResult" }
                "207":
                  description: Multi-status — some recipients' runs conflict with an earlier use of the key.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/EventResult" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "409": { $ref: "#/components/responses/IdempotencyConflict" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/events/cancel:
            post:
              tags: [workflows]
              operationId: cancelEvent
              summary: Cancel every unfinished run started with a cancellation key
              description: |
                Pending steps never run; deliveries of the runs' messages that no worker has claimed become
                `cancelled`; a delivery already being sent finishes and its outcome stands. Repeating it is
                harmless (nothing left to cancel).
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [cancellation_key]
                      properties:
                        cancellation_key: { $ref: "#/components/schemas/CancellationKey" }
              responses:
                "200":
                  description: What was cancelled now (possibly nothing).
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [cancellation_key, cancelled_runs, cancelled_deliveries]
                        properties:
                          cancellation_key: { type: string }
                          cancelled_runs: { type: array, items: { type: string } }
                          cancelled_deliveries: { type: integer, minimum: 0 }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/runs:
            get:
              tags: [workflows]
              operationId: listRuns
              summary: Workflow runs, newest first
              parameters:
                - { name: workflow, in: query, description: Only this workflow's runs., schema: { type: string } }
                - { name: recipient, in: query, description: Only this recipient key's runs., schema: { type: string } }
                - { name: state, in: query, schema: { $ref: "#/components/schemas/RunState" } }
                - { name: cancellation_key, in: query, schema: { type: string } }
                - { name: limit, in: query, description: Page size., schema: { type: integer, minimum: 1, maximum: 500, default: 100 } }
                - { name: cursor, in: query, description: "`next_cursor` of the previous page.", schema: { type: string } }
              responses:
                "200":
                  description: One page.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [runs]
                        properties:
                          runs: { type: array, items: { $ref: "#/components/schemas/Run" } }
                          next_cursor: { type: string, description: Present when a full page was returned. }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }
          /v1/runs/{id}:
            get:
              tags: [workflows]
              operationId: getRun
              summary: One run with every step it took, why, and the steps still ahead
              parameters:
                - { name: id, in: path, required: true, description: The run id (`run_…`)., schema: { type: string } }
              responses:
                "200":
                  description: The run.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Run" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "404": { $ref: "#/components/responses/NotFound" }
                "503": { $ref: "#/components/responses/Unavailable" }

        """#

    /// The schemas ``eventPaths`` refers to, indented as entries of `components.schemas`.
    static let eventSchemas = #"""
            EventRequest:
              description: An event for recipients (starts runs), or a redemption (`reward.redeemed` without recipients).
              oneOf:
                - $ref: "#/components/schemas/TriggerRequest"
                - $ref: "#/components/schemas/RedemptionRequest"
            TriggerRequest:
              type: object
              additionalProperties: false
              required: [event, recipients]
              properties:
                event: { $ref: "#/components/schemas/EventName" }
                recipients:
                  type: array
                  minItems: 1
                  maxItems: 1000
                  description: Who it happened to; each needs an `id` or an address (the recipient key).
                  items:
                    allOf:
                      - $ref: "#/components/schemas/Recipient"
                      - anyOf:
                          - { required: [id], properties: { id: { type: string } } }
                          - { required: [email], properties: { email: { type: string } } }
                          - { required: [phone], properties: { phone: { type: string } } }
                          - { required: [whatsapp], properties: { whatsapp: { type: string } } }
                data: { type: object, description: "What conditions (`data.…`) and templates see; checked against every template the listening workflows may send." }
                idempotency_key: { anyOf: [{ $ref: "#/components/schemas/IdempotencyKey" }, { type: "null" }] }
                cancellation_key: { anyOf: [{ $ref: "#/components/schemas/CancellationKey" }, { type: "null" }] }
            RedemptionRequest:
              type: object
              additionalProperties: false
              required: [event, data]
              properties:
                event: { const: reward.redeemed }
                recipients: { anyOf: [{ type: array, maxItems: 0 }, { type: "null" }] }
                data:
                  type: object
                  description: "`message_id` (the message that carried the reward) or `reward.code`."
                  anyOf:
                    - { required: [message_id], properties: { message_id: { type: string, minLength: 1 } } }
                    - { required: [reward], properties: { reward: { type: object, required: [code], properties: { code: { type: string, minLength: 1 } } } } }
                idempotency_key: { anyOf: [{ $ref: "#/components/schemas/IdempotencyKey" }, { type: "null" }] }
                cancellation_key: { anyOf: [{ $ref: "#/components/schemas/CancellationKey" }, { type: "null" }] }
            EventName:
              type: string
              pattern: '^[A-Za-z0-9._:-]{1,128}$'
              example: deal.closed
            CancellationKey:
              type: string
              description: Cancels the event's runs later (`POST /v1/events/cancel`); 1–255 printable ASCII characters, no spaces.
              minLength: 1
              maxLength: 255
              pattern: '^[!-~]+$'
            EventResult:
              type: object
              required: [event, runs]
              properties:
                event: { type: string }
                runs:
                  type: array
                  description: The runs started or replayed, recipient by recipient.
                  items:
                    type: object
                    required: [id, workflow, recipient_index, recipient_key, status, state]
                    properties:
                      id: { type: string }
                      workflow: { type: string }
                      recipient_index: { type: integer }
                      recipient_key: { type: string }
                      status: { type: string, enum: [created, replayed] }
                      state: { $ref: "#/components/schemas/RunState" }
                results:
                  type: array
                  description: One per recipient, in input order.
                  items:
                    type: object
                    required: [index, recipient_key, runs, http_status]
                    properties:
                      index: { type: integer }
                      recipient_key: { type: string }
                      runs: { type: array, items: { type: string } }
                      http_status: { type: integer, enum: [200, 202, 409] }
                      problem: { $ref: "#/components/schemas/Problem" }
                redeemed_runs: { type: array, items: { type: string }, description: "For `reward.redeemed`: the runs the redemption matched." }
            RunState:
              type: string
              enum: [\#(RunState.allCases.map(\.rawValue).joined(separator: ", "))]
            RunStep:
              type: object
              required: [step, kind, outcome, at]
              properties:
                step: { type: integer, description: The step's index in the workflow (0-based). }
                kind: { type: string, enum: [send, delay, wait, digest, throttle, remind, cancel], description: "The step's kind; `cancel` for the record a cancellation writes at the step the run was on." }
                outcome: { type: string, enum: [\#(RunStepOutcome.allCases.map(\.rawValue).joined(separator: ", "))] }
                reason: { type: string }
                message_id: { type: string }
                until: { type: string, format: date-time }
                at: { type: string, format: date-time }
            Run:
              type: object
              required: [id, workflow, event, to, recipient_key, data, state, step, created_at, updated_at]
              properties:
                id: { type: string }
                workflow: { type: string }
                event: { type: string }
                to: { type: object }
                recipient_key: { type: string }
                data: { type: object }
                state: { $ref: "#/components/schemas/RunState" }
                step: { type: integer, description: The step the run executes next. }
                due_at: { type: string, format: date-time }
                deadline: { type: string, format: date-time }
                last_message_id: { type: string }
                redeemed_at: { type: string, format: date-time }
                reason: { type: string }
                idempotency_key: { type: string }
                cancellation_key: { type: string }
                created_at: { type: string, format: date-time }
                updated_at: { type: string, format: date-time }
                steps: { type: array, items: { $ref: "#/components/schemas/RunStep" } }
                upcoming:
                  type: array
                  items:
                    type: object
                    required: [step, kind]
                    properties:
                      step: { type: integer }
                      kind: { type: string }
                      due_at: { type: string, format: date-time }

        """#

    /// Adds the workflow paths, schemas and tag to the hand-written document.
    static func withEvents(_ document: String) -> String {
        var text = document.replacingOccurrences(of: "\ncomponents:\n", with: "\n" + eventPaths + "components:\n")
        text = text.replacingOccurrences(of: "\n  schemas:\n", with: "\n  schemas:\n" + eventSchemas)
        text = text.replacingOccurrences(
            of: "\n  - name: operations\n",
            with: "\n  - name: workflows\n    description: Events start workflow runs (journeys); runs can be followed and cancelled.\n  - name: operations\n")
        return text
    }
}
