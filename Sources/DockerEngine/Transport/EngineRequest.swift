/// One HTTP request to the engine, before it is given to libcurl.
struct EngineRequest: Sendable {
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
        case head = "HEAD"
    }

    var method: Method
    /// The path including any `/v1.NN` prefix, unescaped segments already escaped.
    var path: String
    var query: [(name: String, value: String)] = []
    var body: [UInt8]?
    var contentType: String?
    /// The whole-call deadline; nil for streams bounded by cancellation instead.
    var timeout: Duration?
    /// The request as shown in messages, e.g. `GET /containers/abc/json`.
    var endpoint: String

    init(
        _ method: Method, _ path: String, query: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, contentType: String? = nil, timeout: Duration?, endpoint: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.timeout = timeout
        self.endpoint = endpoint
    }

    /// The path and query, percent-encoded for the request line.
    var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.escape($0.name))=\(Self.escape($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 16 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return out
    }
}

/// The engine's answer: status and (for non-streamed calls, or errors) the body.
struct EngineResponse: Sendable {
    var status: Int
    var body: [UInt8]
    /// The request as messages name it (`EngineRequest.endpoint`).
    var endpoint: String
}
