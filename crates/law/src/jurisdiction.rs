//! From a customer's country and region to the jurisdiction codes of the rules.

/// Code for customers whose country is unknown; it has no rule, so it always
/// surfaces as "no rule: review manually".
pub const UNKNOWN_JURISDICTION: &str = "UNKNOWN";

/// EU member states, whose residents fall under the GDPR (`EU`).
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// EEA states outside the EU apply the GDPR through the EEA Agreement, with the
/// same Art. 33/34 duties, so they are evaluated as `EU`.
const EEA_NON_EU: [&str; 3] = ["IS", "LI", "NO"];

/// US territories that have their own ISO 3166-1 codes.
const US_TERRITORIES: [&str; 5] = ["PR", "GU", "VI", "AS", "MP"];

/// Canadian provinces with their own private-sector breach-notification law in
/// addition to PIPEDA. Quebec has a rule; Alberta (PIPA s. 34.1) has none in
/// the data yet and so comes out as "no rule" instead of vanishing.
const CA_PROVINCES_WITH_OWN_LAW: [&str; 2] = ["QC", "AB"];

/// Jurisdiction codes whose law applies to a resident of `country` (ISO 3166-1
/// alpha-2) and `region` (ISO 3166-2 subdivision without the country prefix,
/// e.g. `CA` for California). Never empty: an unmapped place yields a code that
/// has no rule, so the caller still sees it.
///
/// ```
/// use bw_law::jurisdictions_for;
/// assert_eq!(jurisdictions_for("US", Some("CA")), ["US-CA"]);
/// assert_eq!(jurisdictions_for("de", None), ["EU"]);
/// assert_eq!(jurisdictions_for("CA", Some("QC")), ["CA", "CA-QC"]);
/// ```
pub fn jurisdictions_for(country: &str, region: Option<&str>) -> Vec<String> {
    let country = country.trim().to_ascii_uppercase();
    let region = region
        .map(|r| r.trim().to_ascii_uppercase())
        .map(|r| match r.split_once('-') {
            // Accept full ISO 3166-2 codes ("US-CA") as well as the bare subdivision.
            Some((prefix, sub)) if prefix == country => sub.to_string(),
            _ => r,
        })
        .filter(|r| !r.is_empty());
    if country.is_empty() {
        return vec![UNKNOWN_JURISDICTION.to_string()];
    }
    match country.as_str() {
        "US" => match region {
            Some(r) => vec![format!("US-{r}")],
            // A US resident without a state: "US" has no rule, so it is flagged.
            None => vec!["US".to_string()],
        },
        c if US_TERRITORIES.contains(&c) => vec![format!("US-{c}")],
        c if EU_MEMBERS.contains(&c) || EEA_NON_EU.contains(&c) => vec!["EU".to_string()],
        "GB" | "UK" => vec!["GB".to_string()],
        "CA" => match region {
            Some(r) if CA_PROVINCES_WITH_OWN_LAW.contains(&r.as_str()) => {
                vec!["CA".to_string(), format!("CA-{r}")]
            }
            _ => vec!["CA".to_string()],
        },
        c => vec![c.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_states_member_states_and_provinces() {
        assert_eq!(jurisdictions_for("US", Some("TX")), ["US-TX"]);
        assert_eq!(jurisdictions_for("us", Some("us-ny")), ["US-NY"]);
        assert_eq!(jurisdictions_for("PR", None), ["US-PR"]);
        assert_eq!(jurisdictions_for("FR", Some("75")), ["EU"]);
        assert_eq!(jurisdictions_for("NO", None), ["EU"]);
        assert_eq!(jurisdictions_for("UK", None), ["GB"]);
        assert_eq!(jurisdictions_for("CA", Some("ON")), ["CA"]);
        assert_eq!(jurisdictions_for("CA", Some("AB")), ["CA", "CA-AB"]);
        assert_eq!(jurisdictions_for("JP", Some("13")), ["JP"]);
    }

    #[test]
    fn unknown_places_are_kept_not_dropped() {
        assert_eq!(jurisdictions_for("", None), [UNKNOWN_JURISDICTION]);
        assert_eq!(jurisdictions_for("  ", Some("CA")), [UNKNOWN_JURISDICTION]);
        assert_eq!(jurisdictions_for("US", None), ["US"]);
        assert_eq!(jurisdictions_for("MX", Some("CMX")), ["MX"]);
    }
}
