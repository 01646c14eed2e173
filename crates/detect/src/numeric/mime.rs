//! Mail structure the numeric scanner must not read as data: MIME
//! boundaries. Python's `email` package draws `===============` and 19
//! random digits (`===============4986947095633979044==`), which pass Luhn
//! one time in ten and fit a card's length; other mailers draw digits too
//! (Thunderbird's `------------` and 24 of them). A boundary is named in a
//! `boundary=` parameter and then delimits the parts on lines of its own,
//! `--` before it, so both places are recognised by their syntax, not by
//! any one mailer's alphabet. Message-IDs (`<176…\.12345\.98…@host>`) need
//! nothing here: their digits are glued to dots and an `@`.

/// RFC 2046 allows at most 70 characters in a boundary.
const MAX_BOUNDARY: usize = 72;

/// A byte that may be part of a boundary as mailers write it: anything
/// but whitespace, quotes and the parameter separators.
fn boundary_byte(b: u8) -> bool {
    !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'"' | b';' | b'<' | b'>')
}

/// Whether the digits at `pos` belong to a MIME boundary: the value of a
/// `boundary=` parameter (quoted or not), or a delimiter line (`--`, the
/// boundary, an optional closing `--`, nothing else on the line).
pub(super) fn in_boundary(hay: &[u8], pos: usize) -> bool {
    let floor = pos.saturating_sub(MAX_BOUNDARY);
    let mut ts = pos;
    while ts > floor && boundary_byte(hay[ts - 1]) {
        ts -= 1;
    }
    if ts == floor && ts > 0 && boundary_byte(hay[ts - 1]) {
        // Longer than any boundary: some other token.
        return false;
    }
    // `boundary="…"` ends where the quote opens; unquoted, the parameter
    // starts the token.
    let head = &hay[..ts];
    let head = head.strip_suffix(b"\"").unwrap_or(head);
    let param = |s: &[u8]| s.len() >= 9 && s[s.len() - 9..].eq_ignore_ascii_case(b"boundary=");
    if param(head) || hay.get(ts..ts + 9).is_some_and(param) {
        return true;
    }
    let line_start = ts == 0 || hay[ts - 1] == b'\n';
    if !(line_start && hay[ts..].starts_with(b"--")) {
        return false;
    }
    // The token must run to the end of its line.
    let tail = hay.get(pos..).unwrap_or_default();
    let te = tail
        .iter()
        .take(MAX_BOUNDARY + 1)
        .position(|&b| !boundary_byte(b))
        .unwrap_or(tail.len().min(MAX_BOUNDARY + 1));
    if ts + MAX_BOUNDARY + 4 < pos + te {
        return false;
    }
    let rest = &tail[te..];
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    rest[..line_end]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::in_boundary;

    fn at(text: &str, digits: &str) -> bool {
        in_boundary(text.as_bytes(), text.find(digits).expect("digits in text"))
    }

    #[test]
    fn boundary_parameters_and_delimiter_lines() {
        let ct =
            "Content-Type: multipart/mixed; boundary=\"===============4986947095633979044==\"\n";
        assert!(at(ct, "4986947095633979044"));
        assert!(at(
            "Content-Type: multipart/alternative;\n\tboundary=----------0123456789\n",
            "0123456789"
        ));
        assert!(at(
            "\n--===============4986947095633979044==\nContent-Type: text/plain\n",
            "4986947095633979044"
        ));
        assert!(at(
            "x\n--===============4986947095633979044==--\r\n\n",
            "4986947095633979044"
        ));
        assert!(at(
            "--------------050708090201030405060708\n",
            "050708090201030405060708"
        ));
    }

    #[test]
    fn card_numbers_in_mail_text_are_no_boundary() {
        assert!(!at("card: 4111111111111111\n", "4111111111111111"));
        assert!(!at("--\n4111111111111111\n", "4111111111111111"));
        assert!(!at("-- card 4111111111111111\n", "4111111111111111"));
        // A delimiter-like start with more on the line is text.
        assert!(!at("--4111111111111111 was declined\n", "4111111111111111"));
        assert!(!at("boundary 4111111111111111\n", "4111111111111111"));
    }
}
