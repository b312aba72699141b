//! Starting the HTTP server.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::web::Data;
use actix_web::HttpServer;
use orderflow_http::Lifecycle;
use orderflow_persistence::connect;

use crate::config::SHUTDOWN_GRACE;
use crate::wiring::{app_state, AdapterSettings, Adapters};
use crate::worker::{this_worker, DeliveryWorker, WorkerStopper};
use crate::Config;

/// A bound, not yet running server: binding first lets tests ask for port 0 and learn the real port.
pub struct Application {
    port: u16,
    server: Server,
    /// The delivery worker running beside the server (unless `NOTIFY_WORKER=off`).
    worker: Option<DeliveryWorker>,
    lifecycle: Lifecycle,
    drain: std::time::Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("cannot set up password hashing: {0}")]
    Hashing(String),
    #[error("cannot start the notification worker: {0}")]
    Worker(String),
    #[error("{0}")]
    Oidc(String),
    #[error("cannot create MEDIA_ROOT {path}: {source}")]
    Media {
        path: String,
        source: std::io::Error,
    },
}

impl Application {
    pub fn build(config: &Config) -> Result<Self, StartError> {
        let address = format!("{}:{}", config.host, config.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartError::Bind {
            address: address.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind {
                address: address.clone(),
                source,
            })?
            .port();

        // Uploads land here and `/media/` serves it: a first start creates it (the file server would otherwise
        // log an error for a missing directory on every worker thread, and every upload would fail).
        std::fs::create_dir_all(&config.media_root).map_err(|source| StartError::Media {
            path: config.media_root.display().to_string(),
            source,
        })?;
        let pool = connect(config.database_url.expose_secret(), &config.pool_options());
        let adapters = Adapters::new(&pool, &AdapterSettings::from_config(config))
            .map_err(|e| StartError::Hashing(e.to_string()))?;
        let worker = if config.notifications.worker_in_server {
            let deliver = adapters
                .deliver_notifications(&config.notifications, this_worker())
                .map_err(StartError::Worker)?;
            Some(
                DeliveryWorker::start(
                    adapters.expand_outbox_events(&config.notifications),
                    deliver,
                    config.notifications.poll_interval,
                )
                .map_err(|e| StartError::Worker(e.to_string()))?,
            )
        } else {
            None
        };
        let identity_provider = crate::oidc::identity_provider(config.oidc.as_ref())
            .map_err(|e| StartError::Oidc(e.to_string()))?;
        let lifecycle = Lifecycle::default();
        let state = Data::new(app_state(
            config,
            &pool,
            &adapters,
            identity_provider,
            lifecycle.clone(),
        ));
        let server = HttpServer::new(move || orderflow_http::app(state.clone()))
            .workers(config.http_workers)
            // The stop signals are ours (`run_until_stopped`): readiness must turn first, and the listener may
            // have to stay open for the drain.
            .disable_signals()
            .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
            .listen(listener)
            .map_err(|source| StartError::Bind { address, source })?
            .run();
        Ok(Self {
            port,
            server,
            worker,
            lifecycle,
            drain: config.shutdown_drain,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests stop theirs when they end).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Stops the delivery worker from elsewhere (tests stop theirs when they end).
    pub fn worker_stopper(&self) -> Option<WorkerStopper> {
        self.worker.as_ref().map(DeliveryWorker::stopper)
    }

    /// Serves until the process is asked to stop, then stops the delivery worker, which finishes the message in
    /// hand.
    ///
    /// On SIGTERM or SIGINT: readiness answers 503 at once; the listener keeps accepting for the drain
    /// (`SHUTDOWN_DRAIN_SECONDS`), long enough for load balancers to notice; then it closes and the requests in
    /// flight get up to [`SHUTDOWN_GRACE`] to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let lifecycle = self.lifecycle.clone();
        let drain = self.drain;
        let signals = tokio::spawn(async move {
            let signal = stop_signal().await;
            lifecycle.begin_shutdown();
            tracing::info!(
                signal,
                drain_seconds = drain.as_secs(),
                "stopping: readiness is now 503; the listener closes after the drain"
            );
            tokio::time::sleep(drain).await;
            tracing::info!(
                grace_seconds = SHUTDOWN_GRACE.as_secs(),
                "listener closing; waiting for the requests in flight"
            );
            handle.stop(true).await;
        });
        let served = self.server.await;
        signals.abort();
        if let Some(worker) = self.worker {
            let _ = tokio::task::spawn_blocking(move || worker.stop()).await;
        }
        served
    }
}

/// Waits for SIGTERM (what orchestrators send) or SIGINT (Ctrl-C), and says which came.
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut terminate), Ok(mut interrupt)) => tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        },
        (Err(error), _) | (_, Err(error)) => {
            // Without handlers the default action would kill the process mid-request: say so, and keep serving.
            tracing::error!(%error, "cannot listen for stop signals");
            std::future::pending().await
        }
    }
}
