//! The Postgres server the tests use: a given one, or a container started once per test process.

use std::path::Path;
use std::sync::OnceLock;

use diesel::pg::PgConnection;
use diesel::{sql_query, Connection, RunQueryDsl};
use sha2::{Digest, Sha256};
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, ImageExt};

pub struct TestServer {
    /// URL of a database on the server used to create and drop the others.
    maintenance_url: url::Url,
    /// Kept alive for the whole process; stopped by `make test-containers` afterwards (label `orderflow-test`).
    _container: Option<Container<Postgres>>,
}

static SERVER: OnceLock<TestServer> = OnceLock::new();

impl TestServer {
    pub fn shared() -> &'static TestServer {
        SERVER.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => TestServer {
                maintenance_url: without_tls(
                    url::Url::parse(url.trim())
                        .expect("TEST_DATABASE_URL must be a postgres:// URL"),
                ),
                _container: None,
            },
            _ => Self::start_container(),
        })
    }

    /// Starts the container on a thread of its own: testcontainers' blocking runner drives its own async runtime,
    /// which cannot start on a thread that already runs one (the `#[tokio::test]`s).
    fn start_container() -> TestServer {
        std::thread::spawn(Self::start_container_here)
            .join()
            .unwrap_or_else(|_| panic!("starting the Postgres container failed"))
    }

    fn start_container_here() -> TestServer {
        let mut request = Postgres::default()
            .with_host_auth()
            .with_label("orderflow-test", "true");
        if let Ok(image) = std::env::var("ORDERFLOW_TEST_POSTGRES_IMAGE") {
            let (name, tag) = image.rsplit_once(':').unwrap_or((image.as_str(), "latest"));
            request = request.with_name(name).with_tag(tag);
        }
        let container = request
            .start()
            .expect("start a Postgres container (is dockerd running? see scripts/offline-postgres-image.sh)");
        let host = container.get_host().expect("container host");
        let port = container
            .get_host_port_ipv4(5432)
            .expect("container port 5432");
        TestServer {
            maintenance_url: without_tls(
                url::Url::parse(&format!(
                    "postgres://postgres:postgres@{host}:{port}/postgres"
                ))
                .expect("container URL"),
            ),
            _container: Some(container),
        }
    }

    /// The URL of database `name` on this server (`sslmode=disable` unless the server's URL says otherwise).
    pub fn database_url(&self, name: &str) -> String {
        let mut url = self.maintenance_url.clone();
        url.set_path(&format!("/{name}"));
        url.to_string()
    }

    pub fn maintenance_connection(&self) -> PgConnection {
        PgConnection::establish(self.maintenance_url.as_str()).unwrap_or_else(|e| {
            panic!(
                "cannot connect to the test server {}: {e}",
                self.maintenance_url
            )
        })
    }
}

/// The test server is on this machine (or in a local container): its sessions need no TLS, and must not have it.
/// libpq encrypts with OpenSSL, whose exit handler frees its state while the threads of servers that tests left
/// winding down still read it: the test process then crashed at exit (SIGSEGV in libcrypto) after every test had
/// passed, now and then. A URL that names an `sslmode` keeps it.
fn without_tls(mut url: url::Url) -> url::Url {
    if !url.query_pairs().any(|(key, _)| key == "sslmode") {
        url.query_pairs_mut().append_pair("sslmode", "disable");
    }
    url
}

/// Makes sure a migrated template exists for the current migrations and returns its name.
///
/// The name carries a hash of the migration files, so a changed schema gets a new template. Test processes may
/// run at once: an advisory lock serialises the creation, and the template is built under a temporary name and
/// renamed when complete, so no one ever copies a half-migrated template.
pub fn ensure_template(server: &TestServer) -> String {
    let name = format!("orderflow_template_{}", migrations_fingerprint());
    let mut admin = server.maintenance_connection();
    sql_query("SELECT pg_advisory_lock(727274)")
        .execute(&mut admin)
        .expect("advisory lock");
    if !database_exists(&mut admin, &name) {
        let building = format!("{name}_building");
        sql_query(format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .execute(&mut admin)
        .expect("drop a half-built template");
        sql_query(format!("CREATE DATABASE \"{building}\""))
            .execute(&mut admin)
            .expect("create template");
        orderflow_persistence::run_migrations(&server.database_url(&building))
            .unwrap_or_else(|e| panic!("migrating the test template failed: {e}"));
        sql_query(format!(
            "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
        ))
        .execute(&mut admin)
        .expect("publish template");
    }
    sql_query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut admin)
        .expect("advisory unlock");
    name
}

fn database_exists(connection: &mut PgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Found>(connection)
        .expect("query pg_database")
        .n
        > 0
}

/// A short hash of every file under `migrations/` and of the migrations this binary applies.
fn migrations_fingerprint() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files = Vec::new();
    collect_files(&root, &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(
            file.strip_prefix(&root)
                .unwrap_or(&file)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update(std::fs::read(&file).expect("read a migration file"));
    }
    // The migrations compiled into this binary too: a test binary built before a migration was added reads the
    // new files at run time but applies only what it carries, and must not publish its template under the name
    // of the complete one (a template missing the newest migration fails the readiness check of every binary
    // built after it).
    for name in orderflow_persistence::embedded_migrations().expect("list the embedded migrations")
    {
        hasher.update(name.as_bytes());
    }
    hex::encode(&hasher.finalize()[..6])
}

fn collect_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read migrations/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
