//! The bounds the API checks on its input, written into the document so that clients and generated code know
//! them before they send: every text field's maximum length (the domain's `text::limits`), stock's range.

use orderflow_domain::catalogue::{Sku, StockQuantity};
use orderflow_domain::text::limits;
use orderflow_domain::webhooks::{DESCRIPTION_MAX, URL_MAX};
use serde_json::{json, Value};

/// (request schema, property, longest value in characters).
const MAX_LENGTHS: &[(&str, &str, usize)] = &[
    ("RegisterRequest", "email", limits::EMAIL),
    ("RegisterRequest", "password", limits::PASSWORD),
    ("RegisterRequest", "password_confirm", limits::PASSWORD),
    ("RegisterRequest", "first_name", limits::PERSON_NAME),
    ("RegisterRequest", "last_name", limits::PERSON_NAME),
    ("RegisterRequest", "address", limits::ADDRESS),
    ("RegisterRequest", "city", limits::CITY),
    ("RegisterRequest", "state", limits::STATE),
    ("RegisterRequest", "country", limits::COUNTRY),
    ("RegisterRequest", "postal_code", limits::POSTAL_CODE),
    ("ProfileUpdateRequest", "first_name", limits::PERSON_NAME),
    ("ProfileUpdateRequest", "last_name", limits::PERSON_NAME),
    ("ProfileUpdateRequest", "address", limits::ADDRESS),
    ("ProfileUpdateRequest", "city", limits::CITY),
    ("ProfileUpdateRequest", "state", limits::STATE),
    ("ProfileUpdateRequest", "country", limits::COUNTRY),
    ("ProfileUpdateRequest", "postal_code", limits::POSTAL_CODE),
    ("LogInRequest", "email", limits::EMAIL),
    ("LogInRequest", "password", limits::PASSWORD),
    ("ObtainTokenRequest", "email", limits::EMAIL),
    ("ObtainTokenRequest", "username", limits::EMAIL),
    ("ObtainTokenRequest", "password", limits::PASSWORD),
    ("ChangePasswordRequest", "old_password", limits::PASSWORD),
    ("ChangePasswordRequest", "new_password", limits::PASSWORD),
    ("CreateAdminRequest", "email", limits::EMAIL),
    ("CreateAdminRequest", "first_name", limits::PERSON_NAME),
    ("CreateAdminRequest", "last_name", limits::PERSON_NAME),
    ("CreateAdminRequest", "password", limits::PASSWORD),
    ("CategoryRequest", "name", limits::CATEGORY_NAME),
    (
        "CategoryRequest",
        "description",
        limits::CATEGORY_DESCRIPTION,
    ),
    ("ProductRequest", "name", limits::PRODUCT_NAME),
    ("ProductRequest", "description", limits::PRODUCT_DESCRIPTION),
    ("ProductRequest", "sku", Sku::MAX_LENGTH),
    (
        "PlaceOrderRequest",
        "shipping_address",
        limits::ORDER_ADDRESS,
    ),
    (
        "PlaceOrderRequest",
        "billing_address",
        limits::ORDER_ADDRESS,
    ),
    ("PlaceOrderRequest", "notes", limits::ORDER_NOTES),
    (
        "PlaceOrderRequest",
        "payment_method",
        limits::PAYMENT_METHOD,
    ),
    ("DetailsRequest", "shipping_address", limits::ORDER_ADDRESS),
    ("DetailsRequest", "billing_address", limits::ORDER_ADDRESS),
    ("DetailsRequest", "notes", limits::ORDER_NOTES),
    ("StatusRequest", "notes", limits::STATUS_NOTE),
    ("PaymentRequest", "payment_method", limits::PAYMENT_METHOD),
    (
        "PaymentRequest",
        "payment_reference",
        limits::PAYMENT_REFERENCE,
    ),
    ("SystemAlertRequest", "message", limits::ALERT_MESSAGE),
    ("SystemAlertRequest", "alert_type", limits::ALERT_TYPE),
    ("WebhookRequest", "url", URL_MAX),
    ("WebhookRequest", "description", DESCRIPTION_MAX),
    ("WebhookUpdateRequest", "url", URL_MAX),
    ("WebhookUpdateRequest", "description", DESCRIPTION_MAX),
];

/// The text fields of the `products/upload/` form, bounded as `ProductRequest`'s.
const UPLOAD_FORM: &[(&str, usize)] = &[
    ("name", limits::PRODUCT_NAME),
    ("description", limits::PRODUCT_DESCRIPTION),
    ("sku", Sku::MAX_LENGTH),
];

pub fn document_input_bounds(document: &mut Value) {
    for (schema, property, max) in MAX_LENGTHS {
        if let Some(property) = document["definitions"][schema]["properties"].get_mut(*property) {
            property["maxLength"] = json!(max);
        }
    }
    if let Some(stock) =
        document["definitions"]["ProductRequest"]["properties"].get_mut("stock_quantity")
    {
        stock["minimum"] = json!(0);
        stock["maximum"] = json!(StockQuantity::MAX.units());
    }
    let upload = document["paths"]["/api/v1/products/upload/"]["post"]["parameters"].as_array_mut();
    for parameter in upload.into_iter().flatten() {
        let max = UPLOAD_FORM
            .iter()
            .find(|(name, _)| parameter["name"] == *name)
            .map(|(_, max)| *max);
        if let Some(max) = max {
            parameter["maxLength"] = json!(max);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_names_a_property_of_the_served_document() {
        let document = crate::openapi_document();
        for (schema, property, max) in MAX_LENGTHS {
            assert_eq!(
                document["definitions"][schema]["properties"][property]["maxLength"],
                json!(max),
                "{schema}.{property}"
            );
        }
        let upload = document["paths"]["/api/v1/products/upload/"]["post"]["parameters"]
            .as_array()
            .unwrap();
        for (name, max) in UPLOAD_FORM {
            let parameter = upload.iter().find(|p| p["name"] == *name).unwrap();
            assert_eq!(parameter["maxLength"], json!(max), "{name}");
        }
        assert_eq!(
            document["definitions"]["ProductRequest"]["properties"]["stock_quantity"]["maximum"],
            2_147_483_647
        );
    }
}
