//! The unit of work over Postgres: one diesel transaction, with every store bound to its connection.

use diesel::pg::PgConnection;
use diesel::Connection;
use orderflow_application::ports::{
    CategoryStore, CustomerStore, OrderStore, Outbox, ProductStore, Rollback, Transaction,
    UnitOfWork,
};

use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::RepositoryError;

pub struct PgUnitOfWork {
    pool: DbPool,
}

impl PgUnitOfWork {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// The stores of one open transaction. Each store's methods live with its tables (`catalogue/stores.rs`, ...).
pub struct PgTransaction<'c> {
    pub(crate) connection: &'c mut PgConnection,
    /// No transaction is open: each statement commits as it ends (`run_single_write`).
    pub(crate) autocommit: bool,
}

/// Why diesel should roll back: the work asked to, or a statement failed.
enum Abort {
    Requested,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Abort::Database(error)
    }
}

impl UnitOfWork for PgUnitOfWork {
    fn run<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let outcome = connection.transaction::<(), Abort, _>(|connection| {
            let mut tx = PgTransaction {
                connection,
                autocommit: false,
            };
            work(&mut tx).map_err(|Rollback| Abort::Requested)
        });
        match outcome {
            Ok(()) | Err(Abort::Requested) => Ok(()),
            Err(Abort::Database(error)) => Err(storage_error(error)),
        }
    }

    fn run_single_write<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        // No BEGIN: each statement is a transaction of its own.
        let mut statements = PgTransaction {
            connection: &mut connection,
            autocommit: true,
        };
        // A `Rollback` has nothing to undo: the one write either committed or never happened.
        match work(&mut statements) {
            Ok(()) | Err(Rollback) => Ok(()),
        }
    }
}

impl Transaction for PgTransaction<'_> {
    fn categories(&mut self) -> &mut dyn CategoryStore {
        self
    }

    fn products(&mut self) -> &mut dyn ProductStore {
        self
    }

    fn orders(&mut self) -> &mut dyn OrderStore {
        self
    }

    fn customers(&mut self) -> &mut dyn CustomerStore {
        self
    }

    fn outbox(&mut self) -> &mut dyn Outbox {
        self
    }
}
