//! `auth/oidc/...`: signing in with OpenID Connect (authorization code + PKCE).

use std::collections::BTreeMap;

use actix_web::body::BoxBody;
use actix_web::http::{header, StatusCode};
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Utc};
use orderflow_application::identity::oidc::{
    CallbackInput, TokenLoginInput, PENDING_LOGIN_MINUTES,
};
use orderflow_application::identity::Session;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, OperationModifier};
use paperclip::v2::models::{DefaultOperationRaw, DefaultSchemaRaw, Either, Response};
use paperclip::v2::schema::Apiv2Schema as _;
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::dto::{CustomerBody, SessionBody};
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::origin::RequestOrigin;
use crate::routes::run;
use crate::state::AppState;

const SIGNED_IN: &str = "OIDC login successful";

/// Binds a sign-in to the browser that started it: the callback must bring the state back in this cookie too
/// (the provider's own cookies have other names).
const STATE_COOKIE: &str = "orderflow_oidc_state";
const COOKIE_PATH: &str = "/api/v1/auth/oidc/";

fn state_cookie(value: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{STATE_COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The state cookie of the request, if any (read by hand: actix's cookie support is not compiled in).
fn state_from_cookie(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STATE_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Whether clients reach the service over TLS (`PUBLIC_BASE_URL`, or a trusted proxy's word): the state
/// cookie is then `Secure`.
fn is_https(request: &HttpRequest) -> bool {
    RequestOrigin::of(request).secure
}

fn session_body(session: Session) -> SessionBody {
    SessionBody {
        message: SIGNED_IN.into(),
        customer: session.customer.into(),
        token: session.token,
    }
}

fn found(location: &str, cookie: String) -> HttpResponse {
    HttpResponse::build(StatusCode::FOUND)
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::SET_COOKIE, cookie))
        .finish()
}

fn document_redirect(op: &mut DefaultOperationRaw, description: &str) {
    op.responses.insert(
        "302".into(),
        Either::Right(Response {
            description: Some(description.into()),
            ..Default::default()
        }),
    );
}

/// A 302 to the identity provider, with the state cookie.
pub struct ToProvider {
    url: String,
    state: String,
}

impl Responder for ToProvider {
    type Body = BoxBody;

    fn respond_to(self, request: &HttpRequest) -> HttpResponse {
        let lifetime = PENDING_LOGIN_MINUTES * 60;
        found(
            &self.url,
            state_cookie(&self.state, lifetime, is_https(request)),
        )
    }
}

impl paperclip::v2::schema::Apiv2Schema for ToProvider {}

impl OperationModifier for ToProvider {
    fn update_response(op: &mut DefaultOperationRaw) {
        document_redirect(op, "To the provider's authorization endpoint (Location).");
    }
}

/// The callback's answer: the session as JSON, or a 302 to the `next` the sign-in started with.
pub enum SignedIn {
    Session(Box<SessionBody>),
    Redirect(String),
}

impl Responder for SignedIn {
    type Body = BoxBody;

    fn respond_to(self, request: &HttpRequest) -> HttpResponse {
        // The sign-in is over: forget its state.
        let expired = state_cookie("", 0, is_https(request));
        match self {
            SignedIn::Session(body) => HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .insert_header((header::SET_COOKIE, expired))
                .json(*body),
            SignedIn::Redirect(location) => found(&location, expired),
        }
    }
}

impl paperclip::v2::schema::Apiv2Schema for SignedIn {
    fn name() -> Option<String> {
        SessionBody::name()
    }

    fn raw_schema() -> DefaultSchemaRaw {
        SessionBody::raw_schema()
    }
}

impl OperationModifier for SignedIn {
    fn update_response(op: &mut DefaultOperationRaw) {
        let mut schema = SessionBody::schema_with_ref();
        schema.retain_ref();
        op.responses.insert(
            "200".into(),
            Either::Right(Response {
                description: Some("Signed in: the account and its new API token.".into()),
                schema: Some(schema),
                ..Default::default()
            }),
        );
        document_redirect(
            op,
            "Signed in, and the sign-in was started with `next`: to that path, with `#token=<key>`.",
        );
    }

    fn update_definitions(map: &mut BTreeMap<String, DefaultSchemaRaw>) {
        SessionBody::update_definitions(map);
    }
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct LoginQuery {
    /// A path of this site to return to once signed in (e.g. `/account`); other origins are refused.
    next: Option<String>,
}

/// Sign in with OpenID Connect
///
/// Redirects to the provider (authorization code with PKCE, `state` and `nonce` kept server-side for 10 minutes).
/// 503 when OpenID Connect is not configured or the provider has not been reached yet.
#[api_v2_operation(tags(Authentication))]
pub async fn login(
    state: Data<AppState>,
    request: HttpRequest,
    query: web::Query<LoginQuery>,
) -> Result<ToProvider, ApiError> {
    let next = query.into_inner().next;
    let address = super::log_in::client_address(&request);
    let started = run(&state, move |state| {
        state
            .start_oidc_login
            .execute(next.as_deref(), address.as_deref())
    })
    .await?;
    Ok(ToProvider {
        url: started.url,
        state: started.state,
    })
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set by the provider when it did not sign the person in (e.g. `access_denied`).
    error: Option<String>,
    error_description: Option<String>,
}

/// Where the provider sends the browser back
///
/// Checks the state (once, and from the browser that started the sign-in: a cookie set by `login/`), exchanges the code with the PKCE verifier, verifies the ID token (signature, issuer,
/// audience, expiry, nonce), reads userinfo, then signs in the account linked to the subject, links an account
/// by a verified email, or creates one from the claims. 400 for the provider's `error=` or a bad state.
#[api_v2_operation(tags(Authentication))]
pub async fn callback(
    state: Data<AppState>,
    request: HttpRequest,
    query: web::Query<CallbackQuery>,
) -> Result<SignedIn, ApiError> {
    let query = query.into_inner();
    let input = CallbackInput {
        code: query.code,
        state: query.state,
        error: query.error,
        error_description: query.error_description,
        started_here: state_from_cookie(&request),
    };
    let login = run(&state, move |state| {
        state.complete_oidc_login.execute(input)
    })
    .await?;
    Ok(match login.next {
        Some(next) => {
            let path = next.as_str().split('#').next().unwrap_or("/");
            SignedIn::Redirect(format!("{path}#token={}", login.session.token))
        }
        None => SignedIn::Session(Box::new(session_body(login.session))),
    })
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct TokenRequest {
    /// The ID token the app obtained from the provider.
    #[serde(default)]
    id_token: Required<String>,
    /// When given, userinfo completes the ID token's claims.
    access_token: Option<String>,
    /// When given, the ID token must carry it.
    nonce: Option<String>,
}

/// Trade a provider's ID token for an API token
///
/// For apps that ran the authorization flow themselves (a mobile app, say). The ID token is verified as in the
/// callback; an invalid one is a 401 with `detail`.
#[api_v2_operation(tags(Authentication))]
pub async fn token(
    state: Data<AppState>,
    body: Body<TokenRequest>,
) -> Result<web::Json<SessionBody>, ApiError> {
    let body = body.into_inner()?;
    let input = TokenLoginInput {
        id_token: body.id_token.into_inner(),
        access_token: body.access_token,
        nonce: body.nonce,
    };
    let session = run(&state, move |state| state.oidc_token_login.execute(input)).await?;
    Ok(web::Json(session_body(session)))
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct OidcInfoBody {
    pub issuer: String,
    pub subject: String,
    pub linked_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "OidcUserInfo")]
pub struct UserInfoBody {
    pub user: CustomerBody,
    /// The provider identity linked to the account, or `null`.
    pub oidc_info: Option<OidcInfoBody>,
}

/// The signed-in account and its provider identity
#[api_v2_operation(tags(Authentication))]
pub async fn userinfo(
    state: Data<AppState>,
    caller: Caller,
) -> Result<web::Json<UserInfoBody>, ApiError> {
    let customer = caller.principal.customer;
    let id = customer.id;
    let identity = run(&state, move |state| state.oidc_accounts.identity_of(id)).await?;
    Ok(web::Json(UserInfoBody {
        user: customer.into(),
        oidc_info: identity.map(|identity| OidcInfoBody {
            issuer: identity.issuer,
            subject: identity.subject,
            linked_at: identity.linked_at,
        }),
    }))
}
