//! What this binary is: its version and the commit it was built from (set by `build.rs`).

/// The version of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit this binary was built from, or `unknown` (built outside a checkout, without `ORDERFLOW_GIT_COMMIT`).
pub const COMMIT: &str = env!("ORDERFLOW_BUILD_COMMIT");

/// What `orderflow --version` prints after the name: `0.1.0 (commit 0123456789ab)`.
pub const VERSION_AND_COMMIT: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("ORDERFLOW_BUILD_COMMIT"),
    ")"
);
