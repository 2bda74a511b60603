import AccoladeCore
import Foundation

extension WorkflowFileParser {
    static let stepKinds = ["send", "delay", "wait", "digest", "throttle", "remind"]

    /// One item of `steps`: exactly one kind key, an optional `if`, and `else` on a `wait`.
    static func step(_ node: ConfigNode) throws(ConfigError) -> WorkflowStep {
        let condition = try node.string("if").map { text throws(ConfigError) in
            do throws(ConditionSyntaxError) {
                return try Condition(text)
            } catch {
                throw ConfigError(path: node.path(of: "if"), reason: error.description)
            }
        }
        var kinds: [(String, ConfigNode)] = []
        for kind in stepKinds {
            if let child = try node.optionalChild(kind) { kinds.append((kind, child)) }
        }
        let otherwise = try node.optionalChild("else")
        try node.rejectUnknownKeys()
        guard kinds.count == 1, let (kind, child) = kinds.first else {
            let stepPath = node.path(of: "").dropLast()
            throw ConfigError(
                path: String(stepPath),
                reason: kinds.isEmpty
                    ? "needs one of \(stepKinds.joined(separator: ", ")) (with its settings as a mapping)"
                    : "has \(kinds.map(\.0).joined(separator: " and ")); give each its own step")
        }
        if otherwise != nil, kind != "wait" {
            throw ConfigError(path: node.path(of: "else"), reason: "only a wait step has an else (what to send when the wait times out)")
        }
        let action: WorkflowStep.Action
        switch kind {
        case "send": action = .send(try send(child))
        case "delay": action = .delay(try delay(child))
        case "wait": action = .wait(try wait(child, otherwise: otherwise))
        case "digest": action = .digest(try digest(child))
        case "throttle": action = .throttle(try throttle(child))
        default: action = .remind(try remind(child))
        }
        return WorkflowStep(condition: condition, action: action)
    }

    /// `send: {template, channels?, mode?, locale?, send_at?: optimal}`.
    static func send(_ node: ConfigNode) throws(ConfigError) -> WorkflowSend {
        var send = try sendFields(node)
        if let sendAt = try node.string("send_at") {
            guard sendAt == "optimal" else {
                throw ConfigError(
                    path: node.path(of: "send_at"),
                    reason: "must be optimal, got \"\(sendAt.prefix(40))\" (for a fixed wait put a delay step before the send)")
            }
            send.optimalSendAt = true
        }
        try node.rejectUnknownKeys()
        return send
    }

    /// The keys a send shares with `remind`; leaves unknown-key checking to the caller.
    static func sendFields(_ node: ConfigNode) throws(ConfigError) -> WorkflowSend {
        let template = try checkIdentifier(try node.requiredString("template"), at: node.path(of: "template"), example: "reward-earned")
        var channels: [ChannelKind]?
        if let names = try node.strings("channels") {
            var kinds: [ChannelKind] = []
            for (i, name) in names.enumerated() {
                guard let kind = ChannelKind(rawValue: name) else {
                    throw ConfigError(
                        path: "\(node.path(of: "channels"))[\(i)]",
                        reason: "unknown channel \"\(name.prefix(40))\"; use \(ChannelKind.allCases.map(\.rawValue).joined(separator: " | "))")
                }
                guard !kinds.contains(kind) else {
                    throw ConfigError(path: "\(node.path(of: "channels"))[\(i)]", reason: "names \(kind) twice")
                }
                kinds.append(kind)
            }
            guard !kinds.isEmpty else {
                throw ConfigError(path: node.path(of: "channels"), reason: "must name at least one channel (or leave channels out for every channel the template has)")
            }
            channels = kinds
        }
        let mode = try node.choice("mode", as: RouteMode.self)
        let locale = try node.string("locale")
        if let locale, !LocaleTag.isWellFormed(locale) {
            throw ConfigError(path: node.path(of: "locale"), reason: "\"\(locale.prefix(40))\" is not a BCP 47 language tag like en, id-ID or es-419")
        }
        return WorkflowSend(template: template, channels: channels, mode: mode, locale: locale)
    }

    /// `delay: {for: 2h}` or `delay: {until: data.path, at?: "HH:MM"}`.
    static func delay(_ node: ConfigNode) throws(ConfigError) -> WorkflowDelay {
        let duration = try durationValue(node, "for", allowZero: false)
        let until = try dataPath(node, "until")
        let at = try timeOfDay(node, "at")
        try node.rejectUnknownKeys()
        switch (duration, until) {
        case (let seconds?, nil):
            if at != nil { throw ConfigError(path: node.path(of: "at"), reason: "goes with until, not with for") }
            return .duration(seconds)
        case (nil, let path?): return .until(path, at: at)
        case (nil, nil):
            throw ConfigError(path: node.path(of: "").dropLastDot, reason: "needs for (a duration, e.g. 2h) or until (a data path of a date, e.g. data.starts_on)")
        case (_?, _?): throw ConfigError(path: node.path(of: "").dropLastDot, reason: "set either for or until, not both")
        }
    }

    /// `wait: {for, within}` and the step's `else: {send: …}`.
    static func wait(_ node: ConfigNode, otherwise: ConfigNode?) throws(ConfigError) -> WorkflowWait {
        guard let target = try node.choice("for", as: WaitTarget.self) else {
            throw ConfigError(path: node.path(of: "for"), reason: "is required: \(WaitTarget.allCases.map(\.rawValue).joined(separator: " | "))")
        }
        guard let within = try durationValue(node, "within", allowZero: false) else {
            throw ConfigError(path: node.path(of: "within"), reason: "is required: how long to wait, e.g. 24h")
        }
        try node.rejectUnknownKeys()
        var send: WorkflowSend?
        if let otherwise {
            guard let sendNode = try otherwise.optionalChild("send") else {
                throw ConfigError(path: otherwise.path(of: "send"), reason: "is required: else: { send: { template: …, channels: [...] } }")
            }
            try otherwise.rejectUnknownKeys()
            send = try self.send(sendNode)
        }
        return WorkflowWait(target: target, within: within, otherwise: send)
    }

    /// `digest: {window | until, key?, send}`.
    static func digest(_ node: ConfigNode) throws(ConfigError) -> WorkflowDigest {
        let window = try durationValue(node, "window", allowZero: false)
        let until = try timeOfDay(node, "until")
        let key = try dataPath(node, "key")
        guard let sendNode = try node.optionalChild("send") else {
            throw ConfigError(path: node.path(of: "send"), reason: "is required: the message listing the events, e.g. send: { template: kudos-digest }")
        }
        try node.rejectUnknownKeys()
        let send = try self.send(sendNode)
        switch (window, until) {
        case (let seconds?, nil): return WorkflowDigest(window: .duration(seconds), key: key, send: send)
        case (nil, let time?): return WorkflowDigest(window: .until(time), key: key, send: send)
        case (nil, nil):
            throw ConfigError(path: node.path(of: "").dropLastDot, reason: "needs window (a duration, e.g. 1h) or until (a time, e.g. \"18:00\")")
        case (_?, _?): throw ConfigError(path: node.path(of: "").dropLastDot, reason: "set either window or until, not both")
        }
    }

    /// `throttle: {limit, per, then?}`.
    static func throttle(_ node: ConfigNode) throws(ConfigError) -> WorkflowThrottle {
        guard let limit = try node.int("limit", in: 1...10_000) else {
            throw ConfigError(path: node.path(of: "limit"), reason: "is required: how many runs per period, e.g. 3")
        }
        guard let per = try durationValue(node, "per", allowZero: false) else {
            throw ConfigError(path: node.path(of: "per"), reason: "is required: the period, e.g. 1d")
        }
        let overflow = try node.choice("then", as: WorkflowThrottle.Overflow.self) ?? .skip
        try node.rejectUnknownKeys()
        return WorkflowThrottle(limit: limit, per: per, overflow: overflow)
    }

    /// `remind: {before, offset, at?, template, channels?, mode?, locale?, unless?}`.
    static func remind(_ node: ConfigNode) throws(ConfigError) -> WorkflowRemind {
        guard let before = try dataPath(node, "before") else {
            throw ConfigError(path: node.path(of: "before"), reason: "is required: the data path of the date to remind before, e.g. data.reward.expires_on")
        }
        guard let offset = try durationValue(node, "offset", allowZero: true) else {
            throw ConfigError(path: node.path(of: "offset"), reason: "is required: how long before, e.g. 3d (0 for on the day)")
        }
        let at = try timeOfDay(node, "at")
        let send = try sendFields(node)
        var unlessRedeemed = false
        if let unless = try node.string("unless") {
            guard unless == "redeemed" else {
                throw ConfigError(path: node.path(of: "unless"), reason: "must be redeemed, got \"\(unless.prefix(40))\"")
            }
            unlessRedeemed = true
        }
        try node.rejectUnknownKeys()
        return WorkflowRemind(before: before, offset: offset, at: at, send: send, unlessRedeemed: unlessRedeemed)
    }

    static func durationValue(_ node: ConfigNode, _ key: String, allowZero: Bool) throws(ConfigError) -> TimeInterval? {
        guard let text = try node.string(key) else { return nil }
        guard let seconds = ConfigNode.parseDuration(text) else {
            throw ConfigError(path: node.path(of: key), reason: "expected a duration like 30m, 24h or 3d; got \"\(text.prefix(40))\"")
        }
        guard allowZero || seconds > 0 else { throw ConfigError(path: node.path(of: key), reason: "must be longer than zero") }
        guard seconds <= maxDuration else { throw ConfigError(path: node.path(of: key), reason: "must be at most 366d, got \"\(text.prefix(40))\"") }
        return seconds
    }

    static func timeOfDay(_ node: ConfigNode, _ key: String) throws(ConfigError) -> TimeOfDay? {
        guard let text = try node.string(key) else { return nil }
        guard let time = TimeOfDay(text) else {
            throw ConfigError(path: node.path(of: key), reason: "expected a time \"HH:MM\" from 00:00 to 23:59 (quoted), got \"\(text.prefix(40))\"")
        }
        return time
    }

    static func dataPath(_ node: ConfigNode, _ key: String) throws(ConfigError) -> DataPath? {
        guard let text = try node.string(key) else { return nil }
        let valid = !text.isEmpty && text.allSatisfy(ConditionLexer.isWordCharacter)
        guard valid, let path = try? ConditionParser.path(text, column: 1), path.root == .data else {
            throw ConfigError(path: node.path(of: key), reason: "expected a data path like data.reward.expires_on, got \"\(text.prefix(40))\"")
        }
        return path
    }
}

extension String {
    /// `steps[0].delay.` → `steps[0].delay`: the path of a node itself, from ``ConfigNode/path(of:)`` with an empty key.
    var dropLastDot: String { hasSuffix(".") ? String(dropLast()) : self }
}
