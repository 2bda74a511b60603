import Foundation

extension BounceReport {
    /// Reads an Amazon SES event (the JSON text in an SNS notification's `Message`): a `Bounce`
    /// or `Complaint` notification (`notificationType`) or event (`eventType`, from a
    /// configuration set). Answers nil for the other events SES publishes (`Delivery`, `Send`,
    /// `Open` …), which change nothing here.
    ///
    /// `Permanent` bounces are hard; `Transient` and `Undetermined` ones soft (SES could not tell,
    /// so they only count toward `bounces.soft_limit`). `reportID` is SES's `feedbackId`, the same
    /// when SNS delivers one event twice, else `fallbackID` (the SNS message id).
    public static func ses(_ message: String, fallbackID: String) throws(BounceReportError) -> BounceReport? {
        guard let event = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any] else {
            throw .notSES("the SNS Message is not a JSON object")
        }
        guard let type = (event["notificationType"] ?? event["eventType"]) as? String else {
            throw .notSES("the SES event has neither notificationType nor eventType")
        }
        let mail = event["mail"] as? [String: Any] ?? [:]
        var report = BounceReport(
            lines: [], ignored: [], originalMessageID: sesHeaderMessageID(mail), envelopeRecipients: [], reportID: nil,
            relayMessageID: (mail["messageId"] as? String).flatMap { $0.isEmpty ? nil : $0 })
        switch type {
        case "Bounce":
            let bounce = event["bounce"] as? [String: Any] ?? [:]
            let bounceType = bounce["bounceType"] as? String ?? "Undetermined"
            let subType = bounce["bounceSubType"] as? String
            let kind: Kind = bounceType == "Permanent" ? .hard : .soft
            for recipient in bounce["bouncedRecipients"] as? [[String: Any]] ?? [] {
                let diagnostic = (recipient["diagnosticCode"] as? String) ?? ["SES \(bounceType)", subType].compactMap { $0 }.joined(separator: "/")
                report.lines.append(Line(
                    address: (recipient["emailAddress"] as? String).flatMap { addresses($0).first }, kind: kind,
                    status: recipient["status"] as? String, diagnostic: diagnostic))
            }
            report.reportID = bounce["feedbackId"] as? String
        case "Complaint":
            let complaint = event["complaint"] as? [String: Any] ?? [:]
            let feedback = complaint["complaintFeedbackType"] as? String ?? "abuse"
            // SES reports "not-spam" feedback as a complaint too; it is no reason to suppress.
            guard feedback != "not-spam" else {
                report.ignored.append("complaintFeedbackType not-spam")
                return report
            }
            for recipient in complaint["complainedRecipients"] as? [[String: Any]] ?? [] {
                report.lines.append(Line(
                    address: (recipient["emailAddress"] as? String).flatMap { addresses($0).first }, kind: .complaint, status: nil,
                    diagnostic: "feedback-type \(feedback)"))
            }
            report.reportID = complaint["feedbackId"] as? String
        default:
            return nil
        }
        guard !report.lines.isEmpty else { throw .noRecipients }
        if report.reportID?.isEmpty != false { report.reportID = fallbackID }
        return report
    }

    /// The `Message-ID` Accolade wrote, from `mail.commonHeaders` or `mail.headers` (present when
    /// the SES identity includes original headers in notifications).
    private static func sesHeaderMessageID(_ mail: [String: Any]) -> String? {
        if let common = mail["commonHeaders"] as? [String: Any], let id = common["messageId"] as? String, !id.isEmpty { return id }
        let headers = mail["headers"] as? [[String: Any]] ?? []
        return headers.first { ($0["name"] as? String)?.lowercased() == "message-id" }?["value"] as? String
    }
}
