import AccoladeCore
import AccoladeStores
import Foundation
import Logging
import Testing

/// Makes a fresh, migrated store for one test. Every backend adds one factory to ``all`` and
/// then runs the whole contract suite (`StoreContractTests`) unchanged.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    /// A store plus whatever removes it afterwards.
    struct Handle: Sendable {
        var store: any Store
        var cleanup: @Sendable () async -> Void
    }

    var name: String
    var make: @Sendable () async throws -> Handle

    var testDescription: String { name }

    /// The backends under test. (PostgreSQL joins here when it exists.)
    static let all: [StoreFactory] = [.sqlite]

    /// A SQLite file in its own temporary folder.
    static let sqlite = StoreFactory(name: "sqlite") {
        let folder = TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("accolade.sqlite"), logger: testLogger)
        try await store.migrate()
        return Handle(store: store) {
            try? store.close()
            folder.remove()
        }
    }

    /// Runs `body` with a fresh store and removes it afterwards, even when `body` throws.
    func withStore(_ body: (any Store) async throws -> Void) async throws {
        let handle = try await make()
        do {
            try await body(handle.store)
        } catch {
            await handle.cleanup()
            throw error
        }
        await handle.cleanup()
    }
}

/// A logger that discards everything, so test output stays readable.
let testLogger = Logger(label: "accolade.stores.tests") { _ in SwiftLogNoOpLogHandler() }

/// A unique folder under the system temporary directory.
struct TemporaryFolder: Sendable {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("accolade-store-tests", isDirectory: true)
            .appendingPathComponent(UUID().uuidString, isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
