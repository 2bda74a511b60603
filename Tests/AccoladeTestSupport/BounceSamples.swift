import Foundation

/// Bounce messages as mail systems write them, for tests: an RFC 3464 delivery status
/// notification and an RFC 5965 abuse report, with CRLF line ends.
public enum BounceSamples {
    /// A Postfix-style DSN delivered to `to` (the return path) about `recipient`.
    public static func dsn(
        to: String, recipient: String, status: String, action: String = "failed", originalMessageID: String = "<unrelated@example.net>"
    ) -> [UInt8] {
        let code = status.hasPrefix("5") ? "550" : "452"
        let text = """
            Return-Path: <>
            Delivered-To: \(to)
            From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
            To: \(to)
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <dsn-\(UUID().uuidString)@relay.example.net>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="B0UND.1234/relay.example.net"

            This is a MIME-encapsulated message.

            --B0UND.1234/relay.example.net
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            --B0UND.1234/relay.example.net
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.example.net
            Arrival-Date: Sun,  6 Dec 2026 10:00:00 +0000

            Final-Recipient: rfc822; \(recipient)
            Original-Recipient: rfc822;\(recipient)
            Action: \(action)
            Status: \(status)
            Remote-MTA: dns; mx.example.com
            Diagnostic-Code: smtp; \(code) \(status) <\(recipient)>: Recipient address
                rejected: User unknown in virtual mailbox table

            --B0UND.1234/relay.example.net
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            From: Acme Rewards <rewards@example.com>
            To: \(recipient)
            Subject: You earned a reward
            Message-ID: \(originalMessageID)

            --B0UND.1234/relay.example.net--

            """
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// An ARF abuse report about the message `originalMessageID` sent to `recipient`.
    public static func complaint(originalMessageID: String, recipient: String) -> [UInt8] {
        let text = """
            From: <abuse@isp.example.net>
            To: <bounces@mail.example.com>
            Subject: FW: You earned a reward
            Message-ID: <arf-\(UUID().uuidString)@isp.example.net>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54"

            --part1_13d.2e68ed54
            Content-Type: text/plain; charset="US-ASCII"

            This is an email abuse report for an email message received from IP 192.0.2.1.

            --part1_13d.2e68ed54
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: SomeGenerator/1.0
            Version: 1
            Original-Rcpt-To: <\(recipient)>

            --part1_13d.2e68ed54
            Content-Type: message/rfc822
            Content-Disposition: inline

            From: Acme Rewards <rewards@example.com>
            To: \(recipient)
            Subject: You earned a reward
            Message-ID: \(originalMessageID)

            Your reward is here.
            --part1_13d.2e68ed54--

            """
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}
