import CCurl
import CCurlShims
import Foundation

/// One libcurl easy handle driven through its own multi handle; the multi handle keeps the
/// connection to the engine alive between requests and can be woken to cancel a transfer.
/// Used by one thread at a time (the pool hands it out exclusively).
///
/// `@unchecked Sendable`: it moves between threads only through `CurlConnectionPool`, which
/// hands each connection to one transfer at a time.
final class CurlConnection: @unchecked Sendable {
    private let easy: UnsafeMutableRawPointer
    private let multi: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let host: DockerHost

    /// The outcome of one transfer at the libcurl level.
    struct Outcome {
        var code: CURLcode
        var status: Int
        var body: [UInt8]
        var sinkError: (any Error)?
        var cancelled: Bool
        var osErrno: Int
        var connectTimeMicroseconds: Int64
        var curlMessage: String
    }

    init?(host: DockerHost) {
        CurlRuntime.ensureInitialized()
        guard let easy = curl_easy_init() else { return nil }
        guard let multi = curl_multi_init() else {
            curl_easy_cleanup(easy)
            return nil
        }
        self.easy = easy
        self.multi = multi
        self.host = host
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_multi_cleanup(multi)
        errorBuffer.deallocate()
    }

    /// Runs one request to completion (blocking this thread). A 2xx body goes to `sink` when
    /// given; any other body is collected so its error message can be read.
    func perform(
        _ request: EngineRequest, connectTimeout: Duration, token: TransferToken,
        sink: ((UnsafeRawBufferPointer) throws -> Void)?
    ) -> Outcome {
        curl_easy_reset(easy)
        errorBuffer[0] = 0
        let context = TransferContext(easy: easy, token: token, sink: sink)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }

        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Expect:")
        if let contentType = request.contentType {
            headers = curl_slist_append(headers, "Content-Type: \(contentType)")
        }
        defer { curl_slist_free_all(headers) }

        configure(request, connectTimeout: connectTimeout, headers: headers, context: unmanaged.toOpaque())

        var code = CURLE_OK
        if token.isCancelled {
            context.cancelled = true
        } else {
            code = drive(token: token, context: context)
        }
        var osErrno = 0
        _ = mdexec_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
        var connectTime: curl_off_t = 0
        _ = mdexec_curl_getinfo_off_t(easy, CURLINFO_CONNECT_TIME_T, &connectTime)
        var status = 0
        _ = mdexec_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        let message = String(cString: errorBuffer)
        return Outcome(
            code: code, status: status, body: context.body, sinkError: context.sinkError,
            cancelled: context.cancelled, osErrno: osErrno,
            connectTimeMicroseconds: Int64(connectTime),
            curlMessage: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message)
    }

    private func configure(
        _ request: EngineRequest, connectTimeout: Duration,
        headers: UnsafeMutablePointer<curl_slist>?, context: UnsafeMutableRawPointer
    ) {
        _ = mdexec_curl_setopt_string(easy, CURLOPT_URL, host.baseURL + request.target)
        if case .unix(let path) = host.endpoint {
            _ = mdexec_curl_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, path)
        }
        _ = mdexec_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = mdexec_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.milliseconds)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeout?.milliseconds ?? 0)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        _ = mdexec_curl_setopt_string(easy, CURLOPT_USERAGENT, "mdexec")
        _ = mdexec_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)

        switch request.method {
        case .get:
            break
        case .head:
            _ = mdexec_curl_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .post, .put, .delete:
            if request.method != .delete || request.body != nil {
                let body = request.body ?? []
                _ = mdexec_curl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBytes { raw in
                    // COPYPOSTFIELDS copies the bytes now, so the body need not outlive this call.
                    if let base = raw.baseAddress, !raw.isEmpty {
                        _ = mdexec_curl_setopt_pointer(
                            easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                    } else {
                        _ = mdexec_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
                    }
                }
            }
            if request.method != .post {
                _ = mdexec_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            }
        }

        _ = mdexec_curl_setopt_write_function(
            easy,
            { data, size, count, userdata in
                guard let userdata else { return 0 }
                let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
                let length = size * count
                return context.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            })
        _ = mdexec_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = mdexec_curl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        _ = mdexec_curl_setopt_xferinfo_function(
            easy,
            { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
                return context.token.isCancelled ? 1 : 0
            })
        _ = mdexec_curl_setopt_pointer(easy, CURLOPT_XFERINFODATA, context)
    }

    /// Drives the transfer through the multi handle; a cancellation wakes the poll at once and the
    /// XFERINFO callback aborts the transfer.
    private func drive(token: TransferToken, context: TransferContext) -> CURLcode {
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else { return CURLE_FAILED_INIT }
        token.attach(multi)
        defer {
            token.detach()
            curl_multi_remove_handle(multi, easy)
        }
        var result: CURLcode?
        while result == nil {
            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            guard performed == CURLM_OK else { return CURLE_FAILED_INIT }
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
            }
            if result != nil || running == 0 { break }
            if token.isCancelled {
                context.cancelled = true
                return CURLE_ABORTED_BY_CALLBACK
            }
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        let code = result ?? CURLE_OK
        if code == CURLE_ABORTED_BY_CALLBACK, token.isCancelled { context.cancelled = true }
        return code
    }
}

/// What the libcurl callbacks need for one transfer.
private final class TransferContext {
    let easy: UnsafeMutableRawPointer
    let token: TransferToken
    let sink: ((UnsafeRawBufferPointer) throws -> Void)?
    var status = 0
    var body: [UInt8] = []
    var sinkError: (any Error)?
    var cancelled = false
    static let maximumCollectedBody = 256 << 20

    init(easy: UnsafeMutableRawPointer, token: TransferToken, sink: ((UnsafeRawBufferPointer) throws -> Void)?) {
        self.easy = easy
        self.token = token
        self.sink = sink
    }

    /// Takes one chunk of body; false aborts the transfer.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if status == 0 { _ = mdexec_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
        if let sink, (200..<300).contains(status) {
            do {
                try sink(chunk)
                return true
            } catch {
                sinkError = error
                return false
            }
        }
        guard body.count + chunk.count <= Self.maximumCollectedBody else { return false }
        body.append(contentsOf: chunk)
        return true
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, as libcurl timeouts want them.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
