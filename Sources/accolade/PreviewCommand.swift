import AccoladeChannels
import AccoladeCore
import ArgumentParser
import Foundation

/// `accolade preview`: what each channel will show, without sending anything.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render a template with sample (or given) data: text parts, HTML file, SMS encoding and segments, QR code.",
        discussion: """
            Examples:
              accolade preview reward-earned --locale id
              accolade preview reward-earned --channel sms --locale de --data @my-data.json
              accolade preview milestone-reached --out /tmp/preview
              accolade preview reward-voucher --channel qr --locale id   # writes PNG + SVG, draws the code
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Template name.")
    var template: String

    @Option(name: .long, help: "Only this channel (email, sms, whatsapp, qr, inbox).")
    var channel: ChannelKind?

    @Option(name: .long, help: "Locale, e.g. id or de-DE.")
    var locale: String?

    @Option(name: .long, help: "Template data as JSON or @file (default: the template's sample.json).")
    var data: String?

    @Option(name: .long, help: "Folder for the HTML, PNG and SVG preview files.")
    var out: String = "var/preview"

    func run() async throws {
        try await global.reporting {
            let (config, _) = try global.loadConfig()
            let library = try global.loadTemplates(config)
            guard let info = library.info(template) else {
                throw CommandFailure(message: "unknown template \"\(template)\" (known: \(library.names.joined(separator: ", ")))", exitCode: 2)
            }
            let dataValue = try data.map { try JSONArgument.parse($0, option: "--data") } ?? info.sample.data
            do throws(AccoladeCore.ValidationError) { try LocaleTag.validate(locale, field: "--locale") } catch {
                throw CommandFailure(message: error.description, exitCode: 2)
            }
            var recipient = info.sample.recipient
            if let locale { recipient.locale = locale }
            let channels = channel.map { [$0] } ?? info.channels
            var views: [PreviewView] = []
            for kind in channels {
                let content: RenderedContent
                let locales: RenderLocales
                do {
                    content = try library.render(template: template, channel: kind, locale: locale, data: dataValue, recipient: recipient)
                    locales = try library.locales(template: template, channel: kind, locale: locale, recipient: recipient)
                } catch {
                    throw CommandFailure(message: "\(error)", exitCode: 2)
                }
                var view = try PreviewView(
                    content, template: template, locale: library.effectiveLocale(locale: locale, recipient: recipient), out: out,
                    qr: config.channels.qr ?? QRChannelConfig())
                view.locale = locales.requested
                view.localeUsed = locales.used
                view.partLocales = locales.parts
                views.append(view)
            }
            if global.json {
                Output.printJSON(views)
            } else {
                for view in views { view.printText() }
            }
        }
    }
}

extension ChannelKind: ExpressibleByArgument {}

/// One channel's preview.
struct PreviewView: Encodable {
    var channel: String
    /// The locale asked for.
    var locale: String?
    /// The locale the channel's text is actually sent and formatted in (see ``RenderLocales``).
    var localeUsed: String?
    /// The locale of each part, by part name.
    var partLocales: [String: String]?
    var subject: String?
    var text: String?
    var htmlFile: String?
    var encoding: String?
    var units: Int?
    var segments: Int?
    var ucs2Characters: [String]?
    var pngFile: String?
    var svgFile: String?
    var qrVersion: Int?
    var qrLines: [String]?

    /// - Parameter qr: drawing settings (and signing key) for the QR part, as the channel would use them.
    init(_ content: RenderedContent, template: String, locale: String, out: String, qr: QRChannelConfig) throws {
        switch content {
        case .email(let email):
            channel = "email"
            subject = email.subject
            text = email.text
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let file = "\(out)/\(template).\(locale).email.html"
            try Data(email.html.utf8).write(to: URL(fileURLWithPath: file))
            htmlFile = file
        case .sms(let body), .whatsapp(let body):
            channel = content.kindName
            text = body
            if case .sms = content {
                let analysis = SMSAnalysis(body)
                encoding = analysis.encoding.rawValue
                units = analysis.units
                segments = analysis.segments
                ucs2Characters = analysis.nonGSMCharacters.map { String($0.character) }
            }
        case .whatsappTemplate(let template, let body):
            channel = "whatsapp"
            text = [body, template.summary].compactMap { $0 }.joined(separator: "\n\n(outside the 24-hour window) ")
        case .qr(let payload):
            channel = "qr"
            // Exactly what the channel encodes: signed when channels.qr.signing_key is set.
            let encoded = qr.signingKey.map { QRSigner(secret: $0).sign(payload) } ?? payload
            text = encoded
            let images = try QRCodeRenderer(qr).render(encoded)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let base = "\(out)/\(template).\(locale).qr"
            try Data(images.png).write(to: URL(fileURLWithPath: base + ".png"))
            try Data(images.svg.utf8).write(to: URL(fileURLWithPath: base + ".svg"))
            pngFile = base + ".png"
            svgFile = base + ".svg"
            qrVersion = images.matrix.version
            qrLines = QRTextRenderer(quietZone: qr.quietZone).lines(images.matrix)
        case .inbox(let item):
            // The title travels as `subject` in --json (the line a bell's panel lists); text says Title.
            channel = "inbox"
            subject = item.title
            text = [item.body, item.url.map { "Link: \($0)" }, item.qrPayload.map { _ in "(shows the message's QR code)" }]
                .compactMap { $0 }.joined(separator: "\n\n")
        }
    }

    func printText() {
        print("── \(channel) " + String(repeating: "─", count: max(0, 60 - channel.count)))
        if let localeUsed, let locale {
            // Said only when it differs: a fallback is what a template author must notice.
            let mixed = Set(partLocales?.values.map { $0 } ?? []).count > 1
            if localeUsed != locale || mixed {
                let detail = mixed ? " (" + (partLocales ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")" : ""
                print("Locale: sent in \(localeUsed), asked for \(locale)\(detail)\n")
            } else {
                print("Locale: \(localeUsed)\n")
            }
        }
        if let subject { print("\(channel == "inbox" ? "Title" : "Subject"): \(subject)\n") }
        if let text { print(text) }
        if let htmlFile { print("\nHTML written to \(htmlFile)") }
        if let qrLines, let pngFile, let svgFile, let qrVersion {
            print("")
            for line in qrLines { print(line) }
            print("\nQR version \(qrVersion); PNG written to \(pngFile), SVG to \(svgFile)")
        }
        if let encoding, let units, let segments {
            var line = "\nSMS: \(encoding), \(units) \(encoding == "gsm7" ? "septets" : "UTF-16 units"), \(segments) segment\(segments == 1 ? "" : "s")"
            if let chars = ucs2Characters, !chars.isEmpty { line += " — UCS-2 forced by: " + chars.map { "\"\($0)\"" }.joined(separator: " ") }
            print(line)
        }
        print("")
    }

    enum CodingKeys: String, CodingKey {
        case channel, locale, subject, text, encoding, units, segments
        case localeUsed = "locale_used"
        case partLocales = "part_locales"
        case htmlFile = "html_file"
        case pngFile = "png_file"
        case svgFile = "svg_file"
        case qrVersion = "qr_version"
        case ucs2Characters = "ucs2_characters"
    }
}

extension RenderedContent {
    var kindName: String {
        switch self {
        case .email: return "email"
        case .sms: return "sms"
        case .whatsapp, .whatsappTemplate: return "whatsapp"
        case .qr: return "qr"
        case .inbox: return "inbox"
        }
    }
}
