//! Config values written as TOML strings (or numbers) and checked while deserializing.
//!
//! Two things make their errors good: the visitor names what was expected, so a wrong type
//! reads "expected a string like \"30d\"" rather than "expected a string"; and a bad value
//! carries its hint after [`HINT_SEPARATOR`], which the loader splits off into the hint line.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// Separates a problem from its hint inside a serde error message. The loader splits the two;
/// anyone calling `toml::from_str` directly still reads a sensible two-line message.
pub(crate) const HINT_SEPARATOR: &str = "\n  hint: ";

/// Why a value was rejected, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    /// What is wrong, without saying where: the loader adds the key and table.
    pub problem: String,
    pub hint: String,
}

impl Invalid {
    pub(crate) fn new(problem: impl Into<String>, hint: impl Into<String>) -> Self {
        Invalid {
            problem: problem.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn into_de_error<E: de::Error>(self) -> E {
        E::custom(format!("{}{HINT_SEPARATOR}{}", self.problem, self.hint))
    }
}

/// Deserializes a string and parses it with `parse`; `expecting` names the value in type
/// errors, e.g. `a string like "30d"`.
pub(crate) fn from_str_with<'de, D, T, F>(
    deserializer: D,
    expecting: &'static str,
    parse: F,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, Invalid>,
{
    deserializer.deserialize_str(StrVisitor {
        expecting,
        parse,
        output: PhantomData,
    })
}

struct StrVisitor<F, T> {
    expecting: &'static str,
    parse: F,
    output: PhantomData<T>,
}

impl<'de, F, T> Visitor<'de> for StrVisitor<F, T>
where
    F: FnOnce(&str) -> Result<T, Invalid>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(Invalid::into_de_error)
    }
}

/// Deserializes a number (integer or float) and checks it with `check`.
pub(crate) fn from_number_with<'de, D, T, F>(
    deserializer: D,
    expecting: &'static str,
    check: F,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(f64) -> Result<T, Invalid>,
{
    deserializer.deserialize_f64(NumberVisitor {
        expecting,
        check,
        output: PhantomData,
    })
}

struct NumberVisitor<F, T> {
    expecting: &'static str,
    check: F,
    output: PhantomData<T>,
}

impl<'de, F, T> Visitor<'de> for NumberVisitor<F, T>
where
    F: FnOnce(f64) -> Result<T, Invalid>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        (self.check)(value).map_err(Invalid::into_de_error)
    }

    #[allow(clippy::cast_precision_loss, reason = "config numbers are small")]
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        self.visit_f64(value as f64)
    }

    #[allow(clippy::cast_precision_loss, reason = "config numbers are small")]
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.visit_f64(value as f64)
    }
}
