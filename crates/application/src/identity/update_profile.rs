use std::sync::Arc;

use crate::validation::FieldErrors;
use orderflow_domain::identity::{person_name, Customer, CustomerId, ProfileChanges};
use orderflow_domain::text::{self, limits};

use super::{fields, Principal};
use crate::ports::{Clock, CustomerRepository, RepositoryError};

/// A partial profile update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileUpdateInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `Some(None)` (JSON `null`) or an empty string clears the number.
    pub phone_number: Option<Option<String>>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
    pub email_notifications: Option<bool>,
    pub sms_notifications: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateProfileError {
    /// Someone else's record: customers only ever see their own.
    #[error("not found")]
    NotFound,
    #[error("invalid profile: {0}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Updates the caller's own names, phone, address and notification preferences.
pub struct UpdateProfile {
    customers: Arc<dyn CustomerRepository>,
    clock: Arc<dyn Clock>,
}

impl UpdateProfile {
    pub fn new(customers: Arc<dyn CustomerRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { customers, clock }
    }

    pub fn execute(
        &self,
        principal: &Principal,
        target: CustomerId,
        input: ProfileUpdateInput,
    ) -> Result<Customer, UpdateProfileError> {
        if target != principal.customer.id {
            return Err(UpdateProfileError::NotFound);
        }
        let changes = validate(input).map_err(UpdateProfileError::Invalid)?;
        let mut customer = principal.customer.clone();
        customer.apply(changes);
        Ok(self.customers.save_profile(&customer, self.clock.now())?)
    }
}

fn validate(input: ProfileUpdateInput) -> Result<ProfileChanges, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = |errors: &mut FieldErrors, field: &str, value: Option<String>| {
        value.and_then(|value| errors.check(field, person_name(&value)))
    };
    let line = |errors: &mut FieldErrors, field: &str, value: Option<String>, max: usize| {
        value.and_then(|value| errors.check(field, text::line(&value, max)))
    };
    let changes = ProfileChanges {
        first_name: name(&mut errors, "first_name", input.first_name),
        last_name: name(&mut errors, "last_name", input.last_name),
        phone_number: input
            .phone_number
            .and_then(|phone| fields::phone(&mut errors, phone.as_deref())),
        address: input
            .address
            .and_then(|value| errors.check("address", text::free_text(&value, limits::ADDRESS))),
        city: line(&mut errors, "city", input.city, limits::CITY),
        state: line(&mut errors, "state", input.state, limits::STATE),
        country: line(&mut errors, "country", input.country, limits::COUNTRY),
        postal_code: line(
            &mut errors,
            "postal_code",
            input.postal_code,
            limits::POSTAL_CODE,
        ),
        email_notifications: input.email_notifications,
        sms_notifications: input.sms_notifications,
    };
    errors.into_result().map(|()| changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCustomerRepository;
    use crate::test_support::{customer, fixed_clock, now, token_hash};
    use orderflow_domain::identity::Role;

    fn principal() -> Principal {
        Principal {
            customer: customer(4, "carol@example.com", Role::Customer),
            token: token_hash("t"),
        }
    }

    #[test]
    fn saves_only_the_changed_fields() {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_save_profile()
            .withf(|c, at| {
                c.city == "Mombasa"
                    && c.first_name == "Test"
                    && c.phone_number.as_ref().map(|p| p.as_str()) == Some("+254722000002")
                    && !c.email_notifications
                    && *at == now()
            })
            .times(1)
            .returning(|c, _| Ok(c.clone()));
        let input = ProfileUpdateInput {
            city: Some("Mombasa".into()),
            phone_number: Some(Some("+254722000002".into())),
            email_notifications: Some(false),
            ..ProfileUpdateInput::default()
        };
        let updated = UpdateProfile::new(Arc::new(customers), fixed_clock())
            .execute(&principal(), CustomerId(4), input)
            .unwrap();
        assert_eq!(updated.city, "Mombasa");
    }

    #[test]
    fn another_customers_record_is_not_found() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_save_profile().never();
        let result = UpdateProfile::new(Arc::new(customers), fixed_clock()).execute(
            &principal(),
            CustomerId(5),
            ProfileUpdateInput::default(),
        );
        assert!(matches!(result, Err(UpdateProfileError::NotFound)));
    }

    #[test]
    fn invalid_values_are_all_reported_and_nothing_is_saved() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_save_profile().never();
        let input = ProfileUpdateInput {
            first_name: Some("  ".into()),
            phone_number: Some(Some("0712345678".into())),
            postal_code: Some("x".repeat(21)),
            ..ProfileUpdateInput::default()
        };
        let Err(UpdateProfileError::Invalid(errors)) = UpdateProfile::new(
            Arc::new(customers),
            fixed_clock(),
        )
        .execute(&principal(), CustomerId(4), input) else {
            panic!("expected validation errors")
        };
        assert_eq!(
            errors.problems("first_name"),
            [crate::validation::FieldProblem::Text(
                orderflow_domain::text::TextError::Blank
            )]
        );
        assert!(errors.has("phone_number"));
        assert_eq!(
            errors.problems("postal_code"),
            [crate::validation::FieldProblem::Text(
                orderflow_domain::text::TextError::TooLong(20)
            )]
        );
    }

    #[test]
    fn null_or_empty_phone_clears_it() {
        for phone in [None, Some(String::new())] {
            let changes = validate(ProfileUpdateInput {
                phone_number: Some(phone),
                ..ProfileUpdateInput::default()
            })
            .unwrap();
            assert_eq!(changes.phone_number, Some(None));
        }
    }
}
