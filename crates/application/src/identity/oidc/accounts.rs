//! From verified claims to a signed-in account: find by subject, link by verified email, or create.

use std::sync::Arc;

use orderflow_domain::identity::{EmailAddress, NewCustomer, PhoneNumber, Role};
use orderflow_domain::text::limits;

use super::OidcError;
use crate::identity::{Session, TokenIssuer};
use crate::ports::{
    Clock, CustomerRepository, IdentityClaims, LinkedIdentity, OidcStore, PriorAccess,
    TokenRepository,
};

pub struct OidcAccounts {
    store: Arc<dyn OidcStore>,
    customers: Arc<dyn CustomerRepository>,
    tokens: Arc<dyn TokenRepository>,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
}

/// A claim's text, trimmed and cut to `max` characters (a provider's long name is not a reason to refuse).
fn text(claim: &Option<String>, max: usize) -> String {
    claim
        .as_deref()
        .map(|value| value.trim().chars().take(max).collect())
        .unwrap_or_default()
}

impl OidcAccounts {
    pub fn new(
        store: Arc<dyn OidcStore>,
        customers: Arc<dyn CustomerRepository>,
        tokens: Arc<dyn TokenRepository>,
        issuer: TokenIssuer,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            customers,
            tokens,
            issuer,
            clock,
        }
    }

    /// The account of the person the claims describe, with a new API token.
    pub fn sign_in(&self, claims: &IdentityClaims) -> Result<Session, OidcError> {
        let (key, grant) = self.issuer.mint();
        if let Some(customer) = self.store.find_linked(&claims.issuer, &claims.subject)? {
            if !customer.is_active {
                return Err(OidcError::Inactive);
            }
            self.tokens.issue(customer.id, &grant)?;
            return Ok(Session {
                customer,
                token: key,
            });
        }
        let raw_email = claims.email.as_deref().map(str::trim).unwrap_or_default();
        if raw_email.is_empty() {
            return Err(OidcError::BadRequest(
                "The identity provider shared no email address; allow the email scope and sign in again.".into(),
            ));
        }
        let email = EmailAddress::parse(raw_email).map_err(|_| {
            OidcError::BadRequest(format!(
                "The identity provider's email address {raw_email:?} is not valid."
            ))
        })?;
        if let Some(existing) = self.customers.find_credentials_by_email(&email)? {
            let customer = existing.customer;
            if !claims.email_verified {
                return Err(OidcError::EmailTaken);
            }
            if !customer.is_active {
                return Err(OidcError::Inactive);
            }
            // Anyone can register an address they do not own (with a password, or through a provider that does
            // not verify it). Once the provider vouches for the address, only its owner may keep a way in: a
            // never-verified account loses its password, tokens and other provider links (the owner can set a
            // password again with change_password).
            let prior = if customer.is_verified {
                PriorAccess::Kept
            } else {
                PriorAccess::Withdrawn
            };
            self.store.link(
                &LinkedIdentity {
                    issuer: claims.issuer.clone(),
                    subject: claims.subject.clone(),
                    customer_id: customer.id,
                    linked_at: self.clock.now(),
                },
                prior,
                &grant,
            )?;
            let customer = self.customers.find_by_id(customer.id)?.unwrap_or(customer);
            return Ok(Session {
                customer,
                token: key,
            });
        }
        let new = NewCustomer {
            email,
            password_hash: None,
            first_name: text(&claims.given_name, limits::PERSON_NAME),
            last_name: text(&claims.family_name, limits::PERSON_NAME),
            phone_number: claims
                .phone_number
                .as_deref()
                .and_then(|phone| PhoneNumber::parse(phone).ok()),
            address: String::new(),
            city: String::new(),
            state: String::new(),
            country: orderflow_domain::identity::DEFAULT_COUNTRY.into(),
            postal_code: String::new(),
            role: Role::Customer,
            is_verified: claims.email_verified,
        };
        let customer = self.store.create_linked(
            &new,
            &claims.issuer,
            &claims.subject,
            self.clock.now(),
            &grant,
        )?;
        Ok(Session {
            customer,
            token: key,
        })
    }

    pub fn identity_of(
        &self,
        customer: orderflow_domain::identity::CustomerId,
    ) -> Result<Option<LinkedIdentity>, OidcError> {
        Ok(self.store.identity_of(customer)?)
    }
}
