import AccoladeCore
import Crypto
import Foundation
import X509
import _CryptoExtras

/// Checks an SNS message's signature with a signing certificate: RSA PKCS #1 v1.5 over
/// ``SNSEnvelope/signedText`` with SHA-1 (`SignatureVersion` 1) or SHA-256 (2).
///
/// The certificate is trusted because of where it came from (HTTPS from an allowed SNS host,
/// checked by ``SNSClient``), so this only checks that it is an RSA certificate inside its
/// validity period.
public struct SNSSignatureVerifier: Sendable {
    let publicKey: _RSA.Signing.PublicKey
    let notBefore: Date
    let notAfter: Date

    /// Reads a PEM certificate. Throws ``SNSVerificationError/badCertificate(_:)``.
    public init(pem: String) throws(SNSVerificationError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw .badCertificate("not a PEM certificate (\(error))")
        }
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw .badCertificate("its key is not RSA")
        }
        publicKey = key
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
    }

    /// Throws unless `envelope` carries a valid signature and `now` is within the certificate's
    /// validity period.
    public func verify(_ envelope: SNSEnvelope, now: Date) throws(SNSVerificationError) {
        guard now >= notBefore, now <= notAfter else {
            throw .badCertificate("valid from \(notBefore) to \(notAfter), not now")
        }
        let text = Data(envelope.signedText.utf8)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: envelope.signature)
        let valid: Bool
        switch envelope.signatureVersion {
        case "1": valid = publicKey.isValidSignature(signature, for: Insecure.SHA1.hash(data: text), padding: .insecurePKCS1v1_5)
        case "2": valid = publicKey.isValidSignature(signature, for: SHA256.hash(data: text), padding: .insecurePKCS1v1_5)
        default: valid = false
        }
        guard valid else { throw .badSignature }
    }
}
