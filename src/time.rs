//! Lead timestamps as instants.
//!
//! `date_created` and `last_updated` are RFC 3339 text in the schema's format
//! (`2016-02-01T14:09:01Z`, or with an offset, `2016-02-01T14:09:01+05:00`, optionally with
//! a fraction of a second). Text order is not time order once offsets differ
//! (`14:09:01+05:00` is before `10:00:00Z`), so comparisons go through [`Instant`].
//! Anything not in that format (`yesterday`, `""`, a date without a zone) is no instant:
//! callers skip it rather than guess.

use std::fmt;

/// A point in time read from a lead's timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(jiff::Timestamp);

impl Instant {
    /// The instant `text` names, when it is a timestamp in the schema's format:
    /// `YYYY-MM-DDTHH:MM:SS`, an optional `.fraction`, then `Z` or `±HH:MM`. None otherwise
    /// (including impossible dates such as February 30th).
    pub fn parse(text: &str) -> Option<Instant> {
        if !schema_format(text.as_bytes()) {
            return None;
        }
        text.parse::<jiff::Timestamp>().ok().map(Instant)
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_seconds(self) -> i64 {
        self.0.as_second()
    }
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC (`2016-02-01T09:09:01Z`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whether `a` is strictly earlier than `b`; None unless both are timestamps.
pub fn earlier(a: &str, b: &str) -> Option<bool> {
    Some(Instant::parse(a)? < Instant::parse(b)?)
}

/// The schema's pattern,
/// `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`
/// (jiff alone would also take a space for the `T`, lower case, and other forms).
fn schema_format(b: &[u8]) -> bool {
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        b"Z" => true,
        [sign, h1, h2, b':', m1, m2] => {
            matches!(sign, b'+' | b'-') && [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_compared_as_instants() {
        // 14:09:01+05:00 is 09:09:01Z: earlier than 10:00:00Z, though its text sorts later.
        assert_eq!(
            earlier("2016-02-01T14:09:01+05:00", "2016-02-01T10:00:00Z"),
            Some(true)
        );
        assert_eq!(
            earlier("2016-02-01T10:00:00Z", "2016-02-01T14:09:01+05:00"),
            Some(false)
        );
        assert_eq!(
            Instant::parse("2016-02-01T14:09:01+05:00")
                .unwrap()
                .to_string(),
            "2016-02-01T09:09:01Z"
        );
        assert_eq!(
            Instant::parse("2016-02-01T00:00:00-00:30"),
            Instant::parse("2016-02-01T00:30:00Z")
        );
        assert!(
            Instant::parse("2016-02-01T14:09:01.5Z").unwrap()
                > Instant::parse("2016-02-01T14:09:01Z").unwrap()
        );
        assert_eq!(
            Instant::parse("1970-01-01T00:01:00Z")
                .unwrap()
                .unix_seconds(),
            60
        );
    }

    #[test]
    fn what_is_not_a_timestamp_is_no_instant() {
        for text in [
            "",
            "garbage",
            "yesterday",
            "2016-02-01",
            "2016-02-01T14:09:01",
            "2016-02-01 14:09:01Z",
            "2016-02-01t14:09:01z",
            "2016-02-30T14:09:01Z",
            "2016-02-01T24:00:00Z",
            "2016-02-01T14:09:01.Z",
            "2016-02-01T14:09:01+0500",
            "2016-02-01T14:09:01Z ",
            "２016-02-01T14:09:01Z",
        ] {
            assert_eq!(Instant::parse(text), None, "{text:?}");
        }
        assert_eq!(earlier("garbage", "2016-02-01T10:00:00Z"), None);
    }
}
