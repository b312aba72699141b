//! `orderflow seed`: demo data, safe to run again. The catalogue of the system OrderFlow replaces (Electronics,
//! Clothing, Home & Garden), a few customers, and one super admin: a new one gets a random password (printed
//! once) unless one is chosen; an existing one keeps theirs unless one is chosen.

use orderflow_application::admin::{
    CreateAdminError, CreateAdminInput, OnExistingAccount, SetPasswordError,
};
use orderflow_application::catalogue::{ImportOutcome, ImportRow};
use orderflow_application::identity::{RegisterCustomerError, RegisterCustomerInput};
use orderflow_application::ports::TokenGenerator;
use orderflow_domain::identity::PasswordPolicy;
use orderflow_http::error::wording;
use secrecy::{ExposeSecret, SecretString};

use crate::wiring::Adapters;

pub const ADMIN_EMAIL: &str = "admin@orderflow.com";
pub const CUSTOMER_PASSWORD: &str = "testpass123";

/// A generated admin password: this many hex characters, 96 random bits.
const GENERATED_PASSWORD_LENGTH: usize = 24;

/// The super admin's password, as `orderflow seed` was asked.
pub enum AdminPassword {
    /// `--admin-password`: given to a new admin, and set on an existing one (whose tokens are then revoked).
    Chosen(SecretString),
    /// None chosen: a new admin gets a random one; an existing admin keeps theirs.
    Random,
}

/// What the seed did with the super admin.
#[derive(Debug)]
pub enum AdminSeeded {
    /// A new account with this password (the chosen one, or a random one to print once).
    Created(SecretString),
    /// The existing account's password is now the chosen one, and every token it had is revoked.
    PasswordSet(SecretString),
    /// The existing account was left as it was, password included.
    Unchanged,
}

/// (category path, name, SKU, price, stock, featured, description)
const PRODUCTS: &[(&str, &str, &str, &str, u32, bool, &str)] = &[
    (
        "Electronics > Smartphones > iPhone",
        "iPhone 15 Pro",
        "IPH15PRO-001",
        "999.99",
        50,
        true,
        "Apple's flagship phone",
    ),
    (
        "Electronics > Smartphones > Android",
        "Samsung Galaxy S24",
        "SGS24-001",
        "899.99",
        40,
        true,
        "Android flagship",
    ),
    (
        "Electronics > Smartphones > Android",
        "Google Pixel 8",
        "PIX8-001",
        "699.99",
        25,
        false,
        "Pure Android",
    ),
    (
        "Electronics > Laptops > Gaming Laptops",
        "ASUS ROG Strix G16",
        "ROG16-001",
        "1899.99",
        8,
        false,
        "RTX graphics",
    ),
    (
        "Electronics > Laptops",
        "MacBook Pro 14",
        "MBP14-001",
        "2499.99",
        15,
        true,
        "M3 Pro chip",
    ),
    (
        "Electronics > Accessories",
        "USB-C Charger 65W",
        "USBC65-001",
        "19.99",
        200,
        false,
        "Fast charging",
    ),
    (
        "Electronics > Accessories > Headphones",
        "Wireless Earbuds",
        "EARB-001",
        "129.99",
        5,
        false,
        "Noise cancelling",
    ),
    (
        "Clothing > Men's Clothing > Shoes",
        "Men's Running Shoes",
        "MRUN-001",
        "89.99",
        60,
        false,
        "Lightweight trainers",
    ),
    (
        "Clothing > Men's Clothing",
        "Cotton T-Shirt",
        "TSHIRT-001",
        "14.99",
        120,
        false,
        "100% cotton",
    ),
    (
        "Clothing > Women's Clothing > Dresses",
        "Summer Dress",
        "DRESS-001",
        "49.99",
        30,
        true,
        "Floral print",
    ),
    (
        "Clothing > Kids' Clothing",
        "Kids' Rain Jacket",
        "KJACK-001",
        "34.99",
        3,
        false,
        "Waterproof",
    ),
    (
        "Home & Garden > Kitchen > Cookware",
        "Non-stick Frying Pan",
        "PAN-001",
        "39.99",
        45,
        false,
        "28 cm",
    ),
    (
        "Home & Garden > Furniture",
        "Oak Coffee Table",
        "TABLE-001",
        "249.00",
        6,
        false,
        "Solid oak",
    ),
    (
        "Home & Garden > Garden Tools",
        "Garden Rake",
        "RAKE-001",
        "24.99",
        35,
        false,
        "Steel head",
    ),
];

/// (email, first name, last name, phone)
const CUSTOMERS: &[(&str, &str, &str, &str)] = &[
    ("john.doe@example.com", "John", "Doe", "+254700000001"),
    ("jane.smith@example.com", "Jane", "Smith", "+254700000002"),
    ("bob.wilson@example.com", "Bob", "Wilson", "+254700000003"),
];

#[derive(Debug)]
pub struct SeedReport {
    pub products_created: u64,
    pub products_updated: u64,
    pub customers_created: usize,
    pub admin: AdminSeeded,
}

/// Loads the demo data; every step finds what an earlier run made and leaves or refreshes it.
pub fn seed(
    adapters: &Adapters,
    token_lifetime: orderflow_domain::identity::TokenLifetime,
    admin_password: AdminPassword,
) -> Result<SeedReport, String> {
    let products_created;
    let products_updated;
    let mut customers_created = 0;

    let rows = PRODUCTS
        .iter()
        .map(
            |(path, name, sku, price, stock, featured, description)| ImportRow {
                name: Some((*name).into()),
                description: Some((*description).into()),
                price: Some((*price).into()),
                category_path: Some((*path).into()),
                stock_quantity: Some(stock.to_string()),
                sku: Some((*sku).into()),
                status: Some("active".into()),
                is_featured: Some(featured.to_string()),
            },
        )
        .collect();
    match adapters
        .import_products()
        .execute(rows)
        .map_err(|e| e.to_string())?
    {
        ImportOutcome::Imported { created, updated } => {
            products_created = created;
            products_updated = updated;
        }
        ImportOutcome::Rejected(rows) => {
            let reasons: Vec<String> = rows
                .iter()
                .map(|(row, errors)| format!("row {row}: {}", wording::field_errors(errors)))
                .collect();
            return Err(format!(
                "the demo catalogue clashes with existing data: {}",
                reasons.join("; ")
            ));
        }
    }

    let register = adapters.register_customer(token_lifetime);
    for (email, first_name, last_name, phone) in CUSTOMERS {
        let input = RegisterCustomerInput {
            email: Some((*email).into()),
            password: Some(CUSTOMER_PASSWORD.into()),
            password_confirm: Some(CUSTOMER_PASSWORD.into()),
            first_name: Some((*first_name).into()),
            last_name: Some((*last_name).into()),
            phone_number: Some((*phone).into()),
            city: Some("Nairobi".into()),
            ..RegisterCustomerInput::default()
        };
        match register.execute(input) {
            Ok(_) => customers_created += 1,
            Err(RegisterCustomerError::DuplicateEmail) => {}
            Err(RegisterCustomerError::Invalid(errors)) => {
                return Err(format!(
                    "cannot create {email}: {}",
                    wording::field_errors(&errors)
                ))
            }
            Err(error) => return Err(format!("cannot create {email}: {error}")),
        }
    }

    Ok(SeedReport {
        products_created,
        products_updated,
        customers_created,
        admin: seed_admin(adapters, admin_password)?,
    })
}

fn seed_admin(adapters: &Adapters, password: AdminPassword) -> Result<AdminSeeded, String> {
    let (password, chosen) = match password {
        AdminPassword::Chosen(password) => (password, true),
        AdminPassword::Random => (random_password(adapters.token_generator.as_ref()), false),
    };
    let admin = CreateAdminInput {
        email: Some(ADMIN_EMAIL.into()),
        first_name: Some("OrderFlow".into()),
        last_name: Some("Admin".into()),
        password: Some(password.expose_secret().to_owned()),
        role: Some("super_admin".into()),
    };
    // Refusing an existing account (before any hashing) is how an earlier run's admin is found.
    match adapters
        .create_admin()
        .execute(admin, OnExistingAccount::Refuse)
    {
        Ok(_) => Ok(AdminSeeded::Created(password)),
        Err(CreateAdminError::DuplicateEmail) if chosen => {
            adapters
                .set_password()
                .execute(ADMIN_EMAIL, password.expose_secret())
                .map_err(|error| match error {
                    SetPasswordError::Invalid(errors) => format!(
                        "cannot set the admin's password: {}",
                        wording::field_errors(&errors)
                    ),
                    other => format!("cannot set the admin's password: {other}"),
                })?;
            Ok(AdminSeeded::PasswordSet(password))
        }
        Err(CreateAdminError::DuplicateEmail) => Ok(AdminSeeded::Unchanged),
        Err(CreateAdminError::Invalid(errors)) => Err(format!(
            "cannot create the admin: {}",
            wording::field_errors(&errors)
        )),
        Err(error) => Err(format!("cannot create the admin: {error}")),
    }
}

/// A password for a new super admin: the first characters of a fresh API key. A draw the password rules refuse
/// (all digits, about one in 80,000) is drawn again.
fn random_password(generator: &dyn TokenGenerator) -> SecretString {
    loop {
        let key = generator.generate().key;
        let candidate = key.get(..GENERATED_PASSWORD_LENGTH).unwrap_or(&key);
        if PasswordPolicy::default().check(candidate, None).is_ok() {
            return candidate.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use orderflow_application::ports::{GeneratedToken, TokenHash};
    use orderflow_credentials::RandomTokenGenerator;

    use super::*;

    #[test]
    fn a_generated_password_is_long_random_and_within_the_rules() {
        let drawn: HashSet<String> = (0..100)
            .map(|_| {
                random_password(&RandomTokenGenerator)
                    .expose_secret()
                    .to_owned()
            })
            .collect();
        assert_eq!(drawn.len(), 100);
        for password in &drawn {
            assert_eq!(password.len(), GENERATED_PASSWORD_LENGTH);
            assert_eq!(PasswordPolicy::default().check(password, None), Ok(()));
        }
    }

    /// Hands out the given keys in order.
    struct Keys(Mutex<Vec<&'static str>>);

    impl TokenGenerator for Keys {
        fn generate(&self) -> GeneratedToken {
            let key = self.0.lock().unwrap().remove(0).to_owned();
            GeneratedToken {
                hash: TokenHash(key.clone().into_bytes()),
                key,
            }
        }

        fn hash(&self, key: &str) -> TokenHash {
            TokenHash(key.as_bytes().to_vec())
        }
    }

    #[test]
    fn a_draw_the_rules_refuse_is_drawn_again() {
        let keys = Keys(Mutex::new(vec![
            "123456789012345678901234567890",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        ]));
        assert_eq!(
            random_password(&keys).expose_secret(),
            "0a1b2c3d4e5f60718293a4b5"
        );
    }
}
