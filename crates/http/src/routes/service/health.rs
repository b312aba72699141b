use std::collections::BTreeMap;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Utc};
use paperclip::actix::{api_v2_operation, Apiv2Schema, OperationModifier};
use paperclip::v2::models::{DefaultOperationRaw, DefaultSchemaRaw, Either, Response};
use paperclip::v2::schema::Apiv2Schema as _;
use serde::Serialize;

use crate::state::AppState;

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

/// 200 with the body when every check passes, 503 with the same body otherwise.
pub struct HealthResponse(HealthBody);

impl Responder for HealthResponse {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let status = if self.0.database == "ok" {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        HttpResponse::build(status).json(self.0)
    }
}

impl paperclip::v2::schema::Apiv2Schema for HealthResponse {
    fn name() -> Option<String> {
        HealthBody::name()
    }

    fn raw_schema() -> DefaultSchemaRaw {
        HealthBody::raw_schema()
    }
}

impl OperationModifier for HealthResponse {
    fn update_response(op: &mut DefaultOperationRaw) {
        for (status, description) in [("200", "Healthy"), ("503", "The database is unreachable")] {
            let mut schema = HealthBody::schema_with_ref();
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
        HealthBody::update_definitions(map);
    }
}

/// Service health
///
/// Checks the database with a real query; 503 when it does not answer.
#[api_v2_operation(tags(Service))]
pub async fn health(state: Data<AppState>) -> HealthResponse {
    let probe = state.health.clone();
    let database = match actix_web::web::block(move || probe.database()).await {
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
    HealthResponse(HealthBody {
        status: if database == "ok" {
            "healthy"
        } else {
            "unhealthy"
        },
        database,
        version: state.settings.version,
        timestamp: Utc::now(),
    })
}
