//! The wrapper scripts under `scripts/` (what `make seed`, `make migrate` and the old scripts' names run), each in a
//! clean environment with no `orderflow` on PATH: they must fall back to building and running it from the
//! repository. (They once called themselves: the helper's shell function was found by `command -v` as if it were
//! the binary, and every wrapper failed with "orderflow: command not found".)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::RunQueryDsl;
use orderflow_test_support::{TestDatabase, TestServer};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// PATH with the system's directories and cargo's, and no `orderflow`.
fn clean_path() -> String {
    let cargo = PathBuf::from(std::env::var("CARGO").expect("cargo runs the tests"));
    let cargo_dir = cargo.parent().expect("cargo's directory").to_owned();
    format!("{}:/usr/local/bin:/usr/bin:/bin", cargo_dir.display())
}

/// Runs `bash scripts/<script> args` from an empty directory with only what cargo itself needs, and these variables.
fn wrapper(script: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir().join(format!(
        "orderflow-wrapper-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new("bash");
    command
        .arg(repository().join("scripts").join(script))
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", clean_path());
    // Where cargo and rustup live, and the build cache: `cargo run` then finds the binary this test was built with.
    for name in [
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_TARGET_DIR",
    ] {
        if let Ok(value) = std::env::var(name) {
            command.env(name, value);
        }
    }
    for (key, value) in vars {
        command.env(key, value);
    }
    let output = command.output().expect("run the wrapper");
    let _ = std::fs::remove_dir_all(dir);
    output
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_clean_environment_has_no_orderflow_on_its_path() {
    let found = Command::new("bash")
        .args(["-c", "type -P orderflow"])
        .env_clear()
        .env("PATH", clean_path())
        .output()
        .unwrap();
    assert!(!found.status.success(), "{}", describe(&found));
}

#[test]
fn every_wrapper_runs_the_binary_from_the_repository() {
    // A database the wrapper creates (setup_db.sh), then one already migrated for the others.
    let server = TestServer::shared();
    let name = format!("orderflow_wrapper_{}", uuid::Uuid::new_v4().simple());
    let url = server.database_url(&name);
    let created = wrapper("setup_db.sh", &[], &[("DATABASE_URL", &url)]);
    assert!(created.status.success(), "{}", describe(&created));
    assert_eq!(
        String::from_utf8_lossy(&created.stdout).trim(),
        "database created"
    );
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut server.maintenance_connection())
        .unwrap();

    let db = TestDatabase::new();
    let url = [("DATABASE_URL", db.url())];
    let password = "kamau-wanjiru-77";
    for (script, args) in [
        (
            "create_admin.sh",
            vec![
                "--email",
                "ops@shop.example",
                "--password",
                password,
                "--first-name",
                "Ops",
                "--last-name",
                "Team",
            ],
        ),
        (
            "set_admin_password.sh",
            vec!["--email", "ops@shop.example", "--password", password],
        ),
        ("seed.sh", vec![]),
        ("check_worker_status.sh", vec![]),
    ] {
        let output = wrapper(script, &args, &url);
        let text = describe(&output);
        assert!(!text.contains("command not found"), "{script}: {text}");
        assert!(output.status.success(), "{script}: {text}");
    }
    assert_eq!(
        db_count(&db, "customers WHERE email = 'ops@shop.example'"),
        1
    );
    assert!(db_count(&db, "products") > 0, "the seed ran");
}

fn db_count(db: &TestDatabase, from: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT count(*) AS n FROM {from}"))
        .get_result::<Count>(&mut db.connection())
        .unwrap()
        .n
}
