//! Ordered position keys for things users reorder (stages, cards): a new key between two
//! neighbours, without renumbering anything else.
//!
//! Keys are strings over the 62 ASCII digits `0-9A-Za-z`, read as base-62 fractions
//! (`"V"` ≈ 0.5) and compared byte by byte (in PostgreSQL: a `text COLLATE "C"` column). A key
//! never ends in `0`, so there is always room before it. Moving an item writes one key; two
//! moves into the same gap get distinct keys when the server computes each from the
//! neighbours it reads under a lock (the second sees the first's key). After David
//! Greenspan's "Implementing Fractional Indexing".
//!
//! Keys grow when many items go into the same gap (about a character per ~6 moves into one
//! spot, per ~36 appends at an end). A key longer than [`RENUMBER_AT`] is never handed out:
//! the server renumbers the list with [`spread_keys`] in the same transaction and computes the
//! key again, so a move or an append never fails, and renumbering, O(n) for n items, comes at
//! most once per ~100 moves into one spot or ~700 appends.

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Longest key accepted (in a cursor, or from the database). Keys handed out stay at most
/// [`RENUMBER_AT`] long; keys written before renumbering existed may be longer.
pub const MAX_KEY_LEN: usize = 255;

/// A new key longer than this means: renumber the list first.
pub const RENUMBER_AT: usize = 24;

/// Whether `key` (fresh from [`key_between`]) is too long to hand out: renumber the list.
pub fn needs_renumber(key: &str) -> bool {
    key.len() > RENUMBER_AT
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PositionError {
    /// Not a key: empty, too long, a character outside `0-9A-Za-z`, or ending in `0`.
    Invalid,
    /// `before` is not strictly below `after`.
    OutOfOrder,
}

fn digit(c: u8) -> Option<usize> {
    DIGITS.iter().position(|d| *d == c)
}

/// Whether `key` is a well-formed position key.
pub fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LEN && key.bytes().all(|c| digit(c).is_some()) && !key.ends_with('0')
}

/// A key strictly between `before` and `after`; `None` is the start or the end of the list.
pub fn key_between(before: Option<&str>, after: Option<&str>) -> Result<String, PositionError> {
    for key in [before, after].into_iter().flatten() {
        if !is_key(key) {
            return Err(PositionError::Invalid);
        }
    }
    if let (Some(a), Some(b)) = (before, after) {
        if a >= b {
            return Err(PositionError::OutOfOrder);
        }
    }
    Ok(match (before, after) {
        (Some(a), None) => key_after(a.as_bytes()),
        (None, Some(b)) => key_before(b.as_bytes()),
        (a, b) => midpoint(a.unwrap_or("").as_bytes(), b.map(str::as_bytes)),
    })
}

/// A well-formed position key ([`is_key`]): what the server reads from a cursor or from the
/// database, checked once, and what it hands out. Ordered as the keys are (byte by byte).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(String);

impl Position {
    /// Checks `key`; [`PositionError::Invalid`] when it is not a key.
    pub fn parse(key: &str) -> Result<Position, PositionError> {
        if is_key(key) {
            Ok(Position(key.to_string()))
        } else {
            Err(PositionError::Invalid)
        }
    }

    /// A position strictly between `before` and `after` (`None`: the start or the end).
    pub fn between(before: Option<&Position>, after: Option<&Position>) -> Result<Position, PositionError> {
        key_between(before.map(Position::as_str), after.map(Position::as_str)).map(Position)
    }

    /// `n` increasing positions spread evenly, each above `after` and prefixed by it (see
    /// [`spread_keys`]).
    pub fn spread(after: Option<&Position>, n: usize) -> Vec<Position> {
        spread_keys(after.map(Position::as_str), n).into_iter().map(Position).collect()
    }

    /// Whether this fresh position is too long to hand out: renumber the list first.
    pub fn needs_renumber(&self) -> bool {
        needs_renumber(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The next key up: one more in the first digit that can take it. Appending (the usual
/// "add to the end") grows a key by one character per ~36 appends, not per ~6 as halving would.
fn key_after(a: &[u8]) -> String {
    match a.first().and_then(|c| digit(*c)) {
        None => "V".to_string(),
        Some(d) if d + 1 < DIGITS.len() => (DIGITS[d + 1] as char).to_string(),
        Some(_) => format!("z{}", key_after(&a[1..])),
    }
}

/// The next key down, like [`key_after`]; a key never ends in `0`.
fn key_before(b: &[u8]) -> String {
    match b.first().and_then(|c| digit(*c)) {
        Some(d) if d > 1 => (DIGITS[d - 1] as char).to_string(),
        Some(1) => format!("0{}", key_before(b.get(1..).filter(|r| !r.is_empty()).unwrap_or(b"z"))),
        _ => format!("0{}", key_before(&b[1..])),
    }
}

/// `n` increasing keys between `before` and `after` (for creating a list at once).
pub fn keys_between(before: Option<&str>, after: Option<&str>, n: usize) -> Result<Vec<String>, PositionError> {
    let mut keys = Vec::with_capacity(n);
    let mut last = before.map(str::to_string);
    for _ in 0..n {
        let key = key_between(last.as_deref(), after)?;
        last = Some(key.clone());
        keys.push(key);
    }
    Ok(keys)
}

/// `n` increasing keys spread evenly over the whole range, all of one short length (for a
/// bulk fill: appending one by one would grow keys by a character per ~36). Every key is
/// above `after_prefix` and below anything that is above `after_prefix` and not prefixed by it,
/// as each starts with it: pass the last key of a list to append `n` keys after it.
pub fn spread_keys(after_prefix: Option<&str>, n: usize) -> Vec<String> {
    let base = DIGITS.len() as u128;
    let mut len = 1u32;
    while base.pow(len) < (n as u128 + 1) * 2 {
        len += 1;
    }
    let step = base.pow(len) / (n as u128 + 1);
    let prefix = after_prefix.unwrap_or("");
    (1..=n as u128)
        .map(|i| {
            let mut v = i * step;
            if v.is_multiple_of(base) {
                v += 1; // never end in `0`; `step >= 2` keeps the keys increasing
            }
            let mut digits = vec![b'0'; len as usize];
            for slot in digits.iter_mut().rev() {
                *slot = DIGITS[(v % base) as usize];
                v /= base;
            }
            format!("{prefix}{}", String::from_utf8_lossy(&digits))
        })
        .collect()
}

/// The fraction halfway between `a` (`""` is 0) and `b` (`None` is 1); `a < b`, neither ends in `0`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> String {
    if let Some(b) = b {
        // A common prefix (reading a missing digit of `a` as 0) stays as it is.
        let n = b.iter().enumerate().take_while(|(i, d)| a.get(*i).copied().unwrap_or(b'0') == **d).count();
        if n > 0 {
            let rest = midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..]));
            return format!("{}{rest}", String::from_utf8_lossy(&b[..n]));
        }
    }
    let digit_a = a.first().and_then(|c| digit(*c)).unwrap_or(0);
    let digit_b = b.and_then(|b| b.first()).and_then(|c| digit(*c)).unwrap_or(DIGITS.len());
    if digit_b - digit_a > 1 {
        let mid = (digit_a + digit_b).div_ceil(2);
        (DIGITS[mid] as char).to_string()
    } else if let Some(b) = b.filter(|b| b.len() > 1) {
        // `b` is longer: its first digit alone lies between `a` and `b`.
        (b[0] as char).to_string()
    } else {
        let rest = midpoint(a.get(1..).unwrap_or(&[]), None);
        format!("{}{rest}", DIGITS[digit_a] as char)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_checked_once_and_orders_as_its_key() {
        for bad in ["", "V0", "a-b", "é", &"V".repeat(MAX_KEY_LEN + 1)] {
            assert_eq!(Position::parse(bad), Err(PositionError::Invalid), "{bad:?}");
        }
        let (a, b) = (Position::parse("F").unwrap(), Position::parse("V").unwrap());
        let mid = Position::between(Some(&a), Some(&b)).unwrap();
        assert!(a < mid && mid < b, "{mid}");
        assert_eq!(Position::between(Some(&b), Some(&a)), Err(PositionError::OutOfOrder));
        let spread = Position::spread(Some(&b), 3);
        assert!(spread.windows(2).all(|w| w[0] < w[1]) && spread.iter().all(|p| *p > b && p.as_str().starts_with('V')));
        assert!(!mid.needs_renumber());
        assert!(Position::parse(&"z".repeat(RENUMBER_AT + 1)).unwrap().needs_renumber());
    }

    #[test]
    fn a_list_renumbered_whenever_a_key_grows_too_long_takes_any_number_of_moves_into_one_spot() {
        // Two items moved in turn to the same spot (after the first item), 5,000 times; and
        // 10,000 appends. Renumbering with `spread_keys` keeps every key short and in order.
        let mut keys: Vec<String> = spread_keys(None, 3);
        let mut renumbered = 0;
        let mut insert = |keys: &mut Vec<String>, at: usize| {
            let before = at.checked_sub(1).map(|i| keys[i].clone());
            let mut key = key_between(before.as_deref(), keys.get(at).map(String::as_str)).unwrap();
            if needs_renumber(&key) {
                *keys = spread_keys(None, keys.len());
                renumbered += 1;
                let before = at.checked_sub(1).map(|i| keys[i].clone());
                key = key_between(before.as_deref(), keys.get(at).map(String::as_str)).unwrap();
            }
            assert!(is_key(&key) && key.len() <= RENUMBER_AT, "{key}");
            keys.insert(at, key);
        };
        for i in 0..5000 {
            // Take the item at 1 or 2 out (alternately) and put it back right after item 0.
            keys.remove(1 + i % 2);
            insert(&mut keys, 1);
        }
        for _ in 0..10_000 {
            let end = keys.len();
            insert(&mut keys, end);
        }
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
        assert_eq!(keys.len(), 10_003);
        assert!(renumbered < 5000 / 50 + 10_000 / 300, "renumbered {renumbered} times");
    }

    #[test]
    fn spread_keys_are_short_increasing_and_valid() {
        for n in [0usize, 1, 2, 30, 61, 62, 1000, 5000] {
            let keys = spread_keys(None, n);
            assert_eq!(keys.len(), n);
            assert!(keys.iter().all(|k| is_key(k) && k.len() <= 3), "{n}");
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{n}");
        }
        let after = spread_keys(Some("V"), 100);
        assert!(after.iter().all(|k| k.as_str() > "V" && k.as_str() < "W" && is_key(k)));
        assert!(after.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn keys_fall_strictly_between_their_neighbours() {
        assert_eq!(key_between(None, None).unwrap(), "V");
        let first = key_between(None, None).unwrap();
        let before = key_between(None, Some(&first)).unwrap();
        let after = key_between(Some(&first), None).unwrap();
        assert!(before < first && first < after, "{before} {first} {after}");
        let mid = key_between(Some(&before), Some(&first)).unwrap();
        assert!(before < mid && mid < first);
        // Adjacent digits: the key gets longer.
        let k = key_between(Some("a"), Some("b")).unwrap();
        assert!("a" < k.as_str() && k.as_str() < "b" && k.len() == 2, "{k}");
        assert_eq!(key_between(Some("a"), Some("a1")).unwrap().len(), 3);
    }

    #[test]
    fn bad_keys_and_wrong_order_are_refused() {
        assert_eq!(key_between(Some("b"), Some("a")), Err(PositionError::OutOfOrder));
        assert_eq!(key_between(Some("a"), Some("a")), Err(PositionError::OutOfOrder));
        for bad in ["", "a0", "a-b", "ç", &"z".repeat(MAX_KEY_LEN + 1)] {
            assert_eq!(key_between(Some(bad), None), Err(PositionError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn many_inserts_anywhere_keep_a_strict_order_with_short_keys() {
        // A deterministic pseudo-random walk: insert 5,000 times at random gaps.
        let mut keys: Vec<String> = keys_between(None, None, 8).unwrap();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..5000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % (keys.len() as u64 + 1)) as usize;
            let before = at.checked_sub(1).map(|i| keys[i].as_str());
            let key = key_between(before, keys.get(at).map(String::as_str)).unwrap();
            assert!(is_key(&key), "{key}");
            keys.insert(at, key);
        }
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
        let longest = keys.iter().map(String::len).max().unwrap();
        assert!(longest <= 12, "random inserts stay short: {longest}");
    }

    #[test]
    fn inserting_always_at_the_same_spot_grows_slowly() {
        let (low, high) = ("V".to_string(), "W".to_string());
        let mut upper = high;
        for _ in 0..300 {
            upper = key_between(Some(&low), Some(&upper)).unwrap();
        }
        assert!(upper.len() < MAX_KEY_LEN, "{}", upper.len());
        let mut last = low.clone();
        for _ in 0..300 {
            last = key_between(Some(&last), None).unwrap();
        }
        assert!(last.len() <= 12, "appending: {}", last.len());
        let mut first = low;
        for _ in 0..300 {
            let next = key_between(None, Some(&first)).unwrap();
            assert!(next < first && is_key(&next), "{next} {first}");
            first = next;
        }
        assert!(first.len() <= 12, "prepending: {}", first.len());
    }
}
