//! Signing in with OpenID Connect: authorization code with PKCE, the state kept server-side, accounts found by
//! (issuer, subject), linked by verified email, or created from the claims.

mod accounts;
mod complete;
mod errors;
mod start;
mod token_login;

pub use accounts::OidcAccounts;
pub use complete::{CallbackInput, CompleteOidcLogin, OidcLogin};
pub use errors::OidcError;
pub use start::{StartOidcLogin, StartedLogin};
pub use token_login::{OidcTokenLogin, TokenLoginInput};

/// How long a started sign-in may take to come back.
pub const PENDING_LOGIN_MINUTES: i64 = 10;

#[cfg(test)]
mod tests;
