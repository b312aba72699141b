//! Queueing inside the transaction of the change being reported.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_application::ports::Outbox;
use orderflow_domain::notifications::NewNotification;

use super::rows::NewNotificationRow;
use crate::error::storage_error;
use crate::schema::notifications;
use crate::sql::prepared;
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

impl Outbox for PgTransaction<'_> {
    fn enqueue(
        &mut self,
        queued: &[NewNotification],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        if queued.is_empty() {
            return Ok(());
        }
        let rows: Vec<_> = queued
            .iter()
            .map(|notification| NewNotificationRow::new(notification, at))
            .collect();
        prepared(
            diesel::insert_into(notifications::table)
                .values(rows)
                .returning(notifications::id),
        )
        .load::<uuid::Uuid>(self.connection)
        .map_err(storage_error)?;
        Ok(())
    }
}
