//! Control characters in what clients send, refused where requests are parsed.
//!
//! Every string of a JSON body and every form field may hold tabs and line breaks, and no other control
//! character; query parameters hold none at all. Single-line fields (names, SKUs...) are held to the stricter
//! rule by the domain's text types. A NUL that reached Postgres would otherwise be a server error.

use orderflow_application::validation::{FieldErrors, FieldProblem, NON_FIELD_ERRORS};
use orderflow_domain::text::allowed_in_free_text;
use serde_json::Value;

pub const IN_TEXT: &str =
    "Control characters other than tabs and line breaks are not allowed in this field.";
pub const IN_QUERY: &str = "Control characters are not allowed in query parameters.";

/// The error for the first JSON string (key or value) holding a forbidden control character, under the name of
/// the top-level field it sits in; `None` when there is none, or when `body` is not JSON (the parser says so).
pub fn json_control_characters(body: &[u8]) -> Option<FieldErrors> {
    if !may_hold_control_characters(body) {
        return None;
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let path = first_control_character(&value, String::new())?;
    let field = path
        .split(['.', '['])
        .next()
        .filter(|field| !field.is_empty())
        .unwrap_or(NON_FIELD_ERRORS);
    let message = if path.contains(['.', '[']) {
        format!("{IN_TEXT} (at {path})")
    } else {
        IN_TEXT.to_owned()
    };
    Some(FieldErrors::single(field, FieldProblem::Worded(message)))
}

/// Whether `text` holds a control character other than tab and line breaks.
pub fn has_forbidden_control(text: &str) -> bool {
    !text.chars().all(allowed_in_free_text)
}

/// A quick look at the raw bytes, so that ordinary bodies are not parsed twice: in valid JSON a control
/// character is either escaped (`\u0000`, `\b`, `\f`) or, for DEL and the C1 range, written as is.
fn may_hold_control_characters(body: &[u8]) -> bool {
    let mut bytes = body.iter().copied().enumerate();
    while let Some((at, byte)) = bytes.next() {
        match byte {
            0x7f => return true,
            0xc2 if matches!(body.get(at + 1), Some(0x80..=0x9f)) => return true,
            b'\\' => match bytes.next() {
                Some((_, b'b' | b'f')) => return true,
                Some((_, b'u')) => {
                    let code = body
                        .get(at + 2..at + 6)
                        .and_then(|hex| std::str::from_utf8(hex).ok())
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok());
                    if code
                        .and_then(char::from_u32)
                        .is_some_and(|c| !allowed_in_free_text(c))
                    {
                        return true;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    false
}

/// The path (`items[0].notes`) of the first string holding a forbidden control character.
fn first_control_character(value: &Value, path: String) -> Option<String> {
    match value {
        Value::String(text) => has_forbidden_control(text).then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| first_control_character(item, format!("{path}[{index}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if has_forbidden_control(key) {
                return Some(path.clone());
            }
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            first_control_character(item, inner)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(body: &str) -> Option<FieldErrors> {
        json_control_characters(body.as_bytes())
    }

    #[test]
    fn a_nul_anywhere_is_named_by_its_top_level_field() {
        let errors = error_of(r#"{"email": "a@b.c", "first_name": "Al\u0000ice"}"#).unwrap();
        assert_eq!(
            errors.problems("first_name"),
            [FieldProblem::Worded(IN_TEXT.into())]
        );
        let nested = error_of(r#"{"items": [{"product_id": "x\u0000"}]}"#).unwrap();
        assert_eq!(
            nested.problems("items"),
            [FieldProblem::Worded(format!(
                "{IN_TEXT} (at items[0].product_id)"
            ))]
        );
        assert!(error_of("[\"\\u001b[31m\"]").unwrap().has(NON_FIELD_ERRORS));
        assert!(error_of("{\"na\\u0000me\": 1}")
            .unwrap()
            .has(NON_FIELD_ERRORS));
    }

    #[test]
    fn tabs_and_line_breaks_pass_and_so_does_escaped_text_that_only_looks_like_an_escape() {
        assert_eq!(error_of(r#"{"notes": "Gate 4\r\n\tleft"}"#), None);
        // An escaped backslash followed by the letters u0000 is text, not a NUL.
        assert_eq!(error_of(r#"{"notes": "C:\\u0000"}"#), None);
        assert_eq!(error_of(r#"{"name": "Café ñ 日本"}"#), None);
    }

    #[test]
    fn del_and_c1_controls_are_refused_raw_or_escaped() {
        assert!(error_of("{\"name\": \"a\u{7f}\"}").is_some());
        assert!(error_of("{\"name\": \"a\u{85}\"}").is_some());
        assert!(error_of(r#"{"name": "a\u0085"}"#).is_some());
        assert!(error_of(r#"{"name": "a\b"}"#).is_some());
    }

    #[test]
    fn what_is_not_json_is_left_to_the_parser() {
        assert_eq!(error_of("{\"name\": \"\\u0000"), None);
    }
}
