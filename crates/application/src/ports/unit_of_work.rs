//! Atomic work across repositories: one database transaction, opened by the adapter, driven by a use case.
//!
//! A use case that must read, decide and write without anyone changing the data in between (moving a category,
//! placing an order) runs its steps inside [`transaction`]; the stores it reaches through [`Transaction`] all
//! work in that one transaction, which commits when the steps succeed and rolls back when one fails.

use super::{CategoryStore, CustomerStore, OrderStore, Outbox, ProductStore, RepositoryError};

/// Opens transactions. (Tests use a fake that hands mocked stores to the work.)
pub trait UnitOfWork: Send + Sync {
    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back when it returns `Rollback`.
    /// `Err` only when the transaction itself failed (begin, commit, connection).
    fn run<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError>;

    /// Runs `work` with every statement committed on its own, with no transaction around them: two round trips
    /// fewer, and no lock held from one statement to the next. Only for work whose writes are one statement,
    /// atomic by itself: the reads before it see committed data, and there is nothing to roll back (`Rollback`
    /// just ends the work). `Err` only when the connection failed.
    fn run_single_write<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError>;
}

/// Asks the unit of work to roll the transaction back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollback;

/// The stores, bound to one open transaction.
pub trait Transaction {
    fn categories(&mut self) -> &mut dyn CategoryStore;
    fn products(&mut self) -> &mut dyn ProductStore;
    fn orders(&mut self) -> &mut dyn OrderStore;
    fn customers(&mut self) -> &mut dyn CustomerStore;
    /// Messages to send once (and only if) the transaction commits.
    fn outbox(&mut self) -> &mut dyn Outbox;
}

/// Runs `work` in a transaction of `unit` and returns what it returned; any `Err` rolls everything back.
pub fn transaction<R, E>(
    unit: &dyn UnitOfWork,
    work: impl FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    E: From<RepositoryError>,
{
    drive(|run| unit.run(run), work)
}

/// Runs `work` through [`UnitOfWork::run_single_write`] and returns what it returned.
pub fn single_write<R, E>(
    unit: &dyn UnitOfWork,
    work: impl FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    E: From<RepositoryError>,
{
    drive(|run| unit.run_single_write(run), work)
}

type Work<'a> = dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a;

/// Hands `work` to `run` and brings back what it returned, asking for a rollback when that is an `Err`.
fn drive<R, E>(
    run: impl FnOnce(&mut Work<'_>) -> Result<(), RepositoryError>,
    mut work: impl FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    E: From<RepositoryError>,
{
    let mut outcome: Option<Result<R, E>> = None;
    run(&mut |tx| {
        let result = work(tx);
        let rollback = result.is_err();
        outcome = Some(result);
        if rollback {
            Err(Rollback)
        } else {
            Ok(())
        }
    })?;
    outcome.unwrap_or_else(|| {
        Err(RepositoryError::Failed("the transaction ran no work".into()).into())
    })
}
