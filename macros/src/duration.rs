//! Go duration text such as `1h30m`, `2.5s` or `300ms`, read as Go's
//! `time.ParseDuration` reads it (Go 1.22 documentation), except that a
//! negative duration is an error.

use std::time::Duration;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// The largest duration Go can represent: `i64::MAX` nanoseconds, about
/// 292 years.
const MAX_NANOS: u128 = i64::MAX as u128;

/// The units, with their length in nanoseconds. `µs` is U+00B5 and `μs`
/// is U+03BC; Go accepts both.
const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", NANOS_PER_SECOND),
    ("m", 60 * NANOS_PER_SECOND),
    ("h", 3600 * NANOS_PER_SECOND),
];

/// The units as a list for messages.
pub const UNIT_LIST: &str = "`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`";

/// The reason a text is not a Go duration.
#[derive(Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    Negative,
    /// A number with no unit after it, such as `90`.
    MissingUnit,
    /// A unit Go does not know, such as `d`.
    UnknownUnit(String),
    /// Text that is not a sequence of numbers with units, such as `1h 30m`.
    Invalid,
    /// More than [`MAX_NANOS`] nanoseconds.
    TooLarge,
}

/// Parses `text` into a duration, rounding a fraction of a nanosecond down.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let mut rest = match text.strip_prefix(['+', '-']) {
        Some(_) if text.starts_with('-') => return Err(DurationError::Negative),
        Some(unsigned) => unsigned,
        None => text,
    };
    if rest.is_empty() {
        return Err(DurationError::Empty);
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }

    let mut total: u128 = 0;
    while !rest.is_empty() {
        let (whole, after_whole) = split_digits(rest);
        let (fraction, after_number) = match after_whole.strip_prefix('.') {
            Some(after_dot) => split_digits(after_dot),
            None => ("", after_whole),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(DurationError::Invalid);
        }
        let unit_end = after_number
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after_number.len());
        let unit = &after_number[..unit_end];
        rest = &after_number[unit_end..];

        let scale = unit_nanos(unit)?;
        let whole: u128 = match whole {
            "" => 0,
            digits => digits.parse().map_err(|_| DurationError::TooLarge)?,
        };
        let nanos = whole
            .checked_mul(scale)
            .and_then(|nanos| nanos.checked_add(fraction_nanos(fraction, scale)))
            .and_then(|nanos| nanos.checked_add(total))
            .ok_or(DurationError::TooLarge)?;
        if nanos > MAX_NANOS {
            return Err(DurationError::TooLarge);
        }
        total = nanos;
    }
    let seconds = (total / NANOS_PER_SECOND) as u64;
    Ok(Duration::new(seconds, (total % NANOS_PER_SECOND) as u32))
}

fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

fn unit_nanos(unit: &str) -> Result<u128, DurationError> {
    if unit.is_empty() {
        return Err(DurationError::MissingUnit);
    }
    if unit.contains(|c: char| c.is_whitespace() || c == '+' || c == '-') {
        return Err(DurationError::Invalid);
    }
    UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, nanos)| *nanos)
        .ok_or_else(|| DurationError::UnknownUnit(unit.to_owned()))
}

/// Converts the digits after a decimal point into nanoseconds of a unit of
/// `scale` nanoseconds, rounding down. Digits past the 20th cannot change
/// the result by a nanosecond for a unit up to an hour, so they are ignored.
fn fraction_nanos(digits: &str, scale: u128) -> u128 {
    let digits = &digits[..digits.len().min(20)];
    if digits.is_empty() {
        return 0;
    }
    let numerator: u128 = digits.parse().unwrap_or(0);
    numerator * scale / 10u128.pow(digits.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_go_text() {
        let cases = [
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
            ("1m30s", Duration::from_secs(90)),
            ("1h30m", Duration::from_secs(5400)),
            ("1.5h", Duration::from_secs(5400)),
            ("+2.5s", Duration::from_millis(2500)),
            (".5s", Duration::from_millis(500)),
            ("1.s", Duration::from_secs(1)),
            ("300ms", Duration::from_millis(300)),
            ("1us", Duration::from_micros(1)),
            ("1µs", Duration::from_micros(1)),
            ("1μs", Duration::from_micros(1)),
            ("1ns", Duration::from_nanos(1)),
            ("1.9ns", Duration::from_nanos(1)),
            ("2h45m10.000000001s", Duration::new(9910, 1)),
            ("1s1s", Duration::from_secs(2)),
            ("0.333333333333333333333333s", Duration::new(0, 333_333_333)),
            (
                "2562047h47m16.854775807s",
                Duration::new(9_223_372_036, 854_775_807),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(expected), "text {text:?}");
        }
    }

    #[test]
    fn parse_rejects_with_reason() {
        let unknown = |unit: &str| Err(DurationError::UnknownUnit(unit.to_owned()));
        let cases = [
            ("", Err(DurationError::Empty)),
            ("+", Err(DurationError::Empty)),
            ("-1s", Err(DurationError::Negative)),
            ("90", Err(DurationError::MissingUnit)),
            ("1m30", Err(DurationError::MissingUnit)),
            ("1d", unknown("d")),
            ("1sec", unknown("sec")),
            ("1H", unknown("H")),
            ("s", Err(DurationError::Invalid)),
            (".s", Err(DurationError::Invalid)),
            ("1h 30m", Err(DurationError::Invalid)),
            ("1.2.3s", Err(DurationError::MissingUnit)),
            ("2562047h47m16.854775808s", Err(DurationError::TooLarge)),
            (
                "99999999999999999999999999999999999999999h",
                Err(DurationError::TooLarge),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), expected, "text {text:?}");
        }
    }
}
