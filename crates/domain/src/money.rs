//! Exact money: amounts travel as decimal strings ("1234.50") and are stored in minor units
//! (cents) as integers, so nothing is ever rounded through a float.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An ISO 4217 code: three capital letters.
pub const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";
/// A non-negative decimal with at most the currency's number of decimals.
pub const AMOUNT_PATTERN: &str = r"^[0-9]{1,13}(\.[0-9]{1,2})?$";

/// An amount of money in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": "1250.00", "currency": "BRL"}))]
pub struct Money {
    /// A decimal string with a dot, at most as many decimals as the currency has.
    #[schema(pattern = r"^[0-9]{1,13}(\.[0-9]{1,2})?$", max_length = 16)]
    pub amount: String,
    #[schema(pattern = "^[A-Z]{3}$", min_length = 3, max_length = 3)]
    pub currency: String,
}

/// Decimals of a currency's minor unit (ISO 4217; the zero-decimal ones we know of, else 2).
pub fn decimals(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "CLP" | "PYG" | "VND" | "ISK" | "UGX" | "XAF" | "XOF" => 0,
        _ => 2,
    }
}

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    Currency,
    Amount,
}

pub fn valid_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// `"1234.5"` in BRL → 123450. No sign, no exponent, no thousands separators.
pub fn to_minor(amount: &str, currency: &str) -> Result<i64, MoneyError> {
    if !valid_currency(currency) {
        return Err(MoneyError::Currency);
    }
    let places = decimals(currency);
    let (whole, frac) = match amount.split_once('.') {
        Some((w, f)) => (w, f),
        None => (amount, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 13 || !digits(whole) || !digits(frac) || frac.len() > places as usize {
        return Err(MoneyError::Amount);
    }
    if amount.contains('.') && frac.is_empty() {
        return Err(MoneyError::Amount);
    }
    let scale = 10i64.pow(places);
    let whole: i64 = whole.parse().map_err(|_| MoneyError::Amount)?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = places as usize).parse().map_err(|_| MoneyError::Amount)?
    };
    whole.checked_mul(scale).and_then(|w| w.checked_add(frac)).ok_or(MoneyError::Amount)
}

/// 123450 in BRL → `"1234.50"`.
pub fn from_minor(minor: i64, currency: &str) -> String {
    let places = decimals(currency);
    if places == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(places);
    format!("{}.{:0width$}", minor / scale, minor % scale, width = places as usize)
}

impl Money {
    pub fn from_minor(minor: i64, currency: &str) -> Money {
        Money { amount: from_minor(minor, currency), currency: currency.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_exactly() {
        assert_eq!(to_minor("1234.5", "BRL"), Ok(123_450));
        assert_eq!(to_minor("0.01", "USD"), Ok(1));
        assert_eq!(to_minor("7", "EUR"), Ok(700));
        assert_eq!(to_minor("1500", "JPY"), Ok(1500));
        assert_eq!(from_minor(123_450, "BRL"), "1234.50");
        assert_eq!(from_minor(5, "BRL"), "0.05");
        assert_eq!(from_minor(1500, "JPY"), "1500");
        // 0.1 + 0.2 is exactly 0.3 here.
        assert_eq!(to_minor("0.1", "BRL").unwrap() + to_minor("0.2", "BRL").unwrap(), to_minor("0.3", "BRL").unwrap());
        assert_eq!(to_minor("9999999999999.99", "BRL"), Ok(999_999_999_999_999));
    }

    #[test]
    fn bad_amounts_and_currencies_are_refused() {
        for bad in ["", "-1", "1.", ".5", "1.234", "1,5", "1e3", "12345678901234", " 1", "+1"] {
            assert_eq!(to_minor(bad, "BRL"), Err(MoneyError::Amount), "{bad:?}");
        }
        assert_eq!(to_minor("1.5", "JPY"), Err(MoneyError::Amount));
        for bad in ["brl", "BR", "BRLL", "B1L"] {
            assert_eq!(to_minor("1", bad), Err(MoneyError::Currency), "{bad:?}");
        }
    }
}
