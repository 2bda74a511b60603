import AccoladeCore
import Foundation

extension OpenAPIDocument {
    /// The public browser files of the inbox (widget, demo page), after ``inboxFeedPaths``.
    static var inboxWidgetPaths: String {
        var text = #"""
              /v1/inbox/demo:
                get:
                  tags: [inbox]
                  operationId: getInboxDemoPage
                  summary: A demo page hosting the inbox widget for the token's recipient
                  description: |
                    Public: the page holds only the inbox token its URL carries, in the widget's `token`
                    attribute (HTML-escaped); the widget's own requests find out whether it works. Without
                    `token` the page explains how to get one. Served with a strict `Content-Security-Policy`
                    (no inline script or style), `Cache-Control: no-store` and `Referrer-Policy: no-referrer`.
                  security: []
                  parameters:
                    - { name: token, in: query, description: "An inbox token (`POST /v1/inbox/tokens`).", schema: { type: string } }
                    - { name: locale, in: query, description: "The widget's language (`en`, `id`, `es`, `de`; others fall back to English).", schema: { type: string } }
                  responses:
                    "200":
                      description: The page.
                      headers:
                        Content-Security-Policy: { description: The page's policy., schema: { type: string } }
                        Cache-Control: { description: "`no-store`: the URL carries a credential.", schema: { type: string, const: no-store } }
                      content:
                        text/html:
                          schema: { type: string }

            """#
        for (path, id, summary, type) in [
            ("widget.js", "getInboxWidget", "The `<accolade-inbox>` web component (no dependencies; any page may load it)", "text/javascript"),
            ("demo.js", "getInboxDemoScript", "The demo page's script", "text/javascript"),
            ("demo.css", "getInboxDemoStyles", "The demo page's styles", "text/css"),
        ] {
            text += #"""
                  /v1/inbox/\#(path):
                    get:
                      tags: [inbox]
                      operationId: \#(id)
                      summary: "\#(summary)"
                      description: Public, cacheable for \#(InboxAsset.maxAge) s, then revalidated with `If-None-Match` (`304`).
                      security: []
                      parameters:
                        - $ref: "#/components/parameters/IfNoneMatch"
                      responses:
                        "200":
                          description: The file.
                          headers:
                            Cache-Control: { $ref: "#/components/headers/InboxAssetCacheControl" }
                            ETag: { $ref: "#/components/headers/StrongETag" }
                          content:
                            \#(type):
                              schema: { type: string }
                        "304": { $ref: "#/components/responses/InboxAssetNotModified" }

                """#
        }
        return text
    }

    /// Components of ``inboxWidgetPaths``, as (section, indented text) pairs.
    static var inboxWidgetComponents: [(String, String)] {
        [
            ("headers", """
                    InboxAssetCacheControl:
                      description: "`public, max-age=\(InboxAsset.maxAge)`: the file changes only with Accolade's version."
                      schema: { type: string, const: "public, max-age=\(InboxAsset.maxAge)" }

                """),
            ("responses", """
                    InboxAssetNotModified:
                      description: "`If-None-Match` matched: the cached copy is current. No body."
                      headers:
                        Cache-Control: { $ref: "#/components/headers/InboxAssetCacheControl" }
                        ETag: { $ref: "#/components/headers/StrongETag" }

                """),
        ]
    }
}
