//! Durations as text, in the format of Go's `time.Duration`.
//!
//! Flyte's CoPilot writes duration inputs in this format and parses duration
//! outputs with Go's `time.ParseDuration`, so a container written for Flyte
//! reads and writes the same text under containerflow.

use std::time::Duration;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Formats `span` as Go's `Duration.String` does: `1h2m3.5s`, `1m30s`,
/// `300ms`, `1.5µs`, `0s`.
pub fn format_go(span: Duration) -> String {
    let nanos = span.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", decimal(nanos, 1_000));
    }
    if nanos < NANOS_PER_SECOND {
        return format!("{}ms", decimal(nanos, 1_000_000));
    }
    let seconds = span.as_secs();
    let (hours, minutes) = (seconds / 3600, seconds / 60 % 60);
    let mut text = String::new();
    if hours > 0 {
        text.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        text.push_str(&format!("{minutes}m"));
    }
    let rest = u128::from(seconds % 60) * NANOS_PER_SECOND + u128::from(span.subsec_nanos());
    text.push_str(&format!("{}s", decimal(rest, NANOS_PER_SECOND)));
    text
}

/// Writes `value / unit` as a decimal with no trailing zeros in the fraction.
fn decimal(value: u128, unit: u128) -> String {
    let (whole, fraction) = (value / unit, value % unit);
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Parses Go duration text such as `1h30m`, `2.5s`, `300ms`, `1us` or `0`.
///
/// Accepts a leading `+`; rejects negative durations, which
/// `std::time::Duration` cannot hold, and values past `u64::MAX` seconds.
pub fn parse_go(text: &str) -> Option<Duration> {
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let (whole, after_whole) = split_digits(rest);
        let (fraction, after_fraction) = match after_whole.strip_prefix('.') {
            Some(after_dot) => split_digits(after_dot),
            None => ("", after_whole),
        };
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let unit_end = after_fraction
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after_fraction.len());
        let scale = unit_nanos(&after_fraction[..unit_end])?;
        rest = &after_fraction[unit_end..];

        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        total = total.checked_add(whole.checked_mul(scale)?)?;
        total = total.checked_add(fraction_nanos(fraction, scale))?;
    }
    let seconds = u64::try_from(total / NANOS_PER_SECOND).ok()?;
    Some(Duration::new(seconds, (total % NANOS_PER_SECOND) as u32))
}

fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

fn unit_nanos(unit: &str) -> Option<u128> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => NANOS_PER_SECOND,
        "m" => 60 * NANOS_PER_SECOND,
        "h" => 3600 * NANOS_PER_SECOND,
        _ => return None,
    })
}

/// Converts the digits after a decimal point into nanoseconds of a unit of
/// `scale` nanoseconds, rounding down. Digits past the 20th cannot change the
/// result by a nanosecond for any unit up to an hour, so they are ignored.
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
    fn format_matches_go() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_nanos(300), "300ns"),
            (Duration::from_nanos(1_500), "1.5µs"),
            (Duration::from_millis(300), "300ms"),
            (Duration::from_millis(1500), "1.5s"),
            (Duration::from_secs(90), "1m30s"),
            (Duration::from_secs(3600), "1h0m0s"),
            (Duration::new(97_323, 5_000), "27h2m3.000005s"),
        ];
        for (span, text) in cases {
            assert_eq!(format_go(span), text);
            assert_eq!(parse_go(text), Some(span), "{text}");
        }
    }

    #[test]
    fn parse_accepts_go_forms() {
        assert_eq!(parse_go("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_go("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_go("+2.5s"), Some(Duration::from_millis(2500)));
        assert_eq!(parse_go("1us"), Some(Duration::from_micros(1)));
        assert_eq!(parse_go(".5s"), Some(Duration::from_millis(500)));
        assert_eq!(parse_go("0"), Some(Duration::ZERO));
    }

    #[test]
    fn parse_rejects_other_text() {
        for text in [
            "",
            "1",
            "-1s",
            "1d",
            "s",
            "1.s.",
            "1h 30m",
            "seconds:90",
            ".",
        ] {
            assert_eq!(parse_go(text), None, "{text:?} parsed");
        }
    }
}
