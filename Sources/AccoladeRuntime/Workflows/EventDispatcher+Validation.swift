import AccoladeCore
import AccoladeWorkflows

extension EventDispatcher {
    /// Every check an event must pass before anything is stored.
    func check(_ request: EventRequest) throws(ValidationError) {
        try Self.checkEventName(request.event)
        guard request.data.objectValue != nil else { throw ValidationError(field: "data", reason: "must be a JSON object") }
        if let key = request.idempotencyKey { try RequestKey.check(key, field: "idempotency_key") }
        if let key = request.cancellationKey { try RequestKey.check(key, field: "cancellation_key") }
        if request.event == EventRequest.redemption && request.recipients.isEmpty {
            let object = request.data.objectValue ?? [:]
            let messageID = object["message_id"]?.stringValue
            let code = object["reward"]?.objectValue?["code"]?.stringValue
            guard messageID?.isEmpty == false || code?.isEmpty == false else {
                throw ValidationError(
                    field: "data",
                    reason: "a reward.redeemed event names the reward: data.message_id (the message that carried it) or data.reward.code")
            }
            return
        }
        guard (1...EventRequest.maxRecipients).contains(request.recipients.count) else {
            throw ValidationError(
                field: "recipients",
                reason: "must hold 1 to \(EventRequest.maxRecipients) recipients (got \(request.recipients.count))"
                    + (request.event == EventRequest.redemption ? "; or none, for a redemption" : ""))
        }
        for (i, recipient) in request.recipients.enumerated() {
            try dispatcher.validateRecipient(recipient, field: "recipients[\(i)]")
        }
        try checkData(request)
    }

    /// The data against every template the listening workflows will send for these recipients,
    /// once per template (the data is the same for every recipient). A step whose `if:` is false
    /// for every recipient never sends, nor does a `wait`'s `else` after a send so skipped —
    /// their templates are not asked (a small voucher need not carry a big voucher's fields). A
    /// digest's template sees the collected events as `events`: this event must do as one of them.
    func checkData(_ request: EventRequest) throws(ValidationError) {
        let recipients = request.recipients.map(\.conditionValue)
        for workflow in planner.workflows(listeningTo: request.event) {
            var lastSendSkipped = false
            for (index, step) in workflow.steps.enumerated() {
                let runs = step.condition.map { condition in recipients.contains { condition.holds(data: request.data, recipient: $0) } } ?? true
                var sends: [(send: WorkflowSend, isDigest: Bool)] = []
                switch step.action {
                case .send(let send):
                    lastSendSkipped = !runs
                    if runs { sends = [(send, false)] }
                case .digest(let digest):
                    lastSendSkipped = !runs
                    if runs { sends = [(digest.send, true)] }
                case .wait(let wait):
                    if runs, !lastSendSkipped, let otherwise = wait.otherwise { sends = [(otherwise, false)] }
                case .remind(let remind):
                    if runs { sends = [(remind.send, false)] }
                case .delay, .throttle:
                    break
                }
                for (send, isDigest) in sends {
                    let use = WorkflowSendUse(workflow: workflow.name, step: index, send: send, isDigest: isDigest)
                    do throws(ValidationError) {
                        try dispatcher.validateData(template: send.template, data: use.templateData(for: request.data))
                    } catch {
                        throw ValidationError(
                            field: error.field,
                            reason: "\(error.reason) (workflow \(workflow.name), step \(index + 1) sends template \(send.template))")
                    }
                }
            }
        }
    }

    /// Event names: 1–128 characters of letters, digits and `. _ - :` (`deal.closed`).
    static func checkEventName(_ name: String) throws(ValidationError) {
        let allowed = name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x3A
        }
        guard (1...128).contains(name.utf8.count), allowed else {
            throw ValidationError(field: "event", reason: "must be 1–128 letters, digits, '.', '_', '-' or ':', e.g. \"deal.closed\"")
        }
    }
}
