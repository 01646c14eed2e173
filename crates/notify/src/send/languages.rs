//! Campaign texts per notice language: each customer's notice carries its
//! own language's paragraphs, the default only where none is given, and
//! lint names every paragraph a language would get untranslated.

use super::tests::{notice_with_templates, NAME_EMAIL};
use super::*;
use crate::lint::{language_gaps, IncidentFacts};
use crate::vars::LanguageTexts;
use bw_store::{AffectedRecord, Declarations};
use std::collections::BTreeMap;

/// Measures, advice, consequences, contact, and what happened (the
/// English one is the incident's description as opened).
const EN: [&str; 5] = [
    "We took the product pages offline.",
    "Watch for emails asking you to sign in.",
    "Someone could send you phishing emails.",
    "privacy@shop.example, +1 800 555 0100",
    "A page showed other customers' details.",
];
const FR: [&str; 5] = [
    "Nous avons retiré les pages produits.",
    "Méfiez-vous des e-mails qui vous demandent de vous connecter.",
    "Quelqu'un pourrait vous envoyer des e-mails d'hameçonnage.",
    "privacy@shop.example, +33 1 70 00 00 00",
    "Une page a montré les données d'autres clients.",
];
const DE: [&str; 5] = [
    "Wir haben die Produktseiten vom Netz genommen.",
    "Achten Sie auf E-Mails, die Sie zur Anmeldung auffordern.",
    "Jemand könnte Ihnen Phishing-E-Mails senden.",
    "privacy@shop.example, +49 30 0000000",
    "Eine Seite zeigte die Daten anderer Kunden.",
];

fn language(t: [&str; 5]) -> LanguageTexts {
    LanguageTexts {
        measures: Some(t[0].into()),
        advice: Some(t[1].into()),
        consequences: Some(t[2].into()),
        contact: Some(t[3].into()),
        identity_protection: None,
    }
}

/// English by default, French and German given in full.
fn campaign() -> NoticeTexts {
    NoticeTexts {
        company_name: "Example Shop".into(),
        measures: EN[0].into(),
        advice: EN[1].into(),
        consequences: EN[2].into(),
        contact: EN[3].into(),
        identity_protection: "Twelve months of identity protection at no cost.".into(),
        language: "en".into(),
        translations: [("fr", FR), ("de", DE)]
            .into_iter()
            .map(|(l, t)| (l.to_string(), language(t)))
            .collect(),
    }
}

/// The incident's description given (`incident set-description --lang`)
/// in each of `languages`.
fn descriptions(languages: &[(&str, [&str; 5])]) -> BTreeMap<String, String> {
    languages
        .iter()
        .map(|(l, t)| (l.to_string(), t[4].to_string()))
        .collect()
}

fn render(
    country: &str,
    region: Option<&str>,
    texts: NoticeTexts,
    descriptions: &BTreeMap<String, String>,
) -> String {
    let templates = Templates::load(None).expect("built-in templates");
    notice_with_templates(
        &templates,
        country,
        region,
        NAME_EMAIL,
        bw_law::SourceOfBreach::Us,
        texts,
        descriptions,
    )
}

fn has_all(notice: &str, texts: &[&str]) {
    for t in texts {
        assert!(notice.contains(t), "{t:?} missing from:\n{notice}");
    }
}

fn has_none(notice: &str, texts: &[&str]) {
    for t in texts {
        assert!(!notice.contains(t), "{t:?} must not appear in:\n{notice}");
    }
}

#[test]
fn each_customer_reads_the_campaign_in_their_own_language() {
    let given = descriptions(&[("fr", FR), ("de", DE)]);
    let fr = render("FR", None, campaign(), &given);
    // The built-in French template, so its own words are there too.
    has_all(&fr, &["Bonjour Jane Doe"]);
    has_all(&fr, &FR);
    has_none(&fr, &EN);
    has_none(&fr, &DE);

    let de = render("DE", None, campaign(), &given);
    has_all(&de, &["Guten Tag Jane Doe"]);
    has_all(&de, &DE);
    has_none(&de, &EN);
    has_none(&de, &FR);

    let us = render("US", Some("NY"), campaign(), &given);
    has_all(&us, &["Dear Jane Doe"]);
    has_all(&us, &EN);
    has_none(&us, &FR);
    has_none(&us, &DE);
}

#[test]
fn an_element_not_given_in_a_language_falls_back_to_the_default() {
    let mut texts = campaign();
    // French: only the measures; German: nothing at all.
    texts.translations.insert(
        "fr".into(),
        LanguageTexts {
            measures: Some(FR[0].into()),
            // Blank is not given: an empty paragraph would be worse than
            // the default one.
            advice: Some("   ".into()),
            ..LanguageTexts::default()
        },
    );
    texts.translations.remove("de");
    // And the description only in German.
    let given = descriptions(&[("de", DE)]);
    let fr = render("FR", None, texts.clone(), &given);
    has_all(&fr, &[FR[0], EN[1], EN[2], EN[3], EN[4]]);
    has_none(&fr, &[EN[0], FR[1], FR[2], FR[3], FR[4], DE[4]]);
    let de = render("DE", None, texts.clone(), &given);
    has_all(&de, &EN[..4]);
    has_all(&de, &[DE[4]]);
    has_none(&de, &DE[..4]);
    has_none(&de, &[EN[4]]);
    // Texts written in French by default: the French notice takes them,
    // the US one its English translation.
    let texts = NoticeTexts {
        measures: FR[0].into(),
        advice: FR[1].into(),
        consequences: FR[2].into(),
        contact: FR[3].into(),
        language: "fr".into(),
        translations: [("en".to_string(), language(EN))].into(),
        ..campaign()
    };
    let none = BTreeMap::new();
    has_all(&render("FR", None, texts.clone(), &none), &FR[..4]);
    let us = render("US", Some("NY"), texts, &none);
    has_all(&us, &EN);
    has_none(&us, &FR);
}

fn customer(n: usize, country: &str, region: Option<&str>, fields: &[&str]) -> AffectedRecord {
    AffectedRecord {
        customer_id: format!("C{n}"),
        matched_fields: fields.iter().map(|f| f.to_string()).collect(),
        confidence: 1.0,
        country: Some(country.into()),
        region: region.map(str::to_string),
        evidence_refs: Vec::new(),
        first_seen_at: "2026-11-20T09:00:00Z".into(),
    }
}

#[test]
fn lint_names_each_untranslated_paragraph_with_its_language_count_and_key() {
    let templates = Templates::load(None).expect("built-in templates");
    let content = NoticeContent::embedded().expect("content rules");
    let mut affected: Vec<AffectedRecord> = Vec::new();
    affected.extend((0..3).map(|n| customer(n, "FR", None, NAME_EMAIL)));
    affected.extend((3..5).map(|n| customer(n, "DE", None, NAME_EMAIL)));
    affected.push(customer(5, "AT", None, NAME_EMAIL));
    affected.push(customer(6, "US", Some("NY"), NAME_EMAIL));
    affected.push(customer(7, "US", Some("CA"), &["person_name", "us_ssn"]));
    let id = bw_store::IncidentId::new("INC-2026-0001");
    let with = |texts: &NoticeTexts, described: &[(&str, [&str; 5])]| -> Vec<String> {
        let declared = Declarations {
            source_of_breach: bw_law::SourceOfBreach::Us,
            description_translations: descriptions(described),
            ..Declarations::default()
        };
        let facts = IncidentFacts {
            id: &id,
            description: EN[4],
            declared: &declared,
        };
        language_gaps(&templates, &content, texts, &affected, &facts)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let gaps = |texts: &NoticeTexts| with(texts, &[("fr", FR), ("de", DE)]);

    // Every language the plan writes in has every paragraph: nothing.
    assert_eq!(gaps(&campaign()), Vec::<String>::new());

    // The description given in French only: the German readers get the
    // English one, and lint says how to give it.
    assert_eq!(
        with(&campaign(), &[("fr", FR)]),
        vec![format!(
            "incident: 3 customer(s) get notices in de that print the description of \
             INC-2026-0001 as opened, read as en (`what_happened`: {}): give it in de with \
             `breachwatch incident set-description INC-2026-0001 --lang de \"…\"`",
            content.describe(ContentElement::WhatHappened)
        )]
    );

    // German without advice: the three German-language customers (DE and
    // AT) get English advice.
    let mut texts = campaign();
    if let Some(de) = texts.translations.get_mut("de") {
        de.advice = None;
    }
    assert_eq!(
        gaps(&texts),
        vec![format!(
            "config: 3 customer(s) get notices in de that print the en text for \
             `what_you_can_do` ({}): add `advice` under [notify.texts.de]",
            content.describe(ContentElement::WhatYouCanDo)
        )]
    );

    // No translations at all: four paragraphs each for French and German;
    // the identity-theft offer is printed to the Californian only, who
    // reads English, so it is no gap.
    texts.translations.clear();
    let all = gaps(&texts);
    assert_eq!(all.len(), 8, "{all:#?}");
    for (lang, n) in [("fr", 3), ("de", 3)] {
        for key in ["measures", "advice", "consequences", "contact"] {
            assert!(
                all.iter().any(
                    |g| g.contains(&format!("{n} customer(s) get notices in {lang}"))
                        && g.ends_with(&format!("add `{key}` under [notify.texts.{lang}]"))
                ),
                "{lang} {key}: {all:#?}"
            );
        }
    }
    assert!(!all.iter().any(|g| g.contains("identity")), "{all:#?}");

    // French by default: now the English readers are the ones to warn
    // about, the offer included.
    let texts = NoticeTexts {
        language: "fr".into(),
        translations: [("de".to_string(), language(DE))].into(),
        ..campaign()
    };
    let fr_default = gaps(&texts);
    assert!(
        fr_default
            .iter()
            .any(|g| g.contains("1 customer(s) get notices in en")
                && g.contains("`identity-protection` under [notify.texts.en]")),
        "{fr_default:#?}"
    );
    assert!(
        fr_default
            .iter()
            .any(|g| g.contains("2 customer(s) get notices in en")
                && g.contains("`measures` under [notify.texts.en]")),
        "{fr_default:#?}"
    );
    assert!(!fr_default
        .iter()
        .any(|g| g.contains(" in de ") || g.contains(" in fr ")));
}

#[test]
fn a_required_paragraph_given_only_in_translation_is_missing_in_the_other_languages() {
    let templates = Templates::load(None).expect("built-in templates");
    let content = NoticeContent::embedded().expect("content rules");
    let mut texts = campaign();
    texts.consequences.clear();
    let eu =
        |lang: &str| std::collections::BTreeSet::from([(vec!["EU".to_string()], lang.to_string())]);
    // The French notices have it, from the translation.
    assert_eq!(templates.lint(&content, &eu("fr"), &texts), Vec::new());
    // The English ones would print an empty section: an error naming the
    // language and the key.
    let problems = templates.lint(&content, &eu("en"), &texts);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let m = &problems[0].message;
    assert!(
        m.contains("`likely_consequences`")
            && m.contains("in notices in en")
            && m.contains("`consequences`"),
        "{m}"
    );
}

#[test]
fn the_texts_follow_the_template_when_a_language_has_none() {
    const IT: [&str; 5] = [
        "Abbiamo rimosso le pagine dei prodotti.",
        "Diffidate delle e-mail che vi chiedono di accedere.",
        "Qualcuno potrebbe inviarvi e-mail di phishing.",
        "privacy@shop.example, +39 06 0000000",
        "Una pagina ha mostrato i dati di altri clienti.",
    ];
    let mut texts = campaign();
    texts.translations.insert("it".into(), language(IT));
    let builtin = Templates::load(None).expect("built-in templates");
    let render_it = |templates: &Templates| {
        notice_with_templates(
            templates,
            "IT",
            None,
            NAME_EMAIL,
            bw_law::SourceOfBreach::Us,
            texts.clone(),
            &descriptions(&[("it", IT)]),
        )
    };
    // No Italian template is built in: the English one, with the English
    // texts rather than Italian paragraphs among English words.
    let it = render_it(&builtin);
    has_all(&it, &["Dear Jane Doe"]);
    has_all(&it, &EN);
    has_none(&it, &IT);
    // Lint says the Italian texts are not read, and why.
    let content = NoticeContent::embedded().expect("content rules");
    let affected = [customer(1, "IT", None, NAME_EMAIL)];
    let id = bw_store::IncidentId::new("INC-2026-0001");
    let declared = Declarations {
        description_translations: descriptions(&[("it", IT)]),
        ..Declarations::default()
    };
    let facts = IncidentFacts {
        id: &id,
        description: EN[4],
        declared: &declared,
    };
    let gaps: Vec<String> = language_gaps(&builtin, &content, &texts, &affected, &facts)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        gaps,
        vec![
            "config: the texts in it ([notify.texts.it] or the incident's description) are not \
             read for the 1 customer(s) written to in it: no template is in it, so they get one \
             in en and its texts; add default.it.txt (and .html) to the templates directory"
                .to_string()
        ]
    );
    // With an Italian template, the Italian texts.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("default.it.txt"),
        "Subject: Violazione dei dati\nGentile {{ customer.name }},\n{{ incident.description }}\n\
         {% for f in exposed %}{{ f.label }}\n{% endfor %}{{ consequences }}\n{{ measures }}\n\
         {{ advice }}\n{{ company.contact }}\n{{ regulator_contacts }}\n",
    )
    .expect("write template");
    let with_it = Templates::load(Some(dir.path())).expect("templates");
    let it = render_it(&with_it);
    has_all(&it, &["Gentile Jane Doe"]);
    has_all(&it, &IT);
    has_none(&it, &EN);
    assert!(language_gaps(&with_it, &content, &texts, &affected, &facts).is_empty());
}

#[test]
fn a_custom_default_template_is_read_in_the_campaigns_language() {
    const ES: [&str; 5] = [
        "Retiramos las páginas de productos.",
        "Desconfíe de los correos que le pidan iniciar sesión.",
        "Alguien podría enviarle correos de phishing.",
        "privacy@shop.example, +34 910 000 000",
        "Una página mostró los datos de otros clientes.",
    ];
    // The organisation's own fallback for every language, in English.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("default.txt"),
        "Subject: About your data\nHello {{ customer.name }},\n{{ incident.description }}\n\
         {% for f in exposed %}{{ f.label }}\n{% endfor %}{{ consequences }}\n{{ measures }}\n\
         {{ advice }}\n{{ company.contact }}\n{{ regulator_contacts }}\n",
    )
    .expect("write template");
    let templates = Templates::load(Some(dir.path())).expect("templates");
    let mut texts = campaign();
    texts.translations.insert("es".into(), language(ES));
    let given = descriptions(&[("es", ES)]);
    let es = notice_with_templates(
        &templates,
        "ES",
        None,
        NAME_EMAIL,
        bw_law::SourceOfBreach::Us,
        texts.clone(),
        &given,
    );
    has_all(&es, &["Hello Jane Doe"]);
    has_all(&es, &EN);
    has_none(&es, &ES);
    // Lint: nothing printed untranslated, and the Spanish texts unread.
    let content = NoticeContent::embedded().expect("content rules");
    let id = bw_store::IncidentId::new("INC-2026-0001");
    let declared = Declarations {
        description_translations: given,
        ..Declarations::default()
    };
    let facts = IncidentFacts {
        id: &id,
        description: EN[4],
        declared: &declared,
    };
    let gaps: Vec<String> = language_gaps(
        &templates,
        &content,
        &texts,
        &[customer(1, "ES", None, NAME_EMAIL)],
        &facts,
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert!(
        gaps[0].contains("the texts in es") && gaps[0].contains("get one in en"),
        "{gaps:#?}"
    );
}

#[test]
fn a_custom_template_for_a_jurisdiction_of_several_languages_is_read_in_the_campaigns() {
    const IT: [&str; 5] = [
        "Abbiamo rimosso le pagine dei prodotti.",
        "Diffidate delle e-mail che vi chiedono di accedere.",
        "Qualcuno potrebbe inviarvi e-mail di phishing.",
        "privacy@shop.example, +39 06 0000000",
        "Una pagina ha mostrato i dati di altri clienti.",
    ];
    const PT: [&str; 5] = [
        "Tiramos as páginas de produtos do ar.",
        "Desconfie de e-mails que pedem para entrar na sua conta.",
        "Alguém pode enviar e-mails de phishing.",
        "privacidade@shop.example, +55 11 0000-0000",
        "Uma página mostrou dados de outros clientes.",
    ];
    let body = "{{ incident.description }}\n{% for f in exposed %}{{ f.label }}\n{% endfor %}\
                {{ consequences }}\n{{ measures }}\n{{ advice }}\n{{ company.contact }}\n\
                {{ regulator_contacts }}\n";
    // One English template for every EU reader, and one Portuguese for
    // Brazil's.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("EU.txt"),
        format!("Subject: About your data\nHello {{{{ customer.name }}}},\n{body}"),
    )
    .expect("write template");
    std::fs::write(
        dir.path().join("BR.txt"),
        format!("Subject: Seus dados\nOlá {{{{ customer.name }}}},\n{body}"),
    )
    .expect("write template");
    let templates = Templates::load(Some(dir.path())).expect("templates");
    let mut texts = campaign();
    texts.translations.insert("it".into(), language(IT));
    texts.translations.insert("pt".into(), language(PT));
    let given = descriptions(&[("it", IT), ("pt", PT)]);
    let render = |country| {
        notice_with_templates(
            &templates,
            country,
            None,
            NAME_EMAIL,
            bw_law::SourceOfBreach::Us,
            texts.clone(),
            &given,
        )
    };
    // An Italian reader of the English EU template: English texts, not
    // Italian paragraphs among English words.
    let it = render("IT");
    has_all(&it, &["Hello Jane Doe"]);
    has_all(&it, &EN);
    has_none(&it, &IT);
    // Brazil's own template is written for its readers.
    let br = render("BR");
    has_all(&br, &["Olá Jane Doe"]);
    has_all(&br, &PT);
    has_none(&br, &EN);
}
