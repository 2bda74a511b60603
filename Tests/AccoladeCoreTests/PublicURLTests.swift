import AccoladeCore
import Testing

@Suite("Public URLs")
struct PublicURLTests {
    @Test("one slash joins the configured base and the path, the query kept as given")
    func join() {
        #expect(PublicURL.join("https://rewards.example.com/", "/v1/webhooks/twilio/status?a=1") == "https://rewards.example.com/v1/webhooks/twilio/status?a=1")
        #expect(PublicURL.join("https://example.com/accolade", "v1/x") == "https://example.com/accolade/v1/x")
        #expect(PublicURL.join("http://127.0.0.1:8080//", "/v1/qr/t.png") == "http://127.0.0.1:8080/v1/qr/t.png")
    }
}
