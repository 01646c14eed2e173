//! Numeric PII: payment cards, US SSNs, IBANs, phone numbers, IPv4
//! addresses, national identity numbers and health-insurance numbers
//! (`govid.rs`), found in one pass over the haystack.
//!
//! The pass skips non-digit bytes eight at a time and cuts the text into
//! *words* — maximal runs of digits and number punctuation (`-./()`, a
//! leading `+`) — and *tokens*, words joined by single spaces
//! (`4111 1111 1111 1111`). A word glued to a larger alphanumeric token
//! (`ORD-12345678`, `v1.2.3.4`, `4111…x`, a hex hash) never takes part in a
//! finding. Candidates are runs of up to [`MAX_SPAN_WORDS`] consecutive
//! words of a token; each is dispatched by shape, cheap checks first, and
//! only candidates shaped like a phone number reach the numbering-plan
//! metadata. IBANs start with letters, so they are tried where a digit
//! follows two capitals.
//!
//! Every decision about a candidate depends on bytes within a few dozen
//! bytes of it (words are capped at [`MAX_WORD_BYTES`], context windows at
//! 40 bytes, a MIME boundary at 72), or for a phone cell on its record's
//! country cell within 400 (`record.rs`), inside [`crate::MAX_LOOKBEHIND`]
//! and [`crate::MAX_LOOKAHEAD`], which is what keeps chunked scans equal
//! to whole-buffer scans. A context word counts only in its candidate's
//! record ([`tokens::same_record`]), and no digits of a MIME boundary are
//! data (`mime.rs`).

mod card;
mod countries;
#[cfg(test)]
mod countries_gen;
mod govid;
mod iban;
mod ids;
mod ipv4;
mod mime;
mod phone;
pub(crate) mod plan;
mod plan_data;
mod record;
mod ssn;
mod tax;
mod tokens;
mod words;

use crate::context::ContextWords;
use crate::{Field, Finding, Hints, Kind, KindSet};
use govid::IdWords;
use tax::TaxWords;
use tokens::*;
use words::*;

/// Longer words (long digit runs, IDs with many dashes) are no PII we know
/// and are skipped whole rather than searched inside.
const MAX_WORD_BYTES: usize = 40;
const MAX_WORD_DIGITS: usize = 24;
/// At most this many words form one candidate: `+33 1 42 68 53 00` is six.
const MAX_SPAN_WORDS: usize = 6;
const MAX_DIGITS: usize = 24;
const MAX_GROUPS: usize = 16;
/// How far back a word before a candidate is searched for digits: far
/// enough for hex code points and part numbers (`1F2D`, `A1B2C3`).
const MAX_CODE_BYTES: usize = 16;
/// How far before a candidate context words are looked for.
const CONTEXT_WINDOW: usize = 40;
/// A number a column of its kind holds.
const FIELD_SCORE: f32 = 0.9;
/// A national number in a phone cell that the plan of its record's
/// country rejects and another region's accepts.
const OTHER_PLAN_SCORE: f32 = 0.6;

/// How far back on its line a numbering word is looked for: far enough for
/// `ObjectIdentifier::new_unwrap("`.
const NUMBERING_WINDOW: usize = 48;

pub(crate) struct NumericDetector {
    card: bool,
    ssn: bool,
    iban: bool,
    phone: bool,
    ip: bool,
    gov: bool,
    health: bool,
    /// Context words of national and health numbers, when either kind is
    /// enabled.
    id_words: Option<IdWords>,
    /// Context words of ITINs and EINs, when `tax_id` is enabled.
    tax_words: Option<TaxWords>,
    card_words: ContextWords,
    not_card_words: ContextWords,
    ssn_words: ContextWords,
    phone_words: ContextWords,
    version_words: ContextWords,
    numbering_words: ContextWords,
}

/// What follows a word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Edge {
    /// A boundary: space, punctuation, end of haystack.
    Free,
    /// `:` and a digit: a port after an address, or a time's minutes.
    Colon,
    /// Glued to more of a larger token.
    Glued,
}

#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    /// One past the last digit (or the `)` closing a group).
    end: usize,
    /// Where the scan resumes: past trailing punctuation.
    run_end: usize,
    digits: usize,
    /// Dots in the run: a dotted quad has three between its digits.
    dots: usize,
    /// Too long, or glued on the left: no candidate may include it.
    dead: bool,
    right: Edge,
    /// Another word follows after exactly one space.
    next_adjacent: bool,
}

/// A candidate's digits and layout, collected from its bytes.
pub(super) struct Cand {
    start: usize,
    end: usize,
    digits: [u8; MAX_DIGITS],
    nd: usize,
    groups: [u8; MAX_GROUPS],
    /// End of each group, as an offset from `start` (spans are at most
    /// six words of [`MAX_WORD_BYTES`], so they fit).
    group_end: [u8; MAX_GROUPS],
    /// `seps[i]` separates group `i` from `i + 1`: `b' '`, `b'-'`, `b'.'`,
    /// `b'/'`, `b'('` for anything with parentheses, `b'?'` otherwise.
    seps: [u8; MAX_GROUPS],
    ng: usize,
    plus: bool,
    open_paren: bool,
}

impl Cand {
    fn digits(&self) -> &[u8] {
        &self.digits[..self.nd]
    }

    fn groups(&self) -> &[u8] {
        &self.groups[..self.ng]
    }

    /// Absolute end offset of group `i`.
    fn group_end(&self, i: usize) -> usize {
        self.start + usize::from(self.group_end[i])
    }

    fn seps(&self) -> &[u8] {
        &self.seps[..self.ng.saturating_sub(1)]
    }

    /// Collects `hay[start..end]`, or `None` if it has too many digits or
    /// groups to be anything we detect.
    fn collect(hay: &[u8], start: usize, end: usize) -> Option<Cand> {
        let mut c = Cand {
            start,
            end,
            digits: [0; MAX_DIGITS],
            nd: 0,
            groups: [0; MAX_GROUPS],
            group_end: [0; MAX_GROUPS],
            seps: [0; MAX_GROUPS],
            ng: 0,
            plus: hay[start] == b'+',
            open_paren: false,
        };
        let from = start + usize::from(c.plus);
        c.open_paren = hay.get(from) == Some(&b'(');
        let bytes = hay.get(from..end).unwrap_or_default();
        // The separator pending before the next group; 0 for none yet.
        let mut pending = 0u8;
        let mut k = 0;
        while let Some(&b) = bytes.get(k) {
            if b.is_ascii_digit() {
                // A whole group at once, copied as it is counted (a
                // variable-length copy was a call to memcpy per group).
                if c.ng == MAX_GROUPS {
                    return None;
                }
                if c.ng > 0 {
                    c.seps[c.ng - 1] = if pending == 0 { b'?' } else { pending };
                }
                let first = c.nd;
                while let Some(&d) = bytes.get(k).filter(|d| d.is_ascii_digit()) {
                    *c.digits.get_mut(c.nd)? = d;
                    c.nd += 1;
                    k += 1;
                }
                c.groups[c.ng] = u8::try_from(c.nd - first).ok()?;
                c.group_end[c.ng] = u8::try_from(from + k - start).ok()?;
                c.ng += 1;
                pending = 0;
            } else {
                let code = match b {
                    b'(' | b')' => b'(',
                    b' ' | b'-' | b'.' | b'/' => b,
                    _ => b'?',
                };
                pending = match pending {
                    0 => code,
                    p if p != b'?' && code != b'?' && (p == b'(' || code == b'(') => b'(',
                    _ => b'?',
                };
                k += 1;
            }
        }
        (c.ng > 0).then_some(c)
    }
}

impl NumericDetector {
    pub(crate) fn new(kinds: KindSet) -> NumericDetector {
        NumericDetector {
            card: kinds.contains(Kind::PaymentCard),
            ssn: kinds.contains(Kind::UsSsn),
            iban: kinds.contains(Kind::Iban),
            phone: kinds.contains(Kind::PhoneNumber),
            ip: kinds.contains(Kind::IpAddress),
            gov: kinds.contains(Kind::GovernmentId),
            health: kinds.contains(Kind::HealthInsurance),
            id_words: (kinds.contains(Kind::GovernmentId) || kinds.contains(Kind::HealthInsurance))
                .then(IdWords::new),
            tax_words: kinds.contains(Kind::TaxId).then(TaxWords::new),
            card_words: ContextWords::new(CARD_WORDS),
            not_card_words: ContextWords::whole_words(NOT_CARD_WORDS),
            ssn_words: ContextWords::whole_words(SSN_WORDS),
            phone_words: ContextWords::whole_words(PHONE_WORDS),
            version_words: ContextWords::new(VERSION_WORDS),
            numbering_words: ContextWords::whole_words(NUMBERING_WORDS),
        }
    }

    #[cfg(test)]
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Finding>) {
        self.find_with_hints(hay, &Hints::NONE, out)
    }

    /// Reads structure hints (CSV and SQL columns): a column of a number's
    /// kind admits it (a national phone, an undashed SSN, a national or
    /// health number), an id or postcode column vetoes phones, SSNs and
    /// cards.
    pub(crate) fn find_with_hints(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        if !(self.card
            || self.ssn
            || self.iban
            || self.phone
            || self.ip
            || self.gov
            || self.health
            || self.tax_words.is_some())
        {
            return;
        }
        let n = hay.len();
        let mut i = 0;
        while i < n {
            i = next_digit(hay, i);
            if i >= n {
                break;
            }
            if i > 0 && is_word_byte(hay[i - 1]) {
                if self.iban && iban_trigger(hay, i) {
                    if let Some(end) = iban::scan(hay, i - 2) {
                        out.push(Finding {
                            start: i - 2,
                            end,
                            kind: Kind::Iban,
                            score: 0.95,
                            detector: "iban.mod97",
                        });
                        i = end;
                        continue;
                    }
                }
                if let Some(f) = self.letters_then_digits(hay, i, hints) {
                    out.push(f);
                    i = f.end;
                    continue;
                }
                // Digits inside an identifier, hash or word: skip it all.
                i = skip_word_bytes(hay, i);
                continue;
            }
            let start = match i.checked_sub(1).map(|p| hay[p]) {
                Some(b'+' | b'(') => i - 1,
                _ => {
                    if let Some(f) = self.spaced_id(hay, i, hints) {
                        out.push(f);
                        i = f.end;
                        continue;
                    }
                    if let Some(end) = short_lone_run(hay, i) {
                        // Unless IDs may start with it: `1EG4TE5MK73`,
                        // `185052A…` (a Corsican NIR).
                        let id_head = self.id_words.is_some()
                            && hay.get(end).is_some_and(u8::is_ascii_uppercase);
                        if !id_head {
                            i = end;
                            continue;
                        }
                    }
                    i
                }
            };
            i = self.token(hay, start, hints, out);
        }
    }

    /// Scans the token starting with the word at `start`, emitting findings,
    /// and returns where scanning resumes.
    fn token(&self, hay: &[u8], start: usize, hints: &Hints<'_>, out: &mut Vec<Finding>) -> usize {
        let mut ring = [None::<Word>; MAX_SPAN_WORDS];
        let mut len = 0;
        let mut pos = start;
        loop {
            let w = parse_word(hay, pos);
            // A token's first word, all digits, glued to a letter: IDs
            // with letters after digits (`12345678Z`, `1EG4TE5MK73`).
            if len == 0 && w.right == Edge::Glued && !w.dead && w.end - w.start == w.digits {
                if let Some(f) = self.digits_then_letters(hay, w.start, w.end, hints) {
                    if !mime::in_boundary(hay, f.start) {
                        out.push(f);
                    }
                    return f.end;
                }
            }
            if len == MAX_SPAN_WORDS {
                ring.rotate_left(1);
                len -= 1;
            }
            ring[len] = Some(w);
            len += 1;
            self.candidates_ending(hay, &ring[..len], hints, out);
            if !w.next_adjacent {
                return w.run_end.max(pos + 1);
            }
            pos = w.end + 1;
        }
    }

    /// Evaluates the candidates made of the last word of `ring` and up to
    /// [`MAX_SPAN_WORDS`] - 1 words before it, longest first; once one
    /// matches, the shorter ones inside it are not tried.
    fn candidates_ending(
        &self,
        hay: &[u8],
        ring: &[Option<Word>],
        hints: &Hints<'_>,
        out: &mut Vec<Finding>,
    ) {
        let Some(Some(last)) = ring.last().copied() else {
            return;
        };
        if last.dead || last.right == Edge::Glued {
            return;
        }
        // Find how far back the candidate may reach: live words, bounded
        // digit count.
        let mut first = ring.len() - 1;
        let mut digits = last.digits;
        while first > 0 {
            let Some(prev) = ring[first - 1] else { break };
            if prev.dead || digits + prev.digits > MAX_DIGITS {
                break;
            }
            digits += prev.digits;
            first -= 1;
        }
        for a in first..ring.len() {
            let Some(wa) = ring[a] else { continue };
            let nd: usize = ring[a..].iter().flatten().map(|w| w.digits).sum();
            let single = a == ring.len() - 1;
            let left_adj = left_adjacent(hay, wa.start);
            // Which kinds the digit count and position still allow, before
            // collecting anything.
            let ip = self.ip && single && last.dots >= 3 && (4..=14).contains(&nd);
            let free = last.right == Edge::Free;
            let ssn = (self.ssn || self.tax_words.is_some()) && free && nd == 9;
            let card =
                self.card && free && (13..=19).contains(&nd) && !card_joined_left(hay, wa.start);
            let phone = self.phone
                && free
                && (7..=17).contains(&nd)
                && !last.next_adjacent
                && (!left_adj || matches!(hay[wa.start], b'+' | b'('));
            // National and health numbers are whole tokens of 9-12 or 15
            // digits.
            let id = self.id_words.is_some()
                && free
                && !left_adj
                && !last.next_adjacent
                && matches!(nd, 9..=12 | 15);
            if !(ip || ssn || card || phone || id) {
                continue;
            }
            let Some(c) = Cand::collect(hay, wa.start, last.end) else {
                continue;
            };
            let span = Span {
                single,
                left_adjacent: left_adj,
                right_adjacent: last.next_adjacent,
                right: last.right,
            };
            if let Some(f) = self.classify(hay, &c, &span, hints) {
                if !mime::in_boundary(hay, f.start) {
                    out.push(f);
                }
                return;
            }
        }
    }

    /// The best kind for one candidate, cheapest checks first.
    fn classify(&self, hay: &[u8], c: &Cand, span: &Span, hints: &Hints<'_>) -> Option<Finding> {
        let finding = |kind, end, score, detector| Finding {
            start: c.start,
            end,
            kind,
            score,
            detector,
        };
        if self.ip && span.single {
            if let Some((end, score)) = self.ipv4(hay, c) {
                return Some(finding(Kind::IpAddress, end, score, "ip.v4"));
            }
        }
        if span.right != Edge::Free {
            return None;
        }
        // An ID that a word or column admits wins over the other readings
        // of its digits (see `govid.rs`).
        if let Some(f) = self.national_id(hay, c, span, hints) {
            return Some(f);
        }
        // A column says what its digits are: a record's id or a postcode
        // is never a person's phone, SSN or card, and a phone column's
        // number is a phone even with no word or layout to say so.
        let field = if hints.is_empty() {
            None
        } else {
            hints.at(c.start).map(|h| h.field)
        };
        if matches!(
            field,
            Some(
                Field::Id
                    | Field::Postcode
                    | Field::Username
                    | Field::BankAccount
                    | Field::AccountNumber
                    | Field::RoutingNumber
                    | Field::DriversLicense
                    | Field::Passport
                    | Field::Health
                    | Field::Condition
            )
        ) {
            return None;
        }
        if c.nd == 9 {
            if let Some(f) = self.tax_id(hay, c, span, field) {
                return Some(f);
            }
        }
        if field == Some(Field::Phone) {
            return self.phone_in_field(hay, c, hints);
        }
        // Cards and SSNs in parentheses: the parenthesis is not part of them.
        let unparenthesised;
        let c_bare = if c.open_paren && !c.plus {
            unparenthesised = Cand::collect(hay, c.start + 1, c.group_end(c.ng - 1));
            unparenthesised.as_ref()
        } else {
            Some(c)
        };
        if let Some(b) = c_bare {
            let ssn_field = matches!(field, Some(Field::Ssn | Field::TaxId));
            if let Some(f) = self.card_or_ssn(hay, b, span, ssn_field) {
                return Some(f);
            }
        }
        if self.phone {
            // A phone number is a whole token, or starts one with `+`/`(`
            // (`row 7 +44 20 7946 0958`): digits next to other digits are
            // too often something else.
            if span.right_adjacent || (span.left_adjacent && !c.plus && !c.open_paren) {
                return None;
            }
            let m = phone::check(c, || {
                self.phone_words
                    .before_on_line(hay, c.start, CONTEXT_WINDOW)
            })?;
            return Some(finding(Kind::PhoneNumber, c.end, m.score, m.detector));
        }
        None
    }

    /// A number in a phone column: a national number valid in the plan of
    /// the country its record names (see [`record`]), or where it names
    /// none, any layout the numbering plan of a supported region accepts;
    /// an international one; or an international number whose `+` a
    /// spreadsheet dropped (`447911123456`).
    fn phone_in_field(&self, hay: &[u8], c: &Cand, hints: &Hints<'_>) -> Option<Finding> {
        if !self.phone {
            return None;
        }
        let region =
            record::country_of_record(hay, c.start, c.end, hints).and_then(plan::National::of);
        let found = match region {
            Some(region) => phone::check_in_region(c, region)
                .map(|m| (m, FIELD_SCORE))
                .or_else(|| {
                    // Valid in another region's plan only: strictly no
                    // phone of the record's country. The generated customers
                    // (and so the accuracy gate) pair countries and phones
                    // at random, so it is still reported, with less
                    // confidence and a detector name that says why.
                    phone::check(c, || true).map(|_| {
                        let m = phone::PhoneMatch {
                            score: OTHER_PLAN_SCORE,
                            detector: "phone.national.other_plan",
                        };
                        (m, OTHER_PLAN_SCORE)
                    })
                }),
            None => phone::check(c, || true).map(|m| (m, FIELD_SCORE)),
        };
        let (m, score) =
            found.or_else(|| phone::bare_international(c).map(|m| (m, FIELD_SCORE)))?;
        Some(Finding {
            start: c.start,
            end: c.end,
            kind: Kind::PhoneNumber,
            score: m.score.max(score),
            detector: m.detector,
        })
    }

    /// `ssn_field`: the candidate fills a cell of an SSN column, which
    /// admits an undashed number as a context word would.
    fn card_or_ssn(&self, hay: &[u8], c: &Cand, span: &Span, ssn_field: bool) -> Option<Finding> {
        let finding = |kind, score, detector| Finding {
            start: c.start,
            end: c.end,
            kind,
            score,
            detector,
        };
        if self.ssn {
            if let Some((score, det)) = self.ssn(hay, c, span, ssn_field) {
                return Some(finding(Kind::UsSsn, score, det));
            }
        }
        if self.card {
            if let Some(score) = self.card(hay, c) {
                return Some(finding(Kind::PaymentCard, score, "card.luhn"));
            }
        }
        None
    }

    /// A dotted quad, possibly followed by a CIDR suffix (`/24`, not part
    /// of the finding). Returns the finding's end and score.
    fn ipv4(&self, hay: &[u8], c: &Cand) -> Option<(usize, f32)> {
        if c.plus || c.open_paren || c.nd > 15 {
            return None;
        }
        let g = c.groups();
        let s = c.seps();
        let quad = match (g.len(), s) {
            (4, [b'.', b'.', b'.']) => true,
            (5, [b'.', b'.', b'.', b'/']) => g[4] <= 2,
            _ => false,
        };
        if !quad {
            return None;
        }
        let d = c.digits();
        let mut octets: [&[u8]; 4] = [&[]; 4];
        let mut at = 0;
        for (o, &len) in octets.iter_mut().zip(g) {
            *o = &d[at..at + usize::from(len)];
            at += usize::from(len);
        }
        if g.len() == 5 {
            let prefix = d[at..]
                .iter()
                .fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'));
            if prefix > 32 {
                return None;
            }
        }
        let ip = ipv4::parse(octets)?;
        // A version word names the numbers after it up to the end of its
        // field: `upgrade to version 4.5.103.30 from 4.4.63.30` is two
        // versions, but in `app_version=4.12.0.3 client=81.2.69.160` the
        // address is another field's value.
        let names_this = |_, end| {
            let between = &hay[end..c.start];
            between.iter().position(u8::is_ascii_digit).is_none_or(|d| {
                !between[d..]
                    .iter()
                    .any(|b| matches!(b, b'=' | b',' | b';' | b'|' | b'"' | b'\t' | b'&'))
            })
        };
        if self
            .version_words
            .before_where(hay, c.start, 24, names_this)
            || self
                .numbering_words
                .before_on_line(hay, c.start, NUMBERING_WINDOW)
        {
            return None;
        }
        let score = if ipv4::is_infrastructure(ip) {
            0.3
        } else {
            0.9
        };
        Some((c.group_end(3), score))
    }

    fn ssn(&self, hay: &[u8], c: &Cand, span: &Span, field: bool) -> Option<(f32, &'static str)> {
        if c.nd != 9 || c.plus || c.open_paren {
            return None;
        }
        let g = c.groups();
        let s = c.seps();
        let dashed = match (g, s) {
            ([3, 2, 4], [b'-', b'-']) => true,
            // Spaced groups are only an SSN on their own: `123 45 6789`.
            ([3, 2, 4], [b' ', b' ']) => !span.left_adjacent && !span.right_adjacent,
            ([9], _) => false,
            _ => return None,
        };
        let context = field || self.ssn_words_in_record(hay, c.start, c.end);
        if !(dashed || (context && span.single)) {
            return None;
        }
        let mut d = [0u8; 9];
        d.copy_from_slice(c.digits());
        let score = match ssn::classify(&d)? {
            ssn::SsnClass::Example => 0.2,
            ssn::SsnClass::Plausible if !dashed => 0.85,
            ssn::SsnClass::Plausible if context => 0.95,
            ssn::SsnClass::Plausible => 0.7,
        };
        Some((score, if dashed { "ssn.dashed" } else { "ssn.context" }))
    }

    /// An SSN word before the candidate `hay[start..end]` in its own
    /// record (see [`same_record`]): the `SSN` of one row's notes says
    /// nothing of the next row's loyalty number.
    fn ssn_words_in_record(&self, hay: &[u8], start: usize, end: usize) -> bool {
        self.ssn_words
            .before_where(hay, start, CONTEXT_WINDOW, |_, word_end| {
                same_record(hay, word_end, start, end)
            })
    }

    fn card(&self, hay: &[u8], c: &Cand) -> Option<f32> {
        if !(13..=19).contains(&c.nd) || c.plus || c.open_paren {
            return None;
        }
        let s = c.seps();
        if let Some(&sep) = s.first() {
            if !(sep == b' ' || sep == b'-') || s.iter().any(|&x| x != sep) {
                return None;
            }
        }
        if !card::grouping_ok(c.groups()) {
            return None;
        }
        let d = c.digits();
        card::issuer(d)?;
        if !card::luhn(d) {
            return None;
        }
        let in_record = |_, end| same_record(hay, end, c.start, c.end);
        let score = if self
            .card_words
            .before_where(hay, c.start, CONTEXT_WINDOW, in_record)
        {
            0.95
        } else if self
            .not_card_words
            .before_where(hay, c.start, CONTEXT_WINDOW, in_record)
            || (s.is_empty() && card::in_number_list(hay, c.start, c.end))
            || card::groups_count_by_one(d, c.groups())
        {
            0.4
        } else {
            0.9
        };
        Some(score)
    }
}

/// Where a candidate sits in its token.
struct Span {
    /// One word only.
    single: bool,
    /// A numeric word ends one space before it.
    left_adjacent: bool,
    /// A numeric word starts one space after it.
    right_adjacent: bool,
    right: Edge,
}

#[cfg(test)]
mod tests;
