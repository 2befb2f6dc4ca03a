//! Go's `encoding/json` syntax errors (`invalid character 'o' in literal null (expecting
//! 'u')`), which `fromJson` shows in its `Error` key.

/// The error Go's decoder reports for `text`, or `None` if it is valid JSON.
pub fn syntax_error(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut p = Scan { b, i: 0, depth: 0 };
    p.ws();
    if let Err(e) = p.value() {
        return Some(e);
    }
    p.ws();
    if p.i < b.len() {
        return Some(p.invalid("after top-level value"));
    }
    None
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = kubeplay_gotemplate::strconv::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

type R = Result<(), String>;

impl Scan<'_> {
    fn cur(&self) -> Option<char> {
        std::str::from_utf8(&self.b[self.i..])
            .ok()
            .and_then(|s| s.chars().next())
            .or_else(|| self.b.get(self.i).map(|&x| x as char))
    }
    fn invalid(&self, ctx: &str) -> String {
        match self.cur() {
            Some(c) => format!("invalid character {} {ctx}", quote_char(c)),
            None => "unexpected end of JSON input".into(),
        }
    }
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn value(&mut self) -> R {
        self.depth += 1;
        if self.depth > 10_000 {
            return Err("exceeded max depth".into());
        }
        let r = match self.b.get(self.i) {
            None => Err("unexpected end of JSON input".into()),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string(),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        };
        self.depth -= 1;
        r
    }
    fn literal(&mut self, word: &str) -> R {
        for (k, want) in word.bytes().enumerate() {
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(&c) if c == want => self.i += 1,
                Some(_) if k == 0 => return Err(self.invalid("looking for beginning of value")),
                Some(_) => {
                    return Err(self.invalid(&format!(
                        "in literal {word} (expecting {})",
                        quote_char(want as char)
                    )))
                }
            }
        }
        Ok(())
    }
    fn number(&mut self) -> R {
        if self.b[self.i] == b'-' {
            self.i += 1;
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("in numeric literal")),
            }
        }
        if self.b[self.i] == b'0' {
            self.i += 1;
        } else {
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("after decimal point in numeric literal")),
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.invalid("in exponent of numeric literal")),
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        Ok(())
    }
    fn string(&mut self) -> R {
        self.i += 1;
        loop {
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.b.get(self.i) {
                        None => return Err("unexpected end of JSON input".into()),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                match self.b.get(self.i) {
                                    None => return Err("unexpected end of JSON input".into()),
                                    Some(c) if c.is_ascii_hexdigit() => self.i += 1,
                                    Some(_) => {
                                        return Err(
                                            self.invalid("in \\u hexadecimal character escape")
                                        )
                                    }
                                }
                            }
                        }
                        Some(_) => return Err(self.invalid("in string escape code")),
                    }
                }
                Some(&c) if c < 0x20 => return Err(self.invalid("in string literal")),
                Some(_) => self.i += 1,
            }
        }
    }
    fn array(&mut self) -> R {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            self.value()?;
            self.ws();
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.invalid("after array element")),
            }
        }
    }
    fn object(&mut self) -> R {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b'"') => self.string()?,
                Some(_) => return Err(self.invalid("looking for beginning of object key string")),
            }
            self.ws();
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.invalid("after object key")),
            }
            self.ws();
            self.value()?;
            self.ws();
            match self.b.get(self.i) {
                None => return Err("unexpected end of JSON input".into()),
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::syntax_error;

    #[test]
    fn go_messages() {
        assert_eq!(
            syntax_error("nope").unwrap(),
            "invalid character 'o' in literal null (expecting 'u')"
        );
        assert_eq!(syntax_error("").unwrap(), "unexpected end of JSON input");
        assert_eq!(
            syntax_error("{\"a\" 1}").unwrap(),
            "invalid character '1' after object key"
        );
        assert_eq!(
            syntax_error("[1,]").unwrap(),
            "invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            syntax_error("{} x").unwrap(),
            "invalid character 'x' after top-level value"
        );
        assert!(syntax_error("{\"a\": [1, 2.5e3, \"\\u00e9\"]}").is_none());
    }
}
