//! Starting the HTTP server.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::web::Data;
use actix_web::HttpServer;
use orderflow_persistence::connect;

use crate::wiring::{app_state, AdapterSettings, Adapters};
use crate::worker::{this_worker, DeliveryWorker, WorkerStopper};
use crate::Config;

/// A bound, not yet running server: binding first lets tests ask for port 0 and learn the real port.
pub struct Application {
    port: u16,
    server: Server,
    /// The delivery worker running beside the server (unless `NOTIFY_WORKER=off`).
    worker: Option<DeliveryWorker>,
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
        let state = Data::new(app_state(config, &pool, &adapters, identity_provider));
        let server = HttpServer::new(move || orderflow_http::app(state.clone()))
            .workers(config.http_workers)
            .listen(listener)
            .map_err(|source| StartError::Bind { address, source })?
            .run();
        Ok(Self {
            port,
            server,
            worker,
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

    /// Serves until the process is asked to stop (SIGINT/SIGTERM stop it gracefully), then stops the delivery
    /// worker, which finishes the message in hand.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(worker) = self.worker {
            let _ = tokio::task::spawn_blocking(move || worker.stop()).await;
        }
        served
    }
}
