import Foundation

/// Counts login attempts per email and per client IP in a sliding window, and refuses once either is over
/// its limit. State is per process (one node); attempts older than the window are forgotten.
actor LoginRateLimiter {
    private let perEmail: Int
    private let perIP: Int
    private let window: TimeInterval
    private var attempts: [String: [Date]] = [:]
    private var lastSweep = Date()

    init(perEmail: Int, perIP: Int, window: TimeInterval) {
        self.perEmail = perEmail
        self.perIP = perIP
        self.window = window
    }

    /// Records an attempt; returns the seconds to wait when the attempt is over a limit (nil = allowed).
    func attempt(email: String, ip: String, now: Date = Date()) -> Int? {
        sweep(now: now)
        let emailKey = "email:\(email)"
        let ipKey = "ip:\(ip)"
        let emailAttempts = recent(emailKey, now: now)
        let ipAttempts = recent(ipKey, now: now)
        if emailAttempts.count >= perEmail || ipAttempts.count >= perIP {
            let oldest = [emailAttempts.count >= perEmail ? emailAttempts.first : nil, ipAttempts.count >= perIP ? ipAttempts.first : nil]
                .compactMap { $0 }.min() ?? now
            return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
        }
        attempts[emailKey] = emailAttempts + [now]
        attempts[ipKey] = ipAttempts + [now]
        return nil
    }

    /// Forgets the email's attempts after a successful login.
    func succeeded(email: String) {
        attempts["email:\(email)"] = nil
    }

    private func recent(_ key: String, now: Date) -> [Date] {
        (attempts[key] ?? []).filter { now.timeIntervalSince($0) < window }
    }

    /// Drops keys with no recent attempt, so memory follows the active attackers, not all time.
    private func sweep(now: Date) {
        guard now.timeIntervalSince(lastSweep) > window else { return }
        lastSweep = now
        attempts = attempts.compactMapValues { dates in
            let kept = dates.filter { now.timeIntervalSince($0) < window }
            return kept.isEmpty ? nil : kept
        }
    }
}
