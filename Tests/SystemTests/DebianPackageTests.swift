import Foundation
import GreencapCore
import GreencapTestSupport
import Testing

/// `greencap-agent` and `greencap-collector` packaged by `scripts/build-deb.sh`, installed with dpkg into a
/// minimal Debian root that holds only what their Depends name (`scripts/debian-root.py`), and run there: no
/// Swift runtime, no toolchain. Proves the static Swift runtime, the computed Depends, the maintainer scripts
/// (service user, state directory, enabled unit) and the conffiles.
///
/// `make deb` builds release binaries; a release build of both products costs many minutes on CI's two cores,
/// so this test relinks the objects the test build already compiled with `-static-stdlib` (the link step
/// SwiftPM recorded, re-run with another output; about 25 s per product), and packages those. Needs root, or
/// passwordless sudo, for dpkg's chroot and for chroot itself, and the apt sources to download the root's
/// packages (cached in `.build-deb/debian-root-cache`).
@Suite(.serialized) struct DebianPackageTests {
    static let products = ["greencap-agent", "greencap-collector"]

    @Test func packagesInstallAndRunInACleanDebianRootWithoutSwift() throws {
        let work = try TemporaryDirectory.make()
        defer { _ = try? Self.privileged(["/bin/rm", "-rf", work.path]) }
        let clock = ContinuousClock()
        var started = clock.now
        func lap(_ what: String) {
            print("debian package test: \(what) took \(clock.now - started)")
            started = clock.now
        }

        let bin = work.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for product in Self.products { try StaticRelink.link(product, to: bin + "/" + product) }
        lap("relinking both products with the static Swift runtime")

        let debs = work.path + "/debs"
        let build = try Subprocess.run(
            "/bin/bash", [Paths.repository + "/scripts/build-deb.sh", "--binaries", bin, "--out", debs],
            environment: ["DEB_COMPRESSION": "gzip"])
        try #require(build.status == 0, "\(build.output)")
        let packages = build.output.split(separator: "\n").map(String.init).filter { $0.hasSuffix(".deb") }
        try #require(packages.count == 2, "\(build.output)")
        lap("building the packages")
        for package in packages {
            let control = try Subprocess.run("/usr/bin/dpkg-deb", ["-f", package, "Depends"])
            print("debian package test: \(URL(fileURLWithPath: package).lastPathComponent) Depends: \(control.output)")
            for forbidden in ["swift", "nvidia"] {
                #expect(!control.output.lowercased().contains(forbidden), "\(package) must not depend on \(forbidden)")
            }
        }

        let root = work.path + "/root"
        let made = try Self.privileged([
            "/usr/bin/python3", Paths.repository + "/scripts/debian-root.py", root,
            Paths.repository + "/.build-deb/debian-root-cache",
        ] + packages)
        try #require(made.status == 0, "\(made.output)")
        print("debian package test: root packages: \(made.output)")
        lap("making the Debian root")
        let swiftLibraries = try Subprocess.run("/usr/bin/find", [root, "-name", "libswift*", "-o", "-name", "swift*"])
        #expect(swiftLibraries.output.isEmpty, "the root must not hold any Swift: \(swiftLibraries.output)")

        let install = try Self.privileged(["/usr/bin/dpkg", "--root=" + root, "-i"] + packages)
        #expect(install.status == 0, "\(install.output)")
        #expect(install.output.contains("installed and enabled, not started"), "\(install.output)")
        lap("installing both packages")

        for (binary, config) in [("greencap-agent", "agent.toml"), ("greencap-collector", "collector.toml")] {
            let version = try Self.inRoot(root, ["/usr/bin/" + binary, "--version"])
            #expect(version.status == 0 && version.output.trimmingCharacters(in: .whitespacesAndNewlines) == GreencapVersion.current,
                    "\(binary) --version in the root: \(version.output)")
            let check = try Self.inRoot(root, ["/usr/bin/" + binary, "--check-config", "/etc/greencap/" + config])
            #expect(check.status == 0 && check.output.contains("configuration is valid"), "\(binary): \(check.output)")
            let enabled = root + "/etc/systemd/system/multi-user.target.wants/\(binary).service"
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: enabled)) == "/usr/lib/systemd/system/\(binary).service")
            let status = try Self.privileged(["/usr/bin/dpkg", "--root=" + root, "-s", binary])
            #expect(status.output.contains("Status: install ok installed"), "\(status.output)")
            #expect(status.output.contains("/etc/greencap/\(config) "), "conffile missing: \(status.output)")
        }
        // A configuration the agent rejects is still rejected there, with the file and line (exit 78).
        let broken = try Self.inRoot(root, ["/usr/bin/greencap-agent", "--check-config", "/usr/share/greencap/profiles/modbus/raritan-px3.toml"])
        #expect(broken.status == 78, "\(broken.output)")
        let user = try Self.inRoot(root, ["/usr/bin/getent", "passwd", "greencap"])
        #expect(user.status == 0, "systemd-sysusers made no greencap user: \(user.output)")
        let state = try Self.inRoot(root, ["/usr/bin/stat", "-c", "%U:%G %a", "/var/lib/greencap"])
        #expect(state.output.trimmingCharacters(in: .whitespacesAndNewlines) == "greencap:greencap 750", "\(state.output)")
        let shipped = try String(contentsOfFile: root + "/etc/greencap/agent.toml", encoding: .utf8)
        #expect(shipped.contains("\nwrites = \"dry-run\""), "the packaged agent config must start in dry-run")
        for file in ["/usr/lib/udev/rules.d/60-greencap-serial.rules", "/usr/share/greencap/profiles/modbus/apc-smart-ups.toml",
                     "/usr/lib/sysusers.d/greencap-agent.conf", "/usr/lib/tmpfiles.d/greencap-collector.conf"] {
            #expect(FileManager.default.fileExists(atPath: root + file), "\(file) not installed")
        }

        let purge = try Self.privileged(["/usr/bin/dpkg", "--root=" + root, "--purge", "greencap-agent"])
        #expect(purge.status == 0, "\(purge.output)")
        for gone in ["/usr/bin/greencap-agent", "/etc/greencap/agent.toml", "/etc/systemd/system/multi-user.target.wants/greencap-agent.service"] {
            #expect(!FileManager.default.fileExists(atPath: root + gone), "\(gone) left after purge")
        }
        #expect(FileManager.default.fileExists(atPath: root + "/usr/bin/greencap-collector"))
        lap("checks and purge")
    }

    /// Runs `arguments` as root: directly when the tests run as root, else through `sudo -n`.
    static func privileged(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        if getuid() == 0 { return try Subprocess.run(arguments[0], Array(arguments.dropFirst()), environment: environment) }
        let result = try Subprocess.run("/usr/bin/sudo", ["-n"] + arguments, environment: environment)
        if result.output.contains("a password is required") || result.output.contains("a terminal is required") {
            throw TestFailure("this test needs root for dpkg --root and chroot: run the tests as root or allow passwordless sudo")
        }
        return result
    }

    /// Runs a command chrooted into `root`, with /proc mounted there (in a mount namespace of its own, so nothing
    /// stays mounted): the Swift runtime traps at start without /proc, which every booted system has.
    static func inRoot(_ root: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try privileged(
            ["/usr/bin/unshare", "--mount", "/bin/sh", "-c", "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" \"$@\"", root]
                + arguments)
    }
}

/// Re-runs the link step SwiftPM recorded for a product in the test build's manifest (`<scratch>/<config>.yaml`),
/// with `-static-stdlib` and another output path: the same objects, the Swift runtime linked in.
enum StaticRelink {
    static func link(_ product: String, to output: String) throws {
        let configuration = URL(fileURLWithPath: Paths.binaries).lastPathComponent
        let scratch = URL(fileURLWithPath: Paths.binaries).deletingLastPathComponent().deletingLastPathComponent().path
        let manifest = scratch + "/" + configuration + ".yaml"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \"C.\(product)-") && $0.hasSuffix(".exe\":") }),
            let argsLine = lines[start...].prefix(8).first(where: { $0.hasPrefix("    args: ") })
        else { throw TestFailure("\(manifest): no link step for \(product); build it first (swift build --build-tests)") }
        let json = Data(argsLine.dropFirst("    args: ".count).utf8)
        guard var arguments = try JSONSerialization.jsonObject(with: json) as? [String],
            let outputIndex = arguments.firstIndex(of: "-o"), outputIndex + 1 < arguments.count
        else { throw TestFailure("\(manifest): the link step for \(product) is not a JSON argument list with -o") }
        arguments[outputIndex + 1] = output
        // Debug information is not needed to install and run; leaving it out keeps the link and the package fast.
        arguments.removeAll { $0 == "-g" }
        arguments.append("-static-stdlib")
        // Objects compiled for the shared runtime carry autolink entries for Foundation's shared libraries only;
        // their static archives need their private helpers named, after everything that uses them. Which
        // Foundation modules the product uses shows in the shared build's NEEDED entries.
        let needed = try Subprocess.run("/usr/bin/objdump", ["-p", try Paths.executable(product)]).output
        var libraries: [String] = []
        if needed.contains("libFoundationXML.so") { libraries += ["FoundationXML", "_CFXMLInterface", "xml2"] }
        if needed.contains("libFoundationNetworking.so") { libraries += ["FoundationNetworking", "_CFURLSessionInterface", "curl"] }
        libraries += ["FoundationInternationalization", "FoundationEssentials", "_FoundationCollections", "CoreFoundation",
                      "_FoundationICU", "_FoundationCShims"]
        for library in libraries { arguments += ["-Xlinker", "-l" + library] }
        let linked = try Subprocess.run(arguments[0], Array(arguments.dropFirst()))
        guard linked.status == 0 else { throw TestFailure("static link of \(product) failed:\n\(linked.output)") }
    }
}
