//! What follows a street line: the postcode and city, on the same line
//! after a comma or on the next line (`\n`, `<br>`).

use super::lex::{boundary, digits_end, is_cap, is_digit_at, word_end};

/// At most this many words in a city name (`Salt Lake City`).
const MAX_CITY_WORDS: usize = 3;
const MAX_CITY_WORD: usize = 24;

/// USPS state and territory codes.
const US_STATES: &[&[u8; 2]] = &[
    b"AL", b"AK", b"AZ", b"AR", b"CA", b"CO", b"CT", b"DE", b"DC", b"FL", b"GA", b"HI", b"ID",
    b"IL", b"IN", b"IA", b"KS", b"KY", b"LA", b"ME", b"MD", b"MA", b"MI", b"MN", b"MS", b"MO",
    b"MT", b"NE", b"NV", b"NH", b"NJ", b"NM", b"NY", b"NC", b"ND", b"OH", b"OK", b"OR", b"PA",
    b"RI", b"SC", b"SD", b"TN", b"TX", b"UT", b"VT", b"VA", b"WA", b"WV", b"WI", b"WY", b"PR",
    b"GU", b"VI", b"AS", b"MP",
];

/// Skips the separator between a street line and what follows: a comma
/// and spaces, or a line break (`\n`, `\r\n`, `<br>`, `<br/>`, `<br />`,
/// possibly followed by a newline). With `space_ok`, a single space also
/// separates (`12 Main St Springfield IL 62704`).
pub(super) fn separator(hay: &[u8], mut p: usize, space_ok: bool) -> Option<usize> {
    let start = p;
    if hay.get(p) == Some(&b',') {
        p += 1;
    }
    while hay.get(p) == Some(&b' ') {
        p += 1;
    }
    let mut broke = false;
    loop {
        match hay.get(p) {
            Some(b'\n') => p += 1,
            Some(b'\r') if hay.get(p + 1) == Some(&b'\n') => p += 2,
            Some(b'<') => {
                let rest = &hay[p..hay.len().min(p + 6)];
                let n = [&b"<br>"[..], b"<br/>", b"<br />"]
                    .iter()
                    .find(|t| rest.len() >= t.len() && rest[..t.len()].eq_ignore_ascii_case(t))
                    .map(|t| t.len())?;
                p += n;
            }
            _ => break,
        }
        broke = true;
    }
    while hay.get(p) == Some(&b' ') {
        p += 1;
    }
    let comma = hay.get(start) == Some(&b',');
    let ok = comma || broke || (space_ok && p == start + 1);
    (ok && p - start <= 16).then_some(p)
}

/// The postcode-and-city part starting at `p` (after a separator): its end.
pub(super) fn postal(hay: &[u8], p: usize) -> Option<usize> {
    // `10115 Berlin`, `75002 Paris`: Germany, France.
    if let Some(e) = digits_end(hay, p, 5) {
        if e - p == 5 && hay.get(e) == Some(&b' ') && is_cap(hay, e + 1) {
            return city(hay, e + 1).map(|(end, _)| end);
        }
        return None;
    }
    if let Some(e) = uk_postcode(hay, p) {
        return Some(e);
    }
    // `Springfield, IL 62704`, `London SW1A 2AA`, `Washington, DC 20500`.
    let (c, _) = city(hay, p)?;
    let mut q = c;
    if hay.get(q) == Some(&b',') {
        q += 1;
    }
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    q += 1;
    us_state_zip(hay, q).or_else(|| uk_postcode(hay, q))
}

/// One to three capitalised words joined by single spaces: (end, words).
fn city(hay: &[u8], p: usize) -> Option<(usize, usize)> {
    let mut end = None;
    let mut q = p;
    let mut words = 0;
    while words < MAX_CITY_WORDS && is_cap(hay, q) {
        // A state code or postcode ends the city (`Springfield IL 62704`).
        if words > 0 && (us_state_zip(hay, q).is_some() || uk_postcode(hay, q).is_some()) {
            break;
        }
        let mut e = word_end(hay, q, MAX_CITY_WORD)?;
        if hay.get(e) == Some(&b'.') {
            e += 1; // `St. Louis`
        }
        if !boundary(hay, e) {
            break;
        }
        words += 1;
        end = Some(e);
        if hay.get(e) == Some(&b' ') && is_cap(hay, e + 1) {
            q = e + 1;
        } else {
            break;
        }
    }
    end.map(|e| (e, words))
}

/// `IL 62704` or `IL 62704-1234`: its end.
fn us_state_zip(hay: &[u8], p: usize) -> Option<usize> {
    let st = hay.get(p..p + 2)?;
    if !US_STATES.iter().any(|s| &s[..] == st) || hay.get(p + 2) != Some(&b' ') {
        return None;
    }
    let e = digits_end(hay, p + 3, 5)?;
    if e - (p + 3) != 5 {
        return None;
    }
    let e = match digits_end(hay, e + 1, 4) {
        Some(e4) if hay.get(e) == Some(&b'-') && e4 - (e + 1) == 4 => e4,
        _ => e,
    };
    boundary(hay, e).then_some(e)
}

/// A UK postcode at `p` (`SW1A 2AA`, `M1 1AE`, `B33 8TH`, `CR2 6XH`): its
/// end. Outward code `A9`, `A99`, `A9A`, `AA9`, `AA99`, `AA9A`; a space;
/// inward code `9AA`.
pub(super) fn uk_postcode(hay: &[u8], p: usize) -> Option<usize> {
    let up = |i: usize| hay.get(i).is_some_and(u8::is_ascii_uppercase);
    if !up(p) {
        return None;
    }
    let mut q = p + 1;
    if up(q) {
        q += 1;
    }
    if !is_digit_at(hay, q) {
        return None;
    }
    q += 1;
    if is_digit_at(hay, q) || up(q) {
        q += 1;
    }
    if hay.get(q) != Some(&b' ') {
        return None;
    }
    q += 1;
    let inward = is_digit_at(hay, q) && up(q + 1) && up(q + 2);
    (inward && boundary(hay, q + 3)).then_some(q + 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn postal_len(s: &str) -> Option<usize> {
        postal(s.as_bytes(), 0)
    }

    #[test]
    fn postal_lines_of_each_country() {
        for s in [
            "Springfield, IL 62704",
            "Washington, DC 20500-0003",
            "Salt Lake City UT 84101",
            "London SW1A 2AA",
            "Manchester, M1 1AE",
            "SW1A 2AA",
            "10115 Berlin",
            "75002 Paris",
            "80331 München",
            "St. Louis, MO 63101",
        ] {
            assert_eq!(postal_len(s), Some(s.len()), "{s:?}");
        }
        assert_eq!(postal_len("75002 Paris Cedex"), Some(17));
    }

    #[test]
    fn lookalikes_are_not_postal_lines() {
        for s in [
            "Springfield, XX 62704",
            "Springfield, IL 6270",
            "Springfield, IL 627041",
            "springfield, IL 62704",
            "London SW1A 2A",
            "1234 Berlin",
            "75002 paris",
            "Version 2.0",
        ] {
            assert_eq!(postal_len(s), None, "{s:?}");
        }
    }

    #[test]
    fn separators() {
        assert_eq!(separator(b", X", 0, false), Some(2));
        assert_eq!(separator(b"<br>\nX", 0, false), Some(5));
        assert_eq!(separator(b"\r\nX", 0, false), Some(2));
        assert_eq!(separator(b" X", 0, false), None);
        assert_eq!(separator(b" X", 0, true), Some(1));
        assert_eq!(separator(b"<b>X", 0, false), None);
    }
}
