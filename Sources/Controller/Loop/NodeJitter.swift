/// A node's fixed delay before it starts any raise.
///
/// FNV-1a over the node id, not Swift's `Hasher`: that one is seeded per process, and the offset must be the
/// same in the agent, the collector's plan and every test run.
public enum NodeJitter {
    public static func offsetMilliseconds(nodeID: String, windowMilliseconds: Int64) -> Int64 {
        guard windowMilliseconds > 0 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in nodeID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        // Final avalanche (from SplitMix64): node ids that differ only in their last digit still land far apart.
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return Int64(hash % UInt64(windowMilliseconds + 1))
    }
}
