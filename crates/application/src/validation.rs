//! Field-level validation errors, collected rather than failing on the first one, so that a client learns every
//! problem with its input at once (the API reports them as `{"field": ["message", ...]}`).

use std::collections::BTreeMap;

/// Messages per input field. `non_field_errors` holds errors about the input as a whole. A list field (the lines
/// of an order) carries one `FieldErrors` per element, empty for the elements without errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    fields: BTreeMap<String, Vec<String>>,
    lists: BTreeMap<String, Vec<FieldErrors>>,
}

/// The key DRF clients expect for errors that belong to no single field.
pub const NON_FIELD_ERRORS: &str = "non_field_errors";

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One error on one field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Records `message` on `field`, after any already there.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// Records the error of a validation result under `field` and returns the value when it was valid.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// True when nothing was recorded, on fields or on list elements.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self
                .lists
                .values()
                .all(|items| items.iter().all(FieldErrors::is_empty))
    }

    /// Whether `field` has errors of its own or on its elements.
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field) || self.lists.contains_key(field)
    }

    /// Errors of the elements of a list field, one entry per element (in order).
    pub fn set_list(&mut self, field: &str, items: Vec<FieldErrors>) {
        if items.iter().any(|item| !item.is_empty()) {
            self.lists.insert(field.to_owned(), items);
        }
    }

    /// The per-element errors of the list field `field`, if any element has some.
    pub fn list(&self, field: &str) -> Option<&[FieldErrors]> {
        self.lists.get(field).map(Vec::as_slice)
    }

    /// Every list field with errors, by name.
    pub fn lists(&self) -> impl Iterator<Item = (&str, &[FieldErrors])> {
        self.lists.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The messages recorded on `field`; empty when none.
    pub fn messages(&self, field: &str) -> &[String] {
        self.fields
            .get(field)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every field with messages, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// `Ok(())` when nothing was recorded, otherwise the collected errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
            .collect();
        for (field, items) in &self.lists {
            for (index, item) in items
                .iter()
                .enumerate()
                .filter(|(_, item)| !item.is_empty())
            {
                parts.push(format!("{field}[{index}]: {item}"));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_several_messages_per_field_in_order() {
        let mut errors = FieldErrors::new();
        errors.add("password", "too short");
        errors.add("password", "too common");
        errors.add("email", "invalid");
        assert_eq!(errors.messages("password"), ["too short", "too common"]);
        assert_eq!(errors.messages("email"), ["invalid"]);
        assert!(errors.messages("other").is_empty());
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn list_errors_keep_one_entry_per_element() {
        let mut errors = FieldErrors::new();
        errors.set_list(
            "items",
            vec![
                FieldErrors::new(),
                FieldErrors::single("quantity", "too many"),
            ],
        );
        assert!(!errors.is_empty() && errors.has("items"));
        assert_eq!(
            errors.list("items").unwrap()[1].messages("quantity"),
            ["too many"]
        );
        assert_eq!(errors.to_string(), "items[1]: quantity: too many");
        let mut clean = FieldErrors::new();
        clean.set_list("items", vec![FieldErrors::new()]);
        assert!(clean.is_empty(), "a list without errors is no error");
    }

    #[test]
    fn empty_is_ok() {
        assert_eq!(FieldErrors::new().into_result(), Ok(()));
    }

    #[test]
    fn check_keeps_valid_values_and_records_errors() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check::<_, String>("a", Ok(3)), Some(3));
        assert_eq!(errors.check::<i32, _>("b", Err("bad")), None);
        assert_eq!(errors.messages("b"), ["bad"]);
        assert!(!errors.has("a"));
    }
}
