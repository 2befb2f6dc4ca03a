//! The lexer: Go's `text/template/parse/lex.go` state machine, run on demand.

use std::borrow::Cow;

/// Kinds of lexical items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords (printed as <word> in errors).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemType::Block
                | ItemType::Break
                | ItemType::Continue
                | ItemType::Dot
                | ItemType::Define
                | ItemType::Else
                | ItemType::End
                | ItemType::If
                | ItemType::Nil
                | ItemType::Range
                | ItemType::Template
                | ItemType::With
        )
    }
}

/// A lexical item: its kind, byte offset and text. Its line is computed
/// from the offset when an error needs it ([`Lexer::line_at`]).
#[derive(Clone, Debug)]
pub struct Item<'a> {
    pub typ: ItemType,
    pub pos: usize,
    /// The source text (borrowed, so the parser's lookahead copies are
    /// cheap), or an error message.
    pub val: Cow<'a, str>,
}

impl<'a> Item<'a> {
    /// The item's source text ("" for an error item, whose text is a message).
    pub fn src(&self) -> &'a str {
        match self.val {
            Cow::Borrowed(s) => s,
            Cow::Owned(_) => "",
        }
    }
}

impl std::fmt::Display for Item<'_> {
    /// Go's `item.String()`, used in "unexpected X in Y" errors.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.typ {
            ItemType::Eof => write!(f, "EOF"),
            ItemType::Error => write!(f, "{}", self.val),
            t if t.is_keyword() => write!(f, "<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                write!(f, "{}...", crate::strconv::quote(&head))
            }
            _ => write!(f, "{}", crate::strconv::quote(&self.val)),
        }
    }
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_LEN: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    InsideAction,
    Done,
}

/// Pull-based lexer producing [`Item`]s.
pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    paren_depth: i32,
    state: State,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1])
}

fn has_right_trim(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0]) && b[1] == b'-'
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            pos: 0,
            start: 0,
            paren_depth: 0,
            state: State::Text,
        }
    }

    /// 1-based line of a byte offset (only errors ask, so it counts).
    pub fn line_at(&self, pos: usize) -> usize {
        let pos = pos.min(self.input.len());
        1 + self.input.as_bytes()[..pos]
            .iter()
            .filter(|c| **c == b'\n')
            .count()
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn peek_char(&self) -> Option<char> {
        // Templates are mostly ASCII: skip UTF-8 decoding for it.
        match self.input.as_bytes().get(self.pos) {
            None => None,
            Some(&c) if c.is_ascii() => Some(c as char),
            Some(_) => self.rest().chars().next(),
        }
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn item(&mut self, typ: ItemType) -> Item<'a> {
        let it = Item {
            typ,
            pos: self.start,
            val: Cow::Borrowed(&self.input[self.start..self.pos]),
        };
        self.start = self.pos;
        it
    }

    fn error(&mut self, msg: String) -> Item<'a> {
        let it = Item {
            typ: ItemType::Error,
            pos: self.start,
            val: Cow::Owned(msg),
        };
        self.state = State::Done;
        it
    }

    /// Whether the input is at the right delimiter, and whether it is trimmed.
    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if has_right_trim(r) && r[TRIM_LEN..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        (r.starts_with(RIGHT_DELIM), false)
    }

    fn at_terminator(&self) -> bool {
        match self.peek_char() {
            None => true,
            Some(c) if c.is_ascii() && is_space(c as u8) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT_DELIM),
        }
    }

    /// The next item; after an error or EOF it keeps returning EOF.
    pub fn next_item(&mut self) -> Item<'a> {
        loop {
            match self.state {
                State::Done => {
                    self.start = self.input.len();
                    self.pos = self.input.len();
                    return self.item(ItemType::Eof);
                }
                State::Text => {
                    if let Some(x) = find_left_delim(self.rest()) {
                        if x > 0 {
                            self.pos += x;
                            let delim_end = self.pos + LEFT_DELIM.len();
                            let mut trim = 0;
                            if has_left_trim(&self.input[delim_end..]) {
                                let text = &self.input[self.start..self.pos];
                                trim = text.len()
                                    - text.trim_end_matches([' ', '\t', '\r', '\n']).len();
                            }
                            self.pos -= trim;
                            let it = self.item(ItemType::Text);
                            self.pos += trim;
                            self.start = self.pos;
                            self.state = State::LeftDelim;
                            if !it.val.is_empty() {
                                return it;
                            }
                        }
                        self.state = State::LeftDelim;
                        continue;
                    }
                    self.pos = self.input.len();
                    self.state = State::Done;
                    if self.pos > self.start {
                        return self.item(ItemType::Text);
                    }
                    return self.item(ItemType::Eof);
                }
                State::LeftDelim => {
                    self.pos += LEFT_DELIM.len();
                    let trim = has_left_trim(self.rest());
                    let after = if trim { TRIM_LEN } else { 0 };
                    if self.input[self.pos + after..].starts_with(LEFT_COMMENT) {
                        self.pos += after;
                        self.start = self.pos;
                        if let Some(it) = self.lex_comment() {
                            return it;
                        }
                        continue;
                    }
                    let it = self.item(ItemType::LeftDelim);
                    self.pos += after;
                    self.start = self.pos;
                    self.paren_depth = 0;
                    self.state = State::InsideAction;
                    return it;
                }
                State::InsideAction => return self.lex_inside_action(),
            }
        }
    }

    /// Comments produce no item (Go drops them unless asked to keep them).
    fn lex_comment(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = find_right_comment(self.rest()) else {
            return Some(self.error("unclosed comment".into()));
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.error("comment ends before closing delimiter".into()));
        }
        if trim {
            self.pos += TRIM_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.skip_left_trim();
        }
        self.start = self.pos;
        self.state = State::Text;
        None
    }

    fn skip_left_trim(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    fn lex_right_delim(&mut self, trim: bool) -> Item<'a> {
        if trim {
            self.pos += TRIM_LEN;
            self.start = self.pos;
        }
        self.pos += RIGHT_DELIM.len();
        let it = self.item(ItemType::RightDelim);
        if trim {
            self.skip_left_trim();
            self.start = self.pos;
        }
        self.state = State::Text;
        it
    }

    fn lex_inside_action(&mut self) -> Item<'a> {
        let (delim, trim) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim(trim);
            }
            return self.error("unclosed left paren".into());
        }
        let Some(c) = self.next_char() else {
            return self.error("unclosed action".into());
        };
        match c {
            c if c.is_ascii() && is_space(c as u8) => {
                // Spaces; a " -}}" after them ends the action.
                let mut n = 1;
                while self
                    .peek_char()
                    .is_some_and(|c| c.is_ascii() && is_space(c as u8))
                {
                    self.pos += 1;
                    n += 1;
                }
                let before = &self.input[self.pos - 1..];
                if has_right_trim(before) && before[TRIM_LEN..].starts_with(RIGHT_DELIM) {
                    self.pos -= 1;
                    if n == 1 {
                        return self.lex_right_delim(true);
                    }
                }
                self.item(ItemType::Space)
            }
            '=' => self.item(ItemType::Assign),
            ':' => {
                if self.next_char() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.item(ItemType::Declare)
            }
            '|' => self.item(ItemType::Pipe),
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_field_or_variable(ItemType::Variable),
            '\'' => self.lex_char(),
            '.' if !self.peek_char().is_some_and(|c| c.is_ascii_digit()) => {
                self.lex_field_or_variable(ItemType::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                self.lex_number()
            }
            c if is_alnum(c) => {
                self.pos -= c.len_utf8();
                self.lex_identifier()
            }
            '(' => {
                self.paren_depth += 1;
                self.item(ItemType::LeftParen)
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".into());
                }
                self.item(ItemType::RightParen)
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.item(ItemType::Char),
            c => self.error(format!("unrecognized character in action: {}", go_u(c))),
        }
    }

    fn lex_identifier(&mut self) -> Item<'a> {
        while self.peek_char().is_some_and(is_alnum) {
            self.next_char();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            return self.error(format!("bad character {}", go_u(c)));
        }
        let word = &self.input[self.start..self.pos];
        let typ = match word {
            "block" => ItemType::Block,
            "break" => ItemType::Break,
            "continue" => ItemType::Continue,
            "define" => ItemType::Define,
            "else" => ItemType::Else,
            "end" => ItemType::End,
            "if" => ItemType::If,
            "range" => ItemType::Range,
            "nil" => ItemType::Nil,
            "template" => ItemType::Template,
            "with" => ItemType::With,
            "true" | "false" => ItemType::Bool,
            _ => ItemType::Identifier,
        };
        self.item(typ)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Item<'a> {
        if self.at_terminator() {
            return self.item(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
        }
        while self.peek_char().is_some_and(is_alnum) {
            self.next_char();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            return self.error(format!("bad character {}", go_u(c)));
        }
        self.item(typ)
    }

    fn lex_char(&mut self) -> Item<'a> {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.error("unterminated character constant".into());
                    }
                }
                None | Some('\n') => {
                    return self.error("unterminated character constant".into());
                }
                Some('\'') => break,
                _ => {}
            }
        }
        self.item(ItemType::CharConstant)
    }

    fn lex_quote(&mut self) -> Item<'a> {
        loop {
            match self.next_char() {
                Some('\\') => {
                    if matches!(self.next_char(), None | Some('\n')) {
                        return self.error("unterminated quoted string".into());
                    }
                }
                None | Some('\n') => return self.error("unterminated quoted string".into()),
                Some('"') => break,
                _ => {}
            }
        }
        self.item(ItemType::String)
    }

    fn lex_raw_quote(&mut self) -> Item<'a> {
        loop {
            match self.next_char() {
                None => return self.error("unterminated raw quoted string".into()),
                Some('`') => break,
                _ => {}
            }
        }
        self.item(ItemType::RawString)
    }

    fn accept(&mut self, valid: &str) -> bool {
        if let Some(c) = self.peek_char() {
            if valid.contains(c) {
                self.pos += c.len_utf8();
                return true;
            }
        }
        false
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek_char().is_some_and(is_alnum) {
            self.next_char();
            return false;
        }
        true
    }

    fn lex_number(&mut self) -> Item<'a> {
        if !self.scan_number() {
            let s = crate::strconv::quote(&self.input[self.start..self.pos]);
            return self.error(format!("bad number syntax: {s}"));
        }
        if matches!(self.peek_char(), Some('+' | '-')) {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let s = crate::strconv::quote(&self.input[self.start..self.pos]);
                return self.error(format!("bad number syntax: {s}"));
            }
            return self.item(ItemType::Complex);
        }
        self.item(ItemType::Number)
    }
}

/// Where `{{` starts in `s`. A search for the single byte `{` (memchr) then a
/// check of the next is faster on template text than a two-byte substring search.
fn find_left_delim(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find('{') {
        let at = from + i;
        if b.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Where `*/` starts in `s`, by the same single-byte search (charts carry
/// long comments).
fn find_right_comment(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find('*') {
        let at = from + i;
        if b.get(at + 1) == Some(&b'/') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Go's `%#U` of a rune: `U+0041 'A'`.
pub fn go_u(c: char) -> String {
    if crate::strconv::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}
