use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use orderflow_application::ports::{PasswordHashError, PasswordHasher};

/// argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's recommended minimum). Hashes are PHC
/// strings, so the parameters can be raised later without invalidating stored hashes.
pub struct Argon2Hasher {
    argon2: Argon2<'static>,
    /// A hash of a random password, verified against when an email is unknown so that both cases cost the same.
    dummy_hash: String,
}

impl Argon2Hasher {
    pub fn new() -> Result<Self, PasswordHashError> {
        let argon2 = Argon2::default();
        let dummy_hash = hash_with(&argon2, &super::random_tokens::random_hex(16))?;
        Ok(Self { argon2, dummy_hash })
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> Result<String, PasswordHashError> {
    argon2
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordHashError(e.to_string()))
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        hash_with(&self.argon2, password)
    }

    fn verify(&self, password: &str, hash: &str) -> bool {
        self.argon2
            .verify_password(password.as_bytes(), hash)
            .is_ok()
    }

    fn verify_against_dummy(&self, password: &str) {
        let _ = self
            .argon2
            .verify_password(password.as_bytes(), self.dummy_hash.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let hasher = Argon2Hasher::new().unwrap();
        let first = hasher.hash("correct horse").unwrap();
        let second = hasher.hash("correct horse").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(hasher.verify("correct horse", &first));
        assert!(hasher.verify("correct horse", &second));
        assert!(!hasher.verify("correct horsE", &first));
    }

    #[test]
    fn an_unreadable_hash_never_verifies() {
        let hasher = Argon2Hasher::new().unwrap();
        assert!(!hasher.verify("anything", "not-a-phc-string"));
        assert!(!hasher.verify("anything", ""));
    }
}
