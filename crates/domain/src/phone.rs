//! Phone numbers: normalisation to E.164, the pattern the API spec states for them, and
//! WhatsApp links.

/// Country calling code assumed for numbers written without one (Brazil, the first market).
pub const DEFAULT_CALLING_CODE: &str = "55";

/// Normalises a phone number to E.164 (`+5511987654321`).
///
/// Accepts `+`, `00` international prefixes, and national numbers (a leading trunk `0`
/// is dropped) to which `default_cc` is prepended. Spaces, dots, dashes and parentheses
/// are ignored; anything else, or a length outside E.164's, is an error.
pub fn normalize_phone(raw: &str, default_cc: &str) -> Result<String, &'static str> {
    let trimmed = raw.trim();
    let (international, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => match trimmed.strip_prefix("00") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        },
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return Err("may contain only digits, spaces, dashes, dots, parentheses and a leading +"),
        }
    }
    let full = if international { digits } else { format!("{default_cc}{}", digits.trim_start_matches('0')) };
    if full.starts_with('0') || !(7..=15).contains(&full.len()) {
        return Err("is not a valid phone number");
    }
    Ok(format!("+{full}"))
}

/// The JSON Schema pattern of a phone field: exactly the strings [`normalize_phone`]
/// accepts with the default calling code, or blank (no phone). A test checks the two agree.
pub const PHONE_PATTERN: &str = concat!(
    r"^(?:\s*|\s*(?:",
    r"\+[ ().\-/]*[1-9](?:[ ().\-/]*[0-9]){6,14}",
    r"|00[ ().\-/]*[1-9](?:[ ().\-/]*[0-9]){6,14}",
    r"|[().\-/][ ().\-/]*(?:0[ ().\-/]*)*[1-9](?:[ ().\-/]*[0-9]){4,12}",
    r"|[1-9](?:[ ().\-/]*[0-9]){4,12}",
    r"|0(?:[ ().\-/]+(?:0[ ().\-/]*)*)?[1-9](?:[ ().\-/]*[0-9]){4,12}",
    r")[ ().\-/]*\s*)$"
);

/// A phone number in E.164 (`+5511987654321`): the one form stored, compared and shown.
/// The only way to get one is [`Phone::parse`], so a `Phone` is always valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Normalises what a person typed ([`normalize_phone`] with the default calling code).
    pub fn parse(raw: &str) -> Result<Phone, &'static str> {
        normalize_phone(raw, DEFAULT_CALLING_CODE).map(Phone)
    }

    /// An optional phone field of a request: blank is no phone; anything else must parse,
    /// or the error names `field` (code `phone`).
    pub fn parse_field(raw: Option<&str>, field: &str) -> Result<Option<Phone>, crate::FieldError> {
        match raw.map(str::trim).filter(|p| !p.is_empty()) {
            None => Ok(None),
            Some(p) => Phone::parse(p).map(Some).map_err(|msg| crate::FieldError::new(field, "phone", msg)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// What the spec states of a phone field: the strings [`Phone::parse`] accepts, or blank.
    pub fn schema_rules() -> serde_json::Value {
        serde_json::json!({"pattern": PHONE_PATTERN, "maxLength": 40})
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `wa.me` link for an E.164 number.
pub fn whatsapp_link(e164: &str) -> String {
    format!("https://wa.me/{}", e164.trim_start_matches('+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_e164() {
        let cases = [
            ("+55 (11) 98765-4321", "+5511987654321"),
            ("(11) 98765-4321", "+5511987654321"),
            ("011 98765 4321", "+5511987654321"),
            ("0055 11 98765.4321", "+5511987654321"),
            ("+1 415-555-0100", "+14155550100"),
        ];
        for (raw, e164) in cases {
            assert_eq!(normalize_phone(raw, DEFAULT_CALLING_CODE).as_deref(), Ok(e164), "{raw}");
        }
    }

    #[test]
    fn malformed_phones_are_refused() {
        for raw in ["abc", "+12", "+1234567890123456", "11 9876x4321", "+0 11 98765 4321", ""] {
            assert!(normalize_phone(raw, DEFAULT_CALLING_CODE).is_err(), "{raw}");
        }
    }

    #[test]
    fn the_phone_pattern_accepts_exactly_what_normalisation_accepts() {
        let pattern = regex::Regex::new(PHONE_PATTERN).unwrap();
        let alphabet: Vec<char> = "0123456789000111 +()./-\tx".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 22) as usize;
            let text: String =
                (0..len).map(|i| alphabet[((seed >> (i % 8 * 8)) as usize + i * 7) % alphabet.len()]).collect();
            let server = text.trim().is_empty() || normalize_phone(&text, DEFAULT_CALLING_CODE).is_ok();
            assert_eq!(pattern.is_match(&text), server, "{text:?}");
        }
        for text in ["+55 (11) 98765-4321", "011 98765 4321", "0055 11 98765.4321", "  ", "", " +1 415-555-0100 "] {
            assert!(pattern.is_match(text), "{text:?}");
        }
        for text in ["abc", "+12", "0012345", "  0012345", "+0 11 98765 4321", "1\t1987654321"] {
            assert!(!pattern.is_match(text), "{text:?}");
        }
    }

    #[test]
    fn whatsapp_links_drop_the_plus() {
        assert_eq!(whatsapp_link("+5511987654321"), "https://wa.me/5511987654321");
    }

    #[test]
    fn a_phone_field_is_blank_or_a_valid_number_and_its_error_names_the_field() {
        assert_eq!(Phone::parse_field(Some("  "), "phone"), Ok(None));
        assert_eq!(Phone::parse_field(None, "phone"), Ok(None));
        let phone = Phone::parse_field(Some("(11) 98765-4321"), "phone").unwrap().unwrap();
        assert_eq!(phone.as_str(), "+5511987654321");
        let err = Phone::parse_field(Some("call me"), "details.phone").unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("details.phone", "phone"));
    }
}
