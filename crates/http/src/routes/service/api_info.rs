use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Serialize;

use crate::state::AppState;

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct ApiInfoBody {
    name: &'static str,
    version: &'static str,
    description: &'static str,
    base_path: &'static str,
    endpoints: Vec<EndpointGroup>,
    documentation: DocumentationLinks,
    status: &'static str,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct EndpointGroup {
    name: &'static str,
    path: &'static str,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct DocumentationLinks {
    swagger: &'static str,
    redoc: &'static str,
    api_docs: &'static str,
}

/// Service information
#[api_v2_operation(tags(Service))]
pub async fn api_info(state: Data<AppState>) -> web::Json<ApiInfoBody> {
    let group = |name, path| EndpointGroup { name, path };
    web::Json(ApiInfoBody {
        name: "OrderFlow API",
        version: state.settings.version,
        description:
            "Order management for online shops: catalogue, customers, orders and notifications.",
        base_path: "/api/v1/",
        endpoints: vec![
            group("authentication", "/api/v1/auth/"),
            group("customers", "/api/v1/customers/"),
            group("administration", "/api/v1/admin/"),
        ],
        documentation: DocumentationLinks {
            swagger: "/swagger/",
            redoc: "/redoc/",
            api_docs: "/api-docs/",
        },
        status: "active",
    })
}
