//! The keys of a config table, read from its serde derive, so a field added to the schema is a
//! known key at once (unknown-key errors, "did you mean" hints, the theme's role list).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The field names serde's derive hands to `deserialize_struct` for `T`, read by offering the
/// derive a deserializer that records them and then refuses to go on. Empty for types that
/// are not derived structs.
pub(crate) fn fields_of<T>() -> &'static [&'static str]
where
    T: for<'de> Deserialize<'de>,
{
    let mut fields: &'static [&'static str] = &[];
    // The probe always fails on purpose: it only wants the field list.
    let _ = T::deserialize(FieldProbe {
        fields: &mut fields,
    });
    fields
}

struct FieldProbe<'a> {
    fields: &'a mut &'static [&'static str],
}

#[derive(Debug)]
struct ProbeDone;

impl fmt::Display for ProbeDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for ProbeDone {}

impl de::Error for ProbeDone {
    fn custom<M: fmt::Display>(_: M) -> Self {
        ProbeDone
    }
}

impl<'de> Deserializer<'de> for FieldProbe<'_> {
    type Error = ProbeDone;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, ProbeDone> {
        Err(ProbeDone)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, ProbeDone> {
        *self.fields = fields;
        Err(ProbeDone)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{General, Ui};

    #[test]
    fn reads_field_names_from_the_derive() {
        assert_eq!(fields_of::<Ui>(), ["wall_rotate", "mouse"]);
        assert!(fields_of::<General>().contains(&"timezone"));
        assert!(fields_of::<String>().is_empty());
    }
}
