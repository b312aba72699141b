//! Reading notifications for the API.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use orderflow_application::listing::{Page, PageRequest, SortDirection};
use orderflow_application::ports::{
    ChannelTotals, NotificationFilter, NotificationQueries, NotificationSort, NotificationStats,
    NotificationView,
};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{Channel, NotificationId};

use super::rows::NotificationRow;
use crate::error::storage_error;
use crate::listing::read_listing;
use crate::pool::{connection, DbPool};
use crate::schema::{notifications, orders};
use crate::sql::matches_every_term;
use crate::RepositoryError;

pub struct PgNotificationQueries {
    pool: DbPool,
}

impl PgNotificationQueries {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

type Boxed<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::LeftJoin<notifications::table, orders::table>, Pg>;

fn filtered(filter: &NotificationFilter) -> Boxed<'_> {
    let mut query = notifications::table.left_join(orders::table).into_boxed();
    if let Some(recipient) = filter.recipient {
        query = query.filter(notifications::recipient_id.eq(recipient.0));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(notifications::channel.eq(channel.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(notifications::status.eq(status.as_str()));
    }
    if let Some(order) = filter.order {
        query = query.filter(notifications::order_id.eq(order.0));
    }
    if !filter.search_terms.is_empty() {
        query = query.filter(matches_every_term(
            &["notifications.subject", "notifications.body"],
            &filter.search_terms,
        ));
    }
    query
}

type Listed = (NotificationRow, Option<String>);

fn views(rows: Vec<Listed>) -> Result<Vec<NotificationView>, RepositoryError> {
    rows.into_iter()
        .map(|(row, number)| row.into_view(number))
        .collect()
}

impl NotificationQueries for PgNotificationQueries {
    fn notifications(
        &self,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<NotificationView>, RepositoryError> {
        let mut query = filtered(filter);
        use SortDirection::{Ascending, Descending};
        let default = [(NotificationSort::CreatedAt, Descending)];
        let ordering = if filter.ordering.is_empty() {
            &default[..]
        } else {
            &filter.ordering[..]
        };
        for (field, direction) in ordering {
            query = match (field, direction) {
                (NotificationSort::CreatedAt, Ascending) => {
                    query.then_order_by(notifications::created_at.asc())
                }
                (NotificationSort::CreatedAt, Descending) => {
                    query.then_order_by(notifications::created_at.desc())
                }
                (NotificationSort::SentAt, Ascending) => {
                    query.then_order_by(notifications::sent_at.asc().nulls_last())
                }
                (NotificationSort::SentAt, Descending) => {
                    query.then_order_by(notifications::sent_at.desc().nulls_last())
                }
                (NotificationSort::Status, Ascending) => {
                    query.then_order_by(notifications::status.asc())
                }
                (NotificationSort::Status, Descending) => {
                    query.then_order_by(notifications::status.desc())
                }
            };
        }
        let page_query = query
            .then_order_by(notifications::id.asc())
            .offset(i64::try_from(page.offset()).unwrap_or(i64::MAX))
            .limit(i64::try_from(page.limit()).unwrap_or(i64::MAX))
            .select((
                NotificationRow::as_select(),
                orders::order_number.nullable(),
            ));
        let (total, rows) = read_listing(&self.pool, |connection| {
            let total: i64 = filtered(filter).count().get_result(connection)?;
            Ok((total, page_query.load::<Listed>(connection)?))
        })?;
        Ok(Page {
            items: views(rows)?,
            total: u64::try_from(total).unwrap_or_default(),
            request: page,
        })
    }

    fn notification(
        &self,
        id: NotificationId,
    ) -> Result<Option<NotificationView>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let rows = notifications::table
            .left_join(orders::table)
            .filter(notifications::id.eq(id.0))
            .select((
                NotificationRow::as_select(),
                orders::order_number.nullable(),
            ))
            .load::<Listed>(&mut connection)
            .map_err(storage_error)?;
        Ok(views(rows)?.into_iter().next())
    }

    fn stats(&self, recipient: Option<CustomerId>) -> Result<NotificationStats, RepositoryError> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = BigInt)]
            total: i64,
            #[diesel(sql_type = BigInt)]
            sms: i64,
            #[diesel(sql_type = BigInt)]
            email: i64,
            #[diesel(sql_type = BigInt)]
            pending: i64,
            #[diesel(sql_type = BigInt)]
            sent: i64,
            #[diesel(sql_type = BigInt)]
            failed: i64,
            #[diesel(sql_type = BigInt)]
            suppressed: i64,
        }
        let mut connection = connection(&self.pool)?;
        let row: Row = diesel::sql_query(
            "SELECT count(*) AS total, \
                    count(*) FILTER (WHERE channel = 'sms') AS sms, \
                    count(*) FILTER (WHERE channel = 'email') AS email, \
                    count(*) FILTER (WHERE status = 'pending') AS pending, \
                    count(*) FILTER (WHERE status = 'sent') AS sent, \
                    count(*) FILTER (WHERE status = 'failed') AS failed, \
                    count(*) FILTER (WHERE status = 'suppressed') AS suppressed \
             FROM notifications WHERE $1::bigint IS NULL OR recipient_id = $1",
        )
        .bind::<Nullable<BigInt>, _>(recipient.map(|r| r.0))
        .get_result(&mut connection)
        .map_err(storage_error)?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(NotificationStats {
            total: count(row.total),
            sms: count(row.sms),
            email: count(row.email),
            pending: count(row.pending),
            sent: count(row.sent),
            failed: count(row.failed),
            suppressed: count(row.suppressed),
        })
    }

    fn totals_by_channel(&self) -> Result<Vec<ChannelTotals>, RepositoryError> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            channel: String,
            #[diesel(sql_type = BigInt)]
            sent: i64,
            #[diesel(sql_type = BigInt)]
            failed: i64,
        }
        let mut connection = connection(&self.pool)?;
        // One pass over the messages that reached an end; the pending ones are the queue's to count.
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT channel, \
                    count(*) FILTER (WHERE status = 'sent') AS sent, \
                    count(*) FILTER (WHERE status = 'failed') AS failed \
             FROM notifications WHERE status IN ('sent', 'failed') GROUP BY channel",
        )
        .load(&mut connection)
        .map_err(storage_error)?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(Channel::ALL
            .into_iter()
            .map(|channel| {
                let row = rows.iter().find(|row| row.channel == channel.as_str());
                ChannelTotals {
                    channel,
                    sent: row.map_or(0, |row| count(row.sent)),
                    failed: row.map_or(0, |row| count(row.failed)),
                }
            })
            .collect())
    }
}
