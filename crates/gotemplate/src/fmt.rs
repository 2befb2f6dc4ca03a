//! Go's `fmt` package (`Sprint`, `Sprintln`, `Sprintf`) over [`Value`]s,
//! including its error annotations (`%!d(string=x)`, `%!v(MISSING)`, ...).

use crate::strconv;
use crate::value::{ElemType, GoStr, Value};

#[derive(Default, Clone, Copy)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    sharp_v: bool,
    plus_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

/// The output buffer: bytes, since Go strings (and so fmt's output) may
/// hold invalid UTF-8.
#[derive(Default)]
struct Buf(Vec<u8>);

impl Buf {
    fn push(&mut self, c: char) {
        self.0
            .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }
    fn push_bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn extend(&mut self, it: impl IntoIterator<Item = char>) {
        for c in it {
            self.push(c);
        }
    }
    fn into_gostr(self) -> GoStr {
        GoStr::from_bytes(self.0)
    }
}

struct Printer {
    buf: Buf,
    f: Flags,
}

/// Go's `fmt.Sprint`: spaces between operands when neither is a string.
/// (Invalid UTF-8 in the result is replaced; see [`sprint_go`].)
pub fn sprint(args: &[Value]) -> String {
    sprint_go(args).to_str_lossy().into_owned()
}

/// Go's `fmt.Sprintln`.
pub fn sprintln(args: &[Value]) -> String {
    sprintln_go(args).to_str_lossy().into_owned()
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, a: &[Value]) -> String {
    sprintf_go(format.as_bytes(), a).to_str_lossy().into_owned()
}

/// Go's `fmt.Sprint`, keeping the bytes of strings that are not UTF-8.
pub fn sprint_go(args: &[Value]) -> GoStr {
    let mut p = Printer::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p.buf.into_gostr()
}

/// Go's `fmt.Sprintln`: spaces between all operands and a final newline.
pub fn sprintln_go(args: &[Value]) -> GoStr {
    let mut p = Printer::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p.buf.into_gostr()
}

/// Nesting depth of containers printed before eliding (Go has no limit;
/// JSON/YAML decoders already stop far below it).
const MAX_PRINT_DEPTH: usize = 256;

fn too_large(x: usize) -> bool {
    x > 1_000_000
}

/// Parse a decimal number in `s[start..end]` like Go's `parsenum`.
fn parsenum(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as usize;
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num < a.len() {
        let (mut num, mut ok) = match a[arg_num].int_kind() {
            Some(n) if (i64::MIN as i128..=i64::MAX as i128).contains(&n) => (n as i64, true),
            _ => (0, false),
        };
        if ok && !(-1_000_000..=1_000_000).contains(&num) {
            num = 0;
            ok = false;
        }
        return (num, ok, arg_num + 1);
    }
    (0, false, arg_num)
}

/// Go's `fmt.Sprintf` (the format is a Go string: any bytes).
pub fn sprintf_go(format: &[u8], a: &[Value]) -> GoStr {
    let mut p = Printer::new();
    let s = format;
    let end = s.len();
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0;
    'outer: while i < end {
        let mut good_arg_num = true;
        let last = i;
        while i < end && s[i] != b'%' {
            i += 1;
        }
        if i > last {
            p.buf.push_bytes(&format[last..i]);
        }
        if i >= end {
            break;
        }
        i += 1;
        p.f = Flags::default();
        // Flags.
        while i < end {
            match s[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = !p.f.minus,
                b'+' => p.f.plus = true,
                b'-' => {
                    p.f.minus = true;
                    p.f.zero = false;
                }
                b' ' => p.f.space = true,
                _ => break,
            }
            i += 1;
        }
        // Explicit argument index, width, precision.
        let mut after_index;
        let mut arg_number = |arg_num: usize, i: usize, good: &mut bool| -> (usize, usize, bool) {
            if i >= end || s[i] != b'[' {
                return (arg_num, i, false);
            }
            reordered = true;
            // parseArgNumber
            let f = &s[i..];
            let (index, wid, ok) = if f.len() < 3 {
                (0isize, 1usize, false)
            } else {
                let mut r = (0isize, 1usize, false);
                for j in 1..f.len() {
                    if f[j] == b']' {
                        let (w, ok, newi) = parsenum(f, 1, j);
                        r = if !ok || newi != j {
                            (0, j + 1, false)
                        } else {
                            (w as isize - 1, j + 1, true)
                        };
                        break;
                    }
                }
                r
            };
            if ok && index >= 0 && (index as usize) < a.len() {
                return (index as usize, i + wid, true);
            }
            *good = false;
            (arg_num, i + wid, ok)
        };
        (arg_num, i, after_index) = arg_number(arg_num, i, &mut good_arg_num);
        if i < end && s[i] == b'*' {
            i += 1;
            let (w, ok, n) = int_from_arg(a, arg_num);
            arg_num = n;
            if !ok {
                p.buf.push_str("%!(BADWIDTH)");
                p.f.wid = None;
            } else if w < 0 {
                p.f.wid = Some(w.unsigned_abs() as usize);
                p.f.minus = true;
                p.f.zero = false;
            } else {
                p.f.wid = Some(w as usize);
            }
            after_index = false;
        } else {
            let (w, ok, ni) = parsenum(s, i, end);
            i = ni;
            p.f.wid = ok.then_some(w);
            if after_index && ok {
                good_arg_num = false;
            }
        }
        if i + 1 < end && s[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index) = arg_number(arg_num, i, &mut good_arg_num);
            if i < end && s[i] == b'*' {
                i += 1;
                let (pr, ok, n) = int_from_arg(a, arg_num);
                arg_num = n;
                if pr < 0 {
                    p.f.prec = None;
                } else {
                    p.f.prec = ok.then_some(pr as usize);
                }
                if !ok {
                    p.buf.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (pr, ok, ni) = parsenum(s, i, end);
                i = ni;
                p.f.prec = Some(if ok { pr } else { 0 });
            }
        }
        if !after_index {
            (arg_num, i, _) = arg_number(arg_num, i, &mut good_arg_num);
        }
        if i >= end {
            p.buf.push_str("%!(NOVERB)");
            break 'outer;
        }
        // The verb is one rune; an invalid byte reads as U+FFFD, width 1.
        let (verb, size) = match format[i..].utf8_chunks().next() {
            Some(ch) if !ch.valid().is_empty() => {
                let c = ch.valid().chars().next().unwrap_or('\u{FFFD}');
                (c, c.len_utf8())
            }
            _ => ('\u{FFFD}', 1),
        };
        i += size;
        if verb == '%' {
            p.buf.push('%');
        } else if !good_arg_num {
            p.buf.push_str(&format!("%!{verb}(BADINDEX)"));
        } else if arg_num >= a.len() {
            p.buf.push_str(&format!("%!{verb}(MISSING)"));
        } else {
            if verb == 'v' {
                p.f.sharp_v = p.f.sharp;
                p.f.sharp = false;
                p.f.plus_v = p.f.plus;
                p.f.plus = false;
            }
            p.print_arg(&a[arg_num], verb);
            arg_num += 1;
        }
    }
    if !reordered && arg_num < a.len() {
        p.f = Flags::default();
        p.buf.push_str("%!(EXTRA ");
        for (k, arg) in a[arg_num..].iter().enumerate() {
            if k > 0 {
                p.buf.push_str(", ");
            }
            if arg.is_nil() {
                p.buf.push_str("<nil>");
            } else {
                p.buf.push_str(&arg.type_name());
                p.buf.push('=');
                p.print_arg(arg, 'v');
            }
        }
        p.buf.push(')');
    }
    p.buf.into_gostr()
}

impl Printer {
    fn new() -> Printer {
        Printer {
            buf: Buf::default(),
            f: Flags::default(),
        }
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    /// Pad `s` to the width, on the left unless `-` was given.
    fn pad(&mut self, s: &str) {
        self.pad_bytes(s.as_bytes());
    }

    /// Pad a byte string; its width is its rune count (a bad byte is one).
    fn pad_bytes(&mut self, s: &[u8]) {
        let Some(w) = self.f.wid.filter(|w| *w > 0) else {
            self.buf.push_bytes(s);
            return;
        };
        let n: usize = s
            .utf8_chunks()
            .map(|c| c.valid().chars().count() + c.invalid().len())
            .sum();
        if n >= w {
            self.buf.push_bytes(s);
        } else if self.f.minus {
            self.buf.push_bytes(s);
            self.buf.extend(std::iter::repeat_n(' ', w - n));
        } else {
            self.write_padding(w - n);
            self.buf.push_bytes(s);
        }
    }

    fn bad_verb(&mut self, verb: char, v: &Value) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if v.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&v.type_name());
            self.buf.push('=');
            self.print_value(v, 'v', 0);
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, v),
            }
            return;
        }
        if verb == 'T' {
            let t = v.type_name();
            self.fmt_s(&t);
            return;
        }
        self.print_value(v, verb, 0);
    }

    /// Print a value; `depth` > 0 inside containers.
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_PRINT_DEPTH {
            // Go would recurse on; we must not overflow the stack.
            self.buf.push_str("...");
            return;
        }
        match v {
            Value::Nil => {
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else if verb == 'v' {
                    self.buf.push_str("<nil>");
                } else {
                    self.bad_verb(verb, v);
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, v),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as i128, true, verb, v),
            Value::Uint64(u) => self.fmt_integer(*u as i128, false, verb, v),
            Value::Byte(u) => self.fmt_integer(*u as i128, false, verb, v),
            Value::Float(x) => self.fmt_float_verb(*x, verb, v),
            Value::Complex(re, im) => match verb {
                'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                    let old_plus = self.f.plus;
                    self.buf.push('(');
                    self.fmt_float_verb(*re, verb, v);
                    // The imaginary part always has a sign.
                    self.f.plus = true;
                    self.fmt_float_verb(*im, verb, v);
                    self.buf.push_str("i)");
                    self.f.plus = old_plus;
                }
                _ => self.bad_verb(verb, v),
            },
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::List(l) => {
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                    for (i, e) in l.items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_elem(e, l.elem, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, e) in l.items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_elem(e, l.elem, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, e)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    let key = GoStr::from(k.as_str());
                    self.fmt_string(&key, verb, &Value::from(k.as_str()));
                    self.buf.push(':');
                    self.print_elem(e, m.elem, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => {
                if let Some(inner) = o.value() {
                    return self.print_value(&inner, verb, depth);
                }
                let s = o.format();
                match verb {
                    'v' | 's' => self.pad(&s),
                    _ => self.bad_verb(verb, v),
                }
            }
            Value::Func(_) => match verb {
                'v' | 'p' => self.pad("0x0"),
                _ => self.bad_verb(verb, v),
            },
        }
    }

    /// Print a container element; a nil `interface {}` element prints as
    /// `<nil>` whatever the verb (Go's `printValue` on an interface).
    fn print_elem(&mut self, e: &Value, elem: ElemType, verb: char, depth: usize) {
        if e.is_nil() && elem == ElemType::Any {
            self.buf.push_str(if self.f.sharp_v {
                "interface {}(nil)"
            } else {
                "<nil>"
            });
            return;
        }
        self.print_value(e, verb, depth);
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(&s);
    }

    fn truncate(&self, s: &str) -> String {
        match self.f.prec {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        }
    }

    fn fmt_string(&mut self, s: &GoStr, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => {
                let b = s.as_bytes();
                let b = match self.f.prec {
                    Some(p) => truncate_runes(b, p),
                    None => b,
                };
                self.pad_bytes(b);
            }
            'x' => self.fmt_sx(s.as_bytes(), false),
            'X' => self.fmt_sx(s.as_bytes(), true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, v),
        }
    }

    fn fmt_q(&mut self, s: &GoStr) {
        let q = match s.as_str() {
            Some(text) => {
                let s = self.truncate(text);
                if self.f.sharp && strconv::can_backquote(&s) {
                    format!("`{s}`")
                } else if self.f.plus {
                    strconv::quote_ascii(&s)
                } else {
                    strconv::quote(&s)
                }
            }
            // Not UTF-8: Go quotes the bytes, invalid ones as \xNN.
            None => {
                let b = s.as_bytes();
                let b = match self.f.prec {
                    Some(p) => truncate_runes(b, p),
                    None => b,
                };
                strconv::quote_bytes(b, self.f.plus)
            }
        };
        self.pad(&q);
    }

    fn fmt_sx(&mut self, b: &[u8], upper: bool) {
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let n = self.f.prec.map_or(b.len(), |p| p.min(b.len()));
        let mut out = String::new();
        if n == 0 {
            // Go pads an empty result to the width.
            let w = self.f.wid.unwrap_or(0);
            self.buf.extend(std::iter::repeat_n(' ', w));
            return;
        }
        for (i, &c) in b[..n].iter().enumerate() {
            if i > 0 && self.f.space {
                out.push(' ');
            }
            if self.f.sharp && (self.f.space || i == 0) {
                out.push('0');
                out.push(if upper { 'X' } else { 'x' });
            }
            out.push(digits[(c >> 4) as usize] as char);
            out.push(digits[(c & 15) as usize] as char);
        }
        self.pad(&out);
    }

    fn fmt_integer(&mut self, n: i128, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_int_base(n, 16, verb, true),
            'v' | 'd' => self.fmt_int_base(n, 10, verb, false),
            'b' => self.fmt_int_base(n, 2, verb, false),
            'o' | 'O' => self.fmt_int_base(n, 8, verb, false),
            'x' => self.fmt_int_base(n, 16, verb, false),
            'X' => self.fmt_int_base(n, 16, verb, false),
            'c' => {
                let c = u32::try_from(n)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                self.pad(c.encode_utf8(&mut [0; 4]));
            }
            'q' => {
                let c = u32::try_from(n)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                let s = strconv::quote_rune(c, self.f.plus);
                self.pad(&s);
            }
            'U' => {
                let mut s = format!("U+{:04X}", n as i64 as u64);
                if self.f.sharp {
                    if let Some(c) = u32::try_from(n).ok().and_then(char::from_u32) {
                        if strconv::is_print(c) {
                            s.push_str(&format!(" '{c}'"));
                        }
                    }
                }
                self.pad(&s);
            }
            _ => self.bad_verb(verb, v),
        }
    }

    fn fmt_int_base(&mut self, n: i128, base: u32, verb: char, sharp_v_hex: bool) {
        let negative = n < 0;
        let u = n.unsigned_abs();
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if verb == 'X' => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        if digits.len() < prec {
            digits = "0".repeat(prec - digits.len()) + &digits;
        }
        let mut prefix = String::new();
        if self.f.sharp || sharp_v_hex {
            match base {
                2 => prefix.push_str("0b"),
                8 if !digits.starts_with('0') => prefix.push('0'),
                16 if verb == 'X' => prefix.push_str("0X"),
                16 => prefix.push_str("0x"),
                _ => {}
            }
        }
        if verb == 'O' {
            prefix = "0o".into();
        }
        let sign = if negative {
            "-"
        } else if self.f.plus {
            "+"
        } else if self.f.space {
            " "
        } else {
            ""
        };
        let s = format!("{sign}{prefix}{digits}");
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn fmt_float_verb(&mut self, x: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(x, 'g', -1),
            'g' | 'G' | 'x' | 'X' | 'b' => self.fmt_float(x, verb, -1),
            'f' | 'F' | 'e' | 'E' => self.fmt_float(x, verb, 6),
            _ => self.bad_verb(verb, v),
        }
    }

    fn fmt_float(&mut self, x: f64, verb: char, prec: i32) {
        let prec = self.f.prec.map_or(prec, |p| p as i32);
        let verb = if verb == 'F' { 'f' } else { verb };
        let s = strconv::format_float(x, verb, prec);
        let mut num = if s.starts_with('-') || s.starts_with('+') {
            s
        } else {
            format!("+{s}")
        };
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        let b = num.as_bytes();
        if b[1] == b'I' || b[1] == b'N' {
            let old = self.f.zero;
            self.f.zero = false;
            if b[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = old;
            return;
        }
        if self.f.sharp && verb != 'b' {
            num = sharp_float(num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && !self.f.minus {
                if let Some(w) = self.f.wid {
                    if w > num.len() {
                        let (sign, rest) = num.split_at(1);
                        self.buf.push_str(sign);
                        self.buf.extend(std::iter::repeat_n('0', w - num.len()));
                        self.buf.push_str(rest);
                        return;
                    }
                }
            }
            self.pad(&num);
            return;
        }
        let rest = num[1..].to_string();
        self.pad(&rest);
    }
}

/// The first `n` runes of a byte string (an invalid byte counts as one).
fn truncate_runes(b: &[u8], n: usize) -> &[u8] {
    let mut taken = 0;
    let mut end = 0;
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if taken == n {
                return &b[..end];
            }
            taken += 1;
            end += c.len_utf8();
        }
        for _ in chunk.invalid() {
            if taken == n {
                return &b[..end];
            }
            taken += 1;
            end += 1;
        }
    }
    b
}

/// The `#` flag on floats (Go's `fmtFloat`): always a decimal point, and
/// for `%g`/`%v`/`%x` trailing zeros up to the precision (6 by default).
fn sharp_float(num: String, verb: char, prec: i32) -> String {
    let mut digits: i32 = match verb {
        'v' | 'g' | 'G' | 'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let b = num.as_bytes();
    let mut body_end = b.len();
    let mut has_point = false;
    let mut saw_nonzero = false;
    // Index 0 is the sign.
    for (i, &c) in b.iter().enumerate().skip(1) {
        match c {
            b'.' => has_point = true,
            b'p' | b'P' => {
                body_end = i;
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                body_end = i;
                break;
            }
            _ => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                // Count significant digits after the first non-zero one.
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    let (body, tail) = num.split_at(body_end);
    let mut out = body.to_string();
    if !has_point {
        // A lone leading 0 counts once.
        if body.len() == 2 && body.ends_with('0') {
            digits -= 1;
        }
        out.push('.');
    }
    while digits > 0 {
        out.push('0');
        digits -= 1;
    }
    out + tail
}
