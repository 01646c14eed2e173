//! Writes and checks `countries.rs` from Debian's `iso-codes` data, so the
//! table can be regenerated when ISO changes and cannot drift by hand.
//! `scripts/test.sh` installs `iso-codes` where it is missing; the table
//! names the release it was made from.

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

/// The installed `iso-codes` package's Debian version.
fn installed_version() -> String {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "iso-codes"])
        .output()
        .expect("dpkg-query runs");
    assert!(out.status.success(), "iso-codes is not installed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn source(version: &str) -> String {
    let mut src = format!(
        "//! Country names and codes to ISO 3166-1 alpha-2, for reading a record's\n\
         //! country column. Generated from Debian's `iso-codes` {version}\n\
         //! (`/usr/share/iso-codes/json/iso_3166-1.json`: each entry's alpha-2,\n\
         //! alpha-3, name, common and official names, lower-cased) plus the\n\
         //! everyday English names in `countries_gen.rs`'s alias table, by\n\
         //! `cargo test -p bw-detect regenerate_countries -- --ignored`; the test\n\
         //! `countries_match_iso_codes` fails when they differ. Sorted by key\n\
         //! for binary search.\n\
         \n\
         pub(super) static COUNTRIES: &[(&str, &str)] = &[\n"
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
    std::fs::write(PATH, source(&installed_version()))
        .expect("writing the generated country table");
}

/// Exactly what the generator writes from the iso-codes it was made from;
/// from another release (a Debian update on the CI machine) every country
/// code must still be there, since names may have been reworded but a
/// country the table lacks is one whose column goes unread.
#[test]
fn countries_match_iso_codes() {
    let ours = std::fs::read_to_string(PATH).expect("reading countries.rs");
    let version = installed_version();
    if ours.contains(&format!("`iso-codes` {version}\n")) {
        assert!(
            ours == source(&version),
            "countries.rs differs from iso-codes {version} + ALIASES: run \
             `cargo test -p bw-detect regenerate_countries -- --ignored`"
        );
        return;
    }
    eprintln!("iso-codes {version} is not the release countries.rs was made from");
    let codes: std::collections::BTreeSet<&str> =
        super::countries::COUNTRIES.iter().map(|c| c.1).collect();
    for code in table().into_values() {
        assert!(
            codes.contains(code.as_str()),
            "{code} is in iso-codes {version} but not in countries.rs: regenerate it"
        );
    }
}
