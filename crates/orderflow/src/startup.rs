//! Starting the HTTP server.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::web::Data;
use actix_web::HttpServer;
use orderflow_persistence::{connect, PoolOptions};

use crate::wiring::{app_state, Adapters};
use crate::Config;

/// A bound, not yet running server: binding first lets tests ask for port 0 and learn the real port.
pub struct Application {
    port: u16,
    server: Server,
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

        let pool = connect(
            &config.database_url,
            &PoolOptions {
                max_size: config.database_pool_size,
                connection_timeout: config.database_timeout,
                ..PoolOptions::default()
            },
        );
        let adapters = Adapters::new(&pool, &config.media_root)
            .map_err(|e| StartError::Hashing(e.to_string()))?;
        let state = Data::new(app_state(config, &pool, &adapters));
        let server = HttpServer::new(move || orderflow_http::app(state.clone()))
            .workers(config.http_workers)
            .listen(listener)
            .map_err(|source| StartError::Bind { address, source })?
            .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests stop theirs when they end).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the process is asked to stop (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
