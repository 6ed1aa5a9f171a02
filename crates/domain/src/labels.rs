//! Words for the values the API sends as codes: statuses, channels, change-log fields. The
//! API keeps its stable codes; every screen shows these, in the user's language.

use crate::contacts::{Channel, ContactStatus};
use crate::i18n::{Lang, Msg};
use chrono::Datelike;

pub fn status_msg(status: ContactStatus) -> Msg {
    match status {
        ContactStatus::ToContact => Msg::StatusToContact,
        ContactStatus::InProgress => Msg::StatusInProgress,
        ContactStatus::Won => Msg::StatusWon,
        ContactStatus::Lost => Msg::StatusLost,
    }
}

pub fn channel_msg(channel: Channel) -> Msg {
    match channel {
        Channel::Chatbot => Msg::ChannelChatbot,
        Channel::LiveChat => Msg::ChannelLiveChat,
        Channel::Form => Msg::ChannelForm,
        Channel::Integration => Msg::ChannelIntegration,
        Channel::Import => Msg::ChannelImport,
        Channel::Manual => Msg::ChannelManual,
    }
}

pub fn custom_field_kind_msg(kind: crate::CustomFieldKind) -> Msg {
    match kind {
        crate::CustomFieldKind::Text => Msg::KindText,
        crate::CustomFieldKind::Number => Msg::KindNumber,
        crate::CustomFieldKind::Date => Msg::KindDate,
        crate::CustomFieldKind::Select => Msg::KindSelect,
    }
}

/// The name of a change-log field (`status`, `assignee_id`, `created`…); `None` for a field
/// this catalogue does not know (shown as sent).
pub fn activity_field_msg(field: &str) -> Option<Msg> {
    Some(match field {
        "status" => Msg::Status,
        "assignee_id" => Msg::Assignee,
        "name" => Msg::Name,
        "email" => Msg::Email,
        "phone" => Msg::Phone,
        "tags" => Msg::Tags,
        "rating" => Msg::Rating,
        "source" => Msg::Source,
        "medium" => Msg::Medium,
        "campaign" => Msg::Campaign,
        "channel" => Msg::Channel,
        "site_id" => Msg::Site,
        "contact_hours" => Msg::ContactHours,
        "location" => Msg::Location,
        "city" => Msg::City,
        "region" => Msg::Region,
        "country" => Msg::Country,
        "first_contact_at" => Msg::FirstContact,
        "referrer" => Msg::Referrer,
        "ip" => Msg::Ip,
        "page_url" => Msg::PageUrl,
        "blocked" => Msg::Blocked,
        "custom_fields" => Msg::ActivityCustomFields,
        "created" => Msg::ActivityCreated,
        "note" => Msg::ActivityNote,
        "call" => Msg::ActivityCall,
        "file" => Msg::ActivityFile,
        "merge" => Msg::ActivityMerge,
        "submitted_again" => Msg::SubmittedAgain,
        _ => return None,
    })
}

/// A change-log value that is a code of a known field, in words: a status, a channel
/// (`created` records the channel), a yes/no. `None`: show the value as it is.
pub fn activity_value_text(field: &str, value: &serde_json::Value, lang: Lang) -> Option<String> {
    let msg = match (field, value) {
        ("status", serde_json::Value::String(s)) => status_msg(ContactStatus::parse(s)?),
        ("channel" | "created", serde_json::Value::String(s)) => channel_msg(Channel::parse(s)?),
        (_, serde_json::Value::Bool(b)) => {
            if *b {
                Msg::Yes
            } else {
                Msg::No
            }
        }
        ("rating", serde_json::Value::Number(n)) => return Some("★".repeat(n.as_u64()? as usize)),
        ("call", serde_json::Value::Object(call)) => {
            let direction = crate::CallDirection::parse(call.get("direction")?.as_str()?)?;
            let outcome = crate::CallOutcome::parse(call.get("outcome")?.as_str()?)?;
            let secs = call.get("duration_secs").and_then(serde_json::Value::as_u64).map(|s| s as u32);
            let note = call.get("note").and_then(serde_json::Value::as_str).filter(|n| !n.is_empty());
            let text = call_text(direction, outcome, secs, lang);
            return Some(match note {
                Some(note) => format!("{text} — {note}"),
                None => text,
            });
        }
        _ => return None,
    };
    Some(msg.text(lang).to_string())
}

/// "Outgoing call · Answered · 5 min 30 s" in `lang`.
pub fn call_text(
    direction: crate::CallDirection,
    outcome: crate::CallOutcome,
    secs: Option<u32>,
    lang: Lang,
) -> String {
    let mut text = format!("{} · {}", call_direction_msg(direction).text(lang), call_outcome_msg(outcome).text(lang));
    if let Some(secs) = secs.filter(|s| *s > 0) {
        text.push_str(" · ");
        text.push_str(&crate::duration_text(secs));
    }
    text
}

pub fn call_direction_msg(direction: crate::CallDirection) -> Msg {
    match direction {
        crate::CallDirection::Outbound => Msg::CallOutbound,
        crate::CallDirection::Inbound => Msg::CallInbound,
    }
}

pub fn call_outcome_msg(outcome: crate::CallOutcome) -> Msg {
    match outcome {
        crate::CallOutcome::Answered => Msg::CallAnswered,
        crate::CallOutcome::NoAnswer => Msg::CallNoAnswer,
        crate::CallOutcome::Busy => Msg::CallBusy,
        crate::CallOutcome::Voicemail => Msg::CallVoicemail,
        crate::CallOutcome::WrongNumber => Msg::CallWrongNumber,
    }
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The English short name of `month` (1–12): `Nov`.
fn month_abbr(month: u32) -> &'static str {
    MONTHS_EN[(month.clamp(1, 12) - 1) as usize]
}

// Written out rather than with chrono's `format("%b %-d")`: the strftime parser and formatter
// are ~20 KB of the SPA's wasm for these five shapes (docs/STYLE.md, "Weight").

/// A date and time as people of `lang` write it: `26/11/2026 09:04` or `Nov 26, 2026, 9:04 AM`.
/// The caller picks the time zone (the browser's).
pub fn datetime_text<Tz: chrono::TimeZone>(t: &chrono::DateTime<Tz>, lang: Lang) -> String {
    use chrono::Timelike;
    let (hour, minute) = (t.hour(), t.minute());
    match lang {
        Lang::PtBr => format!("{} {hour:02}:{minute:02}", date_text(t.date_naive(), lang)),
        Lang::En => {
            let (pm, hour12) = t.hour12();
            let half = if pm { "PM" } else { "AM" };
            format!("{}, {hour12}:{minute:02} {half}", date_text(t.date_naive(), lang))
        }
    }
}

/// A date alone, as people of `lang` write it: `26/11/2026` or `Nov 26, 2026`.
pub fn date_text(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::PtBr => format!("{}/{}", day_month_text(d, lang), d.year()),
        Lang::En => format!("{}, {}", day_month_text(d, lang), d.year()),
    }
}

/// A day of the year without the year, for chart axes: `26/11` or `Nov 26`.
pub fn day_month_text(d: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::PtBr => format!("{:02}/{:02}", d.day(), d.month()),
        Lang::En => format!("{} {}", month_abbr(d.month()), d.day()),
    }
}

/// A calendar month: `11/2026` or `Nov 2026`.
pub fn month_text(year: i32, month: u32, lang: Lang) -> String {
    match lang {
        Lang::PtBr => format!("{month:02}/{year}"),
        Lang::En => format!("{} {year}", month_abbr(month)),
    }
}

/// An amount in minor units (cents) as people of `lang` write money: `R$ 1.234,50` or
/// `R$1,234.50`; no decimals for currencies without them (JPY). The API keeps integer minor
/// units and an ISO 4217 code.
pub fn money_text(minor: i64, currency: &str, lang: Lang) -> String {
    let symbol = match currency {
        "BRL" => "R$",
        "USD" => "US$",
        "EUR" => "€",
        other => other,
    };
    let sign = if minor < 0 { "-" } else { "" };
    let places = crate::money::decimals(currency);
    let scale = 10u64.pow(places);
    let (units, fraction) = (minor.unsigned_abs() / scale, minor.unsigned_abs() % scale);
    let (group, decimal, space) = match lang {
        Lang::PtBr => ('.', ',', " "),
        Lang::En => (',', '.', ""),
    };
    let fraction =
        if places == 0 { String::new() } else { format!("{decimal}{fraction:0width$}", width = places as usize) };
    format!("{sign}{symbol}{space}{}{fraction}", grouped(&units.to_string(), group))
}

/// Digits with a separator every three from the right (`12500` → `12.500`).
fn grouped(digits: &str, separator: char) -> String {
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// An amount in the API's form (`12500.50`) as `lang` writes it in a form field, without a
/// currency symbol: `12.500,50` or `12,500.50`. As sent when it is not a plain decimal.
pub fn amount_text(amount: &str, lang: Lang) -> String {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return amount.to_string();
    }
    let (group, decimal) = match lang {
        Lang::PtBr => ('.', ','),
        Lang::En => (',', '.'),
    };
    let whole = grouped(whole, group);
    if fraction.is_empty() {
        whole
    } else {
        format!("{whole}{decimal}{fraction}")
    }
}

/// A deal value as the API sends it, for people; as sent if it does not parse.
pub fn money_value_text(m: &crate::money::Money, lang: Lang) -> String {
    match crate::money::to_minor(&m.amount, &m.currency) {
        Ok(minor) => money_text(minor, &m.currency, lang),
        Err(_) => format!("{} {}", m.currency, m.amount),
    }
}

/// A phone stored as E.164, for people: national form for the account's country
/// (`+5511987654321` → `(11) 98765-4321`), international otherwise (as stored). The API
/// keeps E.164.
pub fn phone_text(e164: &str, home_calling_code: &str) -> String {
    let Some(national) = e164.strip_prefix('+').and_then(|d| d.strip_prefix(home_calling_code)) else {
        return e164.to_string();
    };
    // Brazil: two-digit area code, then 8 digits (landline) or 9 (mobile).
    match (home_calling_code, national.len()) {
        ("55", 10 | 11) if national.bytes().all(|b| b.is_ascii_digit()) => {
            let (area, number) = national.split_at(2);
            let (head, tail) = number.split_at(number.len() - 4);
            format!("({area}) {head}-{tail}")
        }
        _ => e164.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_and_phones_read_as_people_write_them() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 26, 14, 5, 0).unwrap();
        assert_eq!(datetime_text(&t, Lang::PtBr), "26/11/2026 14:05");
        assert_eq!(datetime_text(&t, Lang::En), "Nov 26, 2026, 2:05 PM");
        assert_eq!(date_text(t.date_naive(), Lang::PtBr), "26/11/2026");
        assert_eq!(date_text(t.date_naive(), Lang::En), "Nov 26, 2026");
        let morning = chrono::Utc.with_ymd_and_hms(2026, 1, 3, 9, 4, 0).unwrap();
        assert_eq!(datetime_text(&morning, Lang::PtBr), "03/01/2026 09:04");
        assert_eq!(datetime_text(&morning, Lang::En), "Jan 3, 2026, 9:04 AM");
        let midnight = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 0, 30, 0).unwrap();
        assert_eq!(datetime_text(&midnight, Lang::En), "Dec 31, 2026, 12:30 AM");
        assert_eq!(day_month_text(morning.date_naive(), Lang::PtBr), "03/01");
        assert_eq!(day_month_text(morning.date_naive(), Lang::En), "Jan 3");
        assert_eq!(month_text(2026, 5, Lang::PtBr), "05/2026");
        assert_eq!(month_text(2026, 5, Lang::En), "May 2026");
        assert_eq!(phone_text("+5511987654321", "55"), "(11) 98765-4321");
        assert_eq!(phone_text("+551133334444", "55"), "(11) 3333-4444");
        assert_eq!(phone_text("+14155550100", "55"), "+14155550100");
        assert_eq!(money_text(123_450, "BRL", Lang::PtBr), "R$ 1.234,50");
        assert_eq!(money_text(123_450, "BRL", Lang::En), "R$1,234.50");
        assert_eq!(money_text(-5, "USD", Lang::En), "-US$0.05");
        assert_eq!(money_text(100_000_000, "BRL", Lang::PtBr), "R$ 1.000.000,00");
    }

    #[test]
    fn change_log_codes_read_as_words() {
        assert_eq!(activity_field_msg("status").map(|m| m.text(Lang::PtBr)), Some("Situação"));
        assert_eq!(activity_value_text("status", &json!("in_progress"), Lang::PtBr).as_deref(), Some("Em progresso"));
        assert_eq!(activity_value_text("created", &json!("live_chat"), Lang::PtBr).as_deref(), Some("Chat ao vivo"));
        assert_eq!(activity_value_text("rating", &json!(3), Lang::En).as_deref(), Some("★★★"));
        assert_eq!(activity_value_text("name", &json!("Ana"), Lang::En), None);
        assert_eq!(activity_field_msg("something_new"), None);
    }

    #[test]
    fn a_logged_call_reads_as_a_sentence() {
        let call =
            json!({"direction": "outbound", "outcome": "answered", "duration_secs": 330, "note": "Quer proposta"});
        assert_eq!(
            activity_value_text("call", &call, Lang::PtBr).as_deref(),
            Some("Ligação feita · Atendida · 5 min 30 s — Quer proposta")
        );
        let missed = json!({"direction": "inbound", "outcome": "no_answer", "duration_secs": null, "note": ""});
        assert_eq!(activity_value_text("call", &missed, Lang::En).as_deref(), Some("Incoming call · No answer"));
        assert_eq!(activity_value_text("call", &json!({"direction": "up"}), Lang::En), None);
    }

    #[test]
    fn amounts_are_written_for_form_fields_and_read_back() {
        for (api, lang, text) in
            [("12500.50", Lang::PtBr, "12.500,50"), ("12500.50", Lang::En, "12,500.50"), ("7", Lang::PtBr, "7")]
        {
            assert_eq!(amount_text(api, lang), text);
            assert_eq!(crate::money::amount_from_typed(text, lang).as_deref(), Some(api));
        }
        assert_eq!(amount_text("x", Lang::En), "x");
    }
}
