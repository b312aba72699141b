//! An order's history, and what its owner may see of it.

use chrono::{DateTime, Utc};

use super::{OrderId, OrderStatus};
use crate::identity::{Customer, CustomerId};
use crate::named_values::named_values;
use crate::notifications::Channel;

/// The kinds of lines the service writes to an order's history (`type` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum EventType {
    /// The customer placed the order.
    Placed,
    /// The status moved (cancelling included).
    StatusChanged,
    /// Staff recorded a payment.
    Paid,
    /// The delivery details changed.
    DetailsChanged,
    /// A message about the order went out.
    NotificationSent,
    /// A message about the order could not be sent.
    NotificationFailed,
}

named_values!(EventType, unknown: UnknownEventType, {
    Placed => "placed",
    StatusChanged => "status_changed",
    Paid => "paid",
    DetailsChanged => "details_changed",
    NotificationSent => "notification_sent",
    NotificationFailed => "notification_failed",
});

/// A name that is not one of [`EventType::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown order event type {0:?}")]
pub struct UnknownEventType(pub String);

/// How an order's history names a message about it: `email to alice@x.com: Order Confirmation - #ORD-...`. The
/// line of every delivery event starts with it, whoever writes the event (the worker that sent or failed it, or the
/// queue that gave up on a message whose worker vanished).
///
/// ```
/// use orderflow_domain::notifications::Channel;
/// use orderflow_domain::ordering::delivery_note;
///
/// assert_eq!(
///     delivery_note(Channel::Sms, "+254700000001", "Order shipped"),
///     "sms to +254700000001: Order shipped"
/// );
/// ```
pub fn delivery_note(channel: Channel, address: &str, subject: &str) -> String {
    format!("{channel} to {address}: {subject}")
}

/// The kind of a line of an order's history: one this build writes, or one it does not know, read back as its name.
///
/// A newer version may add a kind while an older one still serves (a rolling deploy): the older one reads the line
/// and shows it to staff by name instead of failing the whole history.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(from = "String", into = "String")
)]
pub enum OrderEventKind {
    /// A kind this build writes.
    Known(EventType),
    /// A kind this build does not know, by its name.
    Unknown(String),
}

impl OrderEventKind {
    /// The kind named `name`: known if it is one of [`EventType::ALL`].
    pub fn from_name(name: &str) -> Self {
        name.parse::<EventType>().map_or_else(
            |_| OrderEventKind::Unknown(name.to_owned()),
            OrderEventKind::Known,
        )
    }

    /// The name stored and shown in the API.
    pub fn as_str(&self) -> &str {
        match self {
            OrderEventKind::Known(kind) => kind.as_str(),
            OrderEventKind::Unknown(name) => name,
        }
    }

    /// The kind, if this build knows it.
    pub fn known(&self) -> Option<EventType> {
        match self {
            OrderEventKind::Known(kind) => Some(*kind),
            OrderEventKind::Unknown(_) => None,
        }
    }
}

impl From<EventType> for OrderEventKind {
    fn from(kind: EventType) -> Self {
        OrderEventKind::Known(kind)
    }
}

impl From<String> for OrderEventKind {
    fn from(name: String) -> Self {
        OrderEventKind::from_name(&name)
    }
}

impl From<OrderEventKind> for String {
    fn from(kind: OrderEventKind) -> Self {
        kind.as_str().to_owned()
    }
}

impl PartialEq<EventType> for OrderEventKind {
    fn eq(&self, other: &EventType) -> bool {
        self.known() == Some(*other)
    }
}

impl std::fmt::Display for OrderEventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The actor recorded for what the service did by itself (deliveries of notifications).
pub const SYSTEM_ACTOR: &str = "system";
/// What the owner's view shows in place of any account but the owner's.
pub const STAFF_ACTOR: &str = "staff";

/// One line of an order's history, as it is written and read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderEvent {
    /// The order it belongs to.
    pub order_id: OrderId,
    /// What kind of line it is (a kind this build does not know is read, and shown to staff, rather than refused).
    pub event_type: OrderEventKind,
    /// The status the line moved the order from, if it moved it.
    pub from_status: Option<OrderStatus>,
    /// The status the line moved the order to, if it moved it.
    pub to_status: Option<OrderStatus>,
    /// Who did it, as recorded: their email at the time, or [`SYSTEM_ACTOR`].
    pub actor: String,
    /// The account that did it. `None` for the service itself, and for a line recorded before accounts were
    /// whose address no account had when it was migrated.
    pub actor_id: Option<CustomerId>,
    /// For a notification's outcome: the account the message was addressed to (`None` if unknown).
    pub recipient_id: Option<CustomerId>,
    /// For a notification's outcome: the channel it went by.
    pub channel: Option<Channel>,
    /// Free text: a staff member's note on a status change, a provider's error on a failed delivery...
    pub note: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

impl OrderEvent {
    /// A line for what `actor` did to the order, with neither statuses nor a note (set them with `..`).
    pub fn by(
        actor: &Customer,
        order_id: OrderId,
        event_type: EventType,
        at: DateTime<Utc>,
    ) -> Self {
        Self::line(
            order_id,
            event_type,
            actor.email.to_string(),
            Some(actor.id),
            at,
        )
    }

    /// A line for the outcome of a message about the order, written by the service itself.
    pub fn delivery(
        order_id: OrderId,
        event_type: EventType,
        channel: Channel,
        recipient_id: Option<CustomerId>,
        note: String,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            recipient_id,
            channel: Some(channel),
            note,
            ..Self::line(order_id, event_type, SYSTEM_ACTOR.into(), None, at)
        }
    }

    fn line(
        order_id: OrderId,
        event_type: EventType,
        actor: String,
        actor_id: Option<CustomerId>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            order_id,
            event_type: event_type.into(),
            from_status: None,
            to_status: None,
            actor,
            actor_id,
            recipient_id: None,
            channel: None,
            note: String::new(),
            created_at: at,
        }
    }

    /// The line as the order's owner (`owner`, a customer) may see it, or `None` when it is not theirs to see.
    /// Staff and above see every line as recorded; this is the customer's view, in the same shape:
    ///
    /// - `placed`, `status_changed` (cancelling included), `paid` and `details_changed` are shown;
    ///   `notification_sent` and `notification_failed` only for a message addressed to the owner's account
    ///   (messages to admins are left out); any other type is left out, so a type added later stays staff-only
    ///   until this rule names it.
    /// - `actor` stays as recorded when the owner did it (their email) and when the service did (`system`);
    ///   any other account, or one the history cannot name, is shown as `staff`.
    /// - `note`: a status change or details change made by anyone but the owner shows an empty note (staff
    ///   notes are internal); `placed` and `paid` keep theirs (lines and total; payment method and reference,
    ///   which the order itself shows the owner); a notification's note becomes its channel and outcome only
    ///   (`sms sent`, `email failed`), without the address, the attempt or the provider's words.
    pub fn as_seen_by_owner(self, owner: CustomerId) -> Option<OrderEvent> {
        let kind = self.event_type.known()?;
        let by_owner = self.actor_id == Some(owner);
        let note = match kind {
            EventType::Placed | EventType::Paid => self.note,
            EventType::StatusChanged | EventType::DetailsChanged if by_owner => self.note,
            EventType::StatusChanged | EventType::DetailsChanged => String::new(),
            EventType::NotificationSent | EventType::NotificationFailed => {
                if self.recipient_id != Some(owner) {
                    return None;
                }
                let outcome = if kind == EventType::NotificationSent {
                    "sent"
                } else {
                    "failed"
                };
                match self.channel {
                    Some(channel) => format!("{channel} {outcome}"),
                    None => format!("message {outcome}"),
                }
            }
        };
        let by_system = self.actor_id.is_none() && self.actor == SYSTEM_ACTOR;
        let actor = if by_owner || by_system {
            self.actor
        } else {
            STAFF_ACTOR.to_owned()
        };
        Some(OrderEvent {
            actor,
            note,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const OWNER: CustomerId = CustomerId(1);
    const STAFF: CustomerId = CustomerId(3);
    const ADMIN: CustomerId = CustomerId(4);
    const ORDER: OrderId = OrderId(uuid::Uuid::from_u128(99));

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 30, 0).unwrap()
    }

    fn event(kind: &str, actor: &str, actor_id: Option<CustomerId>, note: &str) -> OrderEvent {
        OrderEvent {
            event_type: OrderEventKind::from_name(kind),
            note: note.into(),
            ..OrderEvent::line(ORDER, EventType::Placed, actor.into(), actor_id, at())
        }
    }

    #[test]
    fn a_kind_this_build_does_not_know_is_kept_by_name() {
        let known = OrderEventKind::from_name("paid");
        assert_eq!(known, EventType::Paid);
        assert_eq!(known.as_str(), "paid");
        let newer = OrderEventKind::from_name("refund_requested");
        assert_eq!(newer, OrderEventKind::Unknown("refund_requested".into()));
        assert_eq!(newer.known(), None);
        assert_eq!(String::from(newer), "refund_requested");
        // The owner's view leaves out what this build cannot judge.
        assert!(by_owner("refund_requested", "why")
            .as_seen_by_owner(OWNER)
            .is_none());
    }

    fn by_owner(kind: &str, note: &str) -> OrderEvent {
        event(kind, "alice@example.com", Some(OWNER), note)
    }

    fn by_staff(kind: &str, note: &str) -> OrderEvent {
        event(kind, "staff@example.com", Some(STAFF), note)
    }

    fn delivery(
        kind: EventType,
        channel: Channel,
        to: Option<CustomerId>,
        note: &str,
    ) -> OrderEvent {
        OrderEvent::delivery(ORDER, kind, channel, to, note.into(), at())
    }

    /// (actor, note) as the owner sees the line, or `None` if hidden.
    fn seen(event: OrderEvent) -> Option<(String, String)> {
        event
            .as_seen_by_owner(OWNER)
            .map(|shown| (shown.actor, shown.note))
    }

    fn shown(actor: &str, note: &str) -> Option<(String, String)> {
        Some((actor.into(), note.into()))
    }

    #[test]
    fn the_owners_own_actions_are_shown_as_recorded() {
        let placed = OrderEvent {
            to_status: Some(OrderStatus::Pending),
            ..by_owner("placed", "2 line(s), total 20.00")
        };
        assert_eq!(placed.clone().as_seen_by_owner(OWNER), Some(placed));
        let cancelled = OrderEvent {
            from_status: Some(OrderStatus::Pending),
            to_status: Some(OrderStatus::Cancelled),
            ..by_owner("status_changed", " (stock returned)")
        };
        assert_eq!(cancelled.clone().as_seen_by_owner(OWNER), Some(cancelled));
        assert_eq!(
            seen(by_owner("details_changed", "")),
            shown("alice@example.com", "")
        );
    }

    #[test]
    fn staff_are_a_role_and_their_notes_on_changes_are_internal() {
        let moved = OrderEvent {
            from_status: Some(OrderStatus::Pending),
            to_status: Some(OrderStatus::Confirmed),
            ..by_staff(
                "status_changed",
                "internal: customer flagged for fraud review",
            )
        };
        let shown_moved = moved.as_seen_by_owner(OWNER).unwrap();
        assert_eq!(
            (
                shown_moved.actor.as_str(),
                shown_moved.note.as_str(),
                shown_moved.from_status,
                shown_moved.to_status
            ),
            (
                "staff",
                "",
                Some(OrderStatus::Pending),
                Some(OrderStatus::Confirmed)
            )
        );
        assert_eq!(
            seen(by_staff("status_changed", "(stock returned)")),
            shown("staff", "")
        );
        assert_eq!(seen(by_staff("details_changed", "")), shown("staff", ""));
        // Payment: method and reference are on the order the owner sees anyway.
        assert_eq!(
            seen(by_staff("paid", "mpesa QK7H2X")),
            shown("staff", "mpesa QK7H2X")
        );
    }

    #[test]
    fn an_actor_the_history_cannot_name_is_staff_and_only_the_service_is_system() {
        // A line from before accounts were recorded, whose address no account has any longer.
        assert_eq!(
            seen(event("status_changed", "old@example.com", None, "note")),
            shown("staff", "")
        );
        // An account that calls itself "system" is still not the service.
        assert_eq!(
            seen(event("status_changed", "system", Some(STAFF), "")),
            shown("staff", "")
        );
        // Another customer's account (the owner's email, recorded for someone else) is not the owner.
        assert_eq!(
            seen(event(
                "status_changed",
                "alice@example.com",
                Some(ADMIN),
                "x"
            )),
            shown("staff", "")
        );
    }

    #[test]
    fn the_owner_sees_their_own_messages_as_channel_and_outcome_only() {
        assert_eq!(
            seen(delivery(
                EventType::NotificationSent,
                Channel::Sms,
                Some(OWNER),
                "sms to +254711000001: Order Confirmation"
            )),
            shown("system", "sms sent")
        );
        assert_eq!(
            seen(delivery(
                EventType::NotificationFailed,
                Channel::Email,
                Some(OWNER),
                "email to alice@example.com: Order Update; attempt 2 failed: 550 mailbox unavailable; \
                 next attempt at 2026-05-01T09:31:00Z"
            )),
            shown("system", "email failed")
        );
        let without_channel = OrderEvent {
            channel: None,
            ..delivery(
                EventType::NotificationFailed,
                Channel::Sms,
                Some(OWNER),
                "x",
            )
        };
        assert_eq!(seen(without_channel), shown("system", "message failed"));
    }

    #[test]
    fn messages_to_anyone_else_or_to_no_known_account_are_left_out() {
        for kind in [EventType::NotificationSent, EventType::NotificationFailed] {
            for to in [Some(ADMIN), Some(STAFF), None] {
                assert_eq!(
                    seen(delivery(
                        kind,
                        Channel::Email,
                        to,
                        "email to admin@example.com: New Order Received"
                    )),
                    None,
                    "{kind} to {to:?}"
                );
            }
        }
    }

    #[test]
    fn types_the_rule_does_not_name_are_left_out() {
        for kind in ["notification_suppressed", "refund_requested", ""] {
            assert_eq!(seen(by_owner(kind, "")), None, "{kind:?}");
            assert_eq!(seen(by_staff(kind, "")), None, "{kind:?}");
        }
    }

    #[test]
    fn every_type_round_trips_by_name() {
        for kind in EventType::ALL {
            assert_eq!(kind.as_str().parse::<EventType>(), Ok(kind));
        }
        assert!("Placed".parse::<EventType>().is_err());
    }
}
