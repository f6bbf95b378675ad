extension YDoc {
    /// This document's sync step 1 (its state vector), the first message each side of a
    /// y-websocket connection sends.
    public func syncStep1() -> SyncMessage {
        .step1(stateVector: stateVector.encoded)
    }

    /// Handles a received sync message as y-protocols' `readSyncMessage` does: a step 1 is answered
    /// with the step 2 the peer is missing (`encodeStateAsUpdate` against its state vector); a
    /// step 2 or an update is applied. Returns the reply to send, if any.
    ///
    /// Read-only connections must not pass step 2 or update messages here
    /// (see ``SyncMessage/changesDocument``).
    ///
    /// - Parameter origin: passed to update observers for applied changes (e.g. the connection).
    /// - Throws: ``CRDTError`` for a malformed state vector or update; the document is unchanged then.
    @discardableResult
    public func handleSync(_ message: SyncMessage, origin: AnyHashable? = nil) throws(CRDTError) -> SyncMessage? {
        switch message {
        case .step1(let sv):
            return .step2(update: encodeStateAsUpdate(against: try StateVector(encoded: sv)))
        case .step2(let update), .update(let update):
            try applyUpdate(update, origin: origin)
            return nil
        }
    }
}
