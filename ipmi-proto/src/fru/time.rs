//! The board manufacturing date/time: minutes since 1996-01-01 00:00 UTC in
//! three bytes, LS byte first (Platform Management FRU Information Storage
//! Definition §11, "Mfg. Date / Time"; 0 = unspecified).
//!
//! Calendar arithmetic is done here (proleptic Gregorian, UTC, no clock), so
//! the core stays free of time crates and of I/O.

use std::fmt;

/// Seconds from the Unix epoch to 1996-01-01 00:00:00 UTC.
pub const FRU_EPOCH_UNIX_SECONDS: i64 = 820_454_400;

/// Largest value of the 24-bit field.
pub const MAX_MINUTES: u32 = 0x00ff_ffff;

/// A manufacturing timestamp: minutes since 1996-01-01 00:00 UTC (24 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FruTimestamp(u32);

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CivilTime {
    /// Year (1996–2027 for FRU timestamps).
    pub year: i64,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Day of the week, 0 = Sunday … 6 = Saturday.
    pub weekday: u8,
}

impl CivilTime {
    /// The English three-letter weekday name (`Mon`).
    pub fn weekday_name(&self) -> &'static str {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            .get(usize::from(self.weekday))
            .copied()
            .unwrap_or("???")
    }

    /// The English three-letter month name (`Feb`).
    pub fn month_name(&self) -> &'static str {
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .get(usize::from(self.month).saturating_sub(1))
        .copied()
        .unwrap_or("???")
    }
}

impl FruTimestamp {
    /// A timestamp from minutes since 1996-01-01 (only the low 24 bits are
    /// kept).
    pub fn from_minutes(minutes: u32) -> Self {
        Self(minutes & MAX_MINUTES)
    }

    /// The timestamp for a UTC date and time, `None` outside 1996-01-01
    /// 00:00 … 2027-11-24 20:15 (the 24-bit range) or for an invalid date.
    pub fn from_civil(year: i64, month: u8, day: u8, hour: u8, minute: u8) -> Option<Self> {
        if !(1996..=2027).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        if hour > 23 || minute > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day).checked_sub(days_from_civil(1996, 1, 1))?;
        let minutes = days
            .checked_mul(1440)?
            .checked_add(i64::from(hour) * 60 + i64::from(minute))?;
        u32::try_from(minutes)
            .ok()
            .filter(|m| *m <= MAX_MINUTES)
            .map(Self)
    }

    /// Minutes since 1996-01-01 00:00 UTC.
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        FRU_EPOCH_UNIX_SECONDS + i64::from(self.0) * 60
    }

    /// The UTC calendar date and time.
    pub fn civil(self) -> CivilTime {
        let minutes = i64::from(self.0);
        let days = minutes / 1440 + days_from_civil(1996, 1, 1);
        let rem = minutes % 1440;
        let (year, month, day) = civil_from_days(days);
        CivilTime {
            year,
            month,
            day,
            hour: u8::try_from(rem / 60).unwrap_or(0),
            minute: u8::try_from(rem % 60).unwrap_or(0),
            // 1970-01-01 (day 0) was a Thursday.
            weekday: u8::try_from((days + 4).rem_euclid(7)).unwrap_or(0),
        }
    }

    /// RFC 3339 / ISO 8601 in UTC: `2024-02-12T10:15:00Z`.
    pub fn to_rfc3339(self) -> String {
        let c = self.civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00Z",
            c.year, c.month, c.day, c.hour, c.minute
        )
    }
}

impl fmt::Display for FruTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sim_board_dates() {
        // tests/sim/expected/fru.json: 14787975 minutes = 2024-02-12T10:15:00Z
        // ("Mon Feb 12 10:15:00 2024 UTC" in ipmitool).
        let t = FruTimestamp::from_minutes(14_787_975);
        assert_eq!(t.to_rfc3339(), "2024-02-12T10:15:00Z");
        let c = t.civil();
        assert_eq!((c.weekday_name(), c.month_name()), ("Mon", "Feb"));
        assert_eq!(FruTimestamp::from_civil(2024, 2, 12, 10, 15), Some(t));
        assert_eq!(
            FruTimestamp::from_minutes(14_682_120).to_string(),
            "2023-11-30T22:00:00Z"
        );
        assert_eq!(
            FruTimestamp::from_minutes(0).to_rfc3339(),
            "1996-01-01T00:00:00Z"
        );
        assert_eq!(FruTimestamp::from_minutes(0).civil().weekday_name(), "Mon");
        assert_eq!(FruTimestamp::from_minutes(0).unix_seconds(), 820_454_400);
        assert_eq!(
            FruTimestamp::from_minutes(MAX_MINUTES).to_rfc3339(),
            "2027-11-24T20:15:00Z"
        );
        assert_eq!(FruTimestamp::from_civil(2027, 11, 24, 20, 16), None);
        assert_eq!(FruTimestamp::from_civil(1995, 12, 31, 23, 59), None);
        assert_eq!(FruTimestamp::from_civil(2023, 2, 29, 0, 0), None);
        assert_eq!(FruTimestamp::from_civil(2024, 13, 1, 0, 0), None);
        assert!(FruTimestamp::from_civil(2024, 2, 29, 0, 0).is_some());
        assert_eq!(FruTimestamp::from_minutes(0xff00_0001).minutes(), 1);
    }

    proptest! {
        #[test]
        fn civil_round_trip(m in 0u32..=MAX_MINUTES) {
            let t = FruTimestamp::from_minutes(m);
            let c = t.civil();
            prop_assert_eq!(FruTimestamp::from_civil(c.year, c.month, c.day, c.hour, c.minute), Some(t));
            prop_assert_eq!(t.to_rfc3339().len(), 20);
        }
    }
}
