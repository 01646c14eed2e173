//! JSON string literals, appended straight to an output buffer: a dense
//! scan writes millions of them, so no intermediate strings.

/// The bytes a JSON string must escape: controls, `"` and `\`.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn needs_escape(b: u8) -> bool {
    NEEDS_ESCAPE[usize::from(b)]
}

/// Appends `s` as a JSON string literal.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let at = out.len();
    out.extend_from_slice(s.as_bytes());
    escape_from(out, at);
    out.push(b'"');
}

/// Escapes, in place, the UTF-8 text appended to `out` from `at` on, so
/// that it can stand between the quotes of a JSON string. Only ASCII bytes
/// are ever replaced, so the text stays valid UTF-8.
pub(crate) fn escape_from(out: &mut Vec<u8>, at: usize) {
    // A fold without early exit: the compiler vectorises it, and the text
    // is short and nearly always clean.
    if !out[at..]
        .iter()
        .fold(false, |any, &b| any | needs_escape(b))
    {
        return;
    }
    let raw = out.split_off(at);
    let mut from = 0;
    for (i, &b) in raw.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&raw[from..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        from = i + 1;
    }
    out.extend_from_slice(&raw[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_back_as_written() {
        let mut all = String::new();
        for c in (0u8..0x80).map(char::from).chain(['é', '📁', '\u{7f}']) {
            all.push(c);
            let s = format!("a{c}b{c}");
            for text in [s.as_str(), all.as_str()] {
                let mut out = b"[".to_vec();
                string(&mut out, text);
                out.push(b']');
                let v: Vec<String> = serde_json::from_slice(&out).expect("valid JSON");
                assert_eq!(v, [text]);
            }
        }
    }
}
