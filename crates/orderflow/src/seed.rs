//! `orderflow seed`: demo data, safe to run again. The catalogue of the system OrderFlow replaces (Electronics,
//! Clothing, Home & Garden), a few customers, and one super admin whose credentials are printed.

use orderflow_application::admin::{CreateAdminInput, OnExistingAccount};
use orderflow_application::catalogue::{ImportOutcome, ImportRow};
use orderflow_application::identity::{RegisterCustomerError, RegisterCustomerInput};

use crate::wiring::Adapters;

pub const ADMIN_EMAIL: &str = "admin@orderflow.com";
/// The default demo admin password; `orderflow seed --admin-password` chooses another.
pub const DEFAULT_ADMIN_PASSWORD: &str = "OrderFlow-Admin-2026";
pub const CUSTOMER_PASSWORD: &str = "testpass123";

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

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub products_created: u64,
    pub products_updated: u64,
    pub customers_created: usize,
    pub admin_created: bool,
}

/// Loads the demo data; every step finds what an earlier run made and leaves or refreshes it.
pub fn seed(
    adapters: &Adapters,
    token_lifetime: orderflow_domain::identity::TokenLifetime,
    admin_password: &str,
) -> Result<SeedReport, String> {
    let mut report = SeedReport::default();

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
            report.products_created = created;
            report.products_updated = updated;
        }
        ImportOutcome::Rejected(rows) => {
            let reasons: Vec<String> = rows
                .iter()
                .map(|(row, errors)| format!("row {row}: {errors}"))
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
            Ok(_) => report.customers_created += 1,
            Err(RegisterCustomerError::DuplicateEmail) => {}
            Err(error) => return Err(format!("cannot create {email}: {error}")),
        }
    }

    let admin = CreateAdminInput {
        email: Some(ADMIN_EMAIL.into()),
        first_name: Some("OrderFlow".into()),
        last_name: Some("Admin".into()),
        password: Some(admin_password.into()),
        role: Some("super_admin".into()),
    };
    let (_, created) = adapters
        .create_admin()
        .execute(admin, OnExistingAccount::Update)
        .map_err(|e| format!("cannot create the admin: {e}"))?;
    report.admin_created = created;
    Ok(report)
}
