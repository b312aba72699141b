//! Credentials out of every line the service writes: the password of a URL (`postgres://user:***@host/db`) and
//! the value of a `password=` parameter (libpq takes one in the URL's query and in its key-value form).
//!
//! Applied where lines leave the process (configuration errors, a command's one-line failure, every log line),
//! so that a message quoting a URL shows no password whoever wrote it: this service, diesel, libpq, reqwest.

use std::borrow::Cow;
use std::ops::Range;

/// What stands for a hidden credential.
pub(crate) const HIDDEN: &str = "***";

/// `text` with every credential in it replaced by `***` (borrowed when there is none).
pub fn credentials(text: &str) -> Cow<'_, str> {
    let mut hidden: Vec<Range<usize>> = url_passwords(text);
    hidden.extend(password_parameters(text));
    if hidden.is_empty() {
        return Cow::Borrowed(text);
    }
    hidden.sort_by_key(|range| range.start);
    let mut shown = String::with_capacity(text.len());
    let mut copied_to = 0;
    for range in hidden {
        if range.start >= copied_to {
            shown.push_str(&text[copied_to..range.start]);
            shown.push_str(HIDDEN);
        }
        copied_to = copied_to.max(range.end);
    }
    shown.push_str(&text[copied_to..]);
    Cow::Owned(shown)
}

/// Where the password of each URL in `text` lies: after `scheme://user:`, up to the `@` that ends the userinfo.
fn url_passwords(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for (separator, _) in text.match_indices("://") {
        let scheme_start = text[..separator]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |before| before + 1);
        let start = separator + 3;
        let rest = &text[start..];
        let length = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '`'))
            .unwrap_or(rest.len());
        let url = &rest[..length];
        let authority = &url[..url.find(['/', '?', '#']).unwrap_or(url.len())];
        let userinfo_end = match authority.rfind('@') {
            Some(at) => at,
            // A URL that does not parse may have a password with an unescaped `/`, `?` or `#` in it: its
            // userinfo then ends at the URL's last `@`.
            None if url::Url::parse(&text[scheme_start..start + length]).is_err() => {
                match url.rfind('@') {
                    Some(at) => at,
                    None => continue,
                }
            }
            None => continue,
        };
        if let Some(colon) = url[..userinfo_end].find(':') {
            if colon + 1 < userinfo_end {
                found.push(start + colon + 1..start + userinfo_end);
            }
        }
    }
    found
}

/// Where the value of each `password=` parameter lies (`new_password=` and the like included).
fn password_parameters(text: &str) -> Vec<Range<usize>> {
    // ASCII lower-casing keeps every byte where it was, so positions found in `lowered` hold in `text`.
    let lowered = text.to_ascii_lowercase();
    let key = "password=";
    lowered
        .match_indices(key)
        .filter_map(|(at, _)| {
            let start = at + key.len();
            let value = &text[start..];
            let length = match value.strip_prefix('\'') {
                // libpq's key-value form quotes a value with spaces: `password='a b'`.
                Some(quoted) => quoted.find('\'').map_or(value.len(), |end| end + 2),
                None => value
                    .find(|c: char| c.is_whitespace() || matches!(c, '&' | '"' | '\''))
                    .unwrap_or(value.len()),
            };
            (length > 0).then_some(start..start + length)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::credentials;

    #[test]
    fn the_password_of_a_url_is_hidden_and_the_rest_kept() {
        for (text, shown) in [
            (
                "cannot connect to postgres://orderflow:s3cr3t-pw@db.internal:5432/orderflow: refused",
                "cannot connect to postgres://orderflow:***@db.internal:5432/orderflow: refused",
            ),
            (
                r#"{"error":"discovery of https://client:s3cr3t-pw@id.example/: timeout"}"#,
                r#"{"error":"discovery of https://client:***@id.example/: timeout"}"#,
            ),
            (
                "DATABASE_URL=\"postgresql://u:s3cr3t-pw@[::1/x\"",
                "DATABASE_URL=\"postgresql://u:***@[::1/x\"",
            ),
            // An unescaped `/` or `@` in the password: the URL does not parse, the last `@` ends the userinfo.
            (
                "postgres://u:s3cr3t/pw@host/db and postgres://u:p@ss@host/db",
                "postgres://u:***@host/db and postgres://u:***@host/db",
            ),
            (
                "postgres://u@h/db?sslmode=require&password=s3cr3t-pw&application_name=x",
                "postgres://u@h/db?sslmode=require&password=***&application_name=x",
            ),
            (
                "host=db user=u password='s3cr3t pw' dbname=x",
                "host=db user=u password=*** dbname=x",
            ),
            ("Password=s3cr3t-pw", "Password=***"),
        ] {
            assert_eq!(credentials(text), shown);
        }
    }

    #[test]
    fn text_without_credentials_is_left_as_it_is() {
        for text in [
            "postgres://postgres@127.0.0.1:5432/orderflow",
            "http://127.0.0.1:8000/api/v1/customers/?search=jane@example.com",
            "https://shop.example/orders?email=a@b.c&x=1",
            "connection to server at \"127.0.0.1\", port 1 failed: Connection refused",
            "a password= with nothing after it",
            "",
        ] {
            assert!(
                matches!(credentials(text), std::borrow::Cow::Borrowed(_)),
                "{text}"
            );
        }
    }
}
