//! What an HTML attribute says a value is. Every name ends in
//! [`Field::classify`], the classifier the CSV, SQL and JSON hinters use;
//! this module only says which part of an attribute is the field name and
//! spells the fixed vocabularies (the `autocomplete` tokens of the HTML
//! standard, schema.org properties, microformats classes) in words the
//! classifier knows.

use crate::hints::Field;

/// How an attribute named its element's field, weakest first: a class
/// token is styling as often as meaning, an `itemprop` never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Rank {
    Type,
    Class,
    Id,
    Data,
    Name,
    Autocomplete,
    Itemprop,
}

/// Standard tokens the classifier does not spell, as words it does:
/// `autocomplete` (WHATWG), schema.org properties, h-card classes.
const ALIASES: &[(&str, &str)] = &[
    ("name", "full_name"),
    ("fn", "full_name"),
    ("cc-name", "cardholder"),
    ("cc-csc", "csc"),
    ("cc-exp", ""),
    ("bday", "birthday"),
    ("new-password", "password"),
    ("current-password", "password"),
    ("tel-national", "tel"),
    ("address-line2", "address"),
    ("address-line3", "address"),
    ("address-level2", "city"),
    ("locality", "city"),
    ("addresslocality", "city"),
];

/// Class and id tokens that style as often as they name: Bootstrap's
/// `card`, `first`/`last` children, `hidden-mobile`, a `cell` of a grid.
const STYLING: &[&str] = &[
    "first", "last", "card", "cell", "mobile", "login", "pass", "pw", "cc", "pan", "person",
    "holder", "dl", "cp", "sin", "nie", "nom", "ort", "mail", "serial", "tel-link",
];

/// An `autocomplete` value (`shipping given-name`, `section-a billing
/// tel`): its first token that names a field.
pub(super) fn autocomplete(value: &[u8]) -> Option<Field> {
    value.split(u8::is_ascii_whitespace).find_map(|t| {
        let t = alias(t)?;
        Field::classify(t)
    })
}

/// An `itemprop` value (space-separated properties). `name` is left to
/// the caller: whose name it is depends on the item.
pub(super) fn itemprop(value: &[u8]) -> Option<Field> {
    value
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.eq_ignore_ascii_case(b"name"))
        .find_map(|t| Field::classify(alias(t)?))
}

/// Whether an `itemprop` value holds the bare property `name`.
pub(super) fn is_name_prop(value: &[u8]) -> bool {
    value
        .split(u8::is_ascii_whitespace)
        .any(|t| t.eq_ignore_ascii_case(b"name"))
}

/// A form control's `name` (`customer[email]`, `billing.phone`,
/// `dob`): its innermost part, read as a class token is.
pub(super) fn control_name(value: &[u8]) -> Option<Field> {
    let inner = value
        .split(|&b| b == b'[' || b == b']')
        .rfind(|s| !s.is_empty())
        .unwrap_or(value);
    token(inner)
}

/// A label's text (`Date of birth:`, `E-mail *`), whole.
pub(super) fn label(text: &[u8]) -> Option<Field> {
    let t = text.trim_ascii();
    let t = t.strip_suffix(b"*").unwrap_or(t).trim_ascii();
    let t = t.strip_suffix(b":").unwrap_or(t).trim_ascii();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    Field::classify(t)
}

/// A `class` value: its first token that names a field.
pub(super) fn class(value: &[u8]) -> Option<Field> {
    value.split(u8::is_ascii_whitespace).find_map(token)
}

/// An `<input type>`: only the types that say what a value is.
pub(super) fn input_type(value: &[u8]) -> Option<Field> {
    if value.eq_ignore_ascii_case(b"tel") {
        Some(Field::Phone)
    } else if value.eq_ignore_ascii_case(b"email") {
        Some(Field::Email)
    } else if value.eq_ignore_ascii_case(b"password") {
        Some(Field::Password)
    } else {
        None
    }
}

/// One class or id token (`customer-phone`, `p-given-name`, `order_id`):
/// the whole token, else its last part; a styling word names nothing.
pub(super) fn token(t: &[u8]) -> Option<Field> {
    // Microformats 2 prefixes: `p-name`, `u-email`, `dt-bday`.
    let t = [&b"p-"[..], b"u-", b"dt-"]
        .iter()
        .find_map(|p| t.strip_prefix(*p))
        .unwrap_or(t);
    if t.is_empty() || t.len() > 40 || styling(t) {
        return None;
    }
    if let Some(f) = alias(t).and_then(Field::classify) {
        return Some(f);
    }
    let last = t.rsplit(|&b| matches!(b, b'-' | b'_' | b'.')).next()?;
    if last.len() == t.len() || styling(last) {
        return None;
    }
    alias(last).and_then(Field::classify)
}

fn styling(t: &[u8]) -> bool {
    STYLING.iter().any(|s| t.eq_ignore_ascii_case(s.as_bytes()))
}

/// `t` spelled for the classifier; `None` for a token known to name
/// nothing we follow.
fn alias(t: &[u8]) -> Option<&[u8]> {
    match ALIASES
        .iter()
        .find(|(a, _)| t.eq_ignore_ascii_case(a.as_bytes()))
    {
        Some((_, "")) => None,
        Some((_, to)) => Some(to.as_bytes()),
        None => Some(t),
    }
}

/// What a schema.org `itemtype` says the item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ItemType {
    /// A person: a `name` in it is a person's.
    Person,
    /// A postal address or contact point: part of whoever holds it.
    Address,
    /// A product, offer, review, question…: a `name` in it names a thing.
    Thing,
}

pub(super) fn item_type(value: &[u8]) -> ItemType {
    let last = value
        .trim_ascii()
        .rsplit(|&b| b == b'/')
        .next()
        .unwrap_or(value);
    if last.eq_ignore_ascii_case(b"person") || last.eq_ignore_ascii_case(b"patient") {
        ItemType::Person
    } else if last.eq_ignore_ascii_case(b"postaladdress")
        || last.eq_ignore_ascii_case(b"contactpoint")
    {
        ItemType::Address
    } else {
        ItemType::Thing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_reach_the_shared_classifier() {
        assert_eq!(autocomplete(b"shipping given-name"), Some(Field::GivenName));
        assert_eq!(autocomplete(b"bday"), Some(Field::DateOfBirth));
        assert_eq!(autocomplete(b"cc-csc"), Some(Field::CardSecurityCode));
        assert_eq!(autocomplete(b"cc-number"), Some(Field::Card));
        assert_eq!(autocomplete(b"name"), Some(Field::FullName));
        assert_eq!(autocomplete(b"off"), None);
        assert_eq!(itemprop(b"telephone"), Some(Field::Phone));
        assert_eq!(itemprop(b"birthDate"), Some(Field::DateOfBirth));
        assert_eq!(itemprop(b"name"), None);
        assert_eq!(itemprop(b"productID"), Some(Field::Id));
        assert_eq!(control_name(b"customer[email]"), Some(Field::Email));
        assert_eq!(class(b"col customer-phone"), Some(Field::Phone));
        assert_eq!(class(b"p-given-name"), Some(Field::GivenName));
        assert_eq!(class(b"card first hidden-mobile"), None);
        assert_eq!(class(b"order-id"), Some(Field::Id));
        assert_eq!(label(b" Date of birth: "), Some(Field::DateOfBirth));
        assert_eq!(label(b"E-mail *"), Some(Field::Email));
        assert_eq!(label(b"Thank you for your order"), None);
        assert_eq!(item_type(b"https://schema.org/Person"), ItemType::Person);
        assert_eq!(item_type(b"http://schema.org/Product"), ItemType::Thing);
    }
}
