//! The lexer: Go's `text/template/parse/lex.go` state machine, run on demand.

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

/// A lexical item: its kind and where its text is in the source. Items are `Copy` and
/// travel in two registers (the parser's lookahead copies them around on every token):
/// the kind, and one word packing the text's offset and length with two flags (a struct of
/// more fields is returned through memory). The parser slices the text when it needs it
/// ([`Item::val`]). An error item's message is kept by the lexer
/// ([`Lexer::error_message`]). Its line is computed from the offset when an error needs it
/// ([`Lexer::line_at`]).
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub typ: ItemType,
    /// Bits 0-31: byte offset; 32-61: length (empty for an error item; [`MAX_TEXT`] bounds
    /// both); 62: [`Item::space`]; 63: [`Item::escaped`].
    bits: u64,
}

/// The longest text the lexer takes, in bytes: an item's length has 30 bits.
pub const MAX_TEXT: usize = (1 << 30) - 1;

const SPACE_BIT: u64 = 1 << 62;
const ESCAPED_BIT: u64 = 1 << 63;
const LEN_MASK: u64 = (1 << 30) - 1;

impl Item {
    /// A placeholder (the lookahead before the first token).
    pub const NONE: Item = Item {
        typ: ItemType::Eof,
        bits: 0,
    };

    /// An item of `len` bytes at `at` (both within [`MAX_TEXT`]).
    fn new(typ: ItemType, at: usize, len: usize) -> Item {
        Item {
            typ,
            bits: (at as u64 & 0xffff_ffff) | ((len as u64 & LEN_MASK) << 32),
        }
    }

    /// Whether spaces came before it inside the action. Go's lexer emits them as an item of
    /// their own; a flag spares the parser a token (and its lookahead copies) for nearly
    /// every other token of an action, and Go's parser only ever asks whether one was there.
    pub fn space(&self) -> bool {
        self.bits & SPACE_BIT != 0
    }

    /// Whether a quoted string has backslash escapes: the lexer sees them as it scans, and
    /// the parser takes the body of one without as its value, unread.
    pub fn escaped(&self) -> bool {
        self.bits & ESCAPED_BIT != 0
    }

    fn with_flag(mut self, bit: u64, on: bool) -> Item {
        if on {
            self.bits |= bit;
        }
        self
    }

    pub fn pos(&self) -> usize {
        (self.bits & 0xffff_ffff) as usize
    }

    pub fn end(&self) -> usize {
        self.pos() + ((self.bits >> 32) & LEN_MASK) as usize
    }

    /// Its text in `src`, the source it was lexed from.
    pub fn val<'a>(&self, src: &'a str) -> &'a str {
        &src[self.pos()..self.end()]
    }

    /// Go's `item.String()`, used in "unexpected X in Y" errors; `error` is
    /// the lexer's message, what an error item stands for.
    pub fn describe(&self, src: &str, error: &str) -> String {
        let val = self.val(src);
        let val = match self.typ {
            ItemType::Eof => return "EOF".to_string(),
            ItemType::Error => return error.to_string(),
            t if t.is_keyword() => return format!("<{val}>"),
            // Go's item ends where chained fields begin.
            t @ (ItemType::Field | ItemType::Variable) => chain_parts(t, val).0,
            _ => val,
        };
        if val.chars().count() > 10 {
            let head: String = val.chars().take(10).collect();
            return format!("{}...", crate::strconv::quote(&head));
        }
        crate::strconv::quote(val)
    }
}

const LEFT_DELIM: &[u8] = b"{{";
const RIGHT_DELIM: &[u8] = b"}}";
const LEFT_COMMENT: &[u8] = b"/*";
const RIGHT_COMMENT: &[u8] = b"*/";
const TRIM_LEN: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    InsideAction,
    Done,
}

/// Pull-based lexer producing [`Item`]s. It scans bytes: delimiters,
/// operators, numbers and quotes are ASCII, so characters are decoded only
/// where Go's rules look at a non-ASCII one (identifiers, error messages).
pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    paren_depth: i32,
    state: State,
    /// The message of the error item, once one was produced (the lexer
    /// stops at the first).
    error: String,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// ASCII letters, digits and `_`, by byte.
static IS_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c == b'_' as usize;
        c += 1;
    }
    t
};

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// The digits a number literal accepts after its base prefix.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Dec,
    Hex,
    Oct,
    Bin,
}

impl Base {
    fn digit(self, c: u8) -> bool {
        c == b'_'
            || match self {
                Base::Dec => c.is_ascii_digit(),
                Base::Hex => c.is_ascii_hexdigit(),
                Base::Oct => matches!(c, b'0'..=b'7'),
                Base::Bin => matches!(c, b'0' | b'1'),
            }
    }
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            pos: 0,
            start: 0,
            paren_depth: 0,
            state: State::Text,
            error: String::new(),
        }
    }

    /// The message of the error item (empty before one).
    pub fn error_message(&self) -> &str {
        &self.error
    }

    /// 1-based line of a byte offset (only errors ask, so it counts).
    pub fn line_at(&self, pos: usize) -> usize {
        let pos = pos.min(self.input.len());
        1 + self.input.as_bytes()[..pos]
            .iter()
            .filter(|c| **c == b'\n')
            .count()
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.input.as_bytes().get(i).copied()
    }

    fn starts_with_at(&self, i: usize, s: &[u8]) -> bool {
        self.input
            .as_bytes()
            .get(i..)
            .is_some_and(|r| r.starts_with(s))
    }

    /// Whether `-` and a space (a left trim marker) are at `i`.
    fn left_trim_at(&self, i: usize) -> bool {
        self.byte(i) == Some(b'-') && self.byte(i + 1).is_some_and(is_space)
    }

    /// Whether a space and `-` (a right trim marker) are at `i`.
    fn right_trim_at(&self, i: usize) -> bool {
        self.byte(i).is_some_and(is_space) && self.byte(i + 1) == Some(b'-')
    }

    fn peek_char(&self) -> Option<char> {
        match self.byte(self.pos) {
            None => None,
            Some(c) if c.is_ascii() => Some(c as char),
            Some(_) => self.input[self.pos..].chars().next(),
        }
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn item(&mut self, typ: ItemType) -> Item {
        // The parser refuses texts over MAX_TEXT, so offsets fit.
        let it = Item::new(typ, self.start, self.pos - self.start);
        self.start = self.pos;
        it
    }

    // The error paths are cold and out of line: their formatting made the
    // frames of the hot scanning functions larger.
    #[cold]
    #[inline(never)]
    fn unrecognized(&mut self, c: char) -> Item {
        self.error(format!("unrecognized character in action: {}", go_u(c)))
    }

    #[cold]
    #[inline(never)]
    fn bad_character(&mut self) -> Item {
        let c = self.peek_char().unwrap_or('\0');
        self.error(format!("bad character {}", go_u(c)))
    }

    #[cold]
    #[inline(never)]
    fn bad_number(&mut self) -> Item {
        let s = crate::strconv::quote(&self.input[self.start..self.pos]);
        self.error(format!("bad number syntax: {s}"))
    }

    #[cold]
    fn error(&mut self, msg: String) -> Item {
        self.error = msg;
        self.state = State::Done;
        Item::new(ItemType::Error, self.start, 0)
    }

    /// Whether the input is at the right delimiter, and whether it is trimmed.
    fn at_right_delim(&self) -> (bool, bool) {
        // Asked before every item of an action: one byte rules most out.
        match self.byte(self.pos) {
            Some(b'}') => (self.byte(self.pos + 1) == Some(b'}'), false),
            Some(c) if is_space(c) => {
                let trimmed = self.byte(self.pos + 1) == Some(b'-')
                    && self.starts_with_at(self.pos + TRIM_LEN, RIGHT_DELIM);
                (trimmed, trimmed)
            }
            _ => (false, false),
        }
    }

    fn at_terminator(&self) -> bool {
        match self.byte(self.pos) {
            None => true,
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(b'}') => self.byte(self.pos + 1) == Some(b'}'),
            Some(_) => false,
        }
    }

    /// The next item; after an error or EOF it keeps returning EOF.
    #[inline]
    pub fn next_item(&mut self) -> Item {
        // Most items are inside actions: go there without the state
        // machine's (large) frame.
        if self.state == State::InsideAction {
            return self.lex_inside_action();
        }
        self.next_item_between_actions()
    }

    fn next_item_between_actions(&mut self) -> Item {
        loop {
            match self.state {
                State::Done => {
                    self.start = self.input.len();
                    self.pos = self.input.len();
                    return self.item(ItemType::Eof);
                }
                State::Text => {
                    if let Some(x) = find_pair(&self.input.as_bytes()[self.pos..], *b"{{") {
                        if x > 0 {
                            self.pos += x;
                            let mut trim = 0;
                            if self.left_trim_at(self.pos + LEFT_DELIM.len()) {
                                let text = &self.input.as_bytes()[self.start..self.pos];
                                let kept = text.iter().rposition(|c| !is_space(*c));
                                trim = text.len() - kept.map_or(0, |i| i + 1);
                            }
                            self.pos -= trim;
                            let it = self.item(ItemType::Text);
                            self.pos += trim;
                            self.start = self.pos;
                            self.state = State::LeftDelim;
                            if it.end() > it.pos() {
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
                    let trim = self.left_trim_at(self.pos);
                    let after = if trim { TRIM_LEN } else { 0 };
                    if self.starts_with_at(self.pos + after, LEFT_COMMENT) {
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
    fn lex_comment(&mut self) -> Option<Item> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = find_pair(&self.input.as_bytes()[self.pos..], *b"*/") else {
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
        while self.byte(self.pos).is_some_and(is_space) {
            self.pos += 1;
        }
    }

    fn lex_right_delim(&mut self, trim: bool) -> Item {
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

    /// At the start of an action's body (right after `{{` or `{{- `): when the action is
    /// only `end` or `else`, spaces around it, consumes it through its closing delimiter and
    /// gives the keyword and the delimiter's item (what Go's lexer would give as the
    /// action's two items). Otherwise changes nothing. A quarter to a third of a chart's
    /// actions are these two; the parser takes them without the items' round trip.
    pub fn closing_keyword(&mut self) -> Option<(ItemType, Item)> {
        if self.state != State::InsideAction || self.paren_depth != 0 {
            return None;
        }
        let rest = &self.input.as_bytes()[self.pos..];
        let lead = rest.iter().take_while(|c| is_space(**c)).count();
        let (typ, len) = match &rest[lead..] {
            [b'e', b'n', b'd', ..] => (ItemType::End, 3),
            [b'e', b'l', b's', b'e', ..] => (ItemType::Else, 4),
            _ => return None,
        };
        let saved = (self.pos, self.start);
        self.pos += lead + len;
        // A space or the delimiter must follow: `endx` is a name, `end-}}` an error.
        self.skip_action_spaces();
        match self.at_right_delim() {
            (true, trim) => Some((typ, self.lex_right_delim(trim))),
            (false, _) => {
                (self.pos, self.start) = saved;
                None
            }
        }
    }

    fn lex_inside_action(&mut self) -> Item {
        let space = self.skip_action_spaces();
        self.lex_action_token().with_flag(SPACE_BIT, space)
    }

    /// Skips the spaces before the next token of an action, except the one of a trimmed
    /// right delimiter (` -}}`), and says whether there were any.
    fn skip_action_spaces(&mut self) -> bool {
        let from = self.pos;
        while self.byte(self.pos).is_some_and(is_space) {
            self.pos += 1;
        }
        if self.pos > from
            && self.right_trim_at(self.pos - 1)
            && self.starts_with_at(self.pos - 1 + TRIM_LEN, RIGHT_DELIM)
        {
            self.pos -= 1;
        }
        self.start = self.pos;
        self.pos > from
    }

    fn lex_action_token(&mut self) -> Item {
        let (delim, trim) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim(trim);
            }
            return self.error("unclosed left paren".into());
        }
        let Some(c) = self.byte(self.pos) else {
            return self.error("unclosed action".into());
        };
        self.pos += 1;
        match c {
            b'=' => self.item(ItemType::Assign),
            b':' => {
                if self.next_char() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.item(ItemType::Declare)
            }
            b'|' => self.item(ItemType::Pipe),
            b'"' => self.lex_quote(),
            b'`' => self.lex_raw_quote(),
            b'$' => self.lex_field_or_variable(ItemType::Variable),
            b'\'' => self.lex_char(),
            b'.' if !self.byte(self.pos).is_some_and(|c| c.is_ascii_digit()) => {
                self.lex_field_or_variable(ItemType::Field)
            }
            b'.' | b'+' | b'-' | b'0'..=b'9' => {
                self.pos -= 1;
                self.lex_number()
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                self.pos -= 1;
                self.lex_identifier()
            }
            b'(' => {
                self.paren_depth += 1;
                self.item(ItemType::LeftParen)
            }
            b')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".into());
                }
                self.item(ItemType::RightParen)
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.item(ItemType::Char),
            c if c.is_ascii() => self.unrecognized(c as char),
            _ => {
                self.pos -= 1;
                match self.peek_char() {
                    Some(c) if is_alnum(c) => self.lex_identifier(),
                    c => self.unrecognized(c.unwrap_or('\0')),
                }
            }
        }
    }

    /// Skip letters, digits and underscores: ASCII eight bytes at a time, other characters
    /// (rare in actions) decoded out of line.
    #[inline]
    fn skip_alnum(&mut self) {
        let b = self.input.as_bytes();
        let mut i = self.pos;
        while let Some(w) = word_at(b, i) {
            let n = word_run(w);
            i += n;
            if n < 8 {
                break;
            }
        }
        while i < b.len() && IS_WORD[b[i] as usize] {
            i += 1;
        }
        self.pos = i;
        if i < b.len() && !b[i].is_ascii() {
            self.skip_alnum_unicode();
        }
    }

    #[cold]
    #[inline(never)]
    fn skip_alnum_unicode(&mut self) {
        let b = self.input.as_bytes();
        let mut i = self.pos;
        loop {
            while i < b.len() && IS_WORD[b[i] as usize] {
                i += 1;
            }
            if i == b.len() || b[i].is_ascii() {
                break;
            }
            match self.input[i..].chars().next() {
                Some(c) if is_alnum(c) => i += c.len_utf8(),
                _ => break,
            }
        }
        self.pos = i;
    }

    fn lex_identifier(&mut self) -> Item {
        self.skip_alnum();
        if !self.at_terminator() {
            return self.bad_character();
        }
        let typ = word_type(&self.input.as_bytes()[self.start..self.pos]);
        self.item(typ)
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Item {
        if self.at_terminator() {
            if typ == ItemType::Field {
                return self.item(ItemType::Dot);
            }
        } else {
            self.skip_alnum();
            if !self.at_terminator() {
                return self.bad_character();
            }
        }
        self.skip_chained_fields();
        self.item(typ)
    }

    /// Takes the fields that follow a field or variable with nothing between them (`.b.c`
    /// of `.a.b.c`, `.a` of `$.a`) into its item: Go lexes each as an item of its own and
    /// its parser joins them again, so one item is the same parse at a fraction of the work
    /// (charts are mostly `.Values.x.y`). A field that would lex differently on its own (a
    /// number, a lone dot, a bad character) ends the item before it and is lexed as Go
    /// does; the parser reads a chained item's parts with [`chain_parts`].
    fn skip_chained_fields(&mut self) {
        while self.byte(self.pos) == Some(b'.') {
            let dot = self.pos;
            self.pos += 1;
            if self.at_terminator() || self.byte(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                self.pos = dot;
                return;
            }
            self.skip_alnum();
            if !self.at_terminator() {
                self.pos = dot;
                return;
            }
        }
    }

    /// Scan to the closing `quote` of a character constant or quoted string; `None` when
    /// it is not terminated, else whether it had escapes. Bytes of non-ASCII characters are
    /// never `\`, newline or a quote, so they need no decoding, and the bytes between those
    /// three are skipped eight at a time.
    fn scan_quoted(&mut self, quote: u8) -> Option<bool> {
        let b = self.input.as_bytes();
        let mut escaped = false;
        loop {
            let Some(i) = find_quote_end(&b[self.pos..], quote) else {
                self.pos = b.len();
                return None;
            };
            self.pos += i + 1;
            match b[self.pos - 1] {
                b'\\' => match self.byte(self.pos) {
                    None | Some(b'\n') => return None,
                    Some(_) => {
                        self.pos += 1;
                        escaped = true;
                    }
                },
                b'\n' => return None,
                _ => return Some(escaped),
            }
        }
    }

    fn lex_char(&mut self) -> Item {
        if self.scan_quoted(b'\'').is_none() {
            return self.error("unterminated character constant".into());
        }
        self.item(ItemType::CharConstant)
    }

    fn lex_quote(&mut self) -> Item {
        let Some(escaped) = self.scan_quoted(b'"') else {
            return self.error("unterminated quoted string".into());
        };
        self.item(ItemType::String).with_flag(ESCAPED_BIT, escaped)
    }

    fn lex_raw_quote(&mut self) -> Item {
        match self.input.as_bytes()[self.pos..]
            .iter()
            .position(|c| *c == b'`')
        {
            None => self.error("unterminated raw quoted string".into()),
            Some(x) => {
                self.pos += x + 1;
                self.item(ItemType::RawString)
            }
        }
    }

    fn accept(&mut self, valid: impl Fn(u8) -> bool) -> bool {
        if self.byte(self.pos).is_some_and(valid) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn accept_run(&mut self, valid: impl Fn(u8) -> bool + Copy) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        let sign = |c: u8| c == b'+' || c == b'-';
        self.accept(sign);
        let mut base = Base::Dec;
        if self.accept(|c| c == b'0') {
            if self.accept(|c| c == b'x' || c == b'X') {
                base = Base::Hex;
            } else if self.accept(|c| c == b'o' || c == b'O') {
                base = Base::Oct;
            } else if self.accept(|c| c == b'b' || c == b'B') {
                base = Base::Bin;
            }
        }
        self.accept_run(|c| base.digit(c));
        if self.accept(|c| c == b'.') {
            self.accept_run(|c| base.digit(c));
        }
        if base == Base::Dec && self.accept(|c| c == b'e' || c == b'E') {
            self.accept(sign);
            self.accept_run(|c| Base::Dec.digit(c));
        }
        if base == Base::Hex && self.accept(|c| c == b'p' || c == b'P') {
            self.accept(sign);
            self.accept_run(|c| Base::Dec.digit(c));
        }
        self.accept(|c| c == b'i');
        if self.peek_char().is_some_and(is_alnum) {
            self.next_char();
            return false;
        }
        true
    }

    fn lex_number(&mut self) -> Item {
        if !self.scan_number() {
            return self.bad_number();
        }
        if matches!(self.byte(self.pos), Some(b'+' | b'-')) {
            if !self.scan_number() || self.byte(self.pos - 1) != Some(b'i') {
                return self.bad_number();
            }
            return self.item(ItemType::Complex);
        }
        self.item(ItemType::Number)
    }
}

/// The keyword a word is, or [`ItemType::Identifier`]. Most words are function names: the
/// length and first byte rule them out before any comparison of text.
fn word_type(w: &[u8]) -> ItemType {
    use ItemType::*;
    let (keyword, typ): (&[u8], ItemType) = match (w.len(), w.first()) {
        (2, Some(b'i')) => (b"if", If),
        (3, Some(b'e')) => (b"end", End),
        (3, Some(b'n')) => (b"nil", Nil),
        (4, Some(b'e')) => (b"else", Else),
        (4, Some(b't')) => (b"true", Bool),
        (4, Some(b'w')) => (b"with", With),
        (5, Some(b'b')) if w[2] == b'o' => (b"block", Block),
        (5, Some(b'b')) => (b"break", Break),
        (5, Some(b'f')) => (b"false", Bool),
        (5, Some(b'r')) => (b"range", Range),
        (6, Some(b'd')) => (b"define", Define),
        (8, Some(b'c')) => (b"continue", Continue),
        (8, Some(b't')) => (b"template", Template),
        _ => return Identifier,
    };
    if w == keyword {
        typ
    } else {
        Identifier
    }
}

/// A field or variable item's first part (what Go lexes as the item) and, when fields were
/// chained onto it, the offset in `val` where they start (the second `.`, or the first of a
/// variable's).
pub fn chain_parts(typ: ItemType, val: &str) -> (&str, Option<usize>) {
    let from = usize::from(typ == ItemType::Field);
    match val.as_bytes()[from.min(val.len())..]
        .iter()
        .position(|c| *c == b'.')
    {
        Some(i) => (&val[..from + i], Some(from + i)),
        None => (val, None),
    }
}

/// Where the two-byte delimiter `pair` (`{{`, `*/`) first starts in `b`. A search for
/// its first byte (memchr) then a check of the next is faster on template text than a
/// two-byte substring search; charts carry long stretches of YAML and long comments.
fn find_pair(b: &[u8], pair: [u8; 2]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr(pair[0], &b[from..]) {
        let at = from + i;
        if b.get(at + 1) == Some(&pair[1]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The eight bytes at `i` as a little-endian word (the first byte lowest), if there are eight.
#[inline]
fn word_at(b: &[u8], i: usize) -> Option<u64> {
    let mut w = [0; 8];
    w.copy_from_slice(b.get(i..i + 8)?);
    Some(u64::from_le_bytes(w))
}

/// The high bit of each byte of `x` that equals `needle`, and maybe of bytes above one
/// that does (borrows only run upwards from a zero byte): the lowest flag is exact.
#[inline]
fn bytes_equal(x: u64, needle: u8) -> u64 {
    let y = x ^ (LO * u64::from(needle));
    y.wrapping_sub(LO) & !y & HI
}

/// How many of the word's bytes, from the first, are ASCII letters, digits or `_` (8 if all).
#[inline]
fn word_run(x: u64) -> usize {
    // On seven-bit bytes `v`, `v + (0x80 - lo)` sets the high bit when `v >= lo` and
    // `v + (0x7f - hi)` when `v > hi`, without carrying into the next byte.
    const LOW7: u64 = !HI;
    let in_range = |v: u64, lo: u8, hi: u8| {
        let ge = v + LO * u64::from(0x80 - lo);
        let gt = v + LO * u64::from(0x7f - hi);
        ge & !gt & HI
    };
    let v = x & LOW7;
    let digit = in_range(v, b'0', b'9');
    // `| 0x20` folds upper case onto lower case (and nothing else onto `a..=z`).
    let letter = in_range(v | (LO * 0x20), b'a', b'z');
    let under = !((v ^ (LO * u64::from(b'_'))) + LOW7) & HI;
    let word = (digit | letter | under) & !x;
    (!word & HI).trailing_zeros() as usize / 8
}

/// Where the first byte that `hit` flags is in `b`: `flags` marks such bytes of a word
/// (lowest flag exact), eight bytes at a time; the last few are tested one by one.
#[inline]
fn find_byte(b: &[u8], flags: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut words = b.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let found = flags(u64::from_le_bytes(w));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = words.remainder().iter().position(|c| hit(*c));
    rest.map(|i| at + i)
}

/// Where the first `quote`, `\\` or newline is in `b`.
fn find_quote_end(b: &[u8], quote: u8) -> Option<usize> {
    find_byte(
        b,
        |x| bytes_equal(x, quote) | bytes_equal(x, b'\\') | bytes_equal(x, b'\n'),
        |c| matches!(c, b'\\' | b'\n') || c == quote,
    )
}

/// Where `needle` first is in `hay`: template text is long stretches of YAML between
/// delimiters.
fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    find_byte(hay, |x| bytes_equal(x, needle), |c| c == needle)
}

/// Go's `%#U` of a rune: `U+0041 'A'`.
pub fn go_u(c: char) -> String {
    if crate::strconv::is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words of eight bytes with every byte value at every position (the rest letters, or
    /// the rest the same odd byte), against the byte-at-a-time definitions.
    fn words() -> impl Iterator<Item = [u8; 8]> {
        (0..8).flat_map(|at| {
            (0..=255u8).flat_map(move |c| {
                [b'a', b'Z', b'_', b'7', b'"', 0xc3].map(|fill| {
                    let mut w = [fill; 8];
                    w[at] = c;
                    w
                })
            })
        })
    }

    #[test]
    fn word_run_counts_ascii_word_bytes() {
        for w in words() {
            let want = w.iter().take_while(|c| IS_WORD[**c as usize]).count();
            assert_eq!(word_run(u64::from_le_bytes(w)), want, "{w:?}");
        }
    }

    #[test]
    fn find_quote_end_finds_the_first_quote_backslash_or_newline() {
        for quote in [b'"', b'\''] {
            for w in words() {
                // Before, inside and after a whole word, and in a short tail.
                let mut b = b"..........".to_vec();
                b.extend_from_slice(&w);
                b.extend_from_slice(&w[..5]);
                for from in 0..b.len() {
                    let hay = &b[from..];
                    let want = hay
                        .iter()
                        .position(|c| matches!(*c, b'\\' | b'\n') || *c == quote);
                    assert_eq!(find_quote_end(hay, quote), want, "{hay:?}");
                }
            }
        }
    }

    #[test]
    fn words_are_keywords_only_when_spelled_as_one() {
        let keywords = [
            ("block", ItemType::Block),
            ("break", ItemType::Break),
            ("continue", ItemType::Continue),
            ("define", ItemType::Define),
            ("else", ItemType::Else),
            ("end", ItemType::End),
            ("if", ItemType::If),
            ("range", ItemType::Range),
            ("nil", ItemType::Nil),
            ("template", ItemType::Template),
            ("with", ItemType::With),
            ("true", ItemType::Bool),
            ("false", ItemType::Bool),
        ];
        for (k, typ) in keywords {
            assert_eq!(word_type(k.as_bytes()), typ, "{k}");
            // Same length and first byte, one other byte.
            for i in 1..k.len() {
                let mut w = k.as_bytes().to_vec();
                w[i] = b'x';
                assert_eq!(word_type(&w), ItemType::Identifier, "{w:?}");
            }
        }
        for w in [
            "", "i", "ifx", "End", "blocks", "tem", "include", "quote", "x",
        ] {
            assert_eq!(word_type(w.as_bytes()), ItemType::Identifier, "{w}");
        }
    }

    #[test]
    fn identifiers_and_fields_end_where_go_ends_them() {
        let lex = |src: &str| {
            let mut l = Lexer::new(src);
            let mut out = Vec::new();
            loop {
                let it = l.next_item();
                if matches!(it.typ, ItemType::Eof | ItemType::Error) {
                    out.push(format!("{:?} {}", it.typ, l.error_message()));
                    return out;
                }
                out.push(format!("{:?} {}", it.typ, it.val(src)));
            }
        };
        // Runs longer than a word, ending at a word boundary, at a Unicode letter, at a bad
        // character and at the end of the input.
        assert_eq!(
            lex("{{abcdefghijklmnop .ABCDEFGH_0123456.x $v12345678 \"0123456789\\\"abcdef\"}}"),
            [
                "LeftDelim {{",
                "Identifier abcdefghijklmnop",
                "Field .ABCDEFGH_0123456.x",
                "Variable $v12345678",
                "String \"0123456789\\\"abcdef\"",
                "RightDelim }}",
                "Eof ",
            ]
        );
        assert_eq!(
            lex("{{abcdefgh_éü_xyz12345 .fieldnameé}}"),
            [
                "LeftDelim {{",
                "Identifier abcdefgh_éü_xyz12345",
                "Field .fieldnameé",
                "RightDelim }}",
                "Eof ",
            ]
        );
        assert_eq!(
            lex("{{abcdefghijk#"),
            ["LeftDelim {{", "Error bad character U+0023 '#'"]
        );
        assert_eq!(
            lex("{{\"abcdefghijklmnop"),
            ["LeftDelim {{", "Error unterminated quoted string"]
        );
        assert_eq!(
            lex("{{\"abcdefghij\nklmnop\"}}"),
            ["LeftDelim {{", "Error unterminated quoted string"]
        );
        assert_eq!(
            lex("{{'abcdefghij\\"),
            ["LeftDelim {{", "Error unterminated character constant"]
        );
        assert_eq!(
            lex("{{abcdefghijklmn"),
            [
                "LeftDelim {{",
                "Identifier abcdefghijklmn",
                "Error unclosed action"
            ]
        );
    }
}
