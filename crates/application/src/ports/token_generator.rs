/// The stored form of an API token: a hash, so that a copy of the database does not hand out working keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(pub Vec<u8>);

/// A freshly generated token: the key given once to the client, and the hash that is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedToken {
    pub key: String,
    pub hash: TokenHash,
}

/// Generates opaque random API keys (at least 160 bits) and hashes presented ones.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenGenerator: Send + Sync {
    fn generate(&self) -> GeneratedToken;
    fn hash(&self, key: &str) -> TokenHash;
}
