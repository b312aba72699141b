use crate::named_values::named_values;

/// How a message travels.
// Not #[non_exhaustive]: the delivery worker picks a sender with an exhaustive match on it, so that a new
// channel fails to build until it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Channel {
    /// A text message to a phone number.
    Sms,
    /// An email to the account's address.
    Email,
}

/// Where a queued message stands. `Pending` covers waiting, in a worker's hands, and waiting to be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Not sent yet.
    Pending,
    /// Accepted by the provider.
    Sent,
    /// Every attempt failed; only an admin's retry puts it back.
    Failed,
    /// Never sent: over a cap on text messages (the reason is kept with it).
    Suppressed,
}

/// A channel name that is not one of [`Channel::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel {0:?}")]
pub struct UnknownChannel(pub String);

/// A delivery status name that is not one of [`DeliveryStatus::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown delivery status {0:?}")]
pub struct UnknownDeliveryStatus(pub String);

named_values!(Channel, unknown: UnknownChannel, {
    Sms => "sms",
    Email => "email",
});

named_values!(DeliveryStatus, unknown: UnknownDeliveryStatus, {
    Pending => "pending",
    Sent => "sent",
    Failed => "failed",
    Suppressed => "suppressed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_strangers_are_refused() {
        for channel in Channel::ALL {
            assert_eq!(channel.as_str().parse::<Channel>(), Ok(channel));
        }
        for status in DeliveryStatus::ALL {
            assert_eq!(status.as_str().parse::<DeliveryStatus>(), Ok(status));
        }
        assert!("push".parse::<Channel>().is_err());
        assert!("delivered".parse::<DeliveryStatus>().is_err());
    }
}
