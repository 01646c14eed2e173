//! Reading a run: the word at a position and its shape (capitalised, in
//! capitals, an initial, a particle), the joiners that link words into one
//! run (spaces, `&nbsp;`, inline tags), and the loop that gathers a run
//! before handing it to scoring. Kept apart because this is where bytes
//! become words: everything after it reasons about `Word`s.

use super::field::{display_name_end, key_before};
use super::lexicon::MAX_TOKEN;
use super::utf8::{char_at, html_apostrophe, is_letter, is_word_char, next_char};
use super::words::PARTICLES;
use super::{NameDetector, COMMON_GIVEN, MAX_RUN};
use crate::hints::Field;
use crate::{swar, Finding, Hints};

/// The shape of one word of a run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Shape {
    /// `Jane`, `O'Brien`, `McCarthy`, `Anne-Marie`, `Élodie`.
    Cap,
    /// `DOE`, `SMITH-JONES`.
    Upper,
    /// `M.` (a middle initial).
    Initial,
    /// `van`, `de`, `der`.
    Particle,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Word {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) shape: Shape,
}

/// Inline HTML elements that may sit between the words of one name.
const INLINE_TAGS: &[&[u8]] = &[
    b"b", b"i", b"u", b"em", b"strong", b"span", b"a", b"small", b"mark", b"font",
];

impl NameDetector {
    /// Reads the run of name words starting at `at`, reports it if it is a
    /// name, and returns where scanning resumes.
    pub(super) fn run(
        &self,
        hay: &[u8],
        at: usize,
        hints: &Hints<'_>,
        out: &mut Vec<Finding>,
    ) -> usize {
        let Some(first) = word_at(hay, at) else {
            return next_char(hay, at);
        };
        if first.shape == Shape::Particle {
            return first.end.max(at + 1);
        }
        // Whether the first word is a stop word is asked only once it is
        // known to start a run of several: lone words are settled by
        // structure alone, and "Good" or "Best" are surnames in a field.
        // Inside a name field, "April Paige" and "Dallas Good" are names:
        // stop words do not cut a run there that starts with a common given
        // name. (A bare `name` key also names CI steps: "Check Formatting".)
        let mut name_field = None;
        let mut in_name_field = || {
            *name_field.get_or_insert_with(|| {
                let field = hints
                    .at(at)
                    .map(|h| h.field)
                    .or_else(|| key_before(hay, at));
                matches!(
                    field,
                    Some(Field::FullName | Field::Name | Field::GivenName)
                ) && self.given_class(hay, first) >= COMMON_GIVEN
            })
        };
        let mut following = joined_word(hay, first.end);
        if following.is_some() && self.is_stop(hay, first) && !in_name_field() {
            return first.end.max(at + 1);
        }
        let mut words = [first; 12];
        let mut n = 1;
        let mut end = first.end;
        let mut too_long = false;
        // Extend over joiners; a run that grows past the bounds is consumed
        // whole (so the next run starts where it would in any chunk).
        while let Some(next) = following {
            let mut after_next = None;
            if next.shape == Shape::Cap || next.shape == Shape::Upper {
                if self.is_stop(hay, next) && !in_name_field() {
                    break;
                }
            } else if next.shape == Shape::Particle {
                // A particle belongs to the run only before another word.
                after_next = joined_word(hay, next.end);
                match after_next {
                    Some(w) if matches!(w.shape, Shape::Cap | Shape::Upper | Shape::Particle) => {}
                    _ => break,
                }
            }
            if n < words.len() {
                words[n] = next;
                n += 1;
            } else {
                too_long = true;
            }
            end = next.end;
            if end - first.start > MAX_RUN {
                too_long = true;
            }
            following = after_next.or_else(|| joined_word(hay, end));
        }
        if too_long {
            return end;
        }
        let mut words = &words[..n];
        // A trailing initial ("Jane D.") is not part of the name.
        while words.len() > 1
            && words[words.len() - 1].shape != Shape::Cap
            && words[words.len() - 1].shape != Shape::Upper
        {
            words = &words[..words.len() - 1];
        }
        // "DOE, Jane": the surname first, in capitals, then a comma; in a
        // person's name cell or a mailbox's display name, any surname
        // then a comma.
        let name_cell = || {
            hints
                .at(first.start)
                .is_some_and(|h| matches!(h.field, Field::FullName | Field::Name))
                || display_name_end(hay, first.start).is_some()
        };
        if words.len() <= 3
            && (words.iter().all(|w| w.shape == Shape::Upper)
                || (hay.get(words[words.len() - 1].end) == Some(&b',') && name_cell()))
        {
            let family = Word {
                end: words[words.len() - 1].end,
                ..first
            };
            if let Some(resume) = self.last_comma_first(hay, family, hints, out) {
                return resume;
            }
        }
        let start = particles_before(hay, first.start);
        if let Some(f) = self.score_run(hay, start, words, hints) {
            out.push(f);
        }
        end
    }
}

/// The word starting at `at`, with its shape; `None` if no name word
/// starts there.
pub(super) fn word_at(hay: &[u8], at: usize) -> Option<Word> {
    let first_lower;
    let (mut p, mut upper, mut lowers, mut letters);
    if hay.get(at)?.is_ascii_alphabetic() {
        // Counted with the letters after it, eight at a time.
        first_lower = hay[at].is_ascii_lowercase();
        (p, upper, lowers, letters) = (at, 0, 0, 0);
    } else {
        let (c0, l0) = char_at(hay, at)?;
        if !is_letter(c0) {
            return None;
        }
        first_lower = c0.is_lowercase();
        p = at + l0;
        upper = usize::from(c0.is_uppercase());
        lowers = usize::from(first_lower);
        letters = 1;
    }
    loop {
        // ASCII letters eight at a time, without decoding: most names and
        // all the words around them in English text.
        let (run, capitals) = ascii_letters_at(hay, p);
        if run > 0 {
            upper += capitals;
            lowers += run - capitals;
            letters += run;
            p += run;
            if p - at > MAX_TOKEN {
                return None;
            }
            if run == 8 {
                continue;
            }
        }
        match char_at(hay, p) {
            Some((c, l)) if is_letter(c) => {
                if c.is_uppercase() {
                    upper += 1;
                } else {
                    lowers += 1;
                }
                letters += 1;
                p += l;
            }
            // O'Brien, O’Brien, O''Brien (SQL), Smith-Jones: a joiner then a letter.
            Some(('\'' | '-' | '’', l)) => {
                let mut q = p + l;
                if hay.get(q) == Some(&b'\'') && hay[p] == b'\'' {
                    q += 1;
                }
                match char_at(hay, q) {
                    Some((c, _)) if is_letter(c) => p = q,
                    _ => break,
                }
            }
            // O&#x27;Brien in HTML: the reference is the apostrophe.
            Some(('&', _)) => match html_apostrophe(&hay[p..]) {
                Some(len) if char_at(hay, p + len).is_some_and(|(c, _)| is_letter(c)) => {
                    p += len;
                }
                _ => break,
            },
            _ => break,
        }
        if p - at > MAX_TOKEN {
            return None;
        }
    }
    if let Some((c, _)) = char_at(hay, p) {
        if is_word_char(c) {
            return None;
        }
    }
    let word = &hay[at..p];
    if first_lower {
        return PARTICLES.contains(&word).then_some(Word {
            start: at,
            end: p,
            shape: Shape::Particle,
        });
    }
    if letters == 1 {
        // A middle initial: one capital and a full stop.
        return (hay.get(p) == Some(&b'.')).then_some(Word {
            start: at,
            end: p + 1,
            shape: Shape::Initial,
        });
    }
    let shape = if lowers == 0 {
        Shape::Upper
    } else if upper <= 3 {
        Shape::Cap
    } else {
        return None;
    };
    Some(Word {
        start: at,
        end: p,
        shape,
    })
}

/// How many ASCII letters start at `p` (at most eight), and how many of
/// them are capitals.
pub(super) fn ascii_letters_at(hay: &[u8], p: usize) -> (usize, usize) {
    let Some(x) = swar::load(hay, p) else {
        let rest = hay.get(p..).unwrap_or_default();
        let run = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let capitals = rest[..run]
            .iter()
            .filter(|b| b.is_ascii_uppercase())
            .count();
        return (run, capitals);
    };
    let run = ((!swar::letters(x) & swar::HI).trailing_zeros() / 8) as usize;
    let in_run = u64::MAX.checked_shr(64 - 8 * run as u32).unwrap_or(0);
    let capitals = swar::capitals(x) & in_run;
    // One bit a byte: shifted to each byte's low bit, a multiplication
    // sums the bytes into the top one (`count_ones` is a long sequence
    // without the POPCNT instruction of the baseline target).
    (run, ((capitals >> 7).wrapping_mul(swar::LO) >> 56) as usize)
}

/// The word after `end` if only a joiner (spaces, inline tags, `&nbsp;`)
/// separates them, on the same line.
pub(super) fn joined_word(hay: &[u8], end: usize) -> Option<Word> {
    let mut p = end;
    let mut spaces = 0;
    let mut tags = 0;
    loop {
        // Not a tab: it separates fields (TSV, COPY), not a name's words.
        match hay.get(p)? {
            b' ' => {
                spaces += 1;
                p += 1;
            }
            b'<' => {
                tags += 1;
                p = skip_inline_tag(hay, p)?;
            }
            b'&' if hay[p..].starts_with(b"&nbsp;") => {
                spaces += 1;
                p += 6;
            }
            _ => break,
        }
        if spaces > 3 || tags > 2 {
            return None;
        }
    }
    if p == end || (spaces == 0 && tags == 0) {
        return None;
    }
    // Most words after a space are plain lowercase ones: only particles
    // among them can continue a name.
    let b = *hay.get(p)?;
    if b.is_ascii_lowercase() && !matches!(b, b'v' | b'd' | b'l' | b't' | b'z' | b'b' | b'a' | b'y')
    {
        return None;
    }
    word_at(hay, p)
}

/// Skips `<b>`, `</span>`, `<a href="…">` and returns the index after it.
fn skip_inline_tag(hay: &[u8], at: usize) -> Option<usize> {
    let mut p = at + 1;
    if hay.get(p) == Some(&b'/') {
        p += 1;
    }
    let name_start = p;
    while p < hay.len() && hay[p].is_ascii_alphabetic() {
        p += 1;
    }
    let name = &hay[name_start..p];
    if !INLINE_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let close = memchr::memchr(b'>', hay.get(p..(p + 60).min(hay.len()))?)?;
    let inner = &hay[p..p + close];
    if inner.contains(&b'<') || inner.contains(&b'\n') {
        return None;
    }
    Some(p + close + 1)
}

/// Extends a run's start back over lowercase particles (`van der Berg`).
// Inlined into `run` as when the detector was one module (a call per run).
#[inline]
pub(super) fn particles_before(hay: &[u8], start: usize) -> usize {
    let mut s = start;
    for _ in 0..3 {
        if s < 2 || hay[s - 1] != b' ' {
            break;
        }
        let mut p = s - 1;
        while p > 0 && hay[p - 1].is_ascii_lowercase() && s - p < 8 {
            p -= 1;
        }
        if p > 0 && (hay[p - 1].is_ascii_alphanumeric() || hay[p - 1] >= 0x80) {
            break;
        }
        if !PARTICLES.contains(&&hay[p..s - 1]) {
            break;
        }
        s = p;
    }
    s
}
