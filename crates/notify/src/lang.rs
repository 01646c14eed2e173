//! Which language a customer is written to, and the words for exposed fields.

/// Every language [`language_for`] answers: the codes a campaign's texts
/// can be given in (`[notify.texts.fr]`).
pub const LANGUAGES: &[&str] = &["en", "fr", "de", "es", "it", "nl", "pt", "ja"];

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
        "iban" => "your bank account number (IBAN)",
        "bank_account" => "your bank account number",
        "ip_address" => "an IP address you used",
        // A scan cannot always tell a password from its hash; the reader
        // should change it either way.
        "password" => "your account password (or a hashed form of it)",
        "username" => "your username",
        "card_security_code" => "your card security code (CVV)",
        "government_id" => "your national identity number",
        "tax_id" => "your taxpayer identification number",
        "drivers_license" => "your driver's license number",
        "passport" => "your passport number",
        "health_insurance" => "your health insurance number",
        "health" => "information about your health",
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
            "iban" => "votre numéro de compte bancaire (IBAN)",
            "bank_account" => "votre numéro de compte bancaire",
            "ip_address" => "une adresse IP que vous avez utilisée",
            "us_ssn" => "votre numéro de sécurité sociale américain (SSN)",
            "password" => "le mot de passe de votre compte (ou sa forme hachée)",
            "username" => "votre identifiant de connexion",
            "card_security_code" => "le cryptogramme de votre carte (CVV)",
            "government_id" => "votre numéro d'identification national",
            "tax_id" => "votre numéro fiscal",
            "drivers_license" => "votre numéro de permis de conduire",
            "passport" => "votre numéro de passeport",
            "health_insurance" => "votre numéro d'assurance maladie",
            "health" => "des informations sur votre santé",
            _ => en,
        },
        "de" => match field {
            "email" => "Ihre E-Mail-Adresse",
            "person_name" | "name" => "Ihr Name",
            "phone_number" | "phone" => "Ihre Telefonnummer",
            "street_address" => "Ihre Postanschrift",
            "date_of_birth" => "Ihr Geburtsdatum",
            "payment_card" => "Ihre Kartennummer",
            "iban" => "Ihre Kontonummer (IBAN)",
            "bank_account" => "Ihre Kontonummer",
            "ip_address" => "eine von Ihnen genutzte IP-Adresse",
            "us_ssn" => "Ihre US-Sozialversicherungsnummer (SSN)",
            "password" => "Ihr Passwort (oder ein Hashwert davon)",
            "username" => "Ihr Benutzername",
            "card_security_code" => "die Prüfnummer Ihrer Karte (CVV)",
            "government_id" => "Ihre nationale Identifikationsnummer",
            "tax_id" => "Ihre Steuer-Identifikationsnummer",
            "drivers_license" => "Ihre Führerscheinnummer",
            "passport" => "Ihre Reisepassnummer",
            "health_insurance" => "Ihre Krankenversicherungsnummer",
            "health" => "Angaben zu Ihrer Gesundheit",
            _ => en,
        },
        "pt" => match field {
            "email" => "o seu endereço de e-mail",
            "person_name" | "name" => "o seu nome",
            "phone_number" | "phone" => "o seu número de telefone",
            "street_address" => "o seu endereço postal",
            "date_of_birth" => "a sua data de nascimento",
            "payment_card" => "o número do seu cartão de pagamento",
            "iban" | "bank_account" => "o número da sua conta bancária",
            "ip_address" => "um endereço IP que você usou",
            "password" => "a senha da sua conta (ou uma forma criptografada dela)",
            "username" => "o seu nome de usuário",
            "card_security_code" => "o código de segurança do seu cartão (CVV)",
            "government_id" => "o seu número de identificação (como o CPF)",
            "tax_id" => "o seu número de identificação fiscal",
            "drivers_license" => "o número da sua carteira de motorista",
            "passport" => "o número do seu passaporte",
            "health_insurance" => "o número do seu plano de saúde",
            "health" => "informações sobre a sua saúde",
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

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_PT: [&str; 12] = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];

/// A date as a reader of `language` in `country` writes it: `November 20,
/// 2026` in the US, `20 November 2026` elsewhere in English, `20.
/// November 2026`, `20 novembre 2026`, `20 de novembro de 2026`. A bare
/// ISO date reads as a code, and 03/04 means two days.
pub fn long_date(date: time::Date, language: &str, country: &str) -> String {
    let m = usize::from(u8::from(date.month())) - 1;
    let (d, y) = (date.day(), date.year());
    match language {
        "fr" => format!("{d} {} {y}", MONTHS_FR[m]),
        "de" => format!("{d}. {} {y}", MONTHS_DE[m]),
        "pt" => format!("{d} de {} de {y}", MONTHS_PT[m]),
        _ if country.eq_ignore_ascii_case("US") => format!("{} {d}, {y}", MONTHS_EN[m]),
        _ => format!("{d} {} {y}", MONTHS_EN[m]),
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
        assert_eq!(
            field_label("us_ssn", "fr"),
            "votre numéro de sécurité sociale américain (SSN)"
        );
        assert_eq!(
            field_label("bank_account", "en"),
            "your bank account number"
        );
        assert_eq!(
            field_label("password", "de"),
            "Ihr Passwort (oder ein Hashwert davon)"
        );
        let d = time::macros::date!(2026 - 11 - 05);
        assert_eq!(long_date(d, "en", "US"), "November 5, 2026");
        assert_eq!(long_date(d, "en", "GB"), "5 November 2026");
        assert_eq!(long_date(d, "de", "DE"), "5. November 2026");
        assert_eq!(long_date(d, "fr", "FR"), "5 novembre 2026");
        assert_eq!(long_date(d, "pt", "BR"), "5 de novembro de 2026");
        assert_eq!(field_label("loyalty_id", "en"), "loyalty id");
    }

    #[test]
    fn every_language_answered_is_one_texts_can_be_given_in() {
        // Two letters A–Z: every alpha-2 code and then some.
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).expect("ascii");
                let lang = language_for(&code);
                assert!(LANGUAGES.contains(&lang), "{code} → {lang}");
            }
        }
    }
}
