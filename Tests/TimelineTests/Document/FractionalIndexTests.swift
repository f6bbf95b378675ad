import Testing
import Timeline

@Suite struct FractionalIndexTests {
    @Test func betweenIsStrictlyBetween() throws {
        #expect(FractionalIndex.between(nil, nil) == "V")
        #expect(FractionalIndex.between("V", "k") == "c")
        #expect(FractionalIndex.between("V", "W") == "VV")
        #expect(FractionalIndex.between("V", "V1") == "V0V")
        var rng = SeededRandom(seed: 7)
        var keys = [String]()
        for _ in 0..<2000 {
            // Insert at a random position and check the order is kept.
            let i = keys.isEmpty ? 0 : Int(rng.next() % UInt64(keys.count + 1))
            let k = try #require(FractionalIndex.between(i > 0 ? keys[i - 1] : nil, i < keys.count ? keys[i] : nil))
            #expect(FractionalIndex.isValid(k))
            keys.insert(k, at: i)
        }
        #expect(keys == keys.sorted())
        #expect(Set(keys).count == keys.count)
    }

    @Test func rejectsBadBounds() {
        #expect(FractionalIndex.between("b", "a") == nil)
        #expect(FractionalIndex.between("a", "a") == nil)
        #expect(FractionalIndex.between("a0", nil) == nil)
        #expect(FractionalIndex.between("a-", nil) == nil)
        #expect(!FractionalIndex.isValid(""))
        let seq = FractionalIndex.sequence(count: 50)
        #expect(seq == seq.sorted() && Set(seq).count == 50)
    }
}
