//! A real, OpenID Certified provider for the tests: npm `oidc-provider`, run with Node.js on 127.0.0.1.
//!
//! The script is `$ORDERFLOW_OIDC_PROVIDER`, else `target/test-peers/oidc/provider.mjs` (installed by
//! `scripts/test-peers.sh`, which `make test` runs first). Its one client (`orderflow` / `orderflow-secret`) is a
//! `native` client: its redirect URI matches on any loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct OidcProvider {
    child: Child,
    issuer: String,
}

fn script() -> PathBuf {
    if let Ok(path) = std::env::var("ORDERFLOW_OIDC_PROVIDER") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-peers/oidc/provider.mjs")
}

impl OidcProvider {
    pub const CLIENT_ID: &'static str = "orderflow";
    pub const CLIENT_SECRET: &'static str = "orderflow-secret";

    /// Starts a provider whose client may redirect to `redirect_path` on any port of 127.0.0.1.
    pub fn start(redirect_path: &str) -> Self {
        let script = script();
        assert!(
            script.exists(),
            "no OpenID provider: {} is missing; run scripts/test-peers.sh (make test does)",
            script.display()
        );
        let mut child = Command::new("node")
            .arg(&script)
            .env("OIDC_PORT", "0")
            .env("REDIRECT_URI", format!("http://127.0.0.1{redirect_path}"))
            .env("APPLICATION_TYPE", "native")
            .env("CLIENT_ID", Self::CLIENT_ID)
            .env("CLIENT_SECRET", Self::CLIENT_SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node (Node.js 20.18 or later)");
        let stdout = child.stdout.take().expect("the provider's stdout");
        let (ready, waiting) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    let _ = ready.send(issuer.trim().to_owned());
                }
            }
        });
        let issuer = waiting
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the OpenID provider did not start"));
        Self { child, issuer }
    }

    /// `http://127.0.0.1:<port>`, exactly as the provider names itself.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
