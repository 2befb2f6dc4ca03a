//! Line diffs with unified-diff hunks: used for file diffs between commits and for the
//! YAML renderings of desired and live objects (what `argocd app diff` shows).

/// One line of a hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Same(String),
    Added(String),
    Removed(String),
}

/// A unified-diff hunk: `@@ -old_start,old_len +new_start,new_len @@` and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: usize,
    pub old_len: usize,
    pub new_start: usize,
    pub new_len: usize,
    pub lines: Vec<Line>,
}

impl Hunk {
    pub fn header(&self) -> String {
        format!(
            "@@ -{},{} +{},{} @@",
            self.old_start, self.old_len, self.new_start, self.new_len
        )
    }
}

/// Above this many cells the quadratic LCS table is not built; the middle is shown as
/// removed-then-added instead (still a correct, if coarse, diff).
const MAX_CELLS: usize = 4_000_000;

/// The edit script between two texts, line by line (longest common subsequence, after
/// trimming the common prefix and suffix, which is all most edits need).
pub fn lines(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out: Vec<Line> = a[..prefix]
        .iter()
        .map(|l| Line::Same(l.to_string()))
        .collect();
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        out.extend(ma.iter().map(|l| Line::Removed(l.to_string())));
        out.extend(mb.iter().map(|l| Line::Added(l.to_string())));
    } else {
        let (n, m) = (ma.len(), mb.len());
        let mut t = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * (m + 1) + j] = if ma[i] == mb[j] {
                    t[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                out.push(Line::Same(ma[i].to_string()));
                i += 1;
                j += 1;
            } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
                // Removals before additions, as diff -u prints them.
                out.push(Line::Removed(ma[i].to_string()));
                i += 1;
            } else {
                out.push(Line::Added(mb[j].to_string()));
                j += 1;
            }
        }
    }
    out.extend(
        a[a.len() - suffix..]
            .iter()
            .map(|l| Line::Same(l.to_string())),
    );
    out
}

/// Groups an edit script into hunks with `context` unchanged lines around each change.
pub fn hunks(old: &str, new: &str, context: usize) -> Vec<Hunk> {
    let script = lines(old, new);
    let changed: Vec<usize> = (0..script.len())
        .filter(|i| !matches!(script[*i], Line::Same(_)))
        .collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &c in &changed {
        let lo = c.saturating_sub(context);
        let hi = (c + context + 1).min(script.len());
        match ranges.last_mut() {
            Some(last) if lo <= last.1 => last.1 = hi,
            _ => ranges.push((lo, hi)),
        }
    }
    // Line numbers (1-based) in old and new at each script index.
    let mut old_no = vec![0; script.len() + 1];
    let mut new_no = vec![0; script.len() + 1];
    let (mut o, mut n) = (1, 1);
    for (i, l) in script.iter().enumerate() {
        old_no[i] = o;
        new_no[i] = n;
        match l {
            Line::Same(_) => {
                o += 1;
                n += 1;
            }
            Line::Added(_) => n += 1,
            Line::Removed(_) => o += 1,
        }
    }
    ranges
        .into_iter()
        .map(|(lo, hi)| {
            let lines = script[lo..hi].to_vec();
            let old_len = lines
                .iter()
                .filter(|l| !matches!(l, Line::Added(_)))
                .count();
            let new_len = lines
                .iter()
                .filter(|l| !matches!(l, Line::Removed(_)))
                .count();
            Hunk {
                // Unified diff convention: an empty side starts at the line before.
                old_start: if old_len == 0 {
                    old_no[lo] - 1
                } else {
                    old_no[lo]
                },
                old_len,
                new_start: if new_len == 0 {
                    new_no[lo] - 1
                } else {
                    new_no[lo]
                },
                new_len,
                lines,
            }
        })
        .collect()
}

/// Hunks as text, `+`/`-`/space prefixed, like `diff -u` without file headers.
pub fn render(hunks: &[Hunk]) -> String {
    let mut out = String::new();
    for h in hunks {
        out.push_str(&h.header());
        out.push('\n');
        for l in &h.lines {
            let (p, t) = match l {
                Line::Same(t) => (' ', t),
                Line::Added(t) => ('+', t),
                Line::Removed(t) => ('-', t),
            };
            out.push(p);
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_in_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        let h = hunks(old, new, 1);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].header(), "@@ -3,3 +3,3 @@");
        assert_eq!(render(&h), "@@ -3,3 +3,3 @@\n c\n-d\n+D\n e\n");
    }

    #[test]
    fn new_file_and_separate_hunks() {
        assert_eq!(hunks("", "x\ny\n", 3)[0].header(), "@@ -0,0 +1,2 @@");
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "0\n2\n3\n4\n5\n6\n7\n8\nX\n";
        assert_eq!(hunks(old, new, 1).len(), 2);
        assert!(hunks(old, old, 3).is_empty());
    }
}
