//! SQL functions and helpers diesel does not provide.

use diesel::sql_types::Text;

#[diesel::declare_sql_function]
extern "SQL" {
    /// `lower(text)`: emails are unique and compared lower-cased (index `customers_email_lower_key`).
    #[sql_name = "lower"]
    fn lower_text(x: Text) -> Text;
}

/// A `LIKE` pattern matching `term` anywhere, with the pattern characters of `term` escaped.
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(contains_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(contains_pattern("plain"), "%plain%");
    }
}
