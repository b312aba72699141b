//! Probes: `/health/` (the database answers), `/health/live/` (the process answers) and `/health/ready/` (this
//! instance should get traffic).

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Utc};
use paperclip::actix::{api_v2_operation, Apiv2Schema, OperationModifier};
use paperclip::v2::models::{DefaultOperationRaw, DefaultSchemaRaw, Either, Response};
use serde::Serialize;

use crate::state::AppState;

/// Readiness gives the database this long: an orchestrator's probe usually times out after one second.
const READY_WITHIN: Duration = Duration::from_secs(1);

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Health")]
pub struct HealthBody {
    /// `healthy` or `unhealthy`.
    status: &'static str,
    /// `ok` or `unavailable`.
    database: &'static str,
    version: &'static str,
    timestamp: DateTime<Utc>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Liveness")]
pub struct LivenessBody {
    /// Always `alive`: the process answers.
    status: &'static str,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Readiness")]
pub struct ReadinessBody {
    /// `ready` or `not_ready`.
    status: &'static str,
    /// `ok`, `unavailable`, or `timeout` (no answer within a second).
    database: &'static str,
    /// `current` (every migration of this build applied), `pending`, or `unknown` (the database did not say).
    migrations: &'static str,
    /// True once the process has been asked to stop: it finishes what it has and takes nothing new.
    shutting_down: bool,
}

/// 200 with the body when every check passes, 503 with the same body otherwise.
pub struct Probe<B> {
    passed: bool,
    body: B,
}

impl<B: Serialize> Responder for Probe<B> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let status = if self.passed {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        HttpResponse::build(status)
            // A probe's answer is about this moment only.
            .insert_header(("Cache-Control", "no-store"))
            .json(self.body)
    }
}

impl<B: paperclip::v2::schema::Apiv2Schema> paperclip::v2::schema::Apiv2Schema for Probe<B> {
    fn name() -> Option<String> {
        B::name()
    }

    fn raw_schema() -> DefaultSchemaRaw {
        B::raw_schema()
    }
}

impl<B: paperclip::v2::schema::Apiv2Schema + OperationModifier> OperationModifier for Probe<B> {
    fn update_response(op: &mut DefaultOperationRaw) {
        for (status, description) in [("200", "Passed"), ("503", "Failed")] {
            let mut schema = B::schema_with_ref();
            schema.retain_ref();
            op.responses.insert(
                status.into(),
                Either::Right(Response {
                    description: Some(description.into()),
                    schema: Some(schema),
                    ..Default::default()
                }),
            );
        }
    }

    fn update_definitions(map: &mut BTreeMap<String, DefaultSchemaRaw>) {
        B::update_definitions(map);
    }
}

/// Service health
///
/// Checks the database with a real query; 503 when it does not answer.
#[api_v2_operation(tags(Service))]
pub async fn health(state: Data<AppState>) -> Probe<HealthBody> {
    let probe = state.health.clone();
    let database = match crate::blocking::in_blocking_pool("health", move || probe.database()).await
    {
        Ok(Ok(())) => "ok",
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unavailable");
            "unavailable"
        }
        Err(error) => {
            tracing::error!(%error, "health check could not run");
            "unavailable"
        }
    };
    let passed = database == "ok";
    Probe {
        passed,
        body: HealthBody {
            status: if passed { "healthy" } else { "unhealthy" },
            database,
            version: state.settings.version,
            timestamp: Utc::now(),
        },
    }
}

/// Liveness
///
/// The process answers: nothing else is checked, so a database outage never gets the instance restarted.
#[api_v2_operation(tags(Service))]
pub async fn live() -> Probe<LivenessBody> {
    Probe {
        passed: true,
        body: LivenessBody { status: "alive" },
    }
}

/// Readiness
///
/// 200 when this instance should get traffic: the database answers within a second, every migration of this
/// build is applied, and the process is not shutting down. 503 otherwise, saying which check failed.
#[api_v2_operation(tags(Service))]
pub async fn ready(state: Data<AppState>) -> Probe<ReadinessBody> {
    let shutting_down = state.lifecycle.is_shutting_down();
    let probe = state.health.clone();
    let checks = crate::blocking::in_blocking_pool("readiness", move || {
        probe.database()?;
        probe.schema_current()
    });
    let (database, migrations) = match actix_web::rt::time::timeout(READY_WITHIN, checks).await {
        Ok(Ok(Ok(true))) => ("ok", "current"),
        Ok(Ok(Ok(false))) => ("ok", "pending"),
        Ok(Ok(Err(error))) => {
            tracing::warn!(%error, "readiness: database unavailable");
            ("unavailable", "unknown")
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "readiness check could not run");
            ("unavailable", "unknown")
        }
        Err(_) => ("timeout", "unknown"),
    };
    let passed = !shutting_down && database == "ok" && migrations == "current";
    Probe {
        passed,
        body: ReadinessBody {
            status: if passed { "ready" } else { "not_ready" },
            database,
            migrations,
            shutting_down,
        },
    }
}
