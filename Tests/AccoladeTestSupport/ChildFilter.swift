import Foundation

/// What a filter process (``runFilter(_:_:input:)``) left.
public struct FilterOutput: Sendable {
    /// Everything it wrote to standard output.
    public var stdout: Data
    /// Everything it wrote to standard error, as text.
    public var stderr: String
    /// Its exit status.
    public var status: Int32
}

/// Runs `executable` with `arguments` as a filter: writes `input` to its standard input, closes it,
/// and waits for it to exit. For the reference implementations tests compare against (Python's
/// email header decoder, PyJWT), which read one JSON document and answer with another.
public func runFilter(_ executable: String, _ arguments: [String], input: Data) throws -> FilterOutput {
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    let process = try ChildProcess(executable, arguments, stdin: .pipe(stdin), stdout: .pipe(stdout), stderr: .pipe(stderr))
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let data = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return FilterOutput(stdout: data, stderr: errors, status: process.terminationStatus)
}
