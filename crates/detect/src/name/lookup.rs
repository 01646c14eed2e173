//! Lexicon lookups of words read from the text: lowercased, with accents
//! and apostrophes folded for the census lists, hyphenated and
//! double-barrelled names split, and the stop words and stop phrases
//! (brands, products, places built from people's names). Kept apart from
//! scoring because these answer "is this word a name?" the same way for
//! every caller, and from `lexicon` because they read `Word`s in the text.

use super::lexicon::{lower, MAX_TOKEN};
use super::run::Word;
use super::words::is_title;
use super::NameDetector;

impl NameDetector {
    pub(super) fn is_stop(&self, hay: &[u8], w: Word) -> bool {
        let mut buf = [0u8; MAX_TOKEN];
        match lower(&hay[w.start..w.end], &mut buf) {
            Some(s) => {
                let s = s.trim_end_matches('.');
                self.lex.stop_word(s) || is_title(s)
            }
            None => true,
        }
    }

    pub(super) fn phrase_rejected(&self, hay: &[u8], words: &[Word]) -> bool {
        // Every contiguous sub-sequence of two or more words, lowercased and
        // joined by single spaces, particles included ("oscar de la renta").
        let mut buf = [0u8; 96];
        for i in 0..words.len() {
            let mut n = 0;
            for (k, w) in words[i..].iter().enumerate() {
                let mut wb = [0u8; MAX_TOKEN];
                let Some(s) = lower(&hay[w.start..w.end], &mut wb) else {
                    return false;
                };
                let s = s.trim_end_matches('.');
                let s = s.strip_suffix("'s").unwrap_or(s);
                let extra = usize::from(k > 0);
                if n + extra + s.len() > buf.len() {
                    break;
                }
                if k > 0 {
                    buf[n] = b' ';
                    n += 1;
                }
                for &c in s.as_bytes() {
                    // "Ben & Jerry's" arrives as "Ben Jerry"; "Levi's" as "levi".
                    buf[n] = if c == b'\'' { b' ' } else { c };
                    n += 1;
                }
                if k > 0 {
                    if let Ok(p) = std::str::from_utf8(&buf[..n]) {
                        if self.lex.stop_phrase(p) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Frequency class of `w` as a given name (0: not one). Hyphenated
    /// names count if their first part is one.
    pub(super) fn given_class(&self, hay: &[u8], w: Word) -> u8 {
        let mut buf = [0u8; MAX_TOKEN];
        let Some(s) = lower(&hay[w.start..w.end], &mut buf) else {
            return 0;
        };
        let g = self.lex.given(s);
        if g > 0 {
            return g;
        }
        if let Some((head, _)) = s.split_once('-') {
            let g = self.lex.given(head);
            if g > 0 {
                return g;
            }
        }
        if s.is_ascii() && !s.contains('\'') {
            // Folding would change nothing: the lookup above was the last.
            return 0;
        }
        let mut fold = [0u8; MAX_TOKEN];
        fold_ascii(s, &mut fold).map_or(0, |f| self.lex.given(f))
    }

    /// Whether `w` is a surname: the census list has no apostrophes or
    /// accents (`OBRIEN`, `GARCIA`), so both are folded away; each part of
    /// a double-barrelled name must be one.
    pub(super) fn surname(&self, hay: &[u8], w: Word) -> bool {
        let word = &hay[w.start..w.end];
        if word.len() <= MAX_TOKEN && word.is_ascii() && !word.contains(&b'&') {
            self.surname_ascii(word)
        } else {
            self.surname_general(word)
        }
    }

    /// [`NameDetector::surname`] of an ASCII word in one pass: lowercase,
    /// apostrophes and spaces dropped, as the general path does.
    pub(super) fn surname_ascii(&self, word: &[u8]) -> bool {
        let mut joined = [0u8; MAX_TOKEN];
        let mut n = 0;
        for &b in word.iter().filter(|&&b| b != b'\'' && b != b' ') {
            joined[n] = b.to_ascii_lowercase();
            n += 1;
        }
        joined[..n]
            .split(|&b| b == b'-')
            .all(|part| !part.is_empty() && self.lex.surname_bytes(part))
    }

    pub(super) fn surname_general(&self, word: &[u8]) -> bool {
        let mut buf = [0u8; MAX_TOKEN];
        let Some(s) = lower(word, &mut buf) else {
            return false;
        };
        let mut fold = [0u8; MAX_TOKEN];
        let Some(f) = fold_ascii(s, &mut fold) else {
            return false;
        };
        let mut joined = [0u8; MAX_TOKEN];
        let mut n = 0;
        for &b in f.as_bytes().iter().filter(|&&b| b != b' ') {
            joined[n] = b;
            n += 1;
        }
        let f = std::str::from_utf8(&joined[..n]).unwrap_or(f);
        f.split('-')
            .all(|part| !part.is_empty() && self.lex.surname(part))
    }
}

/// Folds Latin accents to ASCII and drops apostrophes (`O'Brien` →
/// `obrien`, `García` → `garcia`, `Weiß` → `weiss`). `s` is lowercase.
pub(super) fn fold_ascii<'b>(s: &str, buf: &'b mut [u8; MAX_TOKEN]) -> Option<&'b str> {
    let mut n = 0;
    let mut push = |b: &[u8]| -> Option<()> {
        let dst = buf.get_mut(n..n + b.len())?;
        dst.copy_from_slice(b);
        n += b.len();
        Some(())
    };
    for c in s.chars() {
        match c {
            '\'' | '’' => {}
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => push(b"a")?,
            'æ' => push(b"ae")?,
            'ç' | 'č' | 'ć' => push(b"c")?,
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => push(b"e")?,
            'ì' | 'í' | 'î' | 'ï' => push(b"i")?,
            'ñ' | 'ń' => push(b"n")?,
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => push(b"o")?,
            'ù' | 'ú' | 'û' | 'ü' => push(b"u")?,
            'ý' | 'ÿ' => push(b"y")?,
            'ß' => push(b"ss")?,
            'š' | 'ś' => push(b"s")?,
            'ž' | 'ź' | 'ż' => push(b"z")?,
            'ł' => push(b"l")?,
            c if c.is_ascii() => push(&[c as u8])?,
            _ => return None,
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}
