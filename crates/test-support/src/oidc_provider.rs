//! A real, OpenID Certified provider for the tests: npm `oidc-provider`, run with Node.js on 127.0.0.1.
//!
//! The script is `$ORDERFLOW_OIDC_PROVIDER`, else `target/test-peers/oidc/provider.mjs` (installed by
//! `scripts/test-peers.sh`, which `make test` runs first). Its one client (`orderflow` / `orderflow-secret`) is a
//! `native` client: its redirect URI matches on any loopback port.

use std::io::{BufRead, BufReader, Read};
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
    ///
    /// A start that fails (the process ends, or prints no `READY` line in time: both seen once on a loaded CI
    /// machine) is tried again; the last failure's exit status and stderr are in the panic.
    pub fn start(redirect_path: &str) -> Self {
        let script = script();
        assert!(
            script.exists(),
            "no OpenID provider: {} is missing; run scripts/test-peers.sh (make test does)",
            script.display()
        );
        let mut failures = Vec::new();
        for _ in 0..Self::ATTEMPTS {
            match Self::try_start(&script, redirect_path) {
                Ok(provider) => return provider,
                Err(failure) => failures.push(failure),
            }
        }
        panic!(
            "the OpenID provider did not start in {} attempts:\n{}",
            Self::ATTEMPTS,
            failures.join("\n")
        );
    }

    const ATTEMPTS: usize = 3;
    /// An RSA key and the package's load take about a second on an idle machine.
    const PATIENCE: Duration = Duration::from_secs(60);

    fn try_start(script: &Path, redirect_path: &str) -> Result<Self, String> {
        let mut child = Command::new("node")
            .arg(script)
            .env("OIDC_PORT", "0")
            .env("REDIRECT_URI", format!("http://127.0.0.1{redirect_path}"))
            .env("APPLICATION_TYPE", "native")
            .env("CLIENT_ID", Self::CLIENT_ID)
            .env("CLIENT_SECRET", Self::CLIENT_SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("node (Node.js 20.18 or later) did not run: {error}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (ready, waiting) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    let _ = ready.send(issuer.trim().to_owned());
                }
            }
        });
        // Drained all along, so a chatty provider never blocks on a full pipe; read only if the start fails.
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut text);
            text
        });
        match waiting.recv_timeout(Self::PATIENCE) {
            Ok(issuer) => Ok(Self { child, issuer }),
            Err(wait) => {
                let _ = child.kill();
                let status = child.wait();
                let stderr = errors.join().unwrap_or_default();
                Err(format!(
                    "{wait:?} waiting for READY; exit {status:?}; stderr: {}",
                    stderr.trim()
                ))
            }
        }
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
