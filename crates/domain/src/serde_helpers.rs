//! Serde adapters shared by the DTOs.

/// For `Option<Option<T>>` fields of partial updates: an absent field is `None`, an
/// explicit `null` is `Some(None)`. Use with `#[serde(default, with = "…")]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }

    pub fn serialize<T: Serialize, S: Serializer>(v: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }
}

/// A UTC time as chrono writes it (`2026-11-26T21:56:54.562627Z`: RFC 3339, a fraction of 0,
/// 3, 6 or 9 digits as needed, `Z`) without going through `core::fmt`, which was a twentieth
/// of the server's CPU on the contact list (one timestamp per row). Use with
/// `#[serde(serialize_with = "…")]`.
pub fn utc_rfc3339<S: serde::Serializer>(t: &chrono::DateTime<chrono::Utc>, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 30];
    match format_utc_rfc3339(t, &mut buf) {
        Some(text) => s.serialize_str(text),
        None => s.collect_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
    }
}

/// `t` as [`utc_rfc3339`] writes it, in `buf`; `None` for what only chrono writes right (a year
/// outside 0–9999, a leap second).
pub fn format_utc_rfc3339<'b>(t: &chrono::DateTime<chrono::Utc>, buf: &'b mut [u8; 30]) -> Option<&'b str> {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    // A leap second keeps its nanoseconds over 1e9 in chrono.
    let nanos = t.nanosecond();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return None;
    }
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year as u32, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    let (fraction, digits) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    if digits > 0 {
        put(20, fraction, digits);
    }
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    let mut end = 19;
    if digits > 0 {
        buf[19] = b'.';
        end = 20 + digits;
    }
    buf[end] = b'Z';
    Some(std::str::from_utf8(&buf[..=end]).expect("ASCII digits"))
}

/// `true`, for `#[serde(default = …)]` on flags that default on.
pub fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    #[derive(serde::Serialize)]
    struct Fast(#[serde(serialize_with = "super::utc_rfc3339")] DateTime<Utc>);

    #[test]
    fn utc_times_are_written_as_chrono_writes_them() {
        let base = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        for nanos in [0, 1, 999, 1_000, 562_627_000, 562_000_000, 5_000_000, 123_456_789, 999_999_999] {
            let t = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(serde_json::to_string(&Fast(t)).unwrap(), serde_json::to_string(&t).unwrap(), "{nanos}");
        }
        let early = Utc.with_ymd_and_hms(7, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(serde_json::to_string(&Fast(early)).unwrap(), serde_json::to_string(&early).unwrap());
    }
}
