//! Reading a parsed JSON [`Value`] into a typed struct, as `serde_json::from_value` does, with
//! one difference that matters for the SPA's weight: a struct is read only from a JSON object.
//!
//! `serde_json`'s value deserializer also accepts a struct written as an array (`[1, "a"]`),
//! so every struct the browser decodes carries a second, sequence-shaped decoder that no
//! response ever uses: 164 of them, about 100 KB of the wasm on 2026-12-04. Here
//! `deserialize_struct` wants an object and nothing else, so those decoders are never
//! instantiated. The API never writes structs as arrays (docs/API.md), so nothing is lost.
//!
//! Everything else (options, externally, internally and un-tagged enums, maps with string or
//! integer keys, numbers into any width that fits) behaves as in `serde_json`, errors included
//! in spirit: they are `serde_json::Error`s saying what was expected.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Number, Value};

/// `value` read as a `T` (see the module's note on structs).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(ValueDeserializer(value))
}

struct ValueDeserializer(Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value, serde_json::Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn visit_object<'de, V: Visitor<'de>>(map: Map<String, Value>, visitor: V) -> Result<V::Value, serde_json::Error> {
    let mut access = MapAccess { entries: map.into_iter(), value: None };
    let value = visitor.visit_map(&mut access)?;
    // Unlike a visitor that stops early, an object's remaining keys are simply not read.
    Ok(value)
}

fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, serde_json::Error> {
    let len = items.len();
    let mut access = SeqAccess { items: items.into_iter() };
    let value = visitor.visit_seq(&mut access)?;
    if access.items.len() == 0 {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in array"))
    }
}

impl<'de> Deserializer<'de> for ValueDeserializer {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(ValueDeserializer(other)),
        }
    }

    /// The point of this module: an object, or an error, never an array.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(variant.into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let (variant, value) = map.into_iter().next().expect("one entry");
                visitor.visit_enum(EnumAccess { variant, value })
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &"a string or an object of one key")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct MapAccess {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for MapAccess {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(KeyDeserializer(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(ValueDeserializer(value)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct SeqAccess {
    items: std::vec::IntoIter<Value>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Self::Error> {
        self.items.next().map(|item| seed.deserialize(ValueDeserializer(item))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct EnumAccess {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for EnumAccess {
    type Error = serde_json::Error;
    type Variant = ValueDeserializer;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), Self::Error> {
        let variant = seed.deserialize(KeyDeserializer(self.variant))?;
        Ok((variant, ValueDeserializer(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = serde_json::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a unit variant")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Self::Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_struct("", fields, visitor)
    }
}

/// An object's key: a string, or an integer written as one (`{"3": …}` into a map of `u32`).
struct KeyDeserializer(String);

macro_rules! key_as_number {
    ($($method:ident => $visit:ident $ty:ty,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.0.parse::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(de::Error::invalid_type(Unexpected::Str(&self.0), &visitor)),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for KeyDeserializer {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_string(self.0)
    }

    key_as_number! {
        deserialize_i8 => visit_i64 i64,
        deserialize_i16 => visit_i64 i64,
        deserialize_i32 => visit_i64 i64,
        deserialize_i64 => visit_i64 i64,
        deserialize_u8 => visit_u64 u64,
        deserialize_u16 => visit_u64 u64,
        deserialize_u32 => visit_u64 u64,
        deserialize_u64 => visit_u64 u64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    forward_to_deserialize_any! {
        bool i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        n: i32,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Valued(u8),
        Shaped { x: f64 },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "code", rename_all = "snake_case")]
    enum Tagged {
        Joined { name: String },
        Closed,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(i64),
        Text(String),
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        id: uuid::Uuid,
        at: chrono::DateTime<chrono::Utc>,
        inner: Inner,
        maybe: Option<Inner>,
        #[serde(default, with = "crate::serde_helpers::double_option")]
        cleared: Option<Option<String>>,
        #[serde(default, with = "crate::serde_helpers::double_option")]
        absent: Option<Option<String>>,
        kinds: Vec<Kind>,
        tagged: Tagged,
        either: Vec<Either>,
        by_hour: BTreeMap<u8, u64>,
        by_name: BTreeMap<String, f64>,
        pair: (bool, char),
        nothing: (),
    }

    #[test]
    fn reads_what_serde_json_reads_from_objects() {
        let value = json!({
            "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "at": "2026-12-04T10:00:00Z",
            "inner": {"n": -3, "tags": ["a"], "unknown": true},
            "maybe": null,
            "cleared": null,
            "kinds": ["plain", {"valued": 7}, {"shaped": {"x": 2}}],
            "tagged": {"code": "joined", "name": "Ana"},
            "either": [5, "five"],
            "by_hour": {"9": 2, "23": 1},
            "by_name": {"Ana": 1.5},
            "pair": [true, "x"],
            "nothing": null,
        });
        let ours: Outer = from_value(value.clone()).unwrap();
        let theirs: Outer = serde_json::from_value(value).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours.cleared, Some(None));
        assert_eq!(ours.absent, None);
        assert_eq!(ours.kinds[2], Kind::Shaped { x: 2.0 });
        assert_eq!(ours.by_hour[&9], 2);
        assert_eq!(from_value::<Tagged>(json!({"code": "closed"})).unwrap(), Tagged::Closed);
    }

    #[test]
    fn a_struct_is_never_read_from_an_array() {
        assert!(serde_json::from_value::<Inner>(json!([1, []])).is_ok(), "serde_json would");
        let err = from_value::<Inner>(json!([1, []])).unwrap_err().to_string();
        assert!(err.contains("invalid type: sequence"), "{err}");
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert!(from_value::<Inner>(json!({"n": 1u64 << 40})).is_err(), "out of i32's range");
        assert!(from_value::<Inner>(json!({"tags": []})).unwrap_err().to_string().contains("missing field `n`"));
        assert!(from_value::<Kind>(json!("unknown")).is_err());
        assert!(from_value::<Kind>(json!({"plain": null, "valued": 1})).is_err(), "two keys");
        assert!(from_value::<BTreeMap<u8, u8>>(json!({"x": 1})).is_err(), "a key that is no number");
        assert!(from_value::<(bool, char)>(json!([true, "x", 3])).is_err(), "too many elements");
    }
}
