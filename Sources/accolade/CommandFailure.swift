import ArgumentParser
import Foundation

/// An error a command reports to the user and exits non-zero with (no stack, no secret).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 1

    var description: String { message }
}

extension GlobalOptions {
    /// Runs a command body, printing failures as text or JSON and mapping them to exit codes.
    func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch ExitCodeError.someRowsRejected {
            throw ExitCode(3)
        } catch let error as CommandFailure {
            fail(error.message)
            throw ExitCode(error.exitCode)
        } catch {
            fail("\(error)")
            throw ExitCode(1)
        }
    }

    private func fail(_ message: String) {
        if json {
            Output.printJSON(["error": message])
        } else {
            try? FileHandle.standardError.write(contentsOf: Data("error: \(message)\n".utf8))
        }
    }
}
