//! Calendar dates of SEL timestamps, without a clock or time-zone database.
//!
//! SEL timestamps count seconds since 1970-01-01 in the BMC's clock (IPMI
//! v2.0 §37). The tools print them as UTC dates when the BMC keeps UTC;
//! [`CivilTime::from_unix`] does the proleptic Gregorian conversion.

/// A date and time of day (UTC, or whatever zone the BMC clock keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CivilTime {
    /// Year, e.g. 2024.
    pub year: i64,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl CivilTime {
    /// Converts seconds since 1970-01-01 00:00:00 UTC.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Days since 1970-01-01 to a civil date: shift the epoch to
        // 0000-03-01 so that leap days fall at the end of a 400-year era.
        let z = days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // day of era, 0..=146096
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
        let mp = (5 * doy + 2) / 153; // month from March, 0..=11
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe
            .saturating_add(era.saturating_mul(400))
            .saturating_add(i64::from(month <= 2));
        let small = |v: i64| u8::try_from(v).unwrap_or(0);
        Self {
            year,
            month: small(month),
            day: small(day),
            hour: small(rem / 3600),
            minute: small(rem % 3600 / 60),
            second: small(rem % 60),
        }
    }

    /// The month's English abbreviation ("Jan" … "Dec").
    pub fn month_abbrev(&self) -> &'static str {
        MONTHS
            .get(usize::from(self.month.saturating_sub(1)))
            .copied()
            .unwrap_or("???")
    }

    /// `MM/DD/YY`, as `ipmitool sel elist` prints dates ("05/14/24").
    pub fn ipmitool_date(&self) -> String {
        format!(
            "{:02}/{:02}/{:02}",
            self.month,
            self.day,
            self.year.rem_euclid(100)
        )
    }

    /// `Mon-DD-YYYY`, as `ipmi-sel` prints dates ("May-14-2024").
    pub fn freeipmi_date(&self) -> String {
        format!("{}-{:02}-{:04}", self.month_abbrev(), self.day, self.year)
    }

    /// `MM/DD/YYYY - HH:MM:SS`, as `ipmi-sel --info` prints timestamps.
    pub fn freeipmi_info(&self) -> String {
        format!(
            "{:02}/{:02}/{:04} - {}",
            self.month,
            self.day,
            self.year,
            self.time()
        )
    }

    /// `HH:MM:SS`.
    pub fn time(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC).
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{}Z",
            self.year,
            self.month,
            self.day,
            self.time()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        let t = CivilTime::from_unix(1_715_673_600);
        assert_eq!(t.ipmitool_date(), "05/14/24");
        assert_eq!(t.freeipmi_date(), "May-14-2024");
        assert_eq!(t.time(), "08:00:00");
        assert_eq!(t.rfc3339(), "2024-05-14T08:00:00Z");
        assert_eq!(
            CivilTime::from_unix(1_741_615_500).freeipmi_info(),
            "03/10/2025 - 14:05:00"
        );
        assert_eq!(CivilTime::from_unix(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(
            CivilTime::from_unix(951_782_400).rfc3339(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(CivilTime::from_unix(-1).rfc3339(), "1969-12-31T23:59:59Z");
        assert_eq!(
            CivilTime::from_unix(i64::from(u32::MAX)).rfc3339(),
            "2106-02-07T06:28:15Z"
        );
    }

    #[test]
    fn every_day_for_a_few_centuries_is_consistent() {
        let mut prev = CivilTime::from_unix(0);
        for d in 1..(365 * 300) {
            let t = CivilTime::from_unix(d * 86_400);
            assert!(t > prev, "{t:?} after {prev:?}");
            assert!((1..=12).contains(&t.month) && (1..=31).contains(&t.day));
            prev = t;
        }
    }
}
