//! Webhook signing secrets from the operating system's random source.

use orderflow_application::domain::webhooks::{WebhookSecret, SECRET_BYTES};
use orderflow_application::ports::SecretGenerator;
use rand::RngCore;

pub struct RandomWebhookSecrets;

impl SecretGenerator for RandomWebhookSecrets {
    fn generate(&self) -> WebhookSecret {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        WebhookSecret::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_whsec_base64_of_32_bytes_and_differ() {
        let one = RandomWebhookSecrets.generate().expose();
        let two = RandomWebhookSecrets.generate().expose();
        assert!(one.starts_with("whsec_"));
        assert_eq!(one.len(), "whsec_".len() + 44);
        assert_ne!(one, two);
    }
}
