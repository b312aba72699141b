//! Caps on text messages, against SMS pumping: a customer can put any number on an order, change it while the
//! order is pending, and every status change texts it, at the shop's expense. Past a cap a message is kept,
//! marked suppressed with the reason, and never sent.

/// At most this many SMS to one number in an hour, and to one customer in a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SmsCaps {
    /// SMS to one phone number within an hour.
    pub per_number_per_hour: u32,
    /// SMS to one customer within a day.
    pub per_customer_per_day: u32,
}

impl Default for SmsCaps {
    /// Room for a busy day of a real customer: an order placed and pushed through every status within the hour
    /// is five messages.
    fn default() -> Self {
        Self {
            per_number_per_hour: 10,
            per_customer_per_day: 30,
        }
    }
}

/// SMS already queued (sent, pending or failed; not suppressed) to a number in the last hour, and to a customer
/// in the last day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecentSms {
    /// SMS queued to the number in the last hour.
    pub to_number_last_hour: u32,
    /// SMS queued to the customer in the last day.
    pub to_customer_last_day: u32,
}

/// Why an SMS was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmsSuppression {
    /// The number already had this many (the cap) in the last hour.
    #[error("number cap of {0} an hour reached")]
    NumberCap(u32),
    /// The customer already had this many (the cap) in the last day.
    #[error("customer cap of {0} a day reached")]
    CustomerCap(u32),
}

impl SmsCaps {
    /// Whether one more SMS stays within the caps, given what was already queued.
    pub fn check(&self, recent: RecentSms) -> Result<(), SmsSuppression> {
        if recent.to_number_last_hour >= self.per_number_per_hour {
            Err(SmsSuppression::NumberCap(self.per_number_per_hour))
        } else if recent.to_customer_last_day >= self.per_customer_per_day {
            Err(SmsSuppression::CustomerCap(self.per_customer_per_day))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_within_both_caps_goes() {
        let caps = SmsCaps::default();
        let recent = RecentSms {
            to_number_last_hour: 9,
            to_customer_last_day: 29,
        };
        assert_eq!(caps.check(recent), Ok(()));
    }

    #[test]
    fn the_number_cap_is_checked_first_then_the_customer_cap() {
        let caps = SmsCaps {
            per_number_per_hour: 2,
            per_customer_per_day: 3,
        };
        let at_number_cap = RecentSms {
            to_number_last_hour: 2,
            to_customer_last_day: 3,
        };
        assert_eq!(caps.check(at_number_cap), Err(SmsSuppression::NumberCap(2)));
        let at_customer_cap = RecentSms {
            to_number_last_hour: 0,
            to_customer_last_day: 3,
        };
        assert_eq!(
            caps.check(at_customer_cap),
            Err(SmsSuppression::CustomerCap(3))
        );
    }
}
