//! Cron schedules as the CronJob controller reads them (robfig/cron v3's `ParseStandard`):
//! five fields (minute, hour, day of month, month, day of week) with `*`, `?`, ranges, steps,
//! lists and month/day names, or a descriptor (`@hourly`, `@daily`, `@every 90s`, ...), with
//! the parser's own error texts, which the API server quotes when it rejects a schedule.

use crate::clock::{civil, parse_duration, unix_of_date, SECOND};

/// Set when a field was `*` or `?`: day-of-month and day-of-week then combine with AND
/// instead of OR, as in classic cron.
const STAR: u64 = 1 << 63;

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
/// Names are matched case-insensitively; a name's value is its index plus `min`.
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// Bit sets of the matching minutes, hours, days of month, months and days of week.
    Fields {
        minute: u64,
        hour: u64,
        dom: u64,
        month: u64,
        dow: u64,
    },
    /// `@every <duration>`: whole seconds, at least one.
    Every(i64),
}

/// `cron.ParseStandard`.
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    if let Some(descriptor) = spec.strip_prefix('@') {
        return parse_descriptor(descriptor, spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    Ok(Schedule::Fields {
        minute: field(fields[0], &MINUTES)?,
        hour: field(fields[1], &HOURS)?,
        dom: field(fields[2], &DOM)?,
        month: field(fields[3], &MONTHS)?,
        dow: field(fields[4], &DOW)?,
    })
}

fn parse_descriptor(descriptor: &str, spec: &str) -> Result<Schedule, String> {
    let standard = match descriptor {
        "yearly" | "annually" => "0 0 1 1 *",
        "monthly" => "0 0 1 * *",
        "weekly" => "0 0 * * 0",
        "daily" | "midnight" => "0 0 * * *",
        "hourly" => "0 * * * *",
        _ => {
            let Some(every) = descriptor.strip_prefix("every ") else {
                return Err(format!("unrecognized descriptor: {spec}"));
            };
            let ms = parse_duration(every.trim())
                .map_err(|e| format!("failed to parse duration {spec}: {e}"))?;
            // Sub-second delays are rounded up to one second.
            return Ok(Schedule::Every((ms / SECOND).max(1) as i64));
        }
    };
    parse(standard)
}

fn field(text: &str, bounds: &Bounds) -> Result<u64, String> {
    let mut bits = 0;
    for expr in text.split(',') {
        bits |= range(expr, bounds)?;
    }
    Ok(bits)
}

fn range(expr: &str, b: &Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end, mut extra);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (start, end, extra) = (b.min, b.max, STAR);
    } else {
        start = int_or_name(low_and_high[0], b)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = int(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if single {
                end = b.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let bits = (start..=end)
        .step_by(step as usize)
        .fold(0u64, |acc, i| acc | 1 << i);
    Ok(bits | extra)
}

fn int_or_name(expr: &str, b: &Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    match b.names.iter().position(|n| *n == lower) {
        Some(i) => Ok(i as u32 + b.min),
        None => int(expr),
    }
}

/// Go's `strconv.Atoi` as robfig's `mustParseInt` reports it.
fn int(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix('+').unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax"
        ));
    }
    // Values past any field's maximum are rejected by the range check; keep them large.
    Ok(digits.parse::<u32>().unwrap_or(u32::MAX))
}

impl Schedule {
    /// The first activation strictly after `after` (Unix seconds, in the schedule's zone as
    /// a fixed offset `offset` seconds east of UTC); None when none comes within five years
    /// (a date that never exists, like 30 February).
    pub fn next(&self, after: i64, offset: i64) -> Option<i64> {
        let (minute, hour, dom, month, dow) = match *self {
            Schedule::Every(secs) => return Some(after + secs),
            Schedule::Fields {
                minute,
                hour,
                dom,
                month,
                dow,
            } => (minute, hour, dom, month, dow),
        };
        let local_after = after + offset;
        let limit = civil(local_after).year + 5;
        // The next whole minute strictly after `after`.
        let mut t = local_after - local_after.rem_euclid(60) + 60;
        loop {
            let c = civil(t);
            if c.year > limit {
                return None;
            }
            if month & 1 << c.month == 0 {
                let (y, m) = if c.month == 12 {
                    (c.year + 1, 1)
                } else {
                    (c.year, c.month + 1)
                };
                t = unix_of_date(y, m, 1);
                continue;
            }
            let dom_match = dom & 1 << c.day != 0;
            let dow_match = dow & 1 << c.weekday != 0;
            let day_match = if dom & STAR != 0 || dow & STAR != 0 {
                dom_match && dow_match
            } else {
                dom_match || dow_match
            };
            if !day_match {
                t = unix_of_date(c.year, c.month, c.day) + 86_400;
                continue;
            }
            if hour & 1 << c.hour == 0 {
                t = t - t.rem_euclid(3600) + 3600;
                continue;
            }
            if minute & 1 << c.minute == 0 {
                t += 60;
                continue;
            }
            return Some(t - offset);
        }
    }
}

/// A `timeZone` the simulator can follow: a fixed offset east of UTC in seconds. Only UTC
/// and the fixed `Etc/GMT±N` zones are known; other IANA names are run as UTC (no daylight
/// saving tables here), which `None` reports.
pub fn zone_offset(zone: &str) -> Option<i64> {
    match zone {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Etc/UCT" | "UCT" | "Etc/Zulu" | "Zulu" => Some(0),
        _ => {
            let rest = zone.strip_prefix("Etc/GMT")?;
            let hours: i64 = rest.parse().ok()?;
            // POSIX sign convention: Etc/GMT+5 is five hours west of UTC.
            (-14..=12).contains(&hours).then_some(-hours * 3600)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::civil;

    /// 2025-01-01T00:00:00Z, a Wednesday.
    const NEW_YEAR: i64 = 1_735_689_600;

    fn next_n(spec: &str, from: i64, n: usize) -> Vec<String> {
        let s = parse(spec).unwrap();
        let mut t = from;
        (0..n)
            .map(|_| {
                t = s.next(t, 0).unwrap();
                let c = civil(t);
                format!("{:02}-{:02} {:02}:{:02}", c.month, c.day, c.hour, c.minute)
            })
            .collect()
    }

    #[test]
    fn fields_ranges_steps_lists_and_names() {
        assert_eq!(
            next_n("*/15 * * * *", NEW_YEAR, 3),
            ["01-01 00:15", "01-01 00:30", "01-01 00:45"]
        );
        assert_eq!(
            next_n("5 9-10 * * *", NEW_YEAR, 3),
            ["01-01 09:05", "01-01 10:05", "01-02 09:05"]
        );
        assert_eq!(
            next_n("0 12 * * mon,FRI", NEW_YEAR, 3),
            ["01-03 12:00", "01-06 12:00", "01-10 12:00"]
        );
        assert_eq!(
            next_n("0 0 1 feb-mar *", NEW_YEAR, 2),
            ["02-01 00:00", "03-01 00:00"]
        );
        // Day of month and day of week both restricted: either matches.
        assert_eq!(
            next_n("0 0 2 * 0", NEW_YEAR, 2),
            ["01-02 00:00", "01-05 00:00"]
        );
        assert_eq!(
            next_n("10/20 * * * *", NEW_YEAR, 3),
            ["01-01 00:10", "01-01 00:30", "01-01 00:50"]
        );
    }

    #[test]
    fn descriptors() {
        assert_eq!(
            next_n("@hourly", NEW_YEAR + 1, 2),
            ["01-01 01:00", "01-01 02:00"]
        );
        assert_eq!(next_n("@daily", NEW_YEAR, 1), ["01-02 00:00"]);
        assert_eq!(next_n("@weekly", NEW_YEAR, 1), ["01-05 00:00"]);
        assert_eq!(next_n("@monthly", NEW_YEAR, 1), ["02-01 00:00"]);
        assert_eq!(next_n("@yearly", NEW_YEAR, 1), ["01-01 00:00"]);
        assert_eq!(
            parse("@every 90s").unwrap().next(NEW_YEAR, 0),
            Some(NEW_YEAR + 90)
        );
    }

    #[test]
    fn strictly_after_and_never() {
        let s = parse("0 0 * * *").unwrap();
        assert_eq!(s.next(NEW_YEAR, 0), Some(NEW_YEAR + 86_400));
        assert_eq!(s.next(NEW_YEAR - 1, 0), Some(NEW_YEAR));
        assert_eq!(parse("0 0 30 2 *").unwrap().next(NEW_YEAR, 0), None);
        // Etc/GMT-2 is two hours east: local midnight is 22:00 UTC.
        let offset = zone_offset("Etc/GMT-2").unwrap();
        assert_eq!(s.next(NEW_YEAR, offset), Some(NEW_YEAR + 22 * 3600));
    }

    #[test]
    fn parser_errors_are_robfigs() {
        let err = |s: &str| parse(s).unwrap_err();
        assert_eq!(err("off"), "expected exactly 5 fields, found 1: [off]");
        assert_eq!(err(""), "empty spec string");
        assert_eq!(
            err("0 24 * * *"),
            "end of range (24) above maximum (23): 24"
        );
        assert_eq!(
            err("0 0 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            err("5-1 * * * *"),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(
            err("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(
            err("x * * * *"),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(err("1-2-3 * * * *"), "too many hyphens: 1-2-3");
        assert_eq!(err("@fortnightly"), "unrecognized descriptor: @fortnightly");
        assert_eq!(zone_offset("Europe/Paris"), None);
    }
}
