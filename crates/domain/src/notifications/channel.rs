use std::fmt;
use std::str::FromStr;

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
#[error("\"{0}\" is not a valid choice.")]
pub struct UnknownChannel(pub String);

/// A delivery status name that is not one of [`DeliveryStatus::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a valid choice.")]
pub struct UnknownDeliveryStatus(pub String);

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    /// The name clients and the database use (`sms`, `email`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 4] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sent,
        DeliveryStatus::Failed,
        DeliveryStatus::Suppressed,
    ];

    /// The name clients and the database use (`pending`, `sent`, `failed`, `suppressed`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Suppressed => "suppressed",
        }
    }
}

impl FromStr for Channel {
    type Err = UnknownChannel;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| UnknownChannel(raw.to_owned()))
    }
}

impl FromStr for DeliveryStatus {
    type Err = UnknownDeliveryStatus;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| UnknownDeliveryStatus(raw.to_owned()))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
