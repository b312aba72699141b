use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web};

use super::webhook_id;
use crate::auth::{Admin, Caller};
use crate::dto::WebhookSecretBody;
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

/// Replace a webhook endpoint's secret (admin)
///
/// 200 with the new secret, shown this once. For 24 hours deliveries carry two signatures, with the new secret
/// and the old one, so receivers can switch without refusing any.
#[api_v2_operation(tags(Webhooks))]
pub async fn rotate_secret(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
) -> Result<web::Json<WebhookSecretBody>, ApiError> {
    let id = webhook_id(&path)?;
    let secret = run(&state, move |state| state.webhooks.rotate_secret(id)).await?;
    Ok(web::Json(WebhookSecretBody {
        secret: secret.expose(),
    }))
}
