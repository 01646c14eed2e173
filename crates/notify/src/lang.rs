//! Which language a customer is written to, and the words for exposed fields.

/// The notice language for a customer's country (ISO 3166-1 alpha-2):
/// the country's main language where a built-in or custom template may
/// exist, English otherwise. Templates fall back to English anyway.
pub fn language_for(country: &str) -> &'static str {
    match country.trim().to_ascii_uppercase().as_str() {
        "FR" | "MC" | "LU" => "fr",
        "DE" | "AT" | "LI" => "de",
        "ES" | "MX" | "AR" | "CO" | "CL" | "PE" => "es",
        "IT" | "SM" => "it",
        "NL" => "nl",
        "PT" | "BR" => "pt",
        "JP" => "ja",
        _ => "en",
    }
}

/// The reader-facing name of an exposed field (a `bw-store` matched-field
/// or `bw-law` element name) in `language`; unknown ones keep their name
/// with underscores as spaces.
pub fn field_label(field: &str, language: &str) -> String {
    let en = match field {
        "email" => "your email address",
        "person_name" | "name" => "your name",
        "phone_number" | "phone" => "your phone number",
        "street_address" => "your postal address",
        "date_of_birth" => "your date of birth",
        "payment_card" => "your payment card number",
        "us_ssn" => "your Social Security number",
        "iban" | "bank_account" => "your bank account number (IBAN)",
        "ip_address" => "an IP address you used",
        _ => "",
    };
    let localized = match language {
        "fr" => match field {
            "email" => "votre adresse e-mail",
            "person_name" | "name" => "votre nom",
            "phone_number" | "phone" => "votre numéro de téléphone",
            "street_address" => "votre adresse postale",
            "date_of_birth" => "votre date de naissance",
            "payment_card" => "votre numéro de carte de paiement",
            "iban" | "bank_account" => "votre numéro de compte bancaire (IBAN)",
            "ip_address" => "une adresse IP que vous avez utilisée",
            _ => en,
        },
        "de" => match field {
            "email" => "Ihre E-Mail-Adresse",
            "person_name" | "name" => "Ihr Name",
            "phone_number" | "phone" => "Ihre Telefonnummer",
            "street_address" => "Ihre Postanschrift",
            "date_of_birth" => "Ihr Geburtsdatum",
            "payment_card" => "Ihre Kartennummer",
            "iban" | "bank_account" => "Ihre Kontonummer (IBAN)",
            "ip_address" => "eine von Ihnen genutzte IP-Adresse",
            _ => en,
        },
        _ => en,
    };
    if localized.is_empty() {
        field.replace('_', " ")
    } else {
        localized.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_labels() {
        assert_eq!(language_for("fr"), "fr");
        assert_eq!(language_for("US"), "en");
        assert_eq!(field_label("email", "de"), "Ihre E-Mail-Adresse");
        assert_eq!(field_label("us_ssn", "fr"), "your Social Security number");
        assert_eq!(field_label("loyalty_id", "en"), "loyalty id");
    }
}
