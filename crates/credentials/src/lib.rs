//! Credential adapters: argon2id for passwords, random keys stored as SHA-256 for API tokens.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod argon2_hasher;
mod hashing_slots;
mod random_tokens;
mod webhook_secrets;

pub use argon2_hasher::Argon2Hasher;
pub use random_tokens::RandomTokenGenerator;
pub use webhook_secrets::RandomWebhookSecrets;
