import CGDAL
import Foundation
import Synchronization

/// Process-wide GDAL set-up: driver registration, the error handler, and the block cache size.
///
/// Every RasterIO entry point calls `GDAL.ensureInitialized()`; callers never touch GDAL directly.
public enum GDAL {
    /// GDAL's own version string, e.g. "3.6.2".
    public static var version: String {
        ensureInitialized()
        return String(cString: GDALVersionInfo("RELEASE_NAME"))
    }

    /// When true, GDAL warnings are not printed to stderr (`--quiet`).
    public static var quietWarnings: Bool {
        get { warningsSuppressed.load(ordering: .relaxed) }
        set { warningsSuppressed.store(newValue, ordering: .relaxed) }
    }

    /// Sizes GDAL's block cache. GDAL's default is 5 % of RAM (1.2 GB on a 24 GiB node), which would
    /// dominate the peak RSS of a streaming run; a pipeline that reads each block once needs little.
    public static func setCacheSize(bytes: Int) {
        ensureInitialized()
        GDALSetCacheMax64(GIntBig(max(bytes, 1 << 20)))
    }

    /// The current block cache limit in bytes.
    public static var cacheSize: Int {
        ensureInitialized()
        return Int(GDALGetCacheMax64())
    }

    /// Sets a GDAL configuration option for the whole process (e.g. `GDAL_NUM_THREADS`).
    public static func setConfigOption(_ key: String, _ value: String?) {
        ensureInitialized()
        CPLSetConfigOption(key, value)
    }

    static func ensureInitialized() {
        _ = initialization
    }
}

private let warningsSuppressed = Atomic<Bool>(false)

/// The block cache until a run's planner sizes it: what opening, footprints, DEM coverage checks and
/// statistics read before the first tile must not grow the process beyond its budget (with GDAL's
/// 5 % default, reading a 4 m DEM for the coverage check left 468 MiB resident before any tile).
let initialCacheBytes = 32 << 20

private let initialization: Void = {
    FreedMemory.returnLargeBlocksPromptly()
    GDALAllRegister()
    // A user's GDAL_CACHEMAX is theirs to choose.
    if getenv("GDAL_CACHEMAX") == nil { GDALSetCacheMax64(GIntBig(initialCacheBytes)) }
    CPLSetErrorHandler(routeGDALMessage)
    // Reading a .tar.gz product in place, GDAL would otherwise leave a `.properties` file (its seek
    // index) beside the user's tarball, which may lie on read-only or shared storage.
    CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO")
}()

/// GDAL keeps the last failure per thread (`CPLGetLastErrorMsg`), which `GDALFailure.check` turns into
/// Swift errors. This handler only decides what reaches stderr: warnings, unless quiet; never failures,
/// because those come back to the caller as thrown errors with the file name attached.
private func routeGDALMessage(_ level: CPLErr, _ number: CPLErrorNum, _ message: UnsafePointer<CChar>?) {
    guard level == CE_Warning, !warningsSuppressed.load(ordering: .relaxed), let message else { return }
    let line = "regolith: GDAL warning: \(String(cString: message))\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// The last GDAL failure on this thread, read right after a call that reported one.
enum GDALFailure {
    /// Clears the thread's last error before a call whose outcome is checked through it.
    static func reset() { CPLErrorReset() }

    /// The message of the last failure on this thread, or nil when there was none.
    static var lastMessage: String? {
        let type = CPLGetLastErrorType()
        guard type == CE_Failure || type == CE_Fatal else { return nil }
        let text = String(cString: CPLGetLastErrorMsg()).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
