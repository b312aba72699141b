use orderflow_application::ports::{GeneratedToken, TokenGenerator, TokenHash};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256-bit keys from the operating system's CSPRNG, sent as 64 hex characters. A fast hash is enough to store
/// them: unlike passwords, they cannot be guessed from a dictionary.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomTokenGenerator;

const KEY_BYTES: usize = 32;

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

impl TokenGenerator for RandomTokenGenerator {
    fn generate(&self) -> GeneratedToken {
        let key = random_hex(KEY_BYTES);
        let hash = self.hash(&key);
        GeneratedToken { key, hash }
    }

    fn hash(&self, key: &str) -> TokenHash {
        TokenHash(Sha256::digest(key.as_bytes()).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_long_random_and_hashed_consistently() {
        let generator = RandomTokenGenerator;
        let tokens: Vec<_> = (0..100).map(|_| generator.generate()).collect();
        let keys: HashSet<_> = tokens.iter().map(|t| t.key.clone()).collect();
        assert_eq!(keys.len(), 100);
        for token in &tokens {
            assert_eq!(token.key.len(), 64);
            assert!(token.key.chars().all(|c| c.is_ascii_hexdigit()));
            assert_eq!(generator.hash(&token.key), token.hash);
            assert_ne!(token.hash.0, token.key.as_bytes());
        }
    }
}
