use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::identity::{Customer, NewCustomer, PasswordPolicy, Role, DEFAULT_COUNTRY};

use crate::identity::fields;
use crate::ports::{
    Clock, CustomerRepository, InsertCustomerError, PasswordHashError, PasswordHasher,
    RepositoryError,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateAdminInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: Option<String>,
    /// `staff`, `admin` (the default) or `super_admin`.
    pub role: Option<String>,
}

/// What to do when the email already has an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExistingAccount {
    /// The API: an existing email is an error.
    Refuse,
    /// The `create-admin` command: set the role and password of the existing account, so it can be re-run.
    Update,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("invalid admin: {0}")]
    Invalid(FieldErrors),
    #[error("email already registered")]
    DuplicateEmail,
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Creates a staff, admin or super admin account (verified and active from the start).
pub struct CreateAdmin {
    customers: Arc<dyn CustomerRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    policy: PasswordPolicy,
}

struct ValidAdmin<'a> {
    account: NewCustomer,
    password: &'a str,
}

impl CreateAdmin {
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        policy: PasswordPolicy,
    ) -> Self {
        Self {
            customers,
            hasher,
            clock,
            policy,
        }
    }

    /// Returns the account and whether it was created (`false`: an existing account was updated).
    pub fn execute(
        &self,
        input: CreateAdminInput,
        on_existing: OnExistingAccount,
    ) -> Result<(Customer, bool), CreateAdminError> {
        let ValidAdmin { account, password } =
            self.validate(&input).map_err(CreateAdminError::Invalid)?;
        let existing = self.customers.find_credentials_by_email(&account.email)?;
        if existing.is_some() && on_existing == OnExistingAccount::Refuse {
            return Err(CreateAdminError::DuplicateEmail);
        }
        let hash = self.hasher.hash(password)?;
        if let Some(existing) = existing {
            let updated = self.customers.set_role_and_password(
                existing.customer.id,
                account.role,
                &hash,
                self.clock.now(),
            )?;
            return Ok((updated, false));
        }
        let account = NewCustomer {
            password_hash: Some(hash),
            ..account
        };
        match self.customers.insert(&account, None) {
            Ok(created) => Ok((created, true)),
            Err(InsertCustomerError::DuplicateEmail) => Err(CreateAdminError::DuplicateEmail),
            Err(InsertCustomerError::Storage(error)) => Err(error.into()),
        }
    }

    fn validate<'a>(&self, input: &'a CreateAdminInput) -> Result<ValidAdmin<'a>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = fields::email(&mut errors, &input.email);
        let first_name = fields::person_name(&mut errors, "first_name", &input.first_name);
        let last_name = fields::person_name(&mut errors, "last_name", &input.last_name);
        let role = match input.role.as_deref().unwrap_or("admin").parse::<Role>() {
            Ok(Role::Customer) => {
                errors.add("role", FieldProblem::NotAStaffRole);
                None
            }
            Ok(role) => Some(role),
            Err(error) => {
                errors.add("role", error);
                None
            }
        };
        let password = input.password.as_deref();
        match password {
            None => errors.add("password", FieldProblem::Required),
            Some(password) => fields::password_rules(
                &mut errors,
                "password",
                password,
                email.as_ref(),
                &self.policy,
            ),
        }
        match (email, first_name, last_name, role, password) {
            (Some(email), Some(first_name), Some(last_name), Some(role), Some(password))
                if errors.is_empty() =>
            {
                Ok(ValidAdmin {
                    account: NewCustomer {
                        email,
                        password_hash: None,
                        first_name,
                        last_name,
                        phone_number: None,
                        address: String::new(),
                        city: String::new(),
                        state: String::new(),
                        country: DEFAULT_COUNTRY.to_owned(),
                        postal_code: String::new(),
                        role,
                        is_verified: true,
                    },
                    password,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockCustomerRepository, MockPasswordHasher, StoredCredentials};
    use crate::test_support::{customer, customer_from, fixed_clock};

    fn input(role: Option<&str>) -> CreateAdminInput {
        CreateAdminInput {
            email: Some("newadmin@example.com".into()),
            first_name: Some("New".into()),
            last_name: Some("Admin".into()),
            password: Some("admin123456".into()),
            role: role.map(Into::into),
        }
    }

    fn hasher() -> MockPasswordHasher {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().returning(|_| Ok("hash".into()));
        hasher
    }

    fn use_case(customers: MockCustomerRepository) -> CreateAdmin {
        CreateAdmin::new(
            Arc::new(customers),
            Arc::new(hasher()),
            fixed_clock(),
            PasswordPolicy::default(),
        )
    }

    #[test]
    fn creates_a_verified_account_with_the_default_admin_role() {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_find_credentials_by_email()
            .returning(|_| Ok(None));
        customers
            .expect_insert()
            .withf(|new, token| {
                new.role == Role::Admin
                    && new.is_verified
                    && new.password_hash.as_deref() == Some("hash")
                    && token.is_none()
            })
            .times(1)
            .returning(|new, _| Ok(customer_from(new)));
        let (admin, created) = use_case(customers)
            .execute(input(None), OnExistingAccount::Refuse)
            .unwrap();
        assert!(created);
        assert_eq!(admin.role, Role::Admin);
    }

    #[test]
    fn refuses_the_customer_role_and_unknown_roles() {
        for role in ["customer", "emperor"] {
            let Err(CreateAdminError::Invalid(errors)) = use_case(MockCustomerRepository::new())
                .execute(input(Some(role)), OnExistingAccount::Refuse)
            else {
                panic!("{role} should be refused")
            };
            assert!(errors.has("role"), "{role}");
        }
    }

    #[test]
    fn an_existing_email_is_refused_through_the_api() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_credentials_by_email().returning(|_| {
            Ok(Some(StoredCredentials {
                customer: customer(1, "newadmin@example.com", Role::Customer),
                password_hash: None,
            }))
        });
        customers.expect_insert().never();
        let result = use_case(customers).execute(input(Some("staff")), OnExistingAccount::Refuse);
        assert!(matches!(result, Err(CreateAdminError::DuplicateEmail)));
    }

    #[test]
    fn the_command_updates_role_and_password_of_an_existing_account() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_credentials_by_email().returning(|_| {
            Ok(Some(StoredCredentials {
                customer: customer(1, "newadmin@example.com", Role::Customer),
                password_hash: None,
            }))
        });
        customers
            .expect_set_role_and_password()
            .withf(|id, role, hash, _| id.0 == 1 && *role == Role::SuperAdmin && hash == "hash")
            .times(1)
            .returning(|_, role, _, _| Ok(customer(1, "newadmin@example.com", role)));
        let (admin, created) = use_case(customers)
            .execute(input(Some("super_admin")), OnExistingAccount::Update)
            .unwrap();
        assert!(!created);
        assert_eq!(admin.role, Role::SuperAdmin);
    }

    #[test]
    fn password_rules_apply() {
        let mut weak = input(None);
        weak.password = Some("admin123".into());
        let Err(CreateAdminError::Invalid(errors)) =
            use_case(MockCustomerRepository::new()).execute(weak, OnExistingAccount::Refuse)
        else {
            panic!("expected validation errors")
        };
        assert_eq!(
            errors.problems("password"),
            [FieldProblem::Password(
                orderflow_domain::identity::PasswordViolation::TooCommon
            )]
        );
    }
}
