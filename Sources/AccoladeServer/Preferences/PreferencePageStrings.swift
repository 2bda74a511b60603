import Foundation
import AccoladeCore

/// The texts of the hosted unsubscribe and preferences pages, in every locale the shipped
/// templates and the inbox widget speak (en, de, es, id).
struct PreferencePageStrings: Sendable {
    var language: String
    var preferencesTitle: String
    var preferencesIntro: String
    var requiredNote: String
    var save: String
    var saved: String
    var unsubscribeTitle: String
    /// `{category}` is replaced.
    var unsubscribeQuestion: String
    var unsubscribeButton: String
    /// `{category}` is replaced.
    var unsubscribed: String
    var manage: String
    var invalidTitle: String
    var unavailable: String
    var channelNames: [ChannelKind: String]

    static let all: [String: PreferencePageStrings] = [
        "en": PreferencePageStrings(
            language: "en", preferencesTitle: "Your message preferences",
            preferencesIntro: "Choose which messages you receive, and where.",
            requiredNote: "Required: account and security messages are always sent.", save: "Save preferences",
            saved: "Your preferences have been saved.", unsubscribeTitle: "Unsubscribe",
            unsubscribeQuestion: "Stop receiving “{category}” emails?", unsubscribeButton: "Unsubscribe",
            unsubscribed: "You will no longer receive “{category}” emails.", manage: "Manage all preferences",
            invalidTitle: "This link does not work", unavailable: "Preference links are not enabled on this server.",
            channelNames: [.email: "Email", .sms: "SMS", .whatsapp: "WhatsApp", .inbox: "Inbox", .qr: "QR code"]),
        "de": PreferencePageStrings(
            language: "de", preferencesTitle: "Ihre Benachrichtigungseinstellungen",
            preferencesIntro: "Wählen Sie, welche Nachrichten Sie auf welchem Weg erhalten.",
            requiredNote: "Erforderlich: Konto- und Sicherheitsnachrichten werden immer gesendet.", save: "Einstellungen speichern",
            saved: "Ihre Einstellungen wurden gespeichert.", unsubscribeTitle: "Abmelden",
            unsubscribeQuestion: "Keine E-Mails „{category}“ mehr erhalten?", unsubscribeButton: "Abmelden",
            unsubscribed: "Sie erhalten keine E-Mails „{category}“ mehr.", manage: "Alle Einstellungen verwalten",
            invalidTitle: "Dieser Link funktioniert nicht", unavailable: "Einstellungslinks sind auf diesem Server nicht aktiviert.",
            channelNames: [.email: "E-Mail", .sms: "SMS", .whatsapp: "WhatsApp", .inbox: "Postfach", .qr: "QR-Code"]),
        "es": PreferencePageStrings(
            language: "es", preferencesTitle: "Tus preferencias de mensajes",
            preferencesIntro: "Elige qué mensajes recibes y por qué medio.",
            requiredNote: "Obligatorio: los mensajes de cuenta y seguridad se envían siempre.", save: "Guardar preferencias",
            saved: "Tus preferencias se han guardado.", unsubscribeTitle: "Darse de baja",
            unsubscribeQuestion: "¿Dejar de recibir correos «{category}»?", unsubscribeButton: "Darme de baja",
            unsubscribed: "Ya no recibirás correos «{category}».", manage: "Gestionar todas las preferencias",
            invalidTitle: "Este enlace no funciona", unavailable: "Los enlaces de preferencias no están activados en este servidor.",
            channelNames: [.email: "Correo", .sms: "SMS", .whatsapp: "WhatsApp", .inbox: "Buzón", .qr: "Código QR"]),
        "id": PreferencePageStrings(
            language: "id", preferencesTitle: "Preferensi pesan Anda",
            preferencesIntro: "Pilih pesan mana yang Anda terima, dan lewat apa.",
            requiredNote: "Wajib: pesan akun dan keamanan selalu dikirim.", save: "Simpan preferensi",
            saved: "Preferensi Anda telah disimpan.", unsubscribeTitle: "Berhenti berlangganan",
            unsubscribeQuestion: "Berhenti menerima email “{category}”?", unsubscribeButton: "Berhenti berlangganan",
            unsubscribed: "Anda tidak akan menerima email “{category}” lagi.", manage: "Kelola semua preferensi",
            invalidTitle: "Tautan ini tidak berfungsi", unavailable: "Tautan preferensi tidak diaktifkan di server ini.",
            channelNames: [.email: "Email", .sms: "SMS", .whatsapp: "WhatsApp", .inbox: "Kotak masuk", .qr: "Kode QR"]),
    ]

    /// The strings for `?locale=`, else the first `Accept-Language` entry with texts, else English.
    static func choose(query: String?, acceptLanguage: String?) -> PreferencePageStrings {
        var wanted: [String] = []
        if let query { wanted.append(query) }
        for part in (acceptLanguage ?? "").split(separator: ",").prefix(10) {
            wanted.append(String(part.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces))
        }
        for tag in wanted {
            let language = tag.replacingOccurrences(of: "_", with: "-").split(separator: "-").first.map { $0.lowercased() } ?? ""
            if let found = all[language] { return found }
        }
        return all["en"]!
    }

    func channel(_ kind: ChannelKind) -> String { channelNames[kind] ?? kind.rawValue }
}
