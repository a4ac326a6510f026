//! Human durations in config and on the command line: "90s", "15m", "24h", "30d", "2w", "1h30m".

use std::fmt;
use std::str::FromStr;

use serde::de::Deserializer;

use super::parsed::{Invalid, from_str_with};
use serde::{Deserialize, Serialize, Serializer};

/// How to write a duration; shared by the command line's and the config file's errors.
pub const DURATION_HINT: &str =
    "write a number and a unit, like \"90s\", \"15m\", \"24h\", \"30d\" or \"2w\"";

/// A non-negative duration written the way people say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(pub chrono::Duration);

impl HumanDuration {
    pub const fn seconds(s: i64) -> Self {
        HumanDuration(chrono::Duration::seconds(s))
    }

    pub fn as_chrono(self) -> chrono::Duration {
        self.0
    }

    pub fn as_std(self) -> std::time::Duration {
        self.0.to_std().unwrap_or_default()
    }
}

/// The longest duration written anywhere: 100 years (`limits` bounds each setting further).
pub const MAX_DURATION_DAYS: i64 = 100 * 365;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("invalid duration {input:?}: {}", DURATION_HINT)]
    Malformed { input: String },
    #[error(
        "duration {input:?} is too large: the longest is {}d (100 years)",
        MAX_DURATION_DAYS
    )]
    TooLarge { input: String },
}

impl DurationError {
    /// What was wrong with it, and the hint, for the config's error lines.
    fn explained(&self) -> Invalid {
        match self {
            DurationError::Malformed { input } => {
                Invalid::new(format!("invalid duration {input:?}"), DURATION_HINT)
            }
            DurationError::TooLarge { input } => Invalid::new(
                format!("duration {input:?} is too large"),
                format!("the longest duration is {MAX_DURATION_DAYS}d (100 years)"),
            ),
        }
    }
}

impl FromStr for HumanDuration {
    type Err = DurationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = || DurationError::Malformed {
            input: input.to_string(),
        };
        let too_large = || DurationError::TooLarge {
            input: input.to_string(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(error());
        }
        let mut total: i64 = 0;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                return Err(error());
            }
            // Only digits: the one way to fail is a number past i64.
            let number: i64 = rest[..digits].parse().map_err(|_| too_large())?;
            rest = &rest[digits..];
            let unit_len = rest.chars().take_while(char::is_ascii_alphabetic).count();
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let scale = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3_600,
                "d" => 86_400,
                "w" => 7 * 86_400,
                _ => return Err(error()),
            };
            total = number
                .checked_mul(scale)
                .and_then(|s| total.checked_add(s))
                .filter(|s| *s <= MAX_DURATION_DAYS * 86_400)
                .ok_or_else(too_large)?;
        }
        Ok(HumanDuration(chrono::Duration::seconds(total)))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.0.num_seconds();
        if s == 0 {
            return write!(f, "0s");
        }
        for (unit, size) in [
            ("w", 604_800),
            ("d", 86_400),
            ("h", 3_600),
            ("m", 60),
            ("s", 1),
        ] {
            if s >= size && (s % size == 0 || unit != "w") {
                write!(f, "{}{unit}", s / size)?;
                s %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through the config's string visitor, so a wrong type reads `expected a string like
        // "30d"` and a bad value carries its hint separately.
        from_str_with(deserializer, "a string like \"30d\"", |text| {
            text.parse().map_err(|e: DurationError| e.explained())
        })
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_units() {
        assert_eq!("90s".parse::<HumanDuration>().unwrap().0.num_seconds(), 90);
        assert_eq!("24h".parse::<HumanDuration>().unwrap().0.num_hours(), 24);
        assert_eq!("30d".parse::<HumanDuration>().unwrap().0.num_days(), 30);
        assert_eq!("2w".parse::<HumanDuration>().unwrap().0.num_days(), 14);
        assert_eq!(
            "1h30m".parse::<HumanDuration>().unwrap().0.num_minutes(),
            90
        );
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in ["", "30", "d", "3x", "-1d", "1.5h", "999999999999999w"] {
            assert!(bad.parse::<HumanDuration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_number_past_the_longest_duration_is_too_large() {
        for big in ["999999999999999w", "99999999999999999999s", "36501d"] {
            let error = big.parse::<HumanDuration>().unwrap_err();
            assert!(matches!(error, DurationError::TooLarge { .. }), "{big}");
            assert!(error.to_string().contains("too large"), "{error}");
        }
        assert!("36500d".parse::<HumanDuration>().is_ok());
    }

    #[test]
    fn displays_compactly() {
        assert_eq!("30d".parse::<HumanDuration>().unwrap().to_string(), "30d");
        assert_eq!("90m".parse::<HumanDuration>().unwrap().to_string(), "1h30m");
        assert_eq!("14d".parse::<HumanDuration>().unwrap().to_string(), "2w");
    }
}
