import AccoladeCore
import Foundation
import HTTPTypes
import Hummingbird

/// The hosted pages behind the links in messages: the unsubscribe confirmation, the preferences
/// form, and the refusal of a bad link. Static HTML with inline CSS, no scripts, served under a
/// strict Content-Security-Policy; the link's token is the only credential (no cookies).
enum PreferencePage {
    /// No scripts, no external anything; the form may post only back to this server.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// The headers every page answer carries: the URL holds a credential, so no referrer leaves
    /// it and no cache keeps the page.
    static var headers: HTTPFields {
        [
            .contentSecurityPolicy: contentSecurityPolicy, .cacheControl: "no-store",
            HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        HTTPJSON.text(html, contentType: "text/html; charset=utf-8", status: status, headers: headers)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        HTMLEscaping.append(text, to: &out)
        return out
    }

    static func document(_ strings: PreferencePageStrings, title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="\(strings.language)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
        h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
        th,td{padding:.4rem .5rem;border-bottom:1px solid #d0d7de;text-align:center}th:first-child,td:first-child{text-align:left}
        button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
        .note{color:#57606a;font-size:.9rem}.done{background:#dafbe1;padding:.5rem .75rem;border-radius:6px}
        </style></head><body>
        <h1>\(escape(title))</h1>
        \(body)
        </body></html>
        """
    }

    /// `GET /v1/unsubscribe/{token}`: a question and a button; changes nothing (link scanners).
    static func unsubscribeQuestion(_ s: PreferencePageStrings, categoryName: String, preferencesURL: String?) -> String {
        let question = s.unsubscribeQuestion.replacingOccurrences(of: "{category}", with: categoryName)
        var body = """
            <p>\(escape(question))</p>
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit" id="unsubscribe">\(escape(s.unsubscribeButton))</button></form>
            """
        if let preferencesURL { body += "\n<p><a href=\"\(escape(preferencesURL))\">\(escape(s.manage))</a></p>" }
        return document(s, title: s.unsubscribeTitle, body: body)
    }

    /// The answer to the unsubscribe POST.
    static func unsubscribed(_ s: PreferencePageStrings, categoryName: String, preferencesURL: String?) -> String {
        var body = "<p class=\"done\" id=\"done\">\(escape(s.unsubscribed.replacingOccurrences(of: "{category}", with: categoryName)))</p>"
        if let preferencesURL { body += "\n<p><a href=\"\(escape(preferencesURL))\">\(escape(s.manage))</a></p>" }
        return document(s, title: s.unsubscribeTitle, body: body)
    }

    /// The field name of one checkbox: `pref:{category}:{channel}` (category names have no `:`).
    static func fieldName(category: String, channel: ChannelKind) -> String { "pref:\(category):\(channel.rawValue)" }

    /// `GET/POST /v1/preferences/{token}`: every category × channel as a checkbox; required ones
    /// checked and disabled with the reason.
    static func preferences(_ s: PreferencePageStrings, table: PreferenceTable, channels: [ChannelKind], saved: Bool) -> String {
        var body = saved ? "<p class=\"done\" id=\"saved\">\(escape(s.saved))</p>\n" : ""
        body += "<p>\(escape(s.preferencesIntro))</p>\n<form method=\"post\">\n<table><thead><tr><th></th>"
        for channel in channels { body += "<th scope=\"col\">\(escape(s.channel(channel)))</th>" }
        body += "</tr></thead><tbody>\n"
        var anyRequired = false
        var rows: [String: [PreferenceTable.Entry]] = [:]
        var order: [String] = []
        for entry in table.entries {
            if rows[entry.category] == nil { order.append(entry.category) }
            rows[entry.category, default: []].append(entry)
        }
        for category in order {
            let entries = rows[category] ?? []
            guard let first = entries.first else { continue }
            anyRequired = anyRequired || first.required
            body += "<tr><th scope=\"row\">\(escape(first.displayName))\(first.required ? " *" : "")</th>"
            for entry in entries {
                let name = fieldName(category: entry.category, channel: entry.channel)
                let label = "\(first.displayName) — \(s.channel(entry.channel))"
                body += "<td><input type=\"checkbox\" name=\"\(escape(name))\" value=\"on\" aria-label=\"\(escape(label))\""
                body += entry.optedIn ? " checked" : ""
                body += entry.required ? " disabled" : ""
                body += "></td>"
            }
            body += "</tr>\n"
        }
        body += "</tbody></table>\n<input type=\"hidden\" name=\"submitted\" value=\"1\">\n"
        if anyRequired { body += "<p class=\"note\" id=\"required-note\">* \(escape(s.requiredNote))</p>\n" }
        body += "<button type=\"submit\" id=\"save\">\(escape(s.save))</button>\n</form>"
        return document(s, title: s.preferencesTitle, body: body)
    }

    /// A refused link (tampered, cut off, signed by a retired key) or links not enabled.
    static func refusal(_ s: PreferencePageStrings, detail: String) -> String {
        document(s, title: s.invalidTitle, body: "<p id=\"refused\">\(escape(detail))</p>")
    }
}
