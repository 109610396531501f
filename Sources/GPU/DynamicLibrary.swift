#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared library opened with `dlopen`, closed when the last reference goes.
final class DynamicLibrary {
    let path: String
    private let handle: UnsafeMutableRawPointer

    /// Opens `path` (a bare soname is searched the way the dynamic loader searches).
    init(path: String) throws(NVMLLoadError) {
        // RTLD_NOW: a library missing its own dependencies fails here, not at the first call.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .libraryNotFound(path: path, reason: DynamicLibrary.lastError())
        }
        self.path = path
        self.handle = handle
    }

    deinit { dlclose(handle) }

    /// The address of `name`, or nil when the library does not export it.
    func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        _ = dlerror()
        return dlsym(handle, name)
    }

    private static func lastError() -> String {
        guard let message = dlerror() else { return "unknown dlopen error" }
        return String(cString: message)
    }
}
