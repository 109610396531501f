import Testing
@testable import RemoteWrite

@Test func headerVersion() { #expect(RemoteWriteVersion.header == "0.1.0") }
