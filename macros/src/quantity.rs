//! Memory sizes written as Kubernetes quantities, such as `512Mi` or `1G`.

/// The suffixes, with the number of bytes of each. `K` is accepted beside
/// Kubernetes' `k` because both are common spellings of a kilobyte.
const SUFFIXES: &[(&str, u128)] = &[
    ("", 1),
    ("k", 1_000),
    ("K", 1_000),
    ("M", 1_000_000),
    ("G", 1_000_000_000),
    ("T", 1_000_000_000_000),
    ("Ki", 1 << 10),
    ("Mi", 1 << 20),
    ("Gi", 1 << 30),
    ("Ti", 1 << 40),
];

/// The suffixes as a list for messages.
pub const SUFFIX_LIST: &str = "`k`, `M`, `G`, `T` (powers of 1000) or `Ki`, `Mi`, `Gi`, `Ti` \
                               (powers of 1024), or none for bytes";

/// The reason a text is not a memory quantity.
#[derive(Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// No number, or text that is not a number and a suffix.
    Invalid,
    UnknownSuffix(String),
    /// A fraction that is not a whole number of bytes, such as `1.5`.
    NotWholeBytes,
    /// More than `u64::MAX` bytes.
    TooLarge,
}

/// Parses a quantity such as `512Mi`, `1.5Gi` or `1048576` into bytes.
pub fn parse_bytes(text: &str) -> Result<u64, QuantityError> {
    let number_end = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return Err(QuantityError::Invalid);
    }
    let Some(&(_, scale)) = SUFFIXES.iter().find(|(name, _)| *name == suffix) else {
        return Err(QuantityError::UnknownSuffix(suffix.to_owned()));
    };

    let whole: u128 = match whole {
        "" => 0,
        digits => digits.parse().map_err(|_| QuantityError::TooLarge)?,
    };
    let fraction_bytes = fraction_bytes(fraction.trim_end_matches('0'), scale)?;
    let bytes = whole
        .checked_mul(scale)
        .and_then(|bytes| bytes.checked_add(fraction_bytes))
        .ok_or(QuantityError::TooLarge)?;
    u64::try_from(bytes).map_err(|_| QuantityError::TooLarge)
}

/// Returns the bytes of `0.<digits>` units of `scale` bytes, when that is a
/// whole number. Fractions past 38 digits, the most a `u128` power of ten
/// holds, are rejected.
fn fraction_bytes(digits: &str, scale: u128) -> Result<u128, QuantityError> {
    if digits.len() > 38 {
        return Err(QuantityError::NotWholeBytes);
    }
    let numerator: u128 = digits.parse().unwrap_or(0);
    let denominator = 10u128.pow(digits.len() as u32);
    let divisor = greatest_common_divisor(numerator, denominator);
    let (numerator, denominator) = (numerator / divisor, denominator / divisor);
    if scale % denominator != 0 {
        return Err(QuantityError::NotWholeBytes);
    }
    Ok(numerator * (scale / denominator))
}

fn greatest_common_divisor(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_bytes_reads_every_suffix() {
        let cases = [
            ("0", 0),
            ("1048576", 1_048_576),
            ("1k", 1_000),
            ("1K", 1_000),
            ("512M", 512_000_000),
            ("2G", 2_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1Ki", 1_024),
            ("512Mi", 536_870_912),
            ("6Mi", 6_291_456),
            ("1Gi", 1_073_741_824),
            ("1Ti", 1_099_511_627_776),
            ("1.5Gi", 1_610_612_736),
            ("0.5Ki", 512),
            (".5Ki", 512),
            ("2.50M", 2_500_000),
            ("1.000", 1),
            ("1.00006103515625Ti", 1_099_578_736_640),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_bytes(text), Ok(expected), "text {text:?}");
        }
    }

    #[test]
    fn parse_bytes_rejects_with_reason() {
        let unknown = |suffix: &str| Err(QuantityError::UnknownSuffix(suffix.to_owned()));
        let cases = [
            ("", Err(QuantityError::Invalid)),
            ("Mi", Err(QuantityError::Invalid)),
            (".", Err(QuantityError::Invalid)),
            ("1.2.3", Err(QuantityError::Invalid)),
            ("512m", unknown("m")),
            ("512MB", unknown("MB")),
            ("1e9", unknown("e9")),
            ("1 Gi", unknown(" Gi")),
            ("-1Gi", Err(QuantityError::Invalid)),
            ("1.5", Err(QuantityError::NotWholeBytes)),
            ("0.0001Ki", Err(QuantityError::NotWholeBytes)),
            ("1.00000000000001Ti", Err(QuantityError::NotWholeBytes)),
            ("16777216Ti", Err(QuantityError::TooLarge)),
            (
                "99999999999999999999999999999999999999999",
                Err(QuantityError::TooLarge),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_bytes(text), expected, "text {text:?}");
        }
    }
}
