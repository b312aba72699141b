//! `spawn_app()` and request helpers.

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use orderflow::wiring::Adapters;
use orderflow::worker::WorkerStopper;
use orderflow::{Application, Config};
use orderflow_application::admin::{CreateAdminInput, OnExistingAccount};
use orderflow_persistence::{connect, PoolOptions};
use orderflow_test_support::TestDatabase;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

pub const PASSWORD: &str = "kamau-wanjiru-77";

pub struct TestApp {
    pub address: String,
    /// `http://host:port` of the metrics' own listener, when `METRICS_ADDR` asked for one.
    pub metrics_address: Option<String>,
    pub db: TestDatabase,
    pub client: reqwest::Client,
    handle: ServerHandle,
    worker: Option<WorkerStopper>,
    config: Config,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop commands; the server's threads and the delivery worker wind down on their own.
        drop(self.handle.stop(false));
        if let Some(worker) = &self.worker {
            worker.signal();
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the server with extra configuration variables.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::new();
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), db.url().to_owned()),
        ("PORT".into(), "0".into()),
        ("HTTP_WORKERS".into(), "1".into()),
        ("DATABASE_TIMEOUT_SECONDS".into(), "2".into()),
        // Tests that deliver turn it on; the others read the queue as placed.
        ("NOTIFY_WORKER".into(), "off".into()),
    ]);
    for (key, value) in vars {
        env.insert((*key).into(), (*value).into());
    }
    let config = Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration");
    let application = Application::build(&config).expect("build the application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let metrics_address = application
        .metrics_address()
        .map(|bound| format!("http://{bound}"));
    let handle = application.handle();
    let worker = application.worker_stopper();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        handle,
        worker,
        config,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Token {token}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }

    /// Posts a multipart form as `token`.
    pub async fn post_form(
        &self,
        path: &str,
        token: &str,
        form: reqwest::multipart::Form,
    ) -> Response {
        self.client
            .post(self.url(path))
            .header("Authorization", format!("Token {token}"))
            .multipart(form)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Registers a customer and returns (token, customer JSON).
    pub async fn register(&self, email: &str) -> (String, Value) {
        let response = self
            .post(
                "/api/v1/auth/register/",
                None,
                json!({
                    "email": email, "password": PASSWORD, "password_confirm": PASSWORD,
                    "first_name": "Alice", "last_name": "Wanjiru", "phone_number": "+254711000001",
                }),
            )
            .await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["token"].as_str().unwrap().to_owned(),
            body["customer"].clone(),
        )
    }

    pub async fn log_in(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login/",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let (status, body) = json_of(self.log_in(email, password).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Creates an account of the given role as the `create-admin` command does, signs it in, returns its token.
    pub async fn staff_token(&self, email: &str, role: &str) -> String {
        let pool = connect(self.db.url(), &PoolOptions::default());
        let input = CreateAdminInput {
            email: Some(email.into()),
            first_name: Some("Staff".into()),
            last_name: Some("Member".into()),
            password: Some(PASSWORD.into()),
            role: Some(role.into()),
        };
        tokio::task::spawn_blocking(move || {
            Adapters::new(&pool, &Default::default())
                .unwrap()
                .create_admin()
                .execute(input, OnExistingAccount::Update)
                .unwrap()
        })
        .await
        .unwrap();
        self.token_for(email, PASSWORD).await
    }
}

pub async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, body)
}

impl TestApp {
    /// Creates a category as `token` and returns its id.
    pub async fn category(&self, token: &str, name: &str, parent: Option<i64>) -> i64 {
        let (status, body) = json_of(
            self.post(
                "/api/v1/categories/",
                Some(token),
                json!({"name": name, "parent": parent}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// Creates a product as `token` and returns its JSON.
    pub async fn product(&self, token: &str, fields: Value) -> Value {
        let (status, body) =
            json_of(self.post("/api/v1/products/", Some(token), fields).await).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Every category whose stored path or level disagrees with its parent chain (must be none).
    pub fn corrupt_categories(&self) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "SELECT count(*) AS n FROM categories c LEFT JOIN categories p ON p.id = c.parent_id \
             WHERE c.path <> coalesce(p.path, '/') || c.id || '/' \
                OR c.level <> coalesce(p.level + 1, 0)",
        )
        .get_result::<Count>(&mut self.db.connection())
        .unwrap()
        .n
    }
}

impl TestApp {
    /// What the notification worker does first (the tests' server runs none unless asked): expands the changes
    /// recorded since into their messages, with the server's settings. Returns how many were expanded.
    pub async fn expand_outbox(&self) -> usize {
        let url = self.db.url().to_owned();
        let notifications = self.config.notifications.clone();
        tokio::task::spawn_blocking(move || {
            let pool = connect(&url, &PoolOptions::default());
            let expand = orderflow_application::notifications::ExpandOutboxEvents::new(
                std::sync::Arc::new(orderflow_persistence::PgUnitOfWork::new(pool)),
                std::sync::Arc::new(orderflow::wiring::SystemClock),
                notifications.sms_caps,
                1_000,
            );
            expand.run_round().expect("expand the outbox").expanded
        })
        .await
        .unwrap()
    }

    /// Rows in `table` of the test's database.
    pub fn count(&self, table: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::RunQueryDsl;
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut self.db.connection())
            .unwrap()
            .n
    }
}
