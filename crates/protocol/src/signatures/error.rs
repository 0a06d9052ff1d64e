//! Why a signature was not accepted (or could not be produced).

/// Why a signature was not accepted; every variant maps to HTTP 401 in the inbox.
///
/// [`SignatureError::Signing`] and [`SignatureError::BadKey`] can also come from the signing side
/// (a broken local key or an unsendable URL); there they are server errors, not 401s.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The request carries neither a `Signature` header nor an `Authorization: Signature` header.
    #[error("request is not signed")]
    Missing,
    /// The signature header, a parameter in it, or a signed header value cannot be parsed.
    #[error("malformed signature: {0}")]
    Malformed(String),
    /// The `algorithm` parameter names something other than `rsa-sha256` or `hs2019`.
    #[error("unsupported signature algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// A header listed in the signature's `headers` parameter is absent from the request.
    #[error("signed header {0:?} is missing from the request")]
    MissingSignedHeader(String),
    /// A header that must be covered by the signature is not in its `headers` parameter.
    #[error("header {0:?} must be signed")]
    HeaderNotSigned(String),
    /// The signature is outside its validity window (`Date`, `created` or `expires`).
    #[error("signature expired or not yet valid: {0}")]
    Expired(String),
    /// The signed `Host` names another server than this one.
    #[error("the request was signed for another server ({0})")]
    WrongHost(String),
    /// No `Digest` header, or none with a SHA-256 value.
    #[error("request has no SHA-256 Digest header")]
    DigestMissing,
    /// The SHA-256 `Digest` does not match the body.
    #[error("Digest header does not match the body")]
    DigestMismatch,
    /// The PEM key cannot be used (unparseable, not RSA, or too small).
    #[error("unusable key: {0}")]
    BadKey(String),
    /// The signature does not verify with the given public key.
    #[error("signature does not verify")]
    Invalid,
    /// An outgoing request could not be signed (URL without host, invalid header value, ...).
    #[error("cannot sign request: {0}")]
    Signing(String),
}
