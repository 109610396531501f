import Testing
@testable import Wire

@Test func versionIsOne() { #expect(WireVersion.current == 1) }
