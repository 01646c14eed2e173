//! Japanese names in kanji (`山田 太郎`) and lone given names or surnames in
//! kanji or kana as whole fields (`美咲,伊藤`). A path of its own because
//! these names have no capitals and no spaces between words: they are
//! found from a CJK lead byte and a list of common kanji surnames, not by
//! reading a run of capitalised words.

use super::utf8::next_char;
use super::{finding, NameDetector};
use crate::{Finding, Hints};

impl NameDetector {
    /// `山田 太郎`: a common surname in kanji, a space, then one to three
    /// kanji or kana. Returns where scanning resumes.
    pub(super) fn kanji(
        &self,
        hay: &[u8],
        at: usize,
        hints: &Hints<'_>,
        out: &mut Vec<Finding>,
    ) -> usize {
        let resume = next_char(hay, at);
        if at >= 3 && is_cjk(&hay[at - 3..]) {
            return resume;
        }
        let mut run_end = at;
        while run_end - at < 15 && hay.get(run_end..).is_some_and(is_cjk) {
            run_end += 3;
        }
        if !hay.get(run_end..).is_some_and(is_cjk) {
            if let Some(f) = self.kanji_field(hay, at, run_end, hints) {
                out.push(f);
                return run_end;
            }
        }
        for chars in (1..=3).rev() {
            let family_end = at + 3 * chars;
            let Some(family) = hay.get(at..family_end) else {
                continue;
            };
            if !(0..chars).all(|k| is_kanji(&family[3 * k..])) {
                continue;
            }
            let Ok(s) = std::str::from_utf8(family) else {
                continue;
            };
            if !self.lex.kanji_surname(s) {
                continue;
            }
            let sep = if hay.get(family_end) == Some(&b' ') {
                1
            } else if hay[family_end..].starts_with("\u{3000}".as_bytes()) {
                3
            } else {
                continue;
            };
            let given_start = family_end + sep;
            let mut p = given_start;
            while p - given_start < 12 && hay.get(p..).is_some_and(is_cjk) {
                p += 3;
            }
            let len = (p - given_start) / 3;
            if !(1..=3).contains(&len) || hay.get(p..).is_some_and(is_cjk) {
                continue;
            }
            let around = self.around(hay, at, p, hints);
            let mut score: f32 = 0.6;
            if around.field.is_some() || self.context(hay, &around) {
                score += 0.3;
            }
            if around.email {
                score += 0.1;
            }
            out.push(finding(at, p, score.min(0.99), "name.kanji"));
            return p;
        }
        resume
    }

    /// A lone given name or surname in kanji or kana that is a whole field:
    /// under a `first_name`/`last_name` key or hint, or next to another
    /// such field one of which is a common surname (`美咲,伊藤`).
    fn kanji_field(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        hints: &Hints<'_>,
    ) -> Option<Finding> {
        let chars = (end - start) / 3;
        if !(1..=4).contains(&chars) {
            return None;
        }
        if self.lone_field(hay, start, hints) {
            return Some(finding(start, end, 0.85, "name.field"));
        }
        let is_sep = |b: u8| matches!(b, b',' | b'\t' | b';' | b'|');
        // SQL and quoted CSV: `'美咲', '佐藤'`; quotes must match.
        let quoted = start > 0 && matches!(hay[start - 1], b'\'' | b'"');
        let q = usize::from(quoted);
        if quoted && hay.get(end) != Some(&hay[start - 1]) {
            return None;
        }
        let open = start.checked_sub(q + 1).map(|i| hay[i]);
        let close = hay.get(end + q).copied();
        let delimits = |b: Option<u8>| b.is_some_and(|b| is_sep(b) || b == b' ' || b == b'(');
        if !delimits(open)
            || !delimits(close)
            || (!quoted && (open == Some(b' ') || close == Some(b' ')))
        {
            return None;
        }
        let surname = |a: usize, b: usize| {
            std::str::from_utf8(&hay[a..b]).is_ok_and(|s| self.lex.kanji_surname(s))
        };
        // The next field: this one is the given name.
        let mut from = end + q;
        if hay.get(from).copied().is_some_and(is_sep) {
            from += 1;
        }
        while from < hay.len() && from - end < 4 && matches!(hay[from], b' ' | b'\'' | b'"') {
            from += 1;
        }
        let mut p = from;
        while p - from < 12 && hay.get(p..).is_some_and(is_cjk) {
            p += 3;
        }
        let next_ok = p > from && !hay.get(p..).is_some_and(is_cjk) && surname(from, p);
        // The previous field: this one is the surname.
        let mut to = start - q;
        while to > 0
            && start - to < 4
            && matches!(
                hay[to - 1],
                b' ' | b'\'' | b'"' | b',' | b'\t' | b';' | b'|'
            )
        {
            to -= 1;
        }
        let mut b = to;
        while to - b < 12 && b >= 3 && is_cjk(&hay[b - 3..]) {
            b -= 3;
        }
        let prev_ok = b < to && to < start && surname(start, end);
        (next_ok || prev_ok).then(|| finding(start, end, 0.8, "name.field"))
    }
}

/// Whether the three bytes at the start of `s` are a CJK ideograph
/// (U+4E00..U+9FFF) or a kana (U+3041..U+30FF).
pub(super) fn is_cjk(s: &[u8]) -> bool {
    is_kanji(s)
        || (s.len() >= 3
            && s[0] == 0xE3
            && matches!(
                (s[1], s[2]),
                (0x81, 0x81..=0xBF) | (0x82..=0x83, 0x80..=0xBF)
            ))
}

fn is_kanji(s: &[u8]) -> bool {
    s.len() >= 3
        && matches!(s[0], 0xE4..=0xE9)
        && (s[0] != 0xE4 || s[1] >= 0xB8)
        && (0x80..=0xBF).contains(&s[1])
        && (0x80..=0xBF).contains(&s[2])
}
