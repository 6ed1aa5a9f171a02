//! How the client CSV export is written: the separator, a byte-order mark, the language of its
//! headers and coded values, and the dates. The default is the machine-readable file (`,`, no
//! mark, keys and codes, ISO 8601 in UTC); "Excel (Brasil)" is `;`, a mark, Portuguese words
//! and `dd/mm/yyyy HH:MM` in the user's time, which Brazilian Excel opens as columns.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::i18n::{Lang, Msg};
use crate::{Channel, ContactStatus};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvSeparator {
    #[default]
    Comma,
    Semicolon,
    Tab,
}

impl CsvSeparator {
    pub fn byte(self) -> u8 {
        match self {
            CsvSeparator::Comma => b',',
            CsvSeparator::Semicolon => b';',
            CsvSeparator::Tab => b'\t',
        }
    }
}

/// `iso`: RFC 3339 in UTC; `dmy`: `dd/mm/yyyy HH:MM`; `mdy`: `mm/dd/yyyy HH:MM` (both in the
/// time of `utc_offset`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvDates {
    #[default]
    Iso,
    Dmy,
    Mdy,
}

/// The export's format, beside the list's filter in the query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// Between cells; `comma` by default.
    #[param(inline)]
    pub separator: Option<CsvSeparator>,
    /// Start with a UTF-8 byte-order mark (Excel then reads accents right).
    pub bom: Option<bool>,
    /// Headers and coded values (status, channel) in this language (`en` or `pt-BR`); absent:
    /// the column keys and codes, for programs.
    #[validate(custom(function = "known_lang"))]
    #[param(pattern = "^(en|pt-BR)$")]
    pub lang: Option<String>,
    #[param(inline)]
    pub dates: Option<CsvDates>,
    /// Minutes east of UTC for `dmy`/`mdy` dates (Brasília: -180).
    #[validate(range(min = -720, max = 840, message = "must be -720 to 840 minutes"))]
    #[param(minimum = -720, maximum = 840)]
    pub utc_offset: Option<i32>,
}

fn known_lang(lang: &str) -> Result<(), validator::ValidationError> {
    match lang {
        "en" | "pt-BR" => Ok(()),
        _ => Err(validator::ValidationError::new("option").with_message("must be en or pt-BR".into())),
    }
}

impl ExportFormat {
    pub fn lang(&self) -> Option<Lang> {
        self.lang.as_deref().map(Lang::from_tag)
    }

    /// A column's header: its key, or its name in the chosen language.
    pub fn header(&self, column: &str) -> String {
        let Some(lang) = self.lang() else { return column.to_string() };
        let msg = match column {
            "assignee" => Some(Msg::Assignee),
            "site" => Some(Msg::Site),
            "first_contact_at" => Some(Msg::FirstContact),
            "page_url" => Some(Msg::PageUrl),
            other => crate::labels::activity_field_msg(other),
        };
        match (msg, column, lang) {
            (Some(msg), ..) => msg.text(lang).to_string(),
            (None, "created_at", Lang::PtBr) => "Cadastrado em".into(),
            (None, "created_at", Lang::En) => "Created at".into(),
            (None, "id", _) => "ID".into(),
            (None, other, _) => other.to_string(),
        }
    }

    /// A status as the chosen language says it (the code without one).
    pub fn status<'a>(&self, code: &'a str) -> std::borrow::Cow<'a, str> {
        // The code itself unless a language was asked for (the million-row default path).
        match self.lang().and_then(|lang| Some((lang, ContactStatus::parse(code)?))) {
            Some((lang, status)) => crate::labels::status_msg(status).text(lang).into(),
            None => code.into(),
        }
    }

    /// A channel as the chosen language says it (the code without one).
    pub fn channel<'a>(&self, code: &'a str) -> std::borrow::Cow<'a, str> {
        match self.lang().and_then(|lang| Some((lang, Channel::parse(code)?))) {
            Some((lang, channel)) => crate::labels::channel_msg(channel).text(lang).into(),
            None => code.into(),
        }
    }

    /// Tags in one cell: `;` between them for programs, `, ` for people.
    pub fn tags(&self, tags: &[String]) -> String {
        tags.join(if self.lang().is_some() { ", " } else { ";" })
    }

    /// A time in the chosen date format; `None` for ISO 8601, which the caller writes itself
    /// (it has a faster path for it).
    pub fn date(&self, t: &DateTime<Utc>) -> Option<String> {
        let dates = self.dates.unwrap_or_default();
        if dates == CsvDates::Iso {
            return None;
        }
        let local = t.naive_utc() + Duration::minutes(self.utc_offset.unwrap_or(0).into());
        let (d, m, y) = (local.day(), local.month(), local.year());
        let (hh, mm) = (local.hour(), local.minute());
        Some(match dates {
            CsvDates::Dmy => format!("{d:02}/{m:02}/{y:04} {hh:02}:{mm:02}"),
            _ => format!("{m:02}/{d:02}/{y:04} {hh:02}:{mm:02}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn brasil() -> ExportFormat {
        ExportFormat {
            separator: Some(CsvSeparator::Semicolon),
            bom: Some(true),
            lang: Some("pt-BR".into()),
            dates: Some(CsvDates::Dmy),
            utc_offset: Some(-180),
        }
    }

    #[test]
    fn excel_brasil_speaks_portuguese_in_local_time() {
        let f = brasil();
        assert_eq!(f.header("first_contact_at"), "Primeiro contato");
        assert_eq!(f.header("created_at"), "Cadastrado em");
        assert_eq!(f.header("assignee"), "Atribuído a");
        assert_eq!(f.status("to_contact"), "A contatar");
        assert_eq!(f.channel("import"), "Importação");
        assert_eq!(f.tags(&["vip".into(), "sp".into()]), "vip, sp");
        let t = Utc.with_ymd_and_hms(2026, 12, 4, 2, 30, 0).unwrap();
        assert_eq!(f.date(&t).as_deref(), Some("03/12/2026 23:30"), "the day before in Brasília");
    }

    #[test]
    fn the_default_is_for_programs() {
        let f = ExportFormat::default();
        assert_eq!(
            (f.header("first_contact_at"), f.status("to_contact")),
            ("first_contact_at".into(), "to_contact".into())
        );
        assert_eq!(f.tags(&["vip".into(), "sp".into()]), "vip;sp");
        assert_eq!(f.date(&Utc::now()), None);
        let mdy = ExportFormat { dates: Some(CsvDates::Mdy), ..Default::default() };
        assert_eq!(mdy.date(&Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 0).unwrap()).as_deref(), Some("01/02/2026 03:04"));
    }

    #[test]
    fn only_known_languages_and_offsets() {
        let bad = |f: ExportFormat| f.validate().is_err();
        assert!(bad(ExportFormat { lang: Some("fr".into()), ..Default::default() }));
        assert!(bad(ExportFormat { utc_offset: Some(900), ..Default::default() }));
        assert!(brasil().validate().is_ok());
    }
}
