//! The headers of the HTML pages: what a page may load and run (Content-Security-Policy), and that no other site
//! may frame it. Each page sets its own, as ReDoc needs more than the others.

use actix_web::body::MessageBody;
use actix_web::http::header;
use actix_web::HttpResponse;

/// What every page's policy says: nothing unless named (`default-src 'none'`); scripts, fetches (the API document,
/// "Try it out") and images from this origin only, plus `data:` images, which both UIs use for icons; no framing
/// (clickjacking); no `<base>` to move relative links elsewhere; forms post to this origin only.
macro_rules! common_directives {
    () => {
        "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    };
}

/// The landing page and Swagger UI: styles from this origin's stylesheets only.
pub(super) const STRICT_POLICY: &str = concat!(common_directives!(), "; style-src 'self'");

/// ReDoc, as Chromium showed under the strict policy, also needs:
/// - inline styles: it styles itself with styled-components, which adds `<style>` elements at run time; blocked,
///   ReDoc stops (styled-components error 17) and shows nothing;
/// - workers from `blob:` URLs: its search index runs in a Web Worker built from a Blob.
///
/// Scripts stay this origin's only. The "API docs by Redocly" logo, an image from cdn.redoc.ly, stays blocked.
pub(super) const REDOC_POLICY: &str = concat!(
    common_directives!(),
    "; style-src 'self' 'unsafe-inline'; worker-src blob:"
);

pub(super) fn html_page(body: impl MessageBody + 'static, policy: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .body(body)
}
