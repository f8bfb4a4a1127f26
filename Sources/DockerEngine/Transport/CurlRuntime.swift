import CCurl
import CCurlShims

/// Process-wide libcurl setup, done exactly once before the first handle is made.
enum CurlRuntime {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Initialises libcurl on first use (Swift runs a static initialiser once, thread-safely).
    static func ensureInitialized() {
        _ = initialized
    }
}
