//! The Standard Webhooks signature (<https://www.standardwebhooks.com/>): HMAC-SHA256 of
//! `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed with the secret's decoded bytes, sent as `v1,<base64>`.
//! Receivers check it with an off-the-shelf library.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What every secret starts with, as the specification's libraries expect.
pub const SECRET_PREFIX: &str = "whsec_";
/// The random bytes of a secret this service makes.
pub const SECRET_BYTES: usize = 32;

/// Why a stored secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No `whsec_` prefix, not base64, or too short to be a key.
    #[error("not a webhook secret")]
    Malformed,
}

/// An endpoint's signing secret. Its `Debug` shows no byte of it: secrets never reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

impl WebhookSecret {
    /// A secret made of `bytes` (random ones, from whoever has a source of randomness).
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> Self {
        Self(bytes.to_vec())
    }

    /// Reads a secret in its written form (`whsec_` + base64). Shorter keys than 16 bytes are refused.
    pub fn parse(written: &str) -> Result<Self, SecretError> {
        let encoded = written
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SecretError::Malformed)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| SecretError::Malformed)?;
        if bytes.len() < 16 {
            return Err(SecretError::Malformed);
        }
        Ok(Self(bytes))
    }

    /// The written form: `whsec_` + base64 of the bytes. Shown to the admin once, and stored.
    pub fn expose(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// One signature of a delivery: `v1,<base64 of the HMAC-SHA256>`.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &str) -> String {
        // HMAC accepts keys of any length; the error case cannot happen, and is an empty signature if it did
        // (which no receiver accepts) rather than a panic on the delivery path.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The `webhook-signature` header of a delivery signed with each of `secrets` (the current one, and the
    /// previous one during a rotation's overlap): signatures separated by spaces, as the specification allows.
    pub fn header(
        secrets: &[&WebhookSecret],
        message_id: &str,
        timestamp: i64,
        body: &str,
    ) -> String {
        secrets
            .iter()
            .map(|secret| secret.sign(message_id, timestamp, body))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of the Standard Webhooks libraries' test suites (secret, id, timestamp, payload and the
    // signature they publish); recomputed independently with Python's hmac module before being pasted here.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MESSAGE_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_614_265_330;
    const BODY: &str = r#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_published_test_vector() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(secret.sign(MESSAGE_ID, TIMESTAMP, BODY), SIGNATURE);
    }

    #[test]
    fn any_change_to_id_timestamp_or_body_changes_the_signature() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_ne!(secret.sign("msg_other", TIMESTAMP, BODY), SIGNATURE);
        assert_ne!(secret.sign(MESSAGE_ID, TIMESTAMP + 1, BODY), SIGNATURE);
        assert_ne!(
            secret.sign(MESSAGE_ID, TIMESTAMP, r#"{"test": 1}"#),
            SIGNATURE
        );
    }

    #[test]
    fn a_rotation_header_carries_both_signatures_the_newest_first() {
        let old = WebhookSecret::parse(SECRET).unwrap();
        let new = WebhookSecret::from_bytes([7; SECRET_BYTES]);
        let header = WebhookSecret::header(&[&new, &old], MESSAGE_ID, TIMESTAMP, BODY);
        let parts: Vec<_> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], new.sign(MESSAGE_ID, TIMESTAMP, BODY));
        assert_eq!(parts[1], SIGNATURE);
    }

    #[test]
    fn written_form_round_trips_and_is_never_debug_printed() {
        let secret = WebhookSecret::from_bytes([42; SECRET_BYTES]);
        let written = secret.expose();
        assert!(written.starts_with("whsec_"));
        assert_eq!(written.len(), "whsec_".len() + 44);
        assert_eq!(WebhookSecret::parse(&written).unwrap(), secret);
        assert_eq!(format!("{secret:?}"), "WebhookSecret(***)");
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_not base64!",
            "whsec_AAAA",
        ] {
            assert_eq!(
                WebhookSecret::parse(bad),
                Err(SecretError::Malformed),
                "{bad}"
            );
        }
    }
}
