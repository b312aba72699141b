//! Starting the HTTP server.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::web::Data;
use actix_web::HttpServer;
use orderflow_http::{BuildInfo, Lifecycle, Metrics};
use orderflow_persistence::{connect, PoolOptions};

use crate::config::SHUTDOWN_GRACE;
use crate::wiring::{app_state, AdapterSettings, Adapters, CheckoutsInMetrics};
use crate::worker::{this_worker, DeliveryWorker, WorkerStopper};
use crate::{build_info, Config};

/// A bound, not yet running server: binding first lets tests ask for port 0 and learn the real port.
pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` on a listener of its own (`METRICS_ADDR`), and its address.
    metrics_server: Option<(Server, SocketAddr)>,
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
    #[error("cannot set up the metrics: {0}")]
    Metrics(String),
}

/// A listener on `address`, and the address it got (the port, when `address` asks for port 0).
fn bind(address: &str) -> Result<(TcpListener, SocketAddr), StartError> {
    let failed = |source| StartError::Bind {
        address: address.to_owned(),
        source,
    };
    let listener = TcpListener::bind(address).map_err(failed)?;
    let bound = listener.local_addr().map_err(failed)?;
    Ok((listener, bound))
}

impl Application {
    pub fn build(config: &Config) -> Result<Self, StartError> {
        let address = format!("{}:{}", config.host, config.port);
        let (listener, bound) = bind(&address)?;
        let metrics_listener = config
            .metrics_addr
            .map(|metrics_address| bind(&metrics_address.to_string()))
            .transpose()?;

        // Uploads land here and `/media/` serves it: a first start creates it (the file server would otherwise
        // log an error for a missing directory on every worker thread, and every upload would fail).
        std::fs::create_dir_all(&config.media_root).map_err(|source| StartError::Media {
            path: config.media_root.display().to_string(),
            source,
        })?;
        let metrics = Arc::new(
            Metrics::new(BuildInfo {
                version: build_info::VERSION,
                commit: build_info::COMMIT,
            })
            .map_err(|e| StartError::Metrics(e.to_string()))?,
        );
        let pool = connect(
            config.database_url.expose_secret(),
            &PoolOptions {
                checkout_observer: Some(Arc::new(CheckoutsInMetrics(metrics.clone()))),
                ..config.pool_options()
            },
        );
        let adapters = Adapters::new(&pool, &AdapterSettings::from_config(config))
            .map_err(|e| StartError::Hashing(e.to_string()))?;
        let worker = if config.notifications.worker_in_server {
            let worker_info = this_worker();
            let webhooks = adapters.deliver_webhooks(
                &config.webhooks,
                config.public_base_url.as_ref(),
                &worker_info,
            );
            let deliver = adapters
                .deliver_notifications(&config.notifications, worker_info)
                .map_err(StartError::Worker)?;
            Some(
                DeliveryWorker::start(
                    adapters.expand_outbox_events(&config.notifications),
                    deliver,
                    webhooks,
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
            metrics,
        ));
        let metrics_server = match metrics_listener {
            Some((listener, metrics_address)) => {
                let state = state.clone();
                let server = HttpServer::new(move || {
                    actix_web::App::new().configure(orderflow_http::metrics_only(state.clone()))
                })
                // One thread of its own: plenty for a scrape every few seconds, and free when the API's are busy.
                .workers(1)
                // It stops when the API's server does (`run_until_stopped`), whatever stopped that.
                .disable_signals()
                .listen(listener)
                .map_err(|source| StartError::Bind {
                    address: metrics_address.to_string(),
                    source,
                })?
                .run();
                Some((server, metrics_address))
            }
            None => None,
        };
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
            port: bound.port(),
            server,
            metrics_server,
            worker,
            lifecycle,
            drain: config.shutdown_drain,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where `/metrics` is served on a listener of its own (`METRICS_ADDR`), with the port it got.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_server.as_ref().map(|(_, address)| *address)
    }

    /// Stops the server from elsewhere (tests stop theirs when they end).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Stops the delivery worker from elsewhere (tests stop theirs when they end).
    pub fn worker_stopper(&self) -> Option<WorkerStopper> {
        self.worker.as_ref().map(DeliveryWorker::stopper)
    }

    /// Serves until the process is asked to stop, then stops the metrics' listener and the delivery worker, which
    /// finishes the message in hand.
    ///
    /// On SIGTERM or SIGINT: readiness answers 503 at once; the listener keeps accepting for the drain
    /// (`SHUTDOWN_DRAIN_SECONDS`), long enough for load balancers to notice; then it closes and the requests in
    /// flight get up to [`SHUTDOWN_GRACE`] to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self {
            server,
            metrics_server,
            worker,
            lifecycle,
            drain,
            ..
        } = self;
        let handle = server.handle();
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
        let (metrics_server, metrics_handle) = match metrics_server {
            Some((server, _)) => {
                let handle = server.handle();
                (Some(server), Some(handle))
            }
            None => (None, None),
        };
        let api = async {
            let served = server.await;
            if let Some(handle) = metrics_handle {
                handle.stop(true).await;
            }
            served
        };
        let metrics = async {
            match metrics_server {
                Some(server) => server.await,
                None => Ok(()),
            }
        };
        let (served, metrics_served) = tokio::join!(api, metrics);
        signals.abort();
        if let Some(worker) = worker {
            let _ = tokio::task::spawn_blocking(move || worker.stop()).await;
        }
        served.and(metrics_served)
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
