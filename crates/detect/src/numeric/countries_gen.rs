//! Writes and checks `countries.rs` from Debian's `iso-codes` data, so the
//! table can be regenerated when ISO changes and cannot drift by hand.
//! `scripts/test.sh` installs `iso-codes` where it is missing.

use std::collections::BTreeMap;

const ISO_3166_1: &str = "/usr/share/iso-codes/json/iso_3166-1.json";

/// English names in everyday use that ISO spells otherwise: a customer
/// export's country column says `UK` or `Holland`, not `GBR` or
/// `Netherlands, Kingdom of the`.
const ALIASES: &[(&str, &str)] = &[
    ("america", "US"),
    ("britain", "GB"),
    ("brunei", "BN"),
    ("burma", "MM"),
    ("cape verde", "CV"),
    ("congo-brazzaville", "CG"),
    ("congo-kinshasa", "CD"),
    ("democratic republic of the congo", "CD"),
    ("dr congo", "CD"),
    ("east timor", "TL"),
    ("england", "GB"),
    ("great britain", "GB"),
    ("holland", "NL"),
    ("ivory coast", "CI"),
    ("korea", "KR"),
    ("macau", "MO"),
    ("macedonia", "MK"),
    ("micronesia", "FM"),
    ("northern ireland", "GB"),
    ("palestine", "PS"),
    ("russia", "RU"),
    ("scotland", "GB"),
    ("swaziland", "SZ"),
    ("the bahamas", "BS"),
    ("the gambia", "GM"),
    ("the netherlands", "NL"),
    ("turkey", "TR"),
    ("u.s.", "US"),
    ("u.s.a.", "US"),
    ("uae", "AE"),
    ("uk", "GB"),
    ("vatican", "VA"),
    ("vatican city", "VA"),
    ("wales", "GB"),
];

fn table() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(ISO_3166_1).unwrap_or_else(|e| {
        panic!("{ISO_3166_1}: {e}; install Debian's iso-codes (scripts/test.sh does)")
    });
    let json: serde_json::Value = serde_json::from_str(&text).expect("iso_3166-1.json parses");
    let entries = json["3166-1"].as_array().expect("a 3166-1 array");
    let mut keys = BTreeMap::new();
    for entry in entries {
        let code = entry["alpha_2"].as_str().expect("every entry has alpha_2");
        for field in ["alpha_2", "alpha_3", "name", "common_name", "official_name"] {
            if let Some(name) = entry[field].as_str() {
                let prior = keys.insert(name.to_lowercase(), code.to_string());
                assert!(
                    prior.is_none_or(|p| p == code),
                    "{name} names two countries"
                );
            }
        }
    }
    for &(alias, code) in ALIASES {
        let prior = keys.insert(alias.to_string(), code.to_string());
        assert!(prior.is_none(), "{alias} is already an ISO name");
    }
    keys
}

fn source() -> String {
    let mut src = String::from(
        "//! Country names and codes to ISO 3166-1 alpha-2, for reading a record's\n\
         //! country column. Generated from Debian's `iso-codes`\n\
         //! (`/usr/share/iso-codes/json/iso_3166-1.json`: each entry's alpha-2,\n\
         //! alpha-3, name, common and official names, lower-cased) plus the\n\
         //! everyday English names in `countries_gen.rs`'s alias table, by\n\
         //! `cargo test -p bw-detect regenerate_countries -- --ignored`; the test\n\
         //! `countries_match_iso_codes` fails when they differ. Sorted by key\n\
         //! for binary search.\n\
         \n\
         pub(super) static COUNTRIES: &[(&str, &str)] = &[\n",
    );
    for (key, code) in table() {
        src.push_str(&format!("    ({key:?}, {code:?}),\n"));
    }
    src.push_str("];\n");
    src
}

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/numeric/countries.rs");

#[test]
#[ignore = "writes src/numeric/countries.rs; run after iso-codes changes"]
fn regenerate_countries() {
    std::fs::write(PATH, source()).expect("writing the generated country table");
}

#[test]
fn countries_match_iso_codes() {
    let ours = std::fs::read_to_string(PATH).expect("reading countries.rs");
    assert!(
        ours == source(),
        "countries.rs differs from iso-codes + ALIASES: run \
         `cargo test -p bw-detect regenerate_countries -- --ignored`"
    );
}
