//! ID-token verification, with tokens signed here by locally generated RSA keys and the provider's discovery
//! document and JWKS served by wiremock: every forgery is a 401 with a `detail`, and creates no one.

use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, JsonWebKeyId, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{json_of, spawn_app_with, TestApp};

const CLIENT_ID: &str = "orderflow-test";

/// A fresh 2048-bit RSA key (PKCS#1 PEM) from the openssl command.
fn rsa_key() -> String {
    let output = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "2048"])
        .output()
        .expect("openssl (the command) must be installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

fn signing_key(pem: &str, kid: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into()))).unwrap()
}

fn jwks(keys: &[&CoreRsaPrivateSigningKey]) -> Value {
    json!({"keys": keys.iter().map(|k| serde_json::to_value(k.as_verification_key()).unwrap()).collect::<Vec<_>>()})
}

struct Forge {
    issuer: String,
    audience: String,
    expires_in: Duration,
    nonce: Option<String>,
}

fn token(key: &CoreRsaPrivateSigningKey, forge: &Forge) -> String {
    let now = Utc::now();
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(forge.issuer.clone()).unwrap(),
        vec![Audience::new(forge.audience.clone())],
        now + forge.expires_in,
        now - Duration::seconds(5),
        StandardClaims::new(SubjectIdentifier::new("subject-1".into()))
            .set_email(Some(EndUserEmail::new("frank@example.test".into())))
            .set_email_verified(Some(true)),
        EmptyAdditionalClaims {},
    )
    .set_nonce(forge.nonce.clone().map(Nonce::new));
    CoreIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap()
    .to_string()
}

async fn serve_provider(server: &MockServer, keys: Value) {
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": uri,
            "authorization_endpoint": format!("{uri}/auth"),
            "token_endpoint": format!("{uri}/token"),
            "userinfo_endpoint": format!("{uri}/me"),
            "jwks_uri": format!("{uri}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys))
        .mount(server)
        .await;
}

async fn trade(app: &TestApp, body: Value) -> (StatusCode, Value) {
    json_of(app.post("/api/v1/auth/oidc/token/", None, body).await).await
}

/// Waits until discovery (in the background) is done: until the route stops answering 503.
async fn discovered(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while trade(app, json!({"id_token": "not.a.jwt"})).await.0 == StatusCode::SERVICE_UNAVAILABLE {
        assert!(std::time::Instant::now() < deadline, "never discovered");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn jwks_fetches(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/jwks")
        .count()
}

#[tokio::test]
async fn every_forged_or_stale_id_token_is_refused_and_a_rotated_key_is_picked_up() {
    let (first, second) = tokio::task::spawn_blocking(|| (rsa_key(), rsa_key()))
        .await
        .unwrap();
    let k1 = signing_key(&first, "k1");
    let server = MockServer::start().await;
    serve_provider(&server, jwks(&[&k1])).await;
    let app = spawn_app_with(&[
        ("OIDC_ISSUER_URL", &server.uri()),
        ("OIDC_CLIENT_ID", CLIENT_ID),
        ("OIDC_CLIENT_SECRET", "secret"),
        (
            "OIDC_REDIRECT_URL",
            "http://127.0.0.1:9/api/v1/auth/oidc/callback/",
        ),
        ("OIDC_KEY_REFRESH_SECONDS", "0"),
    ])
    .await;
    discovered(&app).await;
    let good = || Forge {
        issuer: server.uri(),
        audience: CLIENT_ID.into(),
        expires_in: Duration::minutes(5),
        nonce: Some("n1".into()),
    };

    let impostor = signing_key(&second, "k1");
    let k2 = signing_key(&second, "k2");
    let mut refused = vec![
        (
            "a wrong signature",
            token(&impostor, &good()),
            "n1",
            "signature",
        ),
        (
            "a wrong issuer",
            token(
                &k1,
                &Forge {
                    issuer: "https://evil.example".into(),
                    ..good()
                },
            ),
            "n1",
            "issuer",
        ),
        (
            "a wrong audience",
            token(
                &k1,
                &Forge {
                    audience: "someone-else".into(),
                    ..good()
                },
            ),
            "n1",
            "audience",
        ),
        (
            "an expired token",
            token(
                &k1,
                &Forge {
                    expires_in: Duration::minutes(-5),
                    ..good()
                },
            ),
            "n1",
            "Expired",
        ),
        ("another nonce", token(&k1, &good()), "n2", "nonce"),
    ];
    let before = jwks_fetches(&server).await;
    refused.push((
        "an unknown key",
        token(&k2, &good()),
        "n1",
        "No matching key",
    ));
    for (case, id_token, nonce, reason) in &refused {
        let (status, body) = trade(&app, json!({"id_token": id_token, "nonce": nonce})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}: {body}");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.starts_with("Invalid ID token"), "{case}: {detail}");
        assert!(detail.contains(reason), "{case}: {detail}");
    }
    assert!(
        jwks_fetches(&server).await > before,
        "an unknown kid makes the keys be fetched again"
    );
    assert_eq!((app.count("customers"), app.count("api_tokens")), (0, 0));

    // The provider rotates its keys: a token signed with the new one is accepted once the keys are refetched.
    server.reset().await;
    serve_provider(&server, jwks(&[&k1, &k2])).await;
    let (status, body) = trade(
        &app,
        json!({"id_token": token(&k2, &good()), "nonce": "n1"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["customer"]["email"], "frank@example.test");
    let (status, body) = trade(&app, json!({"id_token": token(&k1, &good())})).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "without a nonce, none is checked: {body}"
    );
    assert_eq!(
        app.count("customers"),
        1,
        "the same subject, the same account"
    );
}

#[tokio::test]
async fn oidc_answers_503_until_the_provider_can_be_discovered_and_never_follows_redirects() {
    let server = MockServer::start().await;
    // At first the issuer answers with a redirect to a real discovery document elsewhere: not followed.
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{}/.well-known/openid-configuration", elsewhere.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    let app = spawn_app_with(&[
        ("OIDC_ISSUER_URL", &server.uri()),
        ("OIDC_CLIENT_ID", CLIENT_ID),
        (
            "OIDC_REDIRECT_URL",
            "http://127.0.0.1:9/api/v1/auth/oidc/callback/",
        ),
        ("OIDC_KEY_REFRESH_SECONDS", "0"),
    ])
    .await;
    let login = || async { json_of(app.get("/api/v1/auth/oidc/login/", None).await).await };
    let (status, body) = login().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body["detail"],
        "The identity provider cannot be reached right now; retry shortly."
    );
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the redirect was not followed"
    );

    // The provider comes up: the next request discovers it.
    server.reset().await;
    let k1 = signing_key(&tokio::task::spawn_blocking(rsa_key).await.unwrap(), "k1");
    serve_provider(&server, jwks(&[&k1])).await;
    let response = app.get("/api/v1/auth/oidc/login/", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/auth?", server.uri())),
        "{location}"
    );
}
