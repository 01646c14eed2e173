//! Every data element the rules name must be producible: by a scanner kind
//! mapped to it (`KIND_ELEMENTS`) or by `incident declare`, which takes any
//! element by its output name. An element nothing can produce would be a
//! duty the tool can never see (the reference NOTES.md's gap 11).

use std::collections::BTreeSet;

use bw_law::{Element, RuleSet, KIND_ELEMENTS};

#[test]
fn every_element_the_rules_name_can_be_produced() {
    let rules = RuleSet::embedded().expect("rules");
    assert_eq!(rules.len(), 67);
    let named = rules.named_elements();
    let by_kind: BTreeSet<Element> = KIND_ELEMENTS.iter().map(|(_, e)| *e).collect();
    let mut unproducible = Vec::new();
    for e in &named {
        // `incident declare --element NAME` parses with FromStr.
        let declarable = e.as_str().parse::<Element>() == Ok(*e);
        if !by_kind.contains(e) && !declarable {
            unproducible.push(e.as_str());
        }
    }
    assert!(unproducible.is_empty(), "nothing produces {unproducible:?}");
    // Which of them a scan finds: all but two, which no detector can tell
    // from other text (a maiden name is a surname; a biometric template is
    // bytes) and only `incident declare` produces.
    let declare_only: Vec<&str> = named
        .iter()
        .filter(|e| !by_kind.contains(e))
        .map(|e| e.as_str())
        .collect();
    assert_eq!(declare_only, ["mothers_maiden_name", "biometric"]);
    // The definitions use every element but the IP address.
    let unnamed: Vec<&str> = Element::ALL
        .into_iter()
        .filter(|e| !named.contains(e))
        .map(Element::as_str)
        .collect();
    assert_eq!(unnamed, ["ip_address"]);
}

#[test]
fn kind_names_map_in_one_place() {
    for (kind, e) in KIND_ELEMENTS {
        assert_eq!(Element::from_kind_name(kind), Some(*e), "{kind}");
        assert_eq!(kind.parse::<Element>(), Ok(*e), "{kind}");
    }
    // A kind named after its element needs no table entry.
    assert_eq!(Element::from_kind_name("passport"), Some(Element::Passport));
    assert_eq!(Element::from_kind_name("favourite_colour"), None);
}
