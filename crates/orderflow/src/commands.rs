//! What each subcommand does. Every failure is one line on stderr and a non-zero exit code.

use orderflow_application::admin::{
    CreateAdminError, CreateAdminInput, OnExistingAccount, SetPasswordError,
};
use orderflow_http::error::wording;
use orderflow_persistence::{connect, create_database_if_missing, run_migrations};
use secrecy::ExposeSecret;

use crate::cli::Command;
use crate::seed::{AdminPassword, AdminSeeded};
use crate::wiring::{AdapterSettings, Adapters};
use crate::worker::{this_worker, DeliveryWorker};
use crate::{logging, Application, Config};

/// Runs a command; `Err` holds the one-line reason to print.
pub async fn run(command: Command) -> Result<(), String> {
    if let Command::Openapi = command {
        let document = orderflow_http::openapi_document();
        let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    let config = Config::from_env().map_err(|e| e.to_string())?;
    match command {
        Command::Openapi => Ok(()),
        Command::Serve => serve(&config).await,
        Command::Migrate => migrate(&config).await,
        Command::SetupDb => setup_db(&config).await,
        Command::CreateAdmin {
            email,
            password,
            first_name,
            last_name,
            role,
        } => {
            let input = CreateAdminInput {
                email: Some(email),
                first_name: Some(first_name),
                last_name: Some(last_name),
                password: Some(password),
                role: Some(role.as_str().to_owned()),
            };
            create_admin(&config, input).await
        }
        Command::SetAdminPassword { email, password } => {
            set_admin_password(&config, email, password).await
        }
        Command::Seed { admin_password } => seed(&config, admin_password).await,
        Command::Worker => worker(&config).await,
        Command::WorkerStatus { stalled_after } => worker_status(&config, stalled_after).await,
    }
}

async fn serve(config: &Config) -> Result<(), String> {
    let telemetry = logging::init(config);
    let served = match Application::build(config) {
        Ok(application) => {
            let address = format!("http://{}:{}", config.host, application.port());
            let metrics = match application.metrics_address() {
                Some(own) => format!("http://{own}/metrics"),
                None => format!("{address}/metrics"),
            };
            tracing::info!(
                %address,
                %metrics,
                database = %config.database_url,
                "OrderFlow is serving; API docs at /swagger/ and /redoc/"
            );
            application
                .run_until_stopped()
                .await
                .map_err(|e| format!("server failed: {e}"))
        }
        Err(error) => Err(error.to_string()),
    };
    telemetry.shutdown();
    served
}

/// Runs blocking work (diesel, argon2) off the async threads.
async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, String> + Send + 'static,
) -> Result<R, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| format!("task failed: {e}"))?
}

async fn migrate(config: &Config) -> Result<(), String> {
    let url = config.database_url.clone();
    let applied =
        blocking(move || run_migrations(url.expose_secret()).map_err(|e| e.to_string())).await?;
    if applied.is_empty() {
        println!("database is up to date");
    } else {
        println!(
            "applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(())
}

async fn setup_db(config: &Config) -> Result<(), String> {
    let url = config.database_url.clone();
    let created = blocking(move || {
        create_database_if_missing(url.expose_secret()).map_err(|e| e.to_string())
    })
    .await?;
    println!(
        "{}",
        if created {
            "database created"
        } else {
            "database already exists"
        }
    );
    Ok(())
}

fn adapters(config: &Config) -> Result<Adapters, String> {
    let pool = connect(config.database_url.expose_secret(), &config.pool_options());
    Adapters::new(&pool, &AdapterSettings::from_config(config)).map_err(|e| e.to_string())
}

async fn create_admin(config: &Config, input: CreateAdminInput) -> Result<(), String> {
    let adapters = adapters(config)?;
    let outcome = blocking(move || {
        adapters
            .create_admin()
            .execute(input, OnExistingAccount::Update)
            .map_err(|error| match error {
                CreateAdminError::Invalid(errors) => {
                    format!("invalid admin: {}", wording::field_errors(&errors))
                }
                other => other.to_string(),
            })
    })
    .await?;
    let (admin, created) = outcome;
    let verb = if created { "created" } else { "updated" };
    println!("{verb} {} ({}, id {})", admin.email, admin.role, admin.id.0);
    Ok(())
}

async fn set_admin_password(
    config: &Config,
    email: String,
    password: String,
) -> Result<(), String> {
    let adapters = adapters(config)?;
    blocking(move || {
        adapters
            .set_password()
            .execute(&email, &password)
            .map_err(|error| match error {
                SetPasswordError::NotFound => format!("no account with email {email}"),
                SetPasswordError::Invalid(errors) => {
                    format!("invalid input: {}", wording::field_errors(&errors))
                }
                other => other.to_string(),
            })
    })
    .await?;
    println!("password updated; every token of the account was revoked");
    Ok(())
}

async fn seed(config: &Config, admin_password: Option<String>) -> Result<(), String> {
    let adapters = adapters(config)?;
    let lifetime = config.token_lifetime;
    let chosen = admin_password.is_some();
    let password = match admin_password {
        Some(password) => AdminPassword::Chosen(password.into()),
        None => AdminPassword::Random,
    };
    let report = blocking(move || crate::seed::seed(&adapters, lifetime, password)).await?;
    println!(
        "demo catalogue: {} products created, {} refreshed; customers created: {}",
        report.products_created, report.products_updated, report.customers_created
    );
    println!(
        "customers: john.doe@example.com, jane.smith@example.com, bob.wilson@example.com (password {})",
        crate::seed::CUSTOMER_PASSWORD
    );
    // scripts/fuzz-api.sh reads the password from `super admin: EMAIL / PASSWORD (...)`.
    let email = crate::seed::ADMIN_EMAIL;
    match &report.admin {
        AdminSeeded::Created(password) if chosen => {
            println!(
                "super admin: {email} / {} (created)",
                password.expose_secret()
            )
        }
        AdminSeeded::Created(password) => println!(
            "super admin: {email} / {} (created with a random password; it is not shown again)",
            password.expose_secret()
        ),
        AdminSeeded::PasswordSet(password) => println!(
            "super admin: {email} / {} (existing; password set, its tokens revoked)",
            password.expose_secret()
        ),
        AdminSeeded::Unchanged => println!("super admin: {email} (existing; password unchanged)"),
    }
    Ok(())
}

async fn worker(config: &Config) -> Result<(), String> {
    let telemetry = logging::init(config);
    let worked = run_worker(config).await;
    telemetry.shutdown();
    worked
}

async fn run_worker(config: &Config) -> Result<(), String> {
    let adapters = adapters(config)?;
    let worker_info = this_worker();
    let webhooks = adapters.deliver_webhooks(
        &config.webhooks,
        config.public_base_url.as_ref(),
        &worker_info,
    );
    let deliver = adapters.deliver_notifications(&config.notifications, worker_info)?;
    let expand = adapters.expand_outbox_events(&config.notifications);
    let worker = DeliveryWorker::start(
        expand,
        deliver,
        webhooks,
        config.notifications.poll_interval,
    )
    .map_err(|e| format!("cannot start the worker: {e}"))?;
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| format!("cannot listen for SIGTERM: {e}"))?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!(worker = %worker.id(), "stopping after the message in hand");
    tokio::task::spawn_blocking(move || worker.stop())
        .await
        .map_err(|e| format!("worker failed: {e}"))
}

/// `3m 20s`, `1h 5m`, `42s`.
fn age(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..=59 => format!("{seconds}s"),
        60..=3599 => format!("{}m {}s", seconds / 60, seconds % 60),
        _ => format!("{}h {}m", seconds / 3600, (seconds % 3600) / 60),
    }
}

async fn worker_status(config: &Config, stalled_after: Option<u64>) -> Result<(), String> {
    let threshold = stalled_after
        .map(std::time::Duration::from_secs)
        .unwrap_or(config.notifications.stalled_after);
    let adapters = adapters(config)?;
    let health = adapters.delivery_health();
    let report = blocking(move || health.check(threshold).map_err(|e| e.to_string())).await?;
    let queue = &report.snapshot;
    println!("pending: {}", queue.pending);
    println!("due now: {}", queue.due);
    println!("failed: {}", queue.failed);
    match (report.oldest_pending_age, queue.oldest_pending_since) {
        (Some(waited), Some(since)) => println!(
            "oldest pending: waiting {} (queued {})",
            age(waited),
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        _ => println!("oldest pending: none"),
    }
    println!("workers seen in the last minute: {}", queue.workers.len());
    let now = chrono::Utc::now();
    for seen in &queue.workers {
        println!(
            "  {} (host {}, pid {}), last seen {} ago",
            seen.info.id,
            seen.info.host,
            seen.info.pid,
            age((now - seen.last_seen_at).to_std().unwrap_or_default())
        );
    }
    if report.stalled {
        println!("delivery: STALLED");
        return Err(format!(
            "delivery is stalled: the oldest pending notification has waited longer than {}",
            age(threshold)
        ));
    }
    println!("delivery: ok");
    Ok(())
}
