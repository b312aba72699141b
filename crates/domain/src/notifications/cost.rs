use std::str::FromStr;

use rust_decimal::Decimal;

/// What a provider charged for a message, e.g. Africa's Talking's `"KES 0.8000"`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SmsCost {
    /// ISO 4217 code as the provider gave it.
    pub currency: String,
    /// The amount charged, exact as the provider wrote it.
    pub amount: Decimal,
}

impl SmsCost {
    /// Reads `"<CURRENCY> <amount>"`; `None` for anything else (the message was still sent).
    pub fn parse(raw: &str) -> Option<Self> {
        let (currency, amount) = raw.trim().split_once(char::is_whitespace)?;
        let valid_currency =
            (2..=5).contains(&currency.len()) && currency.chars().all(|c| c.is_ascii_uppercase());
        if !valid_currency {
            return None;
        }
        Some(Self {
            currency: currency.to_owned(),
            amount: Decimal::from_str(amount.trim()).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_currency_and_amount() {
        assert_eq!(
            SmsCost::parse("KES 0.8000"),
            Some(SmsCost {
                currency: "KES".into(),
                amount: Decimal::from_str("0.8000").unwrap()
            })
        );
        assert_eq!(
            SmsCost::parse("USD 12.5").unwrap().amount,
            Decimal::new(125, 1)
        );
    }

    #[test]
    fn anything_else_is_no_cost() {
        for raw in ["", "0", "KES", "kes 0.8", "KES abc", "0.8000 KES"] {
            assert_eq!(SmsCost::parse(raw), None, "{raw}");
        }
    }
}
