import CCurl
import Logging

/// The driver thread's loop: add submitted transfers, perform, reap finished ones, poll.
///
/// Everything here is confined to the driver thread, so none of it needs a lock.
final class CurlDriverLoop {
    private let core: CurlDriverCore
    private var idle: [CurlEasyHandle] = []
    private var active: [UnsafeMutableRawPointer: CurlEasyHandle] = [:]

    init(core: CurlDriverCore) {
        self.core = core
    }

    func run() {
        core.logger.debug("curl driver started", metadata: ["curl.version": "\(String(cString: curl_version()))"])
        var running: Int32 = 0
        while true {
            let (submissions, shutdown) = core.takePending()
            if shutdown == .abortInFlight {
                abortAll(submissions)
                break
            }
            for submission in submissions { start(submission) }
            _ = curl_multi_perform(core.multi, &running)
            reapFinished()
            if shutdown != nil, active.isEmpty { break }
            // Woken early by curl_multi_wakeup when a transfer is submitted; curl also caps the
            // wait by its own timers (timeouts, connection expiry).
            _ = curl_multi_poll(core.multi, nil, 0, 1000, nil)
        }
        idle.removeAll()
        core.logger.debug("curl driver stopped")
        core.markStopped()
    }

    private func start(_ submission: CurlSubmission) {
        guard let easy = idle.popLast() ?? CurlEasyHandle() else {
            submission.continuation.resume(returning: CurlEasyHandle.failure(code: 2, message: "could not create a curl handle (out of memory?)"))
            return
        }
        let rc = easy.prepare(submission.transfer)
        guard rc == CURLE_OK else {
            submission.continuation.resume(returning: CurlEasyHandle.failure(code: Int(rc.rawValue), message: String(cString: curl_easy_strerror(rc))))
            recycle(easy)
            return
        }
        easy.continuation = submission.continuation
        let added = curl_multi_add_handle(core.multi, easy.handle)
        guard added == CURLM_OK else {
            easy.continuation = nil
            submission.continuation.resume(returning: CurlEasyHandle.failure(code: 2, message: String(cString: curl_multi_strerror(added))))
            recycle(easy)
            return
        }
        active[easy.handle] = easy
    }

    private func reapFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(core.multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = ccurl_msg_result(message)
            guard let easy = active.removeValue(forKey: handle) else { continue }
            _ = curl_multi_remove_handle(core.multi, handle)
            let result = easy.finish(code: code)
            let continuation = easy.continuation
            easy.continuation = nil
            recycle(easy)
            continuation?.resume(returning: result)
        }
    }

    private func abortAll(_ submissions: [CurlSubmission]) {
        for submission in submissions {
            submission.continuation.resume(returning: CurlEasyHandle.failure(code: CurlResult.Code.aborted, message: "curl driver shut down before the transfer started"))
        }
        for (handle, easy) in active {
            // Closing an SMTP connection sends QUIT and waits for the reply, bounded only by the
            // transfer's timeout; an expired timeout makes that wait end at once.
            _ = ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, 1)
            _ = curl_multi_remove_handle(core.multi, handle)
            let continuation = easy.continuation
            easy.continuation = nil
            continuation?.resume(returning: CurlEasyHandle.failure(code: CurlResult.Code.aborted, message: "transfer aborted: curl driver shut down"))
        }
        active.removeAll()
    }

    private func recycle(_ easy: CurlEasyHandle) {
        if idle.count < core.configuration.maxIdleHandles { idle.append(easy) }
    }
}
