//! Authentication and roles: one extractor, [`Caller`], that every protected handler takes.
//!
//! `Caller<Staff>` in a handler's arguments means: a valid token is required (401 otherwise) and its account must
//! hold at least the staff role (403 otherwise). Handlers never check roles themselves.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use orderflow_application::identity::Principal;
use orderflow_domain::identity::{Customer, Role};
use paperclip::actix::OperationModifier;
use paperclip::v2::models::{DefaultOperationRaw, DefaultSchemaRaw, SecurityScheme};
use paperclip::v2::schema::Apiv2Schema;

use crate::error::ApiError;
use crate::state::AppState;

/// The least role a route requires.
pub trait Gate: 'static {
    const ROLE: Role;
}

/// Any signed-in account.
pub struct AnyUser;
pub struct Staff;
pub struct Admin;
pub struct SuperAdmin;

impl Gate for AnyUser {
    const ROLE: Role = Role::Customer;
}
impl Gate for Staff {
    const ROLE: Role = Role::Staff;
}
impl Gate for Admin {
    const ROLE: Role = Role::Admin;
}
impl Gate for SuperAdmin {
    const ROLE: Role = Role::SuperAdmin;
}

/// The authenticated caller of a request, with at least the role of `G`.
pub struct Caller<G: Gate = AnyUser> {
    pub principal: Principal,
    _gate: PhantomData<G>,
}

impl<G: Gate> Caller<G> {
    pub fn customer(&self) -> &Customer {
        &self.principal.customer
    }
}

/// The key of an `Authorization: Token <key>` or `Authorization: Bearer <key>` header. Other schemes are not
/// ours, and count as no credentials.
fn presented_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ApiError::InvalidToken)?;
    let mut parts = value.split_whitespace();
    let scheme = parts.next().unwrap_or_default();
    if !scheme.eq_ignore_ascii_case("token") && !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    match (parts.next(), parts.next()) {
        (Some(key), None) => Ok(Some(key.to_owned())),
        // "Token" alone, or a key with spaces: DRF answers "Invalid token header" with a 401 too.
        _ => Err(ApiError::InvalidToken),
    }
}

impl<G: Gate> FromRequest for Caller<G> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = presented_key(request);
        let state = request.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let key = key?.ok_or(ApiError::NotAuthenticated)?;
            let state = state
                .ok_or_else(|| ApiError::Internal("application state is not configured".into()))?;
            let principal = crate::blocking::in_blocking_pool("authenticate", move || {
                state.authenticate.execute(&key)
            })
            .await??;
            if !principal.customer.role.satisfies(G::ROLE) {
                return Err(ApiError::Forbidden);
            }
            Ok(Caller {
                principal,
                _gate: PhantomData,
            })
        })
    }
}

// How the OpenAPI document shows the requirement: an API key in the Authorization header.
impl<G: Gate> Apiv2Schema for Caller<G> {
    fn name() -> Option<String> {
        Some("TokenAuth".into())
    }

    fn security_scheme() -> Option<SecurityScheme> {
        Some(SecurityScheme {
            type_: "apiKey".into(),
            name: Some("Authorization".into()),
            in_: Some("header".into()),
            description: Some(
                "`Token <key>` or `Bearer <key>`, with a key from auth/login/, auth/register/ or auth/token/.".into(),
            ),
            ..SecurityScheme::default()
        })
    }
}

impl<G: Gate> OperationModifier for Caller<G> {
    fn update_definitions(_: &mut BTreeMap<String, DefaultSchemaRaw>) {}

    fn update_parameter(_: &mut DefaultOperationRaw) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn key(header: Option<&str>) -> Result<Option<String>, ApiError> {
        let mut request = TestRequest::default();
        if let Some(value) = header {
            request = request.insert_header((header::AUTHORIZATION, value));
        }
        presented_key(&request.to_http_request())
    }

    #[test]
    fn reads_token_and_bearer_keys_in_any_case() {
        assert_eq!(key(Some("Token abc")).unwrap().as_deref(), Some("abc"));
        assert_eq!(key(Some("Bearer abc")).unwrap().as_deref(), Some("abc"));
        assert_eq!(key(Some("token   abc")).unwrap().as_deref(), Some("abc"));
    }

    #[test]
    fn no_header_or_a_foreign_scheme_is_no_credentials() {
        assert_eq!(key(None).unwrap(), None);
        assert_eq!(key(Some("Basic dXNlcjpwYXNz")).unwrap(), None);
    }

    #[test]
    fn a_malformed_header_is_an_invalid_token() {
        assert!(matches!(key(Some("Token")), Err(ApiError::InvalidToken)));
        assert!(matches!(
            key(Some("Token a b")),
            Err(ApiError::InvalidToken)
        ));
    }
}
