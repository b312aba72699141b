use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_application::ports::{
    TokenGrant, TokenHash, TokenOwner, TokenRepository, TokenRevocation,
};
use orderflow_domain::identity::CustomerId;

use super::rows::CustomerRow;
use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::schema::{api_tokens, customers};
use crate::RepositoryError;

pub struct PgTokenRepository {
    pool: DbPool,
}

impl PgTokenRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
struct NewTokenRow<'a> {
    customer_id: i64,
    token_hash: &'a [u8],
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// Tokens that expired or were revoked this long ago are deleted when their owner signs in again.
const KEEP_DEAD_TOKENS_DAYS: i64 = 30;

/// Stores a token (used on its own at login, and inside the registration transaction).
pub(crate) fn insert_token(
    connection: &mut PgConnection,
    customer_id: CustomerId,
    grant: &TokenGrant,
) -> QueryResult<()> {
    let horizon = grant.created_at - chrono::Duration::days(KEEP_DEAD_TOKENS_DAYS);
    diesel::delete(
        api_tokens::table
            .filter(api_tokens::customer_id.eq(customer_id.0))
            .filter(
                api_tokens::expires_at
                    .lt(horizon)
                    .or(api_tokens::revoked_at.lt(horizon)),
            ),
    )
    .execute(connection)?;
    diesel::insert_into(api_tokens::table)
        .values(NewTokenRow {
            customer_id: customer_id.0,
            token_hash: &grant.hash.0,
            created_at: grant.created_at,
            expires_at: grant.expires_at,
        })
        .execute(connection)?;
    Ok(())
}

/// Revokes the live tokens of an account that `revocation` names (inside the caller's transaction).
pub(crate) fn revoke_tokens(
    connection: &mut PgConnection,
    customer_id: CustomerId,
    revocation: &TokenRevocation,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    let live = api_tokens::table
        .filter(api_tokens::customer_id.eq(customer_id.0))
        .filter(api_tokens::revoked_at.is_null());
    match revocation {
        TokenRevocation::None => Ok(()),
        TokenRevocation::All => diesel::update(live)
            .set(api_tokens::revoked_at.eq(at))
            .execute(connection)
            .map(drop),
        TokenRevocation::AllExcept(keep) => {
            diesel::update(live.filter(api_tokens::token_hash.ne(&keep.0)))
                .set(api_tokens::revoked_at.eq(at))
                .execute(connection)
                .map(drop)
        }
    }
}

impl TokenRepository for PgTokenRepository {
    fn issue(&self, customer_id: CustomerId, grant: &TokenGrant) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        insert_token(&mut connection, customer_id, grant).map_err(storage_error)
    }

    fn issue_for_verified_password(
        &self,
        customer_id: CustomerId,
        grant: &TokenGrant,
        verified_hash: &str,
    ) -> Result<bool, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        connection
            .transaction(|connection| {
                // FOR SHARE: a change of the password waits for this token, or this token for the change.
                let current: Option<Option<String>> = customers::table
                    .filter(customers::id.eq(customer_id.0))
                    .filter(customers::is_active.eq(true))
                    .select(customers::password_hash)
                    .for_share()
                    .first(connection)
                    .optional()?;
                if current.flatten().as_deref() != Some(verified_hash) {
                    return Ok(false);
                }
                insert_token(connection, customer_id, grant)?;
                Ok(true)
            })
            .map_err(storage_error)
    }

    fn find_owner(&self, hash: &TokenHash) -> Result<Option<TokenOwner>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let found = api_tokens::table
            .inner_join(customers::table)
            .filter(api_tokens::token_hash.eq(&hash.0))
            .select((
                CustomerRow::as_select(),
                api_tokens::expires_at,
                api_tokens::revoked_at,
            ))
            .first::<(CustomerRow, DateTime<Utc>, Option<DateTime<Utc>>)>(&mut connection)
            .optional()
            .map_err(storage_error)?;
        found
            .map(|(row, expires_at, revoked_at)| {
                Ok(TokenOwner {
                    customer: row.try_into()?,
                    expires_at,
                    revoked_at,
                })
            })
            .transpose()
    }

    fn revoke(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::update(
            api_tokens::table
                .filter(api_tokens::token_hash.eq(&hash.0))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(at))
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }
}
