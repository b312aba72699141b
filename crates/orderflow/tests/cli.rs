//! The `orderflow` command: exit codes, one-line failures, and the database commands against a real server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Output};

use diesel::RunQueryDsl;
use orderflow_test_support::{TestDatabase, TestServer};

/// Runs the binary in an empty directory (no stray `.env`) with exactly these variables.
fn orderflow(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir().join(format!("orderflow-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_orderflow"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in vars {
        command.env(key, value);
    }
    let output = command.output().expect("run orderflow");
    let _ = std::fs::remove_dir_all(dir);
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[derive(diesel::QueryableByName)]
struct Account {
    #[diesel(sql_type = diesel::sql_types::Text)]
    role: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_verified: bool,
}

fn account(db: &TestDatabase, email: &str) -> Option<Account> {
    diesel::sql_query("SELECT role, is_verified FROM customers WHERE lower(email) = lower($1)")
        .bind::<diesel::sql_types::Text, _>(email)
        .load::<Account>(&mut db.connection())
        .unwrap()
        .pop()
}

#[test]
fn openapi_prints_the_document() {
    let output = orderflow(&["openapi"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(document["swagger"], "2.0");
}

/// The commit the binary should name: the one a build outside a checkout is given, else this checkout's.
fn expected_commit() -> String {
    if let Some(supplied) = option_env!("ORDERFLOW_GIT_COMMIT").filter(|c| !c.trim().is_empty()) {
        return supplied.trim().to_owned();
    }
    Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .filter(|commit| !commit.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[test]
fn version_names_the_release_and_the_commit_it_was_built_from() {
    let output = orderflow(&["--version"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim_end(),
        format!(
            "orderflow {} (commit {})",
            env!("CARGO_PKG_VERSION"),
            expected_commit()
        )
    );
}

#[test]
fn a_bad_setting_stops_with_one_line_naming_the_variable() {
    for (variable, value) in [
        ("PORT", "eighty"),
        ("LOG_FORMAT", "xml"),
        ("DATABASE_POOL_SIZE", "0"),
    ] {
        let output = orderflow(&["migrate"], &[(variable, value)]);
        assert!(!output.status.success());
        let message = stderr(&output);
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(message.contains(variable), "{message}");
    }
}

#[test]
fn an_unreachable_database_fails_with_one_line() {
    let output = orderflow(
        &["migrate"],
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/orderflow")],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    assert!(message.starts_with("orderflow: "), "{message}");
}

#[test]
fn no_command_shows_the_database_password_whatever_goes_wrong() {
    let unreachable = "postgres://orderflow:s3cr3t-pw@127.0.0.1:1/orderflow";
    for (command, url, shown) in [
        // A value the configuration refuses, quoted back in the error.
        (
            "migrate",
            "postgres://orderflow:s3cr3t-pw@127.0.0.1:1",
            Some("postgres://orderflow:***@127.0.0.1:1"),
        ),
        (
            "migrate",
            "mysql://orderflow:s3cr3t-pw@127.0.0.1/orderflow",
            Some("mysql://orderflow:***@127.0.0.1/orderflow"),
        ),
        (
            "migrate",
            "postgres://orderflow:s3cr3t-pw@127.0.0.1:port/orderflow",
            Some("postgres://***@127.0.0.1:port/orderflow"),
        ),
        // libpq would quote the malformed escape back, password and all.
        (
            "migrate",
            "postgres://orderflow:s3cr3t-pw%zz@127.0.0.1:1/orderflow",
            Some("postgres://orderflow:***@127.0.0.1:1/orderflow"),
        ),
        (
            "migrate",
            "postgres://orderflow@127.0.0.1:1/orderflow?password=s3cr3t-pw%00",
            Some("?password=***"),
        ),
        // A server that does not answer.
        ("migrate", unreachable, None),
        (
            "setup-db",
            unreachable,
            Some("postgres://orderflow:***@127.0.0.1:1/postgres"),
        ),
        // The maintenance database's URL, in setup-db's error, keeps the query.
        (
            "setup-db",
            "postgres://orderflow@127.0.0.1:1/orderflow?password=s3cr3t-pw",
            Some("/postgres?password=***"),
        ),
        ("seed", unreachable, None),
        ("worker-status", unreachable, None),
    ] {
        let output = orderflow(
            &[command],
            &[("DATABASE_URL", url), ("DATABASE_TIMEOUT_SECONDS", "1")],
        );
        assert!(!output.status.success(), "{command} with {url}");
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(
            !out.contains("s3cr3t") && !err.contains("s3cr3t"),
            "{command} with {url}:\n{out}{err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        if let Some(shown) = shown {
            assert!(err.contains(shown), "{command} with {url}: {err}");
        }
    }
}

#[test]
fn setup_db_creates_the_database_once_and_migrate_brings_it_up_to_date() {
    let server = TestServer::shared();
    let name = format!("orderflow_cli_{}", uuid::Uuid::new_v4().simple());
    let url = server.database_url(&name);

    let first = orderflow(&["setup-db"], &[("DATABASE_URL", &url)]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stdout(&first).trim(), "database created");
    let second = orderflow(&["setup-db"], &[("DATABASE_URL", &url)]);
    assert!(second.status.success());
    assert_eq!(stdout(&second).trim(), "database already exists");

    let migrated = orderflow(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert!(
        stdout(&migrated).starts_with("applied "),
        "{}",
        stdout(&migrated)
    );
    let again = orderflow(&["migrate"], &[("DATABASE_URL", &url)]);
    assert_eq!(stdout(&again).trim(), "database is up to date");

    let mut admin = server.maintenance_connection();
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .unwrap();
}

#[test]
fn create_admin_is_idempotent_on_email() {
    let db = TestDatabase::new();
    let vars = [("DATABASE_URL", db.url())];
    let created = orderflow(
        &[
            "create-admin",
            "--email",
            "Ops@Shop.example",
            "--password",
            "first-long-secret",
            "--first-name",
            "Ops",
            "--last-name",
            "Team",
        ],
        &vars,
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stdout(&created).starts_with("created Ops@Shop.example (admin"),
        "{}",
        stdout(&created)
    );
    let stored = account(&db, "ops@shop.example").unwrap();
    assert_eq!(stored.role, "admin");
    assert!(stored.is_verified);

    let updated = orderflow(
        &[
            "create-admin",
            "--email",
            "ops@shop.example",
            "--password",
            "second-long-secret",
            "--first-name",
            "Ops",
            "--last-name",
            "Team",
            "--role",
            "super_admin",
        ],
        &vars,
    );
    assert!(updated.status.success(), "{}", stderr(&updated));
    assert!(
        stdout(&updated).starts_with("updated "),
        "{}",
        stdout(&updated)
    );
    assert_eq!(
        account(&db, "ops@shop.example").unwrap().role,
        "super_admin"
    );

    let weak = orderflow(
        &[
            "create-admin",
            "--email",
            "x@shop.example",
            "--password",
            "admin123",
            "--first-name",
            "X",
            "--last-name",
            "Y",
        ],
        &vars,
    );
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("too common"), "{}", stderr(&weak));
    assert!(account(&db, "x@shop.example").is_none());

    let bad_role = orderflow(
        &[
            "create-admin",
            "--email",
            "y@shop.example",
            "--password",
            "a-long-secret-1",
            "--first-name",
            "Y",
            "--last-name",
            "Z",
            "--role",
            "emperor",
        ],
        &vars,
    );
    assert!(!bad_role.status.success());
}

#[test]
fn set_admin_password_sets_it_or_says_why_not() {
    let db = TestDatabase::new();
    let vars = [("DATABASE_URL", db.url())];
    let created = orderflow(
        &[
            "create-admin",
            "--email",
            "ops@shop.example",
            "--password",
            "first-long-secret",
            "--first-name",
            "O",
            "--last-name",
            "P",
        ],
        &vars,
    );
    assert!(created.status.success());

    let set = orderflow(
        &[
            "set-admin-password",
            "--email",
            "OPS@shop.example",
            "--password",
            "another-long-secret",
        ],
        &vars,
    );
    assert!(set.status.success(), "{}", stderr(&set));

    let unknown = orderflow(
        &[
            "set-admin-password",
            "--email",
            "ghost@shop.example",
            "--password",
            "another-long-secret",
        ],
        &vars,
    );
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no account with email ghost@shop.example"));

    let weak = orderflow(
        &[
            "set-admin-password",
            "--email",
            "ops@shop.example",
            "--password",
            "short",
        ],
        &vars,
    );
    assert!(!weak.status.success());
    assert_eq!(stderr(&weak).trim_end().lines().count(), 1);
}

/// The password on seed's line `super admin: admin@orderflow.com / PASSWORD (...)`, if it shows one.
fn printed_admin_password(out: &str) -> Option<String> {
    let line = out.lines().find(|line| line.starts_with("super admin: "))?;
    let shown = line.strip_prefix("super admin: admin@orderflow.com / ")?;
    Some(shown.rsplit_once(" (")?.0.to_owned())
}

#[test]
fn seed_loads_the_demo_data_once_and_leaves_an_existing_admin_alone() {
    let db = TestDatabase::new();
    let vars = [("DATABASE_URL", db.url())];
    let first = orderflow(&["seed", "--admin-password", "first-admin-secret"], &vars);
    assert!(first.status.success(), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(out.contains("14 products created"), "{out}");
    assert!(out.contains("customers created: 3"), "{out}");
    assert!(
        out.contains("super admin: admin@orderflow.com / first-admin-secret (created)\n"),
        "{out}"
    );

    let again = orderflow(&["seed"], &vars);
    assert!(again.status.success(), "{}", stderr(&again));
    let out = stdout(&again);
    assert!(
        out.contains("0 products created, 14 refreshed") && out.contains("customers created: 0"),
        "{out}"
    );
    assert!(
        out.contains("super admin: admin@orderflow.com (existing; password unchanged)\n"),
        "{out}"
    );
    assert_eq!(printed_admin_password(&out), None);

    // A chosen password must pass the rules, on an existing admin too.
    let weak = orderflow(&["seed", "--admin-password", "admin123"], &vars);
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("too common"), "{}", stderr(&weak));

    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        products: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        categories: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        customers: i64,
    }
    let counts: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM categories) AS categories, \
                (SELECT count(*) FROM customers) AS customers",
    )
    .get_result(&mut db.connection())
    .unwrap();
    assert_eq!((counts.products, counts.customers), (14, 4));
    assert_eq!(counts.categories, 19);
    assert_eq!(
        account(&db, "admin@orderflow.com").unwrap().role,
        "super_admin"
    );
}

/// Signs in through `POST auth/login/`: the token, or the status of the refusal.
async fn log_in(base: &str, email: &str, password: &str) -> Result<String, reqwest::StatusCode> {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login/"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    if !response.status().is_success() {
        return Err(response.status());
    }
    let body: serde_json::Value = response.json().await.unwrap();
    Ok(body["token"].as_str().unwrap().to_owned())
}

async fn token_works(base: &str, token: &str) -> bool {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/customers/profile/"))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .is_success()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_admin_gets_a_random_password_that_reruns_keep_until_one_is_chosen() {
    let (db, other_db) = tokio::task::spawn_blocking(|| (TestDatabase::new(), TestDatabase::new()))
        .await
        .unwrap();
    let url = db.url().to_owned();
    let seed = |args: &'static [&'static str], url: String| async move {
        let output =
            tokio::task::spawn_blocking(move || orderflow(args, &[("DATABASE_URL", &url)]))
                .await
                .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };

    let out = seed(&["seed"], url.clone()).await;
    assert!(
        out.contains("(created with a random password; it is not shown again)\n"),
        "{out}"
    );
    let password = printed_admin_password(&out).unwrap();
    assert!(password.len() >= 16, "{password}");
    let elsewhere = printed_admin_password(&seed(&["seed"], other_db.url().to_owned()).await);
    assert_ne!(
        elsewhere.unwrap(),
        password,
        "two fresh databases, one password"
    );

    let (_server, base) = common::serve(&[("DATABASE_URL", &url), ("NOTIFY_WORKER", "off")]).await;
    let token = log_in(&base, "admin@orderflow.com", &password)
        .await
        .unwrap();

    let out = seed(&["seed"], url.clone()).await;
    assert!(!out.contains(&password), "{out}");
    assert!(
        token_works(&base, &token).await,
        "a re-run revoked the admin's token"
    );
    log_in(&base, "admin@orderflow.com", &password)
        .await
        .expect("a re-run changed the password");

    let out = seed(
        &["seed", "--admin-password", "chosen-admin-secret"],
        url.clone(),
    )
    .await;
    assert!(
        out.contains(
            "super admin: admin@orderflow.com / chosen-admin-secret (existing; password set, its tokens revoked)\n"
        ),
        "{out}"
    );
    assert!(
        !token_works(&base, &token).await,
        "the old token still works"
    );
    assert!(log_in(&base, "admin@orderflow.com", &password)
        .await
        .is_err());
    log_in(&base, "admin@orderflow.com", "chosen-admin-secret")
        .await
        .unwrap();
}
