import AccoladeCore

/// Checks a parsed workflow against what exists: templates and their channels, configured
/// channels, and the order of steps. Pure: the caller passes what it loaded.
///
/// - every template (`send`, `else.send`, `digest.send`, `remind`) exists;
/// - every channel named exists in the template and is configured; a send without `channels`
///   reaches at least one configured channel of its template;
/// - a `wait` follows a `send` (or `digest`) step — it waits on the nearest one before it;
/// - `wait: {for: read}` needs a channel of that send that can report read (WhatsApp; email and
///   SMS never do), `for: delivered` one that can report delivery (SMS, WhatsApp);
/// - `throttle: {then: digest}` is followed by a `digest` step;
/// - the `category`, when named, is declared in the configuration.
public struct WorkflowCheck: Sendable {
    /// Template name → the channels it has parts for.
    public var templates: [String: [ChannelKind]]
    /// The channels in the configuration (a channel whose credential is unset still counts: it
    /// is disabled with a warning at start-up, and the workflow is right once it is set).
    public var channels: Set<ChannelKind>
    /// The configured categories (`categories:`); `nil` checks no category.
    public var categories: CategoriesConfig?

    /// Creates a check.
    public init(templates: [String: [ChannelKind]], channels: Set<ChannelKind>, categories: CategoriesConfig? = nil) {
        self.categories = categories
        self.templates = templates
        self.channels = channels
    }

    /// Every problem of `workflow`, in step order; empty when it is fine.
    public func problems(_ workflow: WorkflowDefinition) -> [WorkflowError] {
        var problems: [WorkflowError] = []
        func add(_ path: String, _ reason: String) {
            problems.append(WorkflowError(file: workflow.file, path: path, reason: reason))
        }
        if let name = workflow.category, let problem = categories?.problem(with: name) { add("category", problem) }
        for (index, step) in workflow.steps.enumerated() {
            let at = "steps[\(index)].\(step.action.keyword)"
            switch step.action {
            case .send(let send): checkSend(send, at: at, add)
            case .digest(let digest): checkSend(digest.send, at: at + ".send", add)
            case .remind(let remind): checkSend(remind.send, at: at, add)
            case .delay: break
            case .throttle(let throttle):
                if throttle.overflow == .digest, !workflow.steps[(index + 1)...].contains(where: { if case .digest = $0.action { true } else { false } }) {
                    add(at + ".then", "digest needs a digest step after this throttle to fold throttled runs into; add one or use then: skip")
                }
            case .wait(let wait):
                if let otherwise = wait.otherwise { checkSend(otherwise, at: "steps[\(index)].else.send", add) }
                guard let previous = workflow.steps[..<index].lastIndex(where: { $0.action.isSendingStep }) else {
                    add(at, "must follow a send step: it waits for a state of the previous send")
                    continue
                }
                let send = workflow.steps[previous].action.sends[0]
                guard templates[send.template] != nil, wait.target != .redeemed else { continue }
                let possible = reachable(send)
                let capable = wait.target == .read ? possible.filter(\.reportsRead) : possible.filter(\.reportsDelivered)
                if capable.isEmpty, !possible.isEmpty {
                    let list = possible.map(\.rawValue).joined(separator: ", ")
                    let able = ChannelKind.allCases.filter { wait.target == .read ? $0.reportsRead : $0.reportsDelivered }.map(\.rawValue).joined(separator: ", ")
                    add(
                        at + ".for",
                        "\(wait.target.rawValue) can never happen: the send at steps[\(previous)] goes by \(list), and none of them reports \(wait.target.rawValue) (only \(able) can)"
                            + (wait.target == .read ? "; send by whatsapp, or wait for delivered" : ""))
                }
            }
        }
        return problems
    }

    /// The channels a send may use: those it names, else every configured one of its template.
    func reachable(_ send: WorkflowSend) -> [ChannelKind] {
        if let named = send.channels { return named }
        return (templates[send.template] ?? []).filter { channels.contains($0) }
    }

    private func checkSend(_ send: WorkflowSend, at path: String, _ add: (String, String) -> Void) {
        guard let parts = templates[send.template] else {
            let known = templates.keys.sorted().joined(separator: ", ")
            add(path + ".template", "unknown template \"\(send.template)\" (templates: \(known.isEmpty ? "none" : known))")
            return
        }
        if let named = send.channels {
            for (i, kind) in named.enumerated() {
                if !parts.contains(kind) {
                    add("\(path).channels[\(i)]", "template \"\(send.template)\" has no \(kind) part (it has \(parts.map(\.rawValue).joined(separator: ", ")))")
                } else if !channels.contains(kind) {
                    add("\(path).channels[\(i)]", "channel \(kind) is not configured (add channels.\(kind) to the configuration)")
                }
            }
        } else if reachable(send).isEmpty {
            add(path + ".template", "no configured channel has a part in template \"\(send.template)\" (it has \(parts.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}

extension WorkflowStep.Action {
    /// Whether a later `wait` can wait on this step's message: a `send` or a `digest`.
    var isSendingStep: Bool {
        switch self {
        case .send, .digest: true
        default: false
        }
    }
}
