import CCurl

/// One libcurl easy handle plus the state its callbacks touch during a transfer.
///
/// Confined to the driver thread (not `Sendable`): libcurl calls the callbacks on the thread that
/// runs `curl_multi_perform`, and only that thread reads or resets the state. Handles are pooled
/// and reused; `curl_easy_reset` keeps the multi handle's connection cache, so a reused handle
/// (or any other) picks up an idle keep-alive connection to the same server.
final class CurlEasyHandle {
    /// The `CURL *`.
    let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`, owned here because libcurl only keeps the pointer.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // Per-transfer state, cleared by `prepare`.
    private var payload: [UInt8] = []
    private var readOffset = 0
    private var isSMTP = false
    private var lastLine: [UInt8] = []
    /// The reply before `lastLine`: after a failed command libcurl sends QUIT, and the `221`
    /// that follows must not hide the reply that explains the failure.
    private var previousLine: [UInt8] = []
    private var headerLines: [CurlHeader] = []
    private var body: [UInt8] = []
    private var slists: [UnsafeMutablePointer<curl_slist>] = []
    /// Where the result goes; set while the handle is inside the multi handle.
    var continuation: CheckedContinuation<CurlResult, Never>?

    /// Responses larger than this abort the transfer; provider APIs answer in kilobytes.
    static let maxBodyBytes = 8 << 20

    /// Creates a handle, or nil when libcurl cannot allocate one.
    init?() {
        CurlGlobal.ensureInitialised()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        freeLists()
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Configures the handle for `transfer`; returns the first failing `CURLcode`, or `CURLE_OK`.
    func prepare(_ transfer: CurlTransfer) -> CURLcode {
        curl_easy_reset(handle)
        freeLists()
        readOffset = 0
        lastLine.removeAll(keepingCapacity: true)
        previousLine.removeAll(keepingCapacity: true)
        headerLines.removeAll(keepingCapacity: true)
        body.removeAll(keepingCapacity: true)
        errorBuffer[0] = 0

        let me = Unmanaged.passUnretained(self).toOpaque()
        var rc = CURLE_OK
        // Keeps the first error; later setopt calls still run but cannot hide it.
        func set(_ code: CURLcode) { if rc == CURLE_OK { rc = code } }

        set(ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        set(ccurl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, me))
        set(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(transfer.connectTimeout)))
        set(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(transfer.timeout)))
        set(ccurl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            let me = Unmanaged<CurlEasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
            return me.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
        })
        set(ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, me))
        if let caFile = transfer.caFile { set(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)) }

        switch transfer.operation {
        case .smtp(let send): prepareSMTP(send, me: me, set: set)
        case .http(let request): prepareHTTP(request, me: me, set: set)
        }
        return rc
    }

    private func prepareSMTP(_ send: CurlSMTPSend, me: UnsafeMutableRawPointer, set: (CURLcode) -> Void) {
        isSMTP = true
        payload = send.payload
        set(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        set(ccurl_easy_setopt_string(handle, CURLOPT_URL, send.url))
        let level: curl_usessl = switch send.tls {
        case .none: CURLUSESSL_NONE
        case .opportunistic: CURLUSESSL_TRY
        case .required: CURLUSESSL_ALL
        }
        set(ccurl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue)))
        if let username = send.username {
            set(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, username))
            set(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, send.password ?? ""))
            set(ccurl_easy_setopt_long(handle, CURLOPT_SASL_IR, 1))
        }
        set(ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(send.mailFrom)>"))
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in send.recipients { list = curl_slist_append(list, "<\(recipient)>") }
        if let list { slists.append(list) }
        set(ccurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, list))
        set(ccurl_easy_setopt_long(handle, CURLOPT_UPLOAD, 1))
        set(ccurl_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(payload.count)))
        set(ccurl_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, userdata in
            let me = Unmanaged<CurlEasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
            return me.read(into: buffer, capacity: size * count)
        })
        set(ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, me))
    }

    private func prepareHTTP(_ request: CurlHTTPRequest, me: UnsafeMutableRawPointer, set: (CURLcode) -> Void) {
        isSMTP = false
        payload = []
        set(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(ccurl_easy_setopt_string(handle, CURLOPT_URL, request.url))
        if let body = request.body {
            set(ccurl_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            // COPYPOSTFIELDS copies now: the Swift array's pointer lives only for this call.
            set(body.withUnsafeBytes { raw in
                ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            })
            if request.method != "POST" { set(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)) }
        } else if request.method == "GET" {
            set(ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1))
        } else if request.method == "HEAD" {
            set(ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1))
        } else {
            set(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { list = curl_slist_append(list, "\(header.name): \(header.value)") }
        if let list {
            slists.append(list)
            set(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list))
        }
        if let auth = request.basicAuth {
            set(ccurl_easy_setopt_long(handle, CURLOPT_HTTPAUTH, Int(ccurl_auth_basic())))
            set(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, auth.username))
            set(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, auth.password))
        }
        set(ccurl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            let me = Unmanaged<CurlEasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
            return me.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
        })
        set(ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, me))
    }

    /// Builds the result after `CURLMSG_DONE` and drops per-transfer buffers that could be large.
    func finish(code: CURLcode) -> CurlResult {
        var response = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        var connects = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var micros: curl_off_t = 0
        _ = ccurl_easy_getinfo_off(handle, CURLINFO_TOTAL_TIME_T, &micros)
        var message = ""
        if code != CURLE_OK {
            message = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        }
        let result = CurlResult(
            curlCode: Int(code.rawValue), curlError: message, responseCode: response,
            lastReplyLine: isSMTP ? smtpReplyLine(matching: response) : nil,
            headers: headerLines, body: body, totalTime: .microseconds(micros), connectionsOpened: connects
        )
        payload = []
        if body.count > 64 << 10 { body = [] }
        freeLists()
        return result
    }

    /// A result for a transfer that never started (setopt failure, shutdown).
    static func failure(code: Int, message: String) -> CurlResult {
        CurlResult(curlCode: code, curlError: message)
    }

    private func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, payload.count - readOffset)
        guard count > 0 else { return 0 }
        payload.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + readOffset, byteCount: count)
        }
        readOffset += count
        return count
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if isSMTP {
            // SMTP: every server reply line arrives here; only the last one matters.
            if end > 0 {
                swap(&lastLine, &previousLine)
                lastLine.removeAll(keepingCapacity: true)
                lastLine.append(contentsOf: bytes[0..<end])
            }
            return bytes.count
        }
        let line = String(decoding: bytes[0..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headerLines.removeAll(keepingCapacity: true)  // a new response (after 100 Continue)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headerLines.append(CurlHeader(name, value))
        }
        return bytes.count
    }

    /// The last reply line carrying `code` (the reply that decided the outcome), else the last line.
    private func smtpReplyLine(matching code: Int) -> String? {
        guard !lastLine.isEmpty else { return nil }
        let prefix = Array(String(code).utf8)
        if !lastLine.starts(with: prefix), previousLine.starts(with: prefix) {
            return String(decoding: previousLine, as: UTF8.self)
        }
        return String(decoding: lastLine, as: UTF8.self)
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= Self.maxBodyBytes else { return 0 }  // aborts the transfer
        body.append(contentsOf: bytes)
        return bytes.count
    }

    private func freeLists() {
        for list in slists { curl_slist_free_all(list) }
        slists.removeAll(keepingCapacity: true)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

extension Substring {
    /// Drops leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        var view = self[...]
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
