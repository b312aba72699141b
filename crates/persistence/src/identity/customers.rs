use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use orderflow_application::listing::{Page, PageRequest, SortDirection};
use orderflow_application::ports::{
    CustomerQuery, CustomerRepository, CustomerSort, InsertCustomerError, StoredCredentials,
    TokenGrant, TokenRevocation,
};
use orderflow_domain::identity::{Customer, CustomerId, EmailAddress, NewCustomer, Role};

use super::rows::{CustomerRow, NewCustomerRow, ProfileChangeset};
use super::tokens::{insert_token, revoke_tokens};
use crate::error::{storage_error, violated_unique_constraint};
use crate::listing::read_listing;
use crate::pool::{connection, DbPool};
use crate::schema::customers;
use crate::sql::matches_every_term;
use crate::RepositoryError;

const EMAIL_UNIQUE: &str = "customers_email_key_key";

pub struct PgCustomerRepository {
    pool: DbPool,
}

impl PgCustomerRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

type BoxedCustomers<'a> = customers::BoxedQuery<'a, Pg>;

/// The filters and search of a listing, shared by its page query and its count query.
fn filtered(query: &CustomerQuery) -> BoxedCustomers<'_> {
    let mut statement = customers::table.into_boxed();
    if let Some(active) = query.is_active {
        statement = statement.filter(customers::is_active.eq(active));
    }
    if let Some(role) = query.role {
        statement = statement.filter(customers::role.eq(role.as_str()));
    }
    if let Some(id) = query.only_id {
        statement = statement.filter(customers::id.eq(id.0));
    }
    if !query.search_terms.is_empty() {
        statement = statement.filter(matches_every_term(
            &[
                "customers.email",
                "customers.first_name",
                "customers.last_name",
            ],
            &query.search_terms,
        ));
    }
    statement
}

fn ordered<'a>(
    mut statement: BoxedCustomers<'a>,
    ordering: &[(CustomerSort, SortDirection)],
) -> BoxedCustomers<'a> {
    use SortDirection::{Ascending, Descending};
    for (field, direction) in ordering {
        statement = match (field, direction) {
            (CustomerSort::Id, Ascending) => statement.then_order_by(customers::id.asc()),
            (CustomerSort::Id, Descending) => statement.then_order_by(customers::id.desc()),
            (CustomerSort::Email, Ascending) => statement.then_order_by(customers::email_key.asc()),
            (CustomerSort::Email, Descending) => {
                statement.then_order_by(customers::email_key.desc())
            }
            (CustomerSort::FirstName, Ascending) => {
                statement.then_order_by(customers::first_name.asc())
            }
            (CustomerSort::FirstName, Descending) => {
                statement.then_order_by(customers::first_name.desc())
            }
            (CustomerSort::LastName, Ascending) => {
                statement.then_order_by(customers::last_name.asc())
            }
            (CustomerSort::LastName, Descending) => {
                statement.then_order_by(customers::last_name.desc())
            }
            (CustomerSort::CreatedAt, Ascending) => {
                statement.then_order_by(customers::created_at.asc())
            }
            (CustomerSort::CreatedAt, Descending) => {
                statement.then_order_by(customers::created_at.desc())
            }
        };
    }
    // A stable tie-breaker, so that pages never overlap or skip rows.
    statement.then_order_by(customers::id.asc())
}

fn to_customers(rows: Vec<CustomerRow>) -> Result<Vec<Customer>, RepositoryError> {
    rows.into_iter().map(Customer::try_from).collect()
}

impl PgCustomerRepository {
    fn credentials_where(
        &self,
        filter: impl FnOnce(BoxedCustomers<'static>) -> BoxedCustomers<'static>,
    ) -> Result<Option<StoredCredentials>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let found = filter(customers::table.into_boxed())
            .select((CustomerRow::as_select(), customers::password_hash))
            .first::<(CustomerRow, Option<String>)>(&mut connection)
            .optional()
            .map_err(storage_error)?;
        found
            .map(|(row, password_hash)| {
                Ok(StoredCredentials {
                    customer: row.try_into()?,
                    password_hash,
                })
            })
            .transpose()
    }
}

impl PgCustomerRepository {
    /// Runs `update` on the account and revokes the named tokens, in one transaction.
    fn update_and_revoke(
        &self,
        id: CustomerId,
        revoke: &TokenRevocation,
        at: DateTime<Utc>,
        update: impl FnOnce(&mut PgConnection) -> QueryResult<usize>,
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        connection
            .transaction(|connection| {
                update(connection)?;
                revoke_tokens(connection, id, revoke, at)
            })
            .map_err(storage_error)
    }
}

impl CustomerRepository for PgCustomerRepository {
    fn insert(
        &self,
        customer: &NewCustomer,
        first_token: Option<TokenGrant>,
    ) -> Result<Customer, InsertCustomerError> {
        let mut connection = connection(&self.pool)?;
        insert_customer(
            &mut connection,
            customer,
            Utc::now(),
            |connection, id| match &first_token {
                Some(grant) => insert_token(connection, id, grant),
                None => Ok(()),
            },
        )
    }

    fn find_by_id(&self, id: CustomerId) -> Result<Option<Customer>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        find_row(&mut connection, id)
            .optional()
            .map_err(storage_error)?
            .map(Customer::try_from)
            .transpose()
    }

    fn find_credentials_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<StoredCredentials>, RepositoryError> {
        let normalized = email.normalized();
        self.credentials_where(|query| query.filter(customers::email_key.eq(normalized)))
    }

    fn find_credentials_by_id(
        &self,
        id: CustomerId,
    ) -> Result<Option<StoredCredentials>, RepositoryError> {
        self.credentials_where(|query| query.filter(customers::id.eq(id.0)))
    }

    fn save_profile(
        &self,
        customer: &Customer,
        at: DateTime<Utc>,
    ) -> Result<Customer, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::update(customers::table.find(customer.id.0))
            .set(ProfileChangeset::new(customer, at))
            .returning(CustomerRow::as_returning())
            .get_result::<CustomerRow>(&mut connection)
            .map_err(storage_error)?
            .try_into()
    }

    fn set_password(
        &self,
        id: CustomerId,
        password_hash: &str,
        revoke: TokenRevocation,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        self.update_and_revoke(id, &revoke, at, |connection| {
            diesel::update(customers::table.find(id.0))
                .set((
                    customers::password_hash.eq(password_hash),
                    customers::updated_at.eq(at),
                ))
                .execute(connection)
        })
    }

    fn set_active(
        &self,
        id: CustomerId,
        active: bool,
        revoke: TokenRevocation,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        self.update_and_revoke(id, &revoke, at, |connection| {
            diesel::update(customers::table.find(id.0))
                .set((
                    customers::is_active.eq(active),
                    customers::updated_at.eq(at),
                ))
                .execute(connection)
        })
    }

    fn set_verified(&self, id: CustomerId, at: DateTime<Utc>) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::update(customers::table.find(id.0))
            .set((
                customers::is_verified.eq(true),
                customers::updated_at.eq(at),
            ))
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn set_role_and_password(
        &self,
        id: CustomerId,
        role: Role,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Customer, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::update(customers::table.find(id.0))
            .set((
                customers::role.eq(role.as_str()),
                customers::password_hash.eq(password_hash),
                customers::is_active.eq(true),
                customers::updated_at.eq(at),
            ))
            .returning(CustomerRow::as_returning())
            .get_result::<CustomerRow>(&mut connection)
            .map_err(storage_error)?
            .try_into()
    }

    fn list(
        &self,
        query: &CustomerQuery,
        page: PageRequest,
    ) -> Result<Page<Customer>, RepositoryError> {
        let page_query = ordered(filtered(query), &query.ordering)
            .select(CustomerRow::as_select())
            .offset(i64::try_from(page.offset()).unwrap_or(i64::MAX))
            .limit(i64::try_from(page.limit()).unwrap_or(i64::MAX));
        let (total, rows) = read_listing(&self.pool, |connection| {
            let total = filtered(query).count().get_result::<i64>(connection)?;
            Ok((total, page_query.load::<CustomerRow>(connection)?))
        })?;
        Ok(Page {
            items: to_customers(rows)?,
            total: u64::try_from(total).unwrap_or_default(),
            request: page,
        })
    }

    fn list_active_with_role_at_least(&self, role: Role) -> Result<Vec<Customer>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        to_customers(rows_with_role_at_least(&mut connection, role).map_err(storage_error)?)
    }
}

pub(super) fn find_row(connection: &mut PgConnection, id: CustomerId) -> QueryResult<CustomerRow> {
    customers::table
        .find(id.0)
        .select(CustomerRow::as_select())
        .first::<CustomerRow>(connection)
}

/// Active accounts holding `role` or a higher one, by id.
pub(super) fn rows_with_role_at_least(
    connection: &mut PgConnection,
    role: Role,
) -> QueryResult<Vec<CustomerRow>> {
    let roles: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|candidate| candidate.satisfies(role))
        .map(Role::as_str)
        .collect();
    customers::table
        .filter(customers::is_active.eq(true))
        .filter(customers::role.eq_any(roles))
        .order(customers::id.asc())
        .select(CustomerRow::as_select())
        .load::<CustomerRow>(connection)
}

/// Inserts an account and, in the same transaction, what `then` adds for it (a first token, a provider identity).
/// Another account with the email, in any letter case, is `DuplicateEmail`.
pub(super) fn insert_customer(
    connection: &mut PgConnection,
    customer: &NewCustomer,
    at: DateTime<Utc>,
    then: impl FnOnce(&mut PgConnection, CustomerId) -> QueryResult<()>,
) -> Result<Customer, InsertCustomerError> {
    let inserted = connection.transaction(|connection| {
        let row = diesel::insert_into(customers::table)
            .values(NewCustomerRow::new(customer, at))
            .returning(CustomerRow::as_returning())
            .get_result::<CustomerRow>(connection)?;
        then(connection, CustomerId(row.id))?;
        Ok(row)
    });
    match inserted {
        Ok(row) => Ok(row.try_into()?),
        Err(error) if violated_unique_constraint(&error) == Some(EMAIL_UNIQUE) => {
            Err(InsertCustomerError::DuplicateEmail)
        }
        Err(error) => Err(storage_error(error).into()),
    }
}
