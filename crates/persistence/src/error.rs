//! The one place where diesel and pool errors become the application's `RepositoryError`.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::RepositoryError;
use orderflow_application::ports::Cause;

/// Translates a diesel error. Lost connections and statements cancelled by `statement_timeout` mean the
/// database is unavailable or overloaded (503, retry); anything else is a failure (500). Details go to the log,
/// never to the client.
pub fn storage_error(error: DieselError) -> RepositoryError {
    match &error {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => RepositoryError::Unavailable(Cause::new(error)),
        DieselError::DatabaseError(_, info) if is_timeout(info.message()) => {
            RepositoryError::Unavailable(Cause::new(error))
        }
        _ => RepositoryError::Failed(Cause::new(error)),
    }
}

/// Postgres's words for a statement it cancelled on a timeout (SQLSTATE 57014, which diesel does not expose) or
/// a session it ended for idling in a transaction.
fn is_timeout(message: &str) -> bool {
    message.starts_with("canceling statement due to statement timeout")
        || message.starts_with("terminating connection due to idle-in-transaction timeout")
}

/// A connection could not be taken from the pool: the database is down or overloaded.
pub fn pool_error(error: r2d2::Error) -> RepositoryError {
    RepositoryError::Unavailable(Cause::new(error))
}

/// The name of the constraint a unique violation broke, if that is what `error` is.
pub fn violated_unique_constraint(error: &DieselError) -> Option<&str> {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            info.constraint_name()
        }
        _ => None,
    }
}

/// A value read from the database that the domain refuses: the row was written by something else than OrderFlow.
pub fn corrupt_row(what: &str, error: impl std::fmt::Display) -> RepositoryError {
    RepositoryError::Failed(format!("stored {what} is invalid: {error}").into())
}
