//! OpenID Connect: sign-ins in progress, and the links between provider subjects and accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};
use orderflow_application::ports::{
    InsertCustomerError, LinkedIdentity, OidcStore, PendingLogin, PriorAccess, TokenGrant,
    TokenRevocation,
};
use orderflow_domain::identity::{Customer, CustomerId, NewCustomer, NextPath};

use super::customers::insert_customer;
use super::rows::CustomerRow;
use super::tokens::{insert_token, revoke_tokens};
use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::schema::{customers, oidc_identities, oidc_pending_logins};
use crate::RepositoryError;

pub struct PgOidcStore {
    pool: DbPool,
}

impl PgOidcStore {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// The most expired pending logins one write deletes: enough to clear faster than sign-ins are started, few enough
/// that no request waits long for a backlog (a burst of abandoned sign-ins is cleared over the following writes).
const EXPIRED_PURGED_PER_WRITE: i64 = 100;

/// Deletes up to [`EXPIRED_PURGED_PER_WRITE`] pending logins started before `not_before`, oldest first (a range of
/// the `created_at` index). Rows another transaction is deleting are skipped rather than waited for.
fn purge_expired(connection: &mut PgConnection, not_before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM oidc_pending_logins WHERE state IN \
           (SELECT state FROM oidc_pending_logins WHERE created_at < $1 \
            ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
    )
    .bind::<Timestamptz, _>(not_before)
    .bind::<BigInt, _>(EXPIRED_PURGED_PER_WRITE)
    .execute(connection)
}

fn insert_identity(connection: &mut PgConnection, identity: &LinkedIdentity) -> QueryResult<()> {
    diesel::insert_into(oidc_identities::table)
        .values((
            oidc_identities::issuer.eq(&identity.issuer),
            oidc_identities::subject.eq(&identity.subject),
            oidc_identities::customer_id.eq(identity.customer_id.0),
            oidc_identities::linked_at.eq(identity.linked_at),
        ))
        .execute(connection)
        .map(drop)
}

/// Every way into the account: its password, its tokens (revoked at `at`) and its provider identities.
fn withdraw_access(
    connection: &mut PgConnection,
    customer: CustomerId,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(customers::table.find(customer.0))
        .set((
            customers::password_hash.eq(None::<String>),
            customers::updated_at.eq(at),
        ))
        .execute(connection)?;
    revoke_tokens(connection, customer, &TokenRevocation::All, at)?;
    diesel::delete(oidc_identities::table.filter(oidc_identities::customer_id.eq(customer.0)))
        .execute(connection)
        .map(drop)
}

impl OidcStore for PgOidcStore {
    fn save_pending(
        &self,
        login: &PendingLogin,
        not_before: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        purge_expired(&mut connection, not_before).map_err(storage_error)?;
        diesel::insert_into(oidc_pending_logins::table)
            .values((
                oidc_pending_logins::state.eq(&login.state),
                oidc_pending_logins::nonce.eq(&login.nonce),
                oidc_pending_logins::pkce_verifier.eq(&login.pkce_verifier),
                oidc_pending_logins::next_path.eq(login.next.as_ref().map(NextPath::as_str)),
                oidc_pending_logins::created_at.eq(login.created_at),
            ))
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn take_pending(
        &self,
        state: &str,
        not_before: DateTime<Utc>,
    ) -> Result<Option<PendingLogin>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        purge_expired(&mut connection, not_before).map_err(storage_error)?;
        // DELETE ... RETURNING: of two callbacks with one state, only one gets the row (an expired one too, for
        // the purge may not have reached it, but it is not handed out).
        let taken = diesel::delete(oidc_pending_logins::table.find(state))
            .returning((
                oidc_pending_logins::state,
                oidc_pending_logins::nonce,
                oidc_pending_logins::pkce_verifier,
                oidc_pending_logins::next_path,
                oidc_pending_logins::created_at,
            ))
            .get_result::<(String, String, String, Option<String>, DateTime<Utc>)>(&mut connection)
            .optional()
            .map_err(storage_error)?;
        Ok(taken
            .filter(|(.., created_at)| *created_at >= not_before)
            .map(
                |(state, nonce, pkce_verifier, next, created_at)| PendingLogin {
                    state,
                    nonce,
                    pkce_verifier,
                    // Stored only after it was checked; a row that no longer parses just loses its `next`.
                    next: next.and_then(|path| NextPath::parse(&path).ok()),
                    created_at,
                },
            ))
    }

    fn find_linked(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<Customer>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        oidc_identities::table
            .inner_join(customers::table)
            .filter(oidc_identities::issuer.eq(issuer))
            .filter(oidc_identities::subject.eq(subject))
            .select(CustomerRow::as_select())
            .first::<CustomerRow>(&mut connection)
            .optional()
            .map_err(storage_error)?
            .map(Customer::try_from)
            .transpose()
    }

    fn identity_of(&self, customer: CustomerId) -> Result<Option<LinkedIdentity>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let found = oidc_identities::table
            .filter(oidc_identities::customer_id.eq(customer.0))
            .order(oidc_identities::linked_at.desc())
            .select((
                oidc_identities::issuer,
                oidc_identities::subject,
                oidc_identities::linked_at,
            ))
            .first::<(String, String, DateTime<Utc>)>(&mut connection)
            .optional()
            .map_err(storage_error)?;
        Ok(found.map(|(issuer, subject, linked_at)| LinkedIdentity {
            issuer,
            subject,
            customer_id: customer,
            linked_at,
        }))
    }

    fn link(
        &self,
        identity: &LinkedIdentity,
        prior: PriorAccess,
        token: &TokenGrant,
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        connection
            .transaction(|connection| {
                // First: the new identity and token are the ways in that stay.
                if prior == PriorAccess::Withdrawn {
                    withdraw_access(connection, identity.customer_id, identity.linked_at)?;
                }
                insert_identity(connection, identity)?;
                // The provider vouched for the address.
                diesel::update(customers::table.find(identity.customer_id.0))
                    .set(customers::is_verified.eq(true))
                    .execute(connection)?;
                insert_token(connection, identity.customer_id, token)
            })
            .map_err(storage_error)
    }

    fn create_linked(
        &self,
        customer: &NewCustomer,
        issuer: &str,
        subject: &str,
        at: DateTime<Utc>,
        token: &TokenGrant,
    ) -> Result<Customer, InsertCustomerError> {
        let mut connection = connection(&self.pool)?;
        insert_customer(&mut connection, customer, at, |connection, id| {
            insert_identity(
                connection,
                &LinkedIdentity {
                    issuer: issuer.to_owned(),
                    subject: subject.to_owned(),
                    customer_id: id,
                    linked_at: at,
                },
            )?;
            insert_token(connection, id, token)
        })
    }
}
