import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// `POST /v1/reports/tokens` and `GET /v1/reports/dashboard`, indented as path items.
    static let dashboardPaths = #"""
          /v1/reports/tokens:
            post:
              tags: [reports]
              operationId: createDashboardToken
              summary: A short-lived link that opens the reports dashboard in a browser
              description: |
                With the API token: answers a token (an HS256 JWT signed with a key derived from
                `reports.dashboard_secret`, else from `server.tokens`) and the dashboard URL carrying it.
                A browser navigation cannot send the API token, so the link is its own credential; keep it
                as private as the figures. Nothing is stored: the link works until `expires_at`
                (`ttl` 1 minute to 24 hours, default 15 minutes). The body may be empty.
              requestBody:
                required: false
                content:
                  application/json:
                    schema: { $ref: "#/components/schemas/DashboardTokenRequest" }
                    example: { ttl: 1h }
              responses:
                "200":
                  description: The token, when it stops working, and the dashboard URL.
                  headers:
                    Cache-Control: { description: "`no-store`: the answer is a credential.", schema: { type: string, const: no-store } }
                  content:
                    application/json:
                      schema: { $ref: "#/components/schemas/DashboardToken" }
                "400": { $ref: "#/components/responses/Malformed" }
                "401": { $ref: "#/components/responses/Unauthorized" }
                "413": { $ref: "#/components/responses/TooLarge" }
                "422": { $ref: "#/components/responses/Invalid" }
          /v1/reports/dashboard:
            get:
              tags: [reports]
              operationId: getReportsDashboard
              summary: The reports dashboard, an HTML page with charts, opened by a dashboard token
              description: |
                Headline figures; sends per day by channel (per ISO week beyond 62 days, per month beyond a
                year); the delivery funnel (messages accepted → deliveries sent → delivered → read →
                messages redeemed); cost by channel and provider, one chart per currency; the latency
                distribution (the rollups' histogram buckets); the ten most frequent failure reasons
                (failed deliveries by the time they failed). A period picker (a GET form keeping the
                token). Every chart is an `<svg role="img">` with a title and description and a table of
                its numbers. No scripts, no cookies: strict `Content-Security-Policy`, `Cache-Control:
                no-store`, `Referrer-Policy: no-referrer`. Figures as `GET /v1/reports` counts them.
              security: [{ dashboardToken: [] }]
              parameters:
                - { name: since, in: query, description: "First day (`2026-11-01`, in `tz`) or instant (RFC 3339); default 30 days before today.", schema: { type: string, anyOf: [{ format: date }, { format: date-time }] } }
                - { name: until, in: query, description: "Last day included (`2026-11-30`) or instant excluded; default now.", schema: { type: string, anyOf: [{ format: date }, { format: date-time }] } }
                - { name: tz, in: query, description: IANA zone days are read in (default UTC)., schema: { $ref: "#/components/schemas/TimeZone" } }
              responses:
                "200":
                  description: The page (static HTML and SVG, no scripts).
                  headers:
                    Content-Security-Policy: { description: "`default-src 'none'`; the page's one style sheet by hash.", schema: { type: string } }
                    Cache-Control: { description: "`no-store`: the URL carries a credential.", schema: { type: string } }
                    Referrer-Policy: { description: "`no-referrer`.", schema: { type: string } }
                  content:
                    text/html:
                      schema: { type: string }
                "400":
                  description: An unknown query parameter; the page says which.
                  content:
                    text/html:
                      schema: { type: string }
                "401":
                  description: No token, or one that does not open the dashboard (cut off, altered, signed with another key, expired); the page says which and how to mint a new one.
                  headers:
                    WWW-Authenticate: { description: "`Bearer realm=\"accolade-dashboard\", error=\"invalid_token\"`.", schema: { type: string } }
                  content:
                    text/html:
                      schema: { type: string }
                "422":
                  description: "The period cannot be read (since after until, more than three years, an unknown zone): the picker with the values as given and what is wrong."
                  content:
                    text/html:
                      schema: { type: string }
                "503": { $ref: "#/components/responses/Unavailable" }

        """#

    /// The security scheme of the dashboard, under `components.securitySchemes`.
    static let dashboardSecurityScheme = #"""
        dashboardToken:
          type: apiKey
          in: query
          name: token
          description: "A dashboard token from `POST /v1/reports/tokens`; opens the dashboard and nothing else."

    """#

    /// The schemas of the token route.
    static var dashboardSchemas: String {
        let ttl = #"{ description: "How long the link works: whole seconds or a duration (`90s`, `15m`, `1h`, `1d`), 1 minute to 24 hours. Default `15m`.", anyOf: [{ type: integer, minimum: \#(InboxTokenLifetime.minimumSeconds), maximum: \#(InboxTokenLifetime.maximumSeconds) }, { type: string, pattern: "\#(InboxTokenLifetime.pattern)" }, { type: "null" }] }"#
        return """
                DashboardTokenRequest:
                  type: object
                  additionalProperties: false
                  properties:
                    ttl: \(ttl)
                DashboardToken:
                  type: object
                  required: [token, expires_at, url]
                  properties:
                    token: { type: string, description: The dashboard token (a compact JWT). }
                    expires_at: { type: string, format: date-time }
                    url: { type: string, format: uri, description: "`server.public_url` + `/v1/reports/dashboard?token=…`: open it in a browser." }

            """
    }

    /// `document` with the dashboard paths, security scheme and schemas inserted.
    static func withDashboard(_ document: String) -> String {
        var text = document.replacingOccurrences(of: "\ncomponents:\n", with: "\n" + dashboardPaths + "components:\n")
        text = text.replacingOccurrences(of: "\n  securitySchemes:\n", with: "\n  securitySchemes:\n" + dashboardSecurityScheme)
        text = text.replacingOccurrences(of: "\n  schemas:\n", with: "\n  schemas:\n" + dashboardSchemas)
        return text
    }
}
