extension CRDTError {
    /// A y-protocols message that is structurally invalid (unknown sub-type, trailing bytes, …).
    ///
    /// TODO(engine): `CRDTError` has no dedicated case for malformed protocol messages; until the engine
    /// adds one (suggested: `malformedMessage`, code `MALFORMED_MESSAGE`), protocol errors use the closest
    /// existing code, `MALFORMED_UPDATE`, with a detail that says what was wrong.
    static func badMessage(_ detail: String) -> CRDTError {
        CRDTError.malformedUpdate.with(detail: "protocol message: " + detail)
    }
}
