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

/// The currencies a deal value or money field offers, most used by our users first; a value
/// in another one keeps it (the API takes any ISO 4217 code).
pub const OFFERED_CURRENCIES: [&str; 14] =
    ["BRL", "USD", "EUR", "GBP", "ARS", "CLP", "COP", "MXN", "PEN", "UYU", "PYG", "CAD", "CHF", "JPY"];

/// The currency a new value starts in. Our users are Brazilian teams: an English screen does
/// not change the money they deal in.
pub const DEFAULT_CURRENCY: &str = "BRL";

/// An amount as a person of `lang` types it (`12.500,50` or `12,500.50`, `12500`, `R$ 1.234,5`)
/// in the API's form (`12500.50`); `None` when it is not one. A single separator of the other
/// kind followed by one or two digits (`12.5` on a Portuguese screen) is taken as the decimal
/// point it obviously is; followed by three, as thousands.
pub fn amount_from_typed(text: &str, lang: crate::i18n::Lang) -> Option<String> {
    let (group, decimal) = match lang {
        crate::i18n::Lang::PtBr => ('.', ','),
        crate::i18n::Lang::En => (',', '.'),
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // A currency symbol in front (`R$`, `US$`, `€`).
    let typed = compact.trim_start_matches(|c: char| !c.is_ascii_digit());
    let (whole, fraction) = match typed.rsplit_once(decimal) {
        Some(split) => split,
        None => match typed.rsplit_once(group) {
            Some((w, f)) if !w.contains(group) && (1..=2).contains(&f.len()) => (w, f),
            _ => (typed, ""),
        },
    };
    let groups: Vec<&str> = whole.split(group).collect();
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let has_fraction = typed.len() > whole.len();
    if !grouped || !groups.iter().all(|g| digits(g)) || (has_fraction && !digits(fraction)) {
        return None;
    }
    let whole = groups.concat();
    Some(if has_fraction { format!("{whole}.{fraction}") } else { whole })
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

    #[test]
    fn amounts_are_read_as_each_language_types_them() {
        use crate::i18n::Lang::{En, PtBr};
        for (typed, lang, api) in [
            ("12.500,50", PtBr, Some("12500.50")),
            ("R$ 12.500,50", PtBr, Some("12500.50")),
            ("12500,5", PtBr, Some("12500.5")),
            ("12.500", PtBr, Some("12500")),
            ("1.234.567", PtBr, Some("1234567")),
            ("12.5", PtBr, Some("12.5")),
            ("12,500.50", En, Some("12500.50")),
            ("US$ 12,500", En, Some("12500")),
            ("12,5", En, Some("12.5")),
            ("12500", En, Some("12500")),
            ("12.50.0", PtBr, None),
            ("1.23,4", PtBr, None),
            ("12,", PtBr, None),
            ("abc", En, None),
            ("", En, None),
            ("12,500.50", PtBr, None),
        ] {
            assert_eq!(amount_from_typed(typed, lang).as_deref(), api, "{typed} ({lang:?})");
        }
    }
}
