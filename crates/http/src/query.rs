//! Parsing of query-string filter values, with the messages DRF clients know.

use orderflow_domain::catalogue::PriceError;

use orderflow_application::listing::{parse_ordering, search_terms, SortDirection};
use orderflow_application::validation::{FieldErrors, FieldProblem};

/// `?search=`: its terms, or the bound it breaks recorded against `search`.
pub fn search_param(errors: &mut FieldErrors, raw: Option<&str>) -> Vec<String> {
    errors
        .check("search", search_terms(raw.unwrap_or_default()))
        .unwrap_or_default()
}

/// `?ordering=` over the `allowed` fields, or the repeated field recorded against `ordering`.
pub fn ordering_param<F: Copy>(
    errors: &mut FieldErrors,
    raw: Option<&str>,
    allowed: &[(&str, F)],
) -> Vec<(F, SortDirection)> {
    errors
        .check("ordering", parse_ordering(raw.unwrap_or_default(), allowed))
        .unwrap_or_default()
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`, any case).
pub fn parse_bool(raw: &str) -> Result<bool, FieldProblem> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(FieldProblem::Worded(format!(
            "\"{raw}\" is not a valid boolean; use true or false."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_spellings() {
        assert_eq!(parse_bool("True"), Ok(true));
        assert_eq!(parse_bool("0"), Ok(false));
        assert!(parse_bool("maybe").is_err());
    }
}

/// A whole number filter value.
pub fn parse_int(raw: &str) -> Result<i64, FieldProblem> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| FieldProblem::NotAnInteger)
}

/// A decimal filter value (`min_price=10.50`).
pub fn parse_decimal(raw: &str) -> Result<rust_decimal::Decimal, FieldProblem> {
    let text = raw.trim();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    plain
        .then(|| text.parse::<rust_decimal::Decimal>().ok())
        .flatten()
        .ok_or(FieldProblem::Price(PriceError::NotANumber))
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn numbers_are_parsed_or_explained() {
        assert_eq!(parse_int(" 42 "), Ok(42));
        assert!(parse_int("4.2").is_err());
        assert_eq!(parse_decimal("10.50").unwrap().to_string(), "10.50");
        assert!(parse_decimal("1e3").is_err());
        assert!(parse_decimal("ten").is_err());
    }
}
