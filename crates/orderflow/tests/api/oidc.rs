//! Signing in with OpenID Connect against a real, OpenID Certified provider (npm oidc-provider), driven without
//! a browser: OrderFlow's login → the provider's login and consent forms → OrderFlow's callback → an API token.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use openidconnect::PkceCodeChallenge;
use orderflow_test_support::OidcProvider;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};
use url::Url;

use crate::helpers::{json_of, spawn_app, spawn_app_with, TestApp, PASSWORD};

const CALLBACK: &str = "/api/v1/auth/oidc/callback/";

struct Setup {
    provider: OidcProvider,
    app: TestApp,
}

async fn setup() -> Setup {
    setup_with(&[]).await
}

async fn setup_with(vars: &[(&str, &str)]) -> Setup {
    let provider = tokio::task::spawn_blocking(|| OidcProvider::start(CALLBACK))
        .await
        .unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let redirect = format!("http://127.0.0.1:{port}{CALLBACK}");
    let mut all = vec![
        ("PORT", port.as_str()),
        ("OIDC_ISSUER_URL", provider.issuer()),
        ("OIDC_CLIENT_ID", OidcProvider::CLIENT_ID),
        ("OIDC_CLIENT_SECRET", OidcProvider::CLIENT_SECRET),
        ("OIDC_REDIRECT_URL", redirect.as_str()),
    ];
    all.extend_from_slice(vars);
    let app = spawn_app_with(&all).await;
    Setup { provider, app }
}

/// A browser: keeps cookies, follows nothing by itself.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> Url {
    let raw = response.headers()[header::LOCATION].to_str().unwrap();
    response.url().join(raw).unwrap()
}

/// OrderFlow's `auth/oidc/login/` (retried while discovery, in the background, has not finished): the
/// provider's authorization URL.
async fn start(app: &TestApp, browser: &reqwest::Client, query: &str) -> Url {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = browser
            .get(app.url(&format!("/api/v1/auth/oidc/login/{query}")))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::FOUND {
            return location(&response);
        }
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            Instant::now() < deadline,
            "the provider was never discovered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs in at the provider as `account` (any password) and consents: the URL the provider sends the browser
/// back to.
async fn at_provider(browser: &reqwest::Client, authorize: Url, account: &str) -> Url {
    let mut next = authorize;
    let mut forms = 0;
    loop {
        let response = if next.path().starts_with("/interaction/") {
            forms += 1;
            let form: Vec<(&str, &str)> = if forms == 1 {
                vec![("prompt", "login"), ("login", account), ("password", "any")]
            } else {
                vec![("prompt", "consent")]
            };
            browser.post(next.clone()).form(&form).send().await.unwrap()
        } else {
            browser.get(next.clone()).send().await.unwrap()
        };
        assert!(
            response.status().is_redirection(),
            "{} {}: {}",
            next,
            response.status(),
            response.text().await.unwrap_or_default()
        );
        next = location(&response);
        if next.path() == CALLBACK {
            return next;
        }
        assert!(forms <= 2, "the provider kept asking: {next}");
    }
}

/// The whole flow through OrderFlow: (status, body) of its callback.
async fn sign_in(setup: &Setup, account: &str) -> (StatusCode, Value) {
    let browser = browser();
    let authorize = start(&setup.app, &browser, "").await;
    let callback = at_provider(&browser, authorize, account).await;
    json_of(browser.get(callback).send().await.unwrap()).await
}

#[tokio::test]
async fn a_whole_sign_in_through_a_certified_provider_gives_a_working_token_and_maps_the_claims() {
    let setup = setup().await;
    let browser = browser();
    let authorize = start(&setup.app, &browser, "").await;
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert!(query["scope"].contains("openid") && query["scope"].contains("email"));
    assert!(!query["state"].is_empty() && !query["nonce"].is_empty());

    let callback = at_provider(&browser, authorize, "alice").await;
    let (status, body) = json_of(browser.get(callback.clone()).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OIDC login successful");
    let token = body["token"].as_str().unwrap().to_owned();

    let (status, profile) = json_of(
        setup
            .app
            .get("/api/v1/customers/profile/", Some(&token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["email"], "alice@example.test");
    assert_eq!(profile["first_name"], "Alice");
    assert_eq!(profile["last_name"], "Wanjiru");
    assert_eq!(profile["phone_number"], "+254711000001");
    assert_eq!(profile["is_verified"], true);
    let (_, info) = json_of(
        setup
            .app
            .get("/api/v1/auth/oidc/userinfo/", Some(&token))
            .await,
    )
    .await;
    assert_eq!(info["user"]["id"], profile["id"]);
    assert_eq!(info["oidc_info"]["issuer"], setup.provider.issuer());
    assert_eq!(info["oidc_info"]["subject"], "alice");

    // The state was used: the same callback again is refused, and creates nothing.
    let (status, replay) = json_of(browser.get(callback).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{replay}");
    assert!(
        replay["detail"].as_str().unwrap().contains("start again"),
        "{replay}"
    );

    // The same subject again: the same account.
    let (status, again) = sign_in(&setup, "alice").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["customer"]["id"], profile["id"]);
}

/// The 409 of an unverified provider email that belongs to an account: what to do, and nothing of the account.
const EMAIL_TAKEN: &str = "The email address your identity provider shared belongs to an account here, and the \
    provider has not verified it, so you cannot be signed in to that account this way. Verify the address with your \
    identity provider and sign in again, or sign in to the account as you usually do.";

fn refused_without_naming_the_account(status: StatusCode, body: &Value, email: &str) {
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(!body.to_string().contains(email), "{body}");
    assert_eq!(body, &json!({"detail": EMAIL_TAKEN}));
}

#[tokio::test]
async fn a_verified_email_links_the_password_account_and_an_unverified_one_does_not() {
    let setup = setup().await;
    let (_, bob) = setup.app.register("bob@example.test").await;
    let (status, body) = sign_in(&setup, "bob").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["customer"]["id"], bob["id"], "linked, not duplicated");

    let (carol_token, carol) = setup.app.register("carol@example.test").await;
    let (status, body) = sign_in(&setup, "unverified-carol").await;
    refused_without_naming_the_account(status, &body, "carol@example.test");
    // The same identity through auth/oidc/token/.
    let (id_token, access_token, nonce) = provider_tokens(&setup, "unverified-carol").await;
    let (status, body) = trade(
        &setup.app,
        json!({"id_token": id_token, "access_token": access_token, "nonce": nonce}),
    )
    .await;
    refused_without_naming_the_account(status, &body, "carol@example.test");
    let (_, info) = json_of(
        setup
            .app
            .get("/api/v1/auth/oidc/userinfo/", Some(&carol_token))
            .await,
    )
    .await;
    assert_eq!(info["user"]["id"], carol["id"]);
    assert_eq!(info["oidc_info"], Value::Null, "not linked");
}

async fn assert_revoked(app: &TestApp, token: &str) {
    let (status, body) = json_of(app.get("/api/v1/customers/profile/", Some(token)).await).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the token still opens the account: {body}"
    );
}

/// Pre-account takeover: someone registered the address before its owner ever signed in. When the provider vouches
/// for the address, the squatter's password and token stop working; the owner's sign-in works and can set a
/// password with no old one.
#[tokio::test]
async fn a_verified_sign_in_takes_a_never_verified_account_back_from_whoever_registered_it() {
    let setup = setup().await;
    let app = &setup.app;
    let (squatter_token, squatted) = app.register("victim@example.test").await;
    assert_eq!(squatted["is_verified"], false);

    let (status, body) = sign_in(&setup, "victim").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["customer"]["id"], squatted["id"],
        "linked, not duplicated"
    );
    let owner_token = body["token"].as_str().unwrap().to_owned();

    assert_revoked(app, &squatter_token).await;
    let (status, body) = json_of(app.log_in("victim@example.test", PASSWORD).await).await;
    assert_ne!(
        status,
        StatusCode::OK,
        "the squatter's password is gone: {body}"
    );
    let (status, profile) = json_of(
        app.get("/api/v1/customers/profile/", Some(&owner_token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["is_verified"], true);

    // The owner sets a password of their own: no old one to give.
    let change = |body: Value| {
        app.post(
            "/api/v1/customers/change_password/",
            Some(&owner_token),
            body,
        )
    };
    let (status, body) = json_of(change(json!({"new_password": "short"})).await).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the password rules still apply: {body}"
    );
    assert!(body.get("old_password").is_none(), "{body}");
    let (status, body) = json_of(change(json!({"new_password": "owner-chose-this-9"})).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = json_of(
        app.log_in("victim@example.test", "owner-chose-this-9")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Now that the account has a password, changing it takes the old one.
    let (status, body) = json_of(change(json!({"new_password": "another-choice-10"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["old_password"], json!(["This field is required."]));
}

/// The same when the account was made through the provider with an address it did not verify: that provider
/// identity stops opening the account once the address's owner signs in verified.
#[tokio::test]
async fn a_verified_sign_in_unlinks_the_identity_that_made_the_account_with_an_unverified_address()
{
    let setup = setup().await;
    let app = &setup.app;
    let (status, squatted) = sign_in(&setup, "unverified-victim").await;
    assert_eq!(status, StatusCode::OK, "{squatted}");
    assert_eq!(squatted["customer"]["is_verified"], false);

    let (status, owned) = sign_in(&setup, "victim").await;
    assert_eq!(status, StatusCode::OK, "{owned}");
    assert_eq!(owned["customer"]["id"], squatted["customer"]["id"]);
    let squatter_token = squatted["token"].as_str().unwrap();
    assert_revoked(app, squatter_token).await;
    // The squatter's identity no longer opens it.
    let (status, body) = sign_in(&setup, "unverified-victim").await;
    refused_without_naming_the_account(status, &body, "victim@example.test");
    let owner_token = owned["token"].as_str().unwrap();
    let (_, info) = json_of(
        app.get("/api/v1/auth/oidc/userinfo/", Some(owner_token))
            .await,
    )
    .await;
    assert_eq!(info["oidc_info"]["subject"], "victim");
}

#[tokio::test]
async fn next_is_kept_with_the_state_and_only_paths_of_this_site_are_accepted() {
    let setup = setup().await;
    let browser = browser();
    let response = browser
        .get(
            setup
                .app
                .url("/api/v1/auth/oidc/login/?next=https://evil.example/"),
        )
        .send()
        .await
        .unwrap();
    // Refused, or 503 before discovery: never a redirect to the other site.
    assert!(matches!(
        response.status(),
        StatusCode::BAD_REQUEST | StatusCode::SERVICE_UNAVAILABLE
    ));
    let authorize = start(&setup.app, &browser, "?next=/account/orders").await;
    let callback = at_provider(&browser, authorize, "dave").await;
    let response = browser.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let token = target
        .strip_prefix("/account/orders#token=")
        .unwrap_or_else(|| panic!("{target}"));
    let (status, _) = json_of(
        setup
            .app
            .get("/api/v1/customers/profile/", Some(token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_provider_refusal_or_an_unknown_state_is_a_400_that_signs_no_one_in() {
    let setup = setup().await;
    let browser = browser();
    let authorize = start(&setup.app, &browser, "").await;
    let state: String = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, body) = json_of(
        browser
            .get(setup.app.url(&format!(
                "{CALLBACK}?error=access_denied&error_description=End-User+aborted+interaction&state={state}"
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "The identity provider did not sign you in: access_denied (End-User aborted interaction)."
    );
    let (status, _) = json_of(
        browser
            .get(setup.app.url(&format!("{CALLBACK}?code=abc&state=forged")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(setup.app.count("customers"), 0);
    assert_eq!(setup.app.count("api_tokens"), 0);
}

/// `auth/oidc/token/` with `body`: (status, body).
async fn trade(app: &TestApp, body: Value) -> (StatusCode, Value) {
    json_of(app.post("/api/v1/auth/oidc/token/", None, body).await).await
}

/// Runs the flow as an app would on its own (PKCE, nonce): the provider's ID token, access token and the nonce.
async fn provider_tokens(setup: &Setup, account: &str) -> (String, String, String) {
    let browser = browser();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let redirect = setup.app.url(CALLBACK);
    let nonce = "app-nonce-1";
    let mut authorize = Url::parse(&format!("{}/auth", setup.provider.issuer())).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("client_id", OidcProvider::CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid email profile phone")
        .append_pair("redirect_uri", &redirect)
        .append_pair("state", "app-state")
        .append_pair("nonce", nonce)
        .append_pair("code_challenge", challenge.as_str())
        .append_pair("code_challenge_method", "S256");
    let back = at_provider(&browser, authorize, account).await;
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let tokens: Value = browser
        .post(format!("{}/token", setup.provider.issuer()))
        .basic_auth(OidcProvider::CLIENT_ID, Some(OidcProvider::CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("code_verifier", verifier.secret()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        tokens["id_token"].as_str().unwrap().to_owned(),
        tokens["access_token"].as_str().unwrap().to_owned(),
        nonce.to_owned(),
    )
}

#[tokio::test]
async fn the_token_endpoint_trades_a_valid_id_token_and_refuses_a_tampered_one() {
    let setup = setup().await;
    // Discovery first (the login route waits for it).
    start(&setup.app, &browser(), "").await;
    let (id_token, access_token, nonce) = provider_tokens(&setup, "erin").await;

    // One character in the middle of the signature (the last one may only carry padding bits).
    let signature_at = id_token.rfind('.').unwrap() + 1;
    let middle = signature_at + (id_token.len() - signature_at) / 2;
    let mut tampered = id_token.clone().into_bytes();
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let (status, body) = trade(&setup.app, json!({"id_token": tampered})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .starts_with("Invalid ID token"));
    let (status, _) = trade(
        &setup.app,
        json!({"id_token": id_token, "nonce": "another"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a nonce the token does not carry"
    );
    assert_eq!(setup.app.count("customers"), 0);

    // This provider's ID tokens carry only `sub`; the email comes from userinfo, with the access token.
    let (status, body) = trade(&setup.app, json!({"id_token": id_token, "nonce": nonce})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("no email"));
    assert_eq!(setup.app.count("customers"), 0);

    let (status, body) = trade(
        &setup.app,
        json!({"id_token": id_token, "access_token": access_token, "nonce": nonce}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap();
    let (_, profile) = json_of(
        setup
            .app
            .get("/api/v1/customers/profile/", Some(token))
            .await,
    )
    .await;
    assert_eq!(profile["email"], "erin@example.test");
}

#[tokio::test]
async fn without_configuration_the_oidc_routes_answer_503_and_everything_else_works() {
    let app = spawn_app().await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/auth/oidc/login/"),
        (
            reqwest::Method::GET,
            "/api/v1/auth/oidc/callback/?code=a&state=b",
        ),
        (reqwest::Method::POST, "/api/v1/auth/oidc/token/"),
    ] {
        let response = app
            .request(method, path, None, Some(json!({"id_token": "x.y.z"})))
            .await;
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert_eq!(
            body["detail"], "OpenID Connect sign-in is not configured on this server.",
            "{path}"
        );
    }
    let (status, _) = json_of(app.get("/health/", None).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_callback_opened_in_another_browser_signs_no_one_in() {
    let setup = setup().await;
    let victim = browser();
    let attacker = browser();
    // The attacker signs in at the provider and sends the callback link instead of opening it.
    let authorize = start(&setup.app, &attacker, "").await;
    let link = at_provider(&attacker, authorize, "mallory").await;
    let (status, body) = json_of(victim.get(link.clone()).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("not started in this browser"));
    assert_eq!(
        (setup.app.count("customers"), setup.app.count("api_tokens")),
        (0, 0)
    );
}

#[tokio::test]
async fn the_state_cookie_is_http_only_same_site_and_scoped_to_the_oidc_routes() {
    let setup = setup().await;
    let browser = browser();
    start(&setup.app, &browser, "").await;
    let response = browser
        .get(setup.app.url("/api/v1/auth/oidc/login/"))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("orderflow_oidc_state="), "{cookie}");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/api/v1/auth/oidc/",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
}

/// The state cookie of a fresh sign-in started with `headers`.
async fn state_cookie(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let browser = browser();
    start(app, &browser, "").await;
    let mut request = browser.get(app.url("/api/v1/auth/oidc/login/"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_state_cookie_is_secure_when_the_public_address_is_https_and_not_on_a_forged_header() {
    let plain = setup().await;
    let cookie = state_cookie(&plain.app, &[("X-Forwarded-Proto", "https")]).await;
    assert!(
        !cookie.contains("Secure"),
        "a client's own X-Forwarded-Proto is not believed: {cookie}"
    );
    let public = setup_with(&[("PUBLIC_BASE_URL", "https://shop.example.com")]).await;
    let cookie = state_cookie(&public.app, &[]).await;
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn sign_ins_started_from_one_address_are_limited_and_a_refused_one_keeps_nothing() {
    let setup = setup_with(&[("RATE_LIMIT_OIDC_START_PER_ADDRESS", "2/15m")]).await;
    let browser = browser();
    start(&setup.app, &browser, "").await;
    start(&setup.app, &browser, "").await;
    let response = browser
        .get(setup.app.url("/api/v1/auth/oidc/login/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let (_, body) = json_of(response).await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .starts_with("Too many sign-ins started from this address"));
    assert_eq!(setup.app.count("oidc_pending_logins"), 2);
}
