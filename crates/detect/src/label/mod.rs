//! Labelled values: `username`, `bank_account`, `drivers_license`,
//! `passport` and `health`, found only where a label or a column names
//! them. None has a checksum of its own (an ABA routing number has one,
//! and vouches for the account number beside it), so the label is the
//! evidence and the value's shape the check.
//!
//! Two sources:
//! - **labels**: one packed (Teddy) search for the stems in [`STEMS`],
//!   then around each hit a key (`"passport_no":`, `username=`,
//!   `<diagnosis>`) or a written label (`Driver's License No.:`, `DL# `,
//!   `Passport number `), its separator, and a value of the label's kind;
//! - **cells** of a column of these kinds (CSV and SQL [`Field`] hints).
//!
//! The stem search is a pass of its own, like the secret detector's:
//! merged into that one's automaton, the two sets were searched no faster
//! than apart (more Teddy fingerprints, more candidates to verify), and a
//! stem shorter than three bytes (`DL`) slowed the search tenfold, which
//! is why `DL` is searched as `DL#`, `DL:`, `DL ` and `dl_`.
//!
//! What the labels are not: `license: MIT` (a licence needs `number`,
//! `no` or `#`), `passport.authenticate(` and `"passport": "^0.6.0"`
//! (no passport number's shape), `last_login` (a time), `"login": true`,
//! `user=ann@example.com` (an email address is an email, nothing more),
//! `account number` alone (a shop's customer account: a bank's only with
//! an ABA-valid routing number in the same record), `condition: new` (a
//! product's: a patient's only beside a medical field).
//!
//! Bounds: a label is at most [`MAX_LABEL`] bytes and its value starts a
//! few bytes after it; values are at most [`value::MAX_VALUE`] bytes; the
//! evidence around a value (a routing number, a medical field) is looked
//! for within [`AROUND`] bytes of its start, on its line for columns. All
//! inside [`crate::MAX_LOOKBEHIND`] and [`crate::MAX_LOOKAHEAD`].

mod formats;
#[cfg(test)]
mod tests;
mod value;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::context::ContextWords;
use crate::{Field, Finding, Hint, Hints, Kind, KindSet};
use value::Form;

/// The key stems this module's labels contain, in the spellings searched
/// (the search is case-sensitive; camelCase keys contain the capitalised
/// one; capitals only where environment-style keys use them, `USER=`).
/// Few and at least three bytes long: each stem costs the search speed.
const STEMS: &[&str] = &[
    "user",
    "User",
    "USER",
    "login",
    "Login",
    "passp",
    "Passp",
    "PASSP",
    "driv",
    "Driv",
    "licen",
    "Licen",
    "DL#",
    "DL:",
    "DL ",
    "dl_",
    // German and French labels, and `Pass-Nr.`, `Passnummer` (a bare
    // `pass` is too common a word to search).
    "F\u{fc}hrersch",
    "f\u{fc}hrersch",
    "Fuehrersch",
    "Reisepass",
    "reisepass",
    "Passnummer",
    "passnummer",
    "Pass-Nr",
    "Passeport",
    "passeport",
    "account",
    "Account",
    "acct",
    "Acct",
    "diagnos",
    "Diagnos",
    "medica",
    "Medica",
    "condition",
    "Condition",
    "prescri",
    "allerg",
];

/// The longest label read (`applicant_drivers_license_number`).
const MAX_LABEL: usize = 48;
/// How far around a value its record's other evidence is looked for.
const AROUND: usize = 255;

/// A value its label or column admits.
const ADMITTED: f32 = 0.9;
/// `username: jdoe` in prose or YAML: also written in documentation.
const LOOSE: f32 = 0.8;
/// A value written only to show a layout (`123456789`, `admin`):
/// reported below the threshold.
const EXAMPLE: f32 = 0.3;

/// What a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Username,
    Passport,
    License,
    /// A bank account for certain (`bank_account`, `checking account`).
    Bank,
    /// An account number: a bank's only beside a routing number.
    Account,
    Health,
    /// A condition: a patient's only beside a medical field.
    Condition,
}

impl What {
    fn kind(self) -> Kind {
        match self {
            What::Username => Kind::Username,
            What::Passport => Kind::Passport,
            What::License => Kind::DriversLicense,
            What::Bank | What::Account => Kind::BankAccount,
            What::Health | What::Condition => Kind::Health,
        }
    }

    /// Whether the value is an identifier's number (read as a token).
    fn numbered(self) -> bool {
        matches!(
            self,
            What::Passport | What::License | What::Bank | What::Account
        )
    }
}

/// A head a label ends with (normalised: lower-case letters and digits),
/// what it names, and how it may be written.
struct Head {
    norm: &'static str,
    what: What,
    /// Needs a number word or `#` after it (`license number`, not
    /// `license`).
    needs_number: bool,
    /// Must be the whole label (`login`, not `last_login`).
    alone: bool,
}

const fn head(norm: &'static str, what: What) -> Head {
    Head {
        norm,
        what,
        needs_number: false,
        alone: false,
    }
}

/// The heads, longest first where one ends another.
const HEADS: &[Head] = &[
    head("username", What::Username),
    head("screenname", What::Username),
    head("uname", What::Username),
    head("userlogin", What::Username),
    Head {
        alone: true,
        ..head("loginname", What::Username)
    },
    Head {
        alone: true,
        ..head("login", What::Username)
    },
    Head {
        alone: true,
        ..head("logon", What::Username)
    },
    head("user", What::Username),
    head("passport", What::Passport),
    head("reisepass", What::Passport),
    head("passeport", What::Passport),
    head("passaporto", What::Passport),
    Head {
        needs_number: true,
        ..head("pass", What::Passport)
    },
    head("driverslicense", What::License),
    head("driverslicence", What::License),
    head("driverlicense", What::License),
    head("driverlicence", What::License),
    head("drivinglicense", What::License),
    head("drivinglicence", What::License),
    head("fhrerschein", What::License),
    head("fuehrerschein", What::License),
    head("dl", What::License),
    Head {
        needs_number: true,
        ..head("license", What::License)
    },
    Head {
        needs_number: true,
        ..head("licence", What::License)
    },
    head("bankaccount", What::Bank),
    head("bankacct", What::Bank),
    head("checkingaccount", What::Bank),
    head("savingsaccount", What::Bank),
    head("checkingacct", What::Bank),
    head("savingsacct", What::Bank),
    head("depositaccount", What::Bank),
    Head {
        needs_number: true,
        ..head("account", What::Account)
    },
    head("acct", What::Account),
    head("medicalconditions", What::Health),
    head("medicalcondition", What::Health),
    head("healthconditions", What::Health),
    head("healthcondition", What::Health),
    head("diagnosis", What::Health),
    head("diagnoses", What::Health),
    head("medications", What::Health),
    head("medication", What::Health),
    head("prescriptions", What::Health),
    head("prescription", What::Health),
    head("allergies", What::Health),
    head("allergy", What::Health),
    head("medicalhistory", What::Health),
    head("conditions", What::Condition),
    head("condition", What::Condition),
];

/// Words after an identifier's head: `passport_no`, `DL number`.
const NUMBER_TAILS: &[&str] = &[
    "number", "numbers", "num", "nbr", "no", "nr", "id", "nummer",
];
/// Words after a medical head: `diagnosis_code`, `medication name`.
const HEALTH_TAILS: &[&str] = &[
    "code",
    "codes",
    "name",
    "names",
    "desc",
    "description",
    "text",
    "list",
    "details",
];

/// A label read from the text.
#[derive(Clone, Copy, Debug)]
struct Label {
    what: What,
    /// Where the label starts.
    start: usize,
    /// Past the label (and a `#` after it).
    end: usize,
    /// The label is a bare `user` (or ends in one: `db_user`): a word too
    /// common in prose to take a value after a colon or a space.
    bare_user: bool,
    /// A number word or `#` ends it (`passport no`, `DL#`): only such a
    /// label takes a value after a space alone (`Passport number
    /// 534218907`; `DL 80 642` is PostScript).
    numbered: bool,
}

pub(crate) struct LabelDetector {
    kinds: KindSet,
    /// The stems' search.
    keys: AhoCorasick,
    /// Words before an ABA routing number.
    routing_words: ContextWords,
    /// Words of a medical record, beside a bare `condition`.
    medical_words: ContextWords,
}

impl LabelDetector {
    /// The detector, if any of its kinds is enabled.
    pub(crate) fn new(kinds: KindSet) -> Option<LabelDetector> {
        let mine: KindSet = [
            Kind::Username,
            Kind::BankAccount,
            Kind::DriversLicense,
            Kind::Passport,
            Kind::Health,
        ]
        .into_iter()
        .filter(|k| kinds.contains(*k))
        .collect();
        (!mine.is_empty()).then(|| LabelDetector {
            kinds: mine,
            keys: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(STEMS)
                .expect("the label stems are a small constant set"),
            routing_words: ContextWords::whole_words(&[
                "routing",
                "aba",
                "rtn",
                "transit",
                "bank code",
            ]),
            medical_words: ContextWords::new(&[
                "diagnos",
                "medication",
                "medical",
                "patient",
                "prescri",
                "allerg",
                "icd",
                "symptom",
                "clinical",
            ]),
        })
    }

    fn on(&self, what: What) -> bool {
        self.kinds.contains(what.kind())
    }

    /// Appends the labelled values and the cells of this module's columns
    /// in `hay` to `out`.
    pub(crate) fn find(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        self.cells(hay, hints, out);
        let mut last_label_end = 0;
        for m in self.keys.find_iter(hay) {
            if m.start() < last_label_end {
                continue;
            }
            if let Some((f, label_end)) = self.at_stem(hay, m.start(), m.end(), hints) {
                // One finding per label, however many stems it holds.
                last_label_end = label_end;
                out.push(f);
            }
        }
    }

    /// The cells of this module's columns in `hay`.
    fn cells(&self, hay: &[u8], hints: &Hints<'_>, out: &mut Vec<Finding>) {
        for h in hints.overlapping(0, hay.len()) {
            let what = match h.field {
                Field::Username => What::Username,
                Field::Passport => What::Passport,
                Field::DriversLicense => What::License,
                Field::BankAccount => What::Bank,
                Field::AccountNumber => What::Account,
                Field::Health => What::Health,
                Field::Condition => What::Condition,
                _ => continue,
            };
            if !self.on(what) {
                continue;
            }
            let (start, end) = value::trim(hay, h.start, h.end.min(hay.len()));
            if start == end || end - start > value::MAX_VALUE {
                continue;
            }
            let Some((s, e, score)) = self.judge(hay, what, start, end, Form::Cell) else {
                continue;
            };
            let evidence = match what {
                What::Account => self.routing_cell(hay, h, hints),
                What::Condition => medical_cell(hay, h, hints),
                _ => true,
            };
            if evidence {
                out.push(finding(what, s, e, score, "field"));
            }
        }
    }

    /// A key stem of [`STEMS`] found at `hay[s..e]`: the value its label
    /// names, and where the label ends (so that stems inside it are not
    /// tried again).
    fn at_stem(
        &self,
        hay: &[u8],
        s: usize,
        e: usize,
        hints: &Hints<'_>,
    ) -> Option<(Finding, usize)> {
        let key_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        let ks = s - hay[s.saturating_sub(MAX_LABEL)..s]
            .iter()
            .rev()
            .take_while(|b| key_byte(b))
            .count();
        // `DL ` is searched with its space, which is no part of the word.
        let e = e - usize::from(hay[e - 1] == b' ');
        // Cheap first: where the stem's word ends, a label goes on (a
        // space, `'s`) or its separator starts; `/account/orders`,
        // `user_agent,` and `conditional(` are no labels.
        let ke = e + hay[e..]
            .iter()
            .take(MAX_LABEL)
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
        let goes_on = matches!(
            hay.get(ke),
            None | Some(b' ' | b'\t' | b'\'' | b'"' | b':' | b'=' | b'#' | b'>' | b']' | b'\\')
        );
        if !goes_on
            || e - ks > MAX_LABEL
            || (ks > 0 && matches!(hay[ks - 1], b'$' | b'@' | b'/'))
            || crate::secret::declared(hay, ks)
        {
            return None;
        }
        // A qualifier before the stem's word (`Checking Account`, `Bank
        // Acct`, `Medical Condition`) is part of the label when the two
        // read as one; no other label has one.
        let qualified = matches!(hay[s] | 0x20, b'a' | b'c');
        let label = qualified
            .then(|| word_before(hay, ks))
            .flatten()
            .and_then(|w| read_label(hay, w))
            .or_else(|| read_label(hay, ks))?;
        debug_assert!(label.start <= ks);
        if !self.on(label.what) {
            return None;
        }
        let sep = value::separator(hay, ks, label.end)?;
        let (vs, ve) = value::read(hay, label.what, &sep)?;
        // A cell of these columns gets its finding from the hint.
        if hints.at(vs).is_some_and(|h| {
            matches!(
                h.field,
                Field::Username
                    | Field::Passport
                    | Field::DriversLicense
                    | Field::BankAccount
                    | Field::AccountNumber
                    | Field::Health
                    | Field::Condition
            )
        }) {
            return None;
        }
        // `user = before_app = …` in code, `the user "john"` in prose.
        if label.bare_user
            && !(sep.form == Form::Quoted || (sep.form == Form::Equals && !sep.spaced))
        {
            return None;
        }
        // After a space alone, only a number's label takes a value: one
        // with a number word (`Passport number`, `numéro de passeport`),
        // or a bare `DL` before a licence's shape (see [`bare_dl`]).
        if sep.form == Form::Space
            && !(label.what.numbered()
                && (label.numbered
                    || number_words_before(hay, label.start)
                    || bare_dl(hay, &label, vs, ve)))
        {
            return None;
        }
        // `diagnosis: …` and `username: …` name a field where they start
        // a line or a field; mid-sentence (`tests and diagnoses: monitor
        // your…`) they are prose.
        if sep.form == Form::Colon && !label.what.numbered() && !starts_field(hay, label.start) {
            return None;
        }
        let (fs, fe, score) = self.judge(hay, label.what, vs, ve, sep.form)?;
        let evidence = match label.what {
            What::Account => self.routing_near(hay, fs),
            What::Condition => {
                let (ws, we) = record_window(hay, fs);
                self.medical_words.before(hay, we, we - ws)
            }
            _ => true,
        };
        evidence.then(|| (finding(label.what, fs, fe, score, "label"), label.end))
    }

    /// The finding's range and score for the value `hay[vs..ve]` of a
    /// field of `what`, or `None` if it is no such value.
    fn judge(
        &self,
        hay: &[u8],
        what: What,
        vs: usize,
        ve: usize,
        form: Form,
    ) -> Option<(usize, usize, f32)> {
        let v = &hay[vs..ve];
        match what {
            What::Username => {
                let score = value::username(v, form, hay.get(ve).copied())?;
                Some((vs, ve, score))
            }
            What::Health | What::Condition => value::health(v, form).then_some((vs, ve, ADMITTED)),
            What::Passport | What::License | What::Bank | What::Account => {
                let mut buf = [0u8; 24];
                let compact = value::compact(v, &mut buf)?;
                let ok = match what {
                    What::Passport => formats::passport(compact),
                    What::License => formats::drivers_license(compact),
                    _ => formats::bank_account(compact),
                };
                if !ok {
                    return None;
                }
                let score =
                    if what != What::Bank && what != What::Account && formats::example(compact) {
                        EXAMPLE
                    } else {
                        ADMITTED
                    };
                Some((vs, ve, score))
            }
        }
    }

    /// Whether an ABA-valid routing number follows a routing word in the
    /// record of `at` (see [`record_window`]).
    fn routing_near(&self, hay: &[u8], at: usize) -> bool {
        let (ws, we) = record_window(hay, at);
        self.routing_words.before_where(hay, we, we - ws, |_, e| {
            value::number_after(hay, e).is_some_and(formats::aba_routing)
        })
    }

    /// Whether the record of the account-number cell `h` has a routing
    /// number cell with an ABA-valid number.
    fn routing_cell(&self, hay: &[u8], h: &Hint, hints: &Hints<'_>) -> bool {
        same_record(hay, h, hints, Field::RoutingNumber, |v| {
            let mut buf = [0u8; 24];
            value::compact(v, &mut buf).is_some_and(formats::aba_routing)
        })
    }
}

/// The score of `v` as the user of a URL's credentials
/// (`postgres://v:…@db`) by the login-name rules, or `None` when they take
/// no such name (`postgres://user:…` is a documentation example's).
pub(crate) fn url_username(v: &[u8]) -> Option<f32> {
    value::username(v, Form::Quoted, None)
}

/// The record around `at`, within [`AROUND`] bytes: its line, and the
/// lines next to it while they are a JSON object's members, one a line
/// (`"routing_number": …,` above `"account_number": …`). A log line's
/// neighbours are other records.
fn record_window(hay: &[u8], at: usize) -> (usize, usize) {
    let lo = at.saturating_sub(AROUND);
    let hi = (at + AROUND).min(hay.len());
    let line_start = |p: usize| memchr::memrchr(b'\n', &hay[lo..p]).map_or(lo, |i| lo + i + 1);
    let line_end = |p: usize| memchr::memchr(b'\n', &hay[p..hi]).map_or(hi, |i| p + i);
    let member = |s: usize, e: usize| hay[s..e].trim_ascii_start().starts_with(b"\"");
    let (mut ws, mut we) = (line_start(at), line_end(at));
    if member(ws, we) {
        while ws > lo {
            let prev = line_start(ws - 1);
            if !member(prev, ws - 1) {
                break;
            }
            ws = prev;
        }
        while we < hi {
            let next = line_end(we + 1);
            if !member(we + 1, next) {
                break;
            }
            we = next;
        }
    }
    (ws, we)
}

/// Whether the record of the condition cell `h` has a medical cell.
fn medical_cell(hay: &[u8], h: &Hint, hints: &Hints<'_>) -> bool {
    same_record(hay, h, hints, Field::Health, |v| !v.trim_ascii().is_empty())
}

/// Whether a cell of column `field` with a value `ok` takes sits in the
/// record (line, and SQL tuple) of the cell `h`, within [`AROUND`] bytes.
fn same_record(
    hay: &[u8],
    h: &Hint,
    hints: &Hints<'_>,
    field: Field,
    ok: impl Fn(&[u8]) -> bool,
) -> bool {
    let from = h.start.saturating_sub(AROUND);
    let to = (h.start + AROUND).min(hay.len());
    let ls = memchr::memrchr(b'\n', &hay[from..h.start]).map_or(from, |i| from + i + 1);
    let le = memchr::memchr(b'\n', &hay[h.start..to]).map_or(to, |i| h.start + i);
    hints.overlapping(ls, le).iter().any(|o| {
        if o.field != field || o.end > hay.len() {
            return false;
        }
        // Not across a tuple boundary of a multi-row `INSERT`.
        let (a, b) = if o.start < h.start {
            (o.end, h.start)
        } else {
            (h.end, o.start)
        };
        let between = &hay[a.min(b)..b.max(a)];
        memchr::memmem::find(between, b"),").is_none() && ok(&hay[o.start..o.end])
    })
}

fn finding(what: What, start: usize, end: usize, score: f32, how: &str) -> Finding {
    let detector = match (what, how) {
        (What::Username, "field") => "username.field",
        (What::Username, _) => "username.label",
        (What::Passport, "field") => "passport.field",
        (What::Passport, _) => "passport.label",
        (What::License, "field") => "drivers_license.field",
        (What::License, _) => "drivers_license.label",
        (What::Bank, "field") => "bank_account.field",
        (What::Bank, _) => "bank_account.label",
        (What::Account, _) => "bank_account.routing",
        (What::Health | What::Condition, "field") => "health.field",
        (What::Health | What::Condition, _) => "health.label",
    };
    Finding {
        start,
        end,
        kind: what.kind(),
        score,
        detector,
    }
}

/// Whether a number word and a preposition stand right before the label
/// at `ks`: `numéro de passeport`, `número de pasaporte`, `n° de`.
fn number_words_before(hay: &[u8], ks: usize) -> bool {
    let before = &hay[ks.saturating_sub(16)..ks];
    let mut buf = [0u8; 16];
    let lower = &mut buf[..before.len()];
    lower.copy_from_slice(before);
    lower.make_ascii_lowercase();
    [
        "num\u{e9}ro de ",
        "numero de ",
        "n\u{fa}mero de ",
        "numero di ",
        "n\u{b0} de ",
        "n\u{ba} de ",
    ]
    .iter()
    .any(|w| {
        lower.ends_with(w.as_bytes())
            && (lower.len() == w.len() || !lower[lower.len() - w.len() - 1].is_ascii_alphanumeric())
    })
}

/// `DL 48213907` in prose: the label alone, in capitals, one space, and a
/// value of at least seven characters (a licence's shape, checked by the
/// caller; Delta's flight numbers have four digits), which is no operand
/// among others: PostScript's `72 642 DL 80 642` and `DL 296.862 188.7`
/// have numbers before the `DL` or after its value.
fn bare_dl(hay: &[u8], label: &Label, vs: usize, ve: usize) -> bool {
    let ks = label.start;
    if &hay[ks..label.end] != b"DL" || vs != label.end + 1 || ve - vs < 7 {
        return false;
    }
    let number_before = ks >= 2 && hay[ks - 1] == b' ' && hay[ks - 2].is_ascii_digit();
    let number_after =
        hay.get(ve) == Some(&b' ') && hay.get(ve + 1).is_some_and(u8::is_ascii_digit);
    !number_before && !number_after
}

/// Whether a label at `ks` starts its line or a field: only spaces,
/// bullets, quotes or a field delimiter (`{`, `,`, `;`, `|`, a tab) stand
/// between it and the line's start or the delimiter.
fn starts_field(hay: &[u8], ks: usize) -> bool {
    let before = &hay[ks.saturating_sub(32)..ks];
    let lead = before
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'-' | b'*' | b'#' | b'>' | b'"' | b'\''))
        .count();
    match before.len().checked_sub(lead + 1).map(|i| before[i]) {
        None => ks == lead,
        Some(b) => matches!(b, b'\n' | b'\r' | b'\t' | b'{' | b',' | b';' | b'|' | b'['),
    }
}

/// The start of the word (letters only, at most 12) one space before `ks`.
fn word_before(hay: &[u8], ks: usize) -> Option<usize> {
    let space = ks.checked_sub(1)?;
    if hay[space] != b' ' {
        return None;
    }
    let n = hay[space.saturating_sub(12)..space]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let ws = space - n;
    let starts = ws == 0 || !hay[ws - 1].is_ascii_alphanumeric();
    (n > 0 && starts).then_some(ws)
}

/// Reads the label starting at `ks`: up to four words (`Driver's License
/// No.`), the longest run of which names a kind.
fn read_label(hay: &[u8], ks: usize) -> Option<Label> {
    // Lower-cased letters and digits, where each starts a word, and where
    // each word ends (in the text and in the normalised buffer).
    let mut norm = [0u8; MAX_LABEL];
    let mut word_start = [false; MAX_LABEL];
    let mut ends = [(0usize, 0usize); 4];
    let mut words = 0;
    let mut n = 0;
    let mut p = ks;
    let limit = hay.len().min(ks + MAX_LABEL);
    while words < ends.len() && p < limit {
        // A word: letters, digits and joiners; none starts with a digit
        // (that is a value) but the first.
        if words > 0 && !hay[p].is_ascii_alphabetic() {
            break;
        }
        let mut prev = 0u8;
        let mut q = p;
        while q < limit {
            let b = hay[q];
            if b.is_ascii_alphanumeric() {
                if n == norm.len() {
                    return None;
                }
                norm[n] = b.to_ascii_lowercase();
                word_start[n] = q == p
                    || !prev.is_ascii_alphanumeric()
                    || (prev.is_ascii_lowercase() && b.is_ascii_uppercase());
                n += 1;
            } else if b >= 0x80 && q > p {
                // A letter beyond ASCII inside a word (`Führerschein`) is
                // read past, not normalised: the heads spell it without.
            } else if !matches!(b, b'_' | b'-' | b'.' | b'\'') {
                break;
            }
            prev = b;
            q += 1;
        }
        if q == p {
            break;
        }
        // Nor holds one a digit: `B072RRE2I55 Passnummer` is a value and
        // the next label, not one label.
        if words > 0 && hay[p..q].iter().any(u8::is_ascii_digit) {
            break;
        }
        ends[words] = (q, n);
        words += 1;
        // One space joins the next word; anything else ends the label.
        if hay.get(q) == Some(&b' ') && hay.get(q + 1).is_some_and(u8::is_ascii_alphabetic) {
            p = q + 1;
        } else {
            break;
        }
    }
    for &(end, len) in ends[..words].iter().rev() {
        let hash = hay.get(end) == Some(&b'#');
        if let Some(mut label) = classify(&norm[..len], &word_start[..len], hash) {
            label.start = ks;
            label.end = end + usize::from(hash);
            return Some(label);
        }
    }
    None
}

/// What the normalised label `norm` names; `hash`: a `#` follows it. The
/// label's `end` is left for the caller.
fn classify(norm: &[u8], word_start: &[bool], hash: bool) -> Option<Label> {
    let strip = |tails: &[&str]| {
        tails
            .iter()
            .filter(|t| norm.len() > t.len() && norm.ends_with(t.as_bytes()))
            .map(|t| norm.len() - t.len())
            .max_by_key(|&cut| std::cmp::Reverse(cut))
    };
    let number_cut = strip(NUMBER_TAILS);
    let health_cut = strip(HEALTH_TAILS);
    for h in HEADS {
        let cut = match h.what {
            What::Health | What::Condition => health_cut,
            What::Username => None,
            _ => number_cut,
        };
        let stems = [Some((norm.len(), hash)), cut.map(|c| (c, true))];
        for (stem, numbered) in stems.into_iter().flatten() {
            // The last letters first: nearly every comparison fails there.
            if stem < h.norm.len() || norm[stem - 1] != h.norm.as_bytes()[h.norm.len() - 1] {
                continue;
            }
            let at = stem - h.norm.len();
            if &norm[at..stem] != h.norm.as_bytes() || !word_start[at] {
                continue;
            }
            if (h.alone && at != 0) || (h.needs_number && !numbered) {
                continue;
            }
            return Some(Label {
                what: h.what,
                start: 0,
                end: 0,
                bare_user: h.norm == "user",
                numbered,
            });
        }
    }
    None
}
