//! Virtual time: integer milliseconds since the cluster was created, and the ways Kubernetes
//! prints time (RFC 3339 timestamps, Go durations, kubectl's ages).

/// A point on the virtual clock or a span of it, in milliseconds.
pub type Millis = u64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;

/// Virtual time 0 is 2025-01-01T00:00:00Z, so timestamps look like the real thing.
pub const EPOCH_UNIX_SECONDS: u64 = 1_735_689_600;

/// Unix seconds of a virtual instant.
pub fn unix_seconds(t: Millis) -> i64 {
    (EPOCH_UNIX_SECONDS + t / SECOND) as i64
}

/// A calendar reading of Unix seconds (UTC): the fields cron schedules match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

pub fn civil(unix: i64) -> Civil {
    let days = unix.div_euclid(86_400);
    let rem = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: ((rem % 3600) / 60) as u32,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Unix seconds of a calendar date at midnight UTC (day may run past the month's end).
pub fn unix_of_date(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, i64::from(month), i64::from(day)) * 86_400
}

/// Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`.
pub fn rfc1123z(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(unix);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        DAYS[c.weekday as usize],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        unix.rem_euclid(60)
    )
}

/// Whole seconds of `t`, as the API keeps timestamps (RFC 3339 without fractions).
pub fn truncate_to_second(t: Millis) -> Millis {
    t - t % SECOND
}

/// `t` as the API server prints a `metav1.Time`: `2025-01-01T00:00:07Z` (seconds precision).
pub fn rfc3339(t: Millis) -> String {
    let secs = EPOCH_UNIX_SECONDS.saturating_add(t / SECOND);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Inverse of [`rfc3339`] for timestamps this crate produced (used by the scenario checks).
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    let rel = secs.checked_sub(EPOCH_UNIX_SECONDS as i64)?;
    u64::try_from(rel).ok().map(|s| s * SECOND)
}

// Howard Hinnant's civil-from-days algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A span the way Go's `time.Duration.String` prints it: `10s`, `1m20s`, `5m0s`, `1.5s`, `300ms`.
/// The kubelet's back-off messages (spec 34) and pull events use this form.
pub fn go_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < SECOND {
        return format!("{ms}ms");
    }
    let hours = ms / HOUR;
    let minutes = (ms % HOUR) / MINUTE;
    let secs = (ms % MINUTE) / SECOND;
    let frac = ms % SECOND;
    let mut seconds = secs.to_string();
    if frac > 0 {
        let f = format!("{frac:03}");
        seconds.push('.');
        seconds.push_str(f.trim_end_matches('0'));
    }
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}

/// kubectl's `duration.HumanDuration`, used for AGE and LAST SEEN columns.
pub fn human_duration(ms: Millis) -> String {
    let seconds = ms / SECOND;
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    format!("{}y", hours / 24 / 365)
}

/// Parses a user-facing duration: Go form (`90s`, `5m`, `1h30m`, `500ms`, `1.5s`) or a bare
/// number of seconds. Used by the CLI's `--for` and the behaviour annotation.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration".to_string());
    }
    if let Ok(n) = s.parse::<u64>() {
        return n
            .checked_mul(SECOND)
            .ok_or_else(|| format!("duration {text:?} is too large"));
    }
    let bad = || format!("invalid duration {text:?} (use forms like 90s, 5m, 1h30m, 500ms)");
    let mut total: u128 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        let part = value * scale;
        if !part.is_finite() || part > 1e18 {
            return Err(format!("duration {text:?} is too large"));
        }
        total += part.round() as u128;
    }
    u64::try_from(total).map_err(|_| format!("duration {text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_start_at_the_epoch() {
        assert_eq!(rfc3339(0), "2025-01-01T00:00:00Z");
        assert_eq!(rfc3339(86_400_999), "2025-01-02T00:00:00Z");
        assert_eq!(rfc3339(59 * 86_400_000 + 3_723_000), "2025-03-01T01:02:03Z");
        assert_eq!(
            parse_rfc3339("2025-03-01T01:02:03Z"),
            Some(59 * 86_400_000 + 3_723_000)
        );
        assert_eq!(parse_rfc3339("2024-12-31T23:59:59Z"), None);
    }

    #[test]
    fn go_durations_match_the_back_off_messages() {
        let shown: Vec<String> = [10, 20, 40, 80, 160, 300]
            .iter()
            .map(|s| go_duration(s * SECOND))
            .collect();
        assert_eq!(shown, ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]);
        assert_eq!(go_duration(2_345), "2.345s");
        assert_eq!(go_duration(412), "412ms");
        assert_eq!(go_duration(HOUR + 1_500), "1h0m1.5s");
    }

    #[test]
    fn human_durations_follow_kubectl() {
        assert_eq!(human_duration(59_999), "59s");
        assert_eq!(human_duration(119 * SECOND), "119s");
        assert_eq!(human_duration(150 * SECOND), "2m30s");
        assert_eq!(human_duration(10 * MINUTE + 5 * SECOND), "10m");
        assert_eq!(human_duration(3 * HOUR + 30 * MINUTE), "3h30m");
        assert_eq!(human_duration(50 * HOUR), "2d2h");
    }

    #[test]
    fn durations_parse_in_go_form_and_reject_garbage() {
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("1h30m"), Ok(90 * MINUTE));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5s"), Ok(1_500));
        assert_eq!(parse_duration("60"), Ok(60_000));
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
    }
}
