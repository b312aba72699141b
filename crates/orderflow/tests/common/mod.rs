//! Running the `orderflow` binary in tests: a command with a clean environment, a background process whose log
//! is kept, a free port.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn command(args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orderflow"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in vars {
        command.env(key, value);
    }
    command
}

/// A background `orderflow` process whose stderr (the log) goes to a file; killed if still running when dropped.
pub struct Process {
    pub child: Child,
    log: PathBuf,
}

impl Process {
    pub fn start(args: &[&str], vars: &[(&str, &str)]) -> Self {
        let log =
            std::env::temp_dir().join(format!("orderflow-{}.log", uuid::Uuid::new_v4().simple()));
        let child = command(args, vars)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start orderflow");
        Self { child, log }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.wait_for_exit(within)
    }

    /// Waits for the process to end by itself, failing the test after `within`.
    pub fn wait_for_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

pub fn run(args: &[&str], vars: &[(&str, &str)]) -> Output {
    command(args, vars).output().unwrap()
}

pub fn free_port() -> String {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string()
}

/// `orderflow serve` on a free port with `vars`, once `/health/` answers: the process and its base URL.
pub async fn serve(vars: &[(&str, &str)]) -> (Process, String) {
    let port = free_port();
    let mut all = vec![("PORT", port.as_str())];
    all.extend_from_slice(vars);
    let server = Process::start(&["serve"], &all);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/health/")).send().await.is_err() {
        assert!(
            Instant::now() < deadline,
            "server did not start:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, base)
}

/// The password of the accounts `create_staff` makes.
pub const STAFF_PASSWORD: &str = "kamau-wanjiru-77";

/// A staff account `staff@x.com`, made by the `create-admin` command on the database at `database_url`.
pub fn create_staff(database_url: &str) {
    let made = run(
        &[
            "create-admin",
            "--email",
            "staff@x.com",
            "--password",
            STAFF_PASSWORD,
            "--first-name",
            "Staff",
            "--last-name",
            "Member",
            "--role",
            "staff",
        ],
        &[("DATABASE_URL", database_url)],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

/// Signs in through `POST auth/login/` of the server at `base` and returns the token.
pub async fn log_in(client: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login/"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{email} signs in: {login}"))
        .to_owned()
}
