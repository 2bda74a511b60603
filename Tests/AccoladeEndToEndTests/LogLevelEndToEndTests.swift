import AccoladeTestSupport
import Foundation
import Testing

/// `log_level` and `--log-level` are checked before anything runs: a typo is an error naming the
/// key or the option, never a silent `info`.
@Suite("End to end: log levels")
struct LogLevelEndToEndTests {
    @Test("an unknown log_level in the file stops the command, naming the key and the levels")
    func unknownLevelInTheFile() throws {
        let ws = try Workspace(smtpPort: 9)
        let yaml = try String(contentsOfFile: ws.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "log_level: warning", with: "log_level: verbose")
            .write(toFile: ws.configPath, atomically: true, encoding: .utf8)
        let r = try ws.call(["stats"])
        #expect(r.status == 1)
        #expect(r.stderr.contains(#"configuration error at log_level: must be one of trace | debug | info | notice | warning | error | critical, got "verbose""#), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("--log-level takes the same names in any case and refuses others")
    func levelOnTheCommandLine() throws {
        let ws = try Workspace(smtpPort: 9)
        let upper = try ws.call(["stats", "--log-level", "ERROR"])
        #expect(upper.status == 0, "\(upper.stderr)")
        let typo = try ws.call(["stats", "--log-level", "verbose"])
        #expect(typo.status == 64, "a usage error (EX_USAGE): \(typo.stderr)")
        #expect(typo.stderr.contains("--log-level") && typo.stderr.contains("verbose"), "\(typo.stderr)")
    }
}
