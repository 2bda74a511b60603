import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// `GET /v1/reports`, indented as a path item under `paths:`.
    static let reportPaths = #"""
          /v1/reports:
            get:
              tags: [reports]
              operationId: getReport
              summary: Messages, deliveries, cost, reward value, redemptions and ROI per period and dimension
              description: |
                The figures `accolade report` prints, read from the rollups the store keeps as outcomes,
                receipts and redemptions are written. Everything counts in the period its message was
                accepted in; times are cut to UTC quarter-hours. Money is per currency (a decimal string),
                never added across currencies. `format=csv` answers the same rows as CSV.
              parameters:
                - { name: since, in: query, description: "First day (`2026-11-01`, in `tz`) or instant (RFC 3339); default 30 days before today; before `until`, at most three years apart.", schema: { type: string, anyOf: [{ format: date }, { format: date-time }] } }
                - { name: until, in: query, description: "Last day included (`2026-11-30`) or instant excluded; default now.", schema: { type: string, anyOf: [{ format: date }, { format: date-time }] } }
                - { name: by, in: query, description: "Comma-separated: at most one of `day`, `week`, `month` and any of `channel`, `provider`, `template`, `workflow`, `category`, `programme`, `locale`, `country`, each once.", schema: { type: string, pattern: "^((day|week|month|channel|provider|template|workflow|category|programme|locale|country)(,(day|week|month|channel|provider|template|workflow|category|programme|locale|country))*)?$" } }
                - { name: tz, in: query, description: IANA zone days, ISO weeks and months are read in (default UTC)., schema: { $ref: "#/components/schemas/TimeZone" } }
                - { name: format, in: query, schema: { type: string, enum: [json, csv], default: json } }
              responses:
                "200":
                  description: The report.
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/Report" }
                    text/csv:
                      schema: { type: string }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "422": { $ref: "#/components/responses/Invalid" }
                "503": { $ref: "#/components/responses/Unavailable" }

        """#

    /// The schemas ``reportPaths`` refers to, indented as entries of `components.schemas`.
    static let reportSchemas = #"""
        Report:
          type: object
          required: [since, until, tz, grain, by, rows, totals]
          properties:
            since: { type: string, format: date-time }
            until: { type: string, format: date-time }
            tz: { type: string }
            grain: { type: [string, "null"], enum: [day, week, month, null] }
            by: { type: array, items: { type: string } }
            rows:
              type: array
              items:
                allOf:
                  - { $ref: "#/components/schemas/ReportFigures" }
                  - type: object
                    required: [period]
                    properties:
                      period: { type: string, description: "`2026-11-03`, `2026-W45`, `2026-11` or `all`; each `by` dimension is a further key." }
            totals: { $ref: "#/components/schemas/ReportFigures" }
        ReportMoney:
          type: array
          items:
            type: object
            required: [currency, amount]
            properties:
              currency: { type: string, description: ISO 4217 code, or PTS for points. }
              amount: { type: string, description: A decimal. }
        ReportPercentiles:
          type: object
          required: [p50, p90, p99]
          properties:
            p50: { type: [number, "null"] }
            p90: { type: [number, "null"] }
            p99: { type: [number, "null"] }
        ReportFigures:
          type: object
          required: [messages, deliveries, delivery_rate, seen_rate, read_rate, opt_outs, bounces, latency_seconds, cost, cost_per_delivered, reward_issued, reward_redeemed, redemptions, redemption_rate, median_time_to_redeem_seconds, outcome_value, roi]
          properties:
            messages: { type: integer }
            deliveries: { type: object, additionalProperties: { type: integer }, description: "By state: queued, sent, delivered, read, failed, skipped, optout, cancelled." }
            delivery_rate: { type: [number, "null"] }
            seen_rate: { type: [number, "null"], description: Inbox and WhatsApp deliveries only. }
            read_rate: { type: [number, "null"], description: Inbox and WhatsApp deliveries only. }
            opt_outs: { type: integer }
            bounces: { type: integer }
            latency_seconds:
              type: object
              required: [accepted_to_sent, accepted_to_delivered]
              properties:
                accepted_to_sent: { $ref: "#/components/schemas/ReportPercentiles" }
                accepted_to_delivered: { $ref: "#/components/schemas/ReportPercentiles" }
            cost: { $ref: "#/components/schemas/ReportMoney" }
            cost_per_delivered: { $ref: "#/components/schemas/ReportMoney" }
            reward_issued: { $ref: "#/components/schemas/ReportMoney" }
            reward_redeemed: { $ref: "#/components/schemas/ReportMoney" }
            redemptions: { type: integer }
            redemption_rate: { type: [number, "null"] }
            median_time_to_redeem_seconds: { type: [number, "null"] }
            outcome_value: { $ref: "#/components/schemas/ReportMoney" }
            roi:
              type: array
              items:
                type: object
                required: [currency, roi]
                properties:
                  currency: { type: string }
                  roi: { type: [number, "null"] }

    """#

    /// `document` with the report path and schemas inserted.
    static func withReports(_ document: String) -> String {
        var text = document.replacingOccurrences(of: "\ncomponents:\n", with: "\n" + reportPaths + "components:\n")
        text = text.replacingOccurrences(of: "\n  schemas:\n", with: "\n  schemas:\n" + reportSchemas)
        text = text.replacingOccurrences(
            of: "\n  - name: operations\n",
            with: "\n  - name: reports\n    description: Usage, spend, delivery quality, redemption and ROI from the rollups.\n  - name: operations\n")
        return text
    }
}
