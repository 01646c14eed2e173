//! Stages `notify plan` and `notify send`: one notice per affected
//! customer planned and sent as `notify plan` and `notify send` do, to an
//! in-process SMTP sink, then counted against what was due and the truth.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use bw_notify::message::message_id;
use bw_notify::sink::{Accepted, SmtpSink};
use bw_notify::{Campaign, LanguageTexts, NoticeTexts, SendOptions, SmtpSettings, Templates};
use bw_registry::ImportSource;
use bw_store::Store;

use super::incident::Recorded;
use super::{stage, Stages, ACTOR};
use crate::report::Notices;
use crate::scenario::{SHOP, SHOP_DOMAIN};
use crate::{Error, Truth};

fn notify_err(doing: &'static str) -> impl FnOnce(bw_notify::NotifyError) -> Error {
    move |source| Error::Notify { doing, source }
}

/// Plans and sends the notices, then sends again, which must send nothing.
pub async fn run(
    store: &Store,
    incident: &Recorded,
    source: ImportSource,
    truth: &Truth,
    stages: &mut Stages<'_>,
) -> Result<Notices, Error> {
    let id = &incident.id;
    stages.start("notify plan");
    let templates =
        Templates::load(None).map_err(notify_err("loading the embedded notice templates"))?;
    let texts = notice_texts();
    let content = bw_law::NoticeContent::embedded().map_err(Error::NoticeRules)?;
    // The retailer tells its French and German customers what happened in
    // their language, as it does the rest (see `notice_texts`).
    let store_err = |doing: String| {
        move |source| Error::Store {
            stage: "notify plan",
            doing,
            source,
        }
    };
    for (language, text) in DESCRIPTIONS {
        store
            .set_description_translation(id, language, text, ACTOR)
            .await
            .map_err(store_err(format!("describing the incident in {language}")))?;
    }
    let mut problems = templates.lint(&content, &bw_notify::plan::uses(&incident.affected), &texts);
    // A warning for a retailer, a defect here: the drill's texts are meant
    // to cover every language its synthetic customers are written to.
    let opened = store
        .incident(id)
        .await
        .map_err(store_err("reading the incident".into()))?;
    let declared = store
        .declarations(id)
        .await
        .map_err(store_err("reading the incident's declarations".into()))?;
    problems.extend(bw_notify::lint::language_gaps(
        &templates,
        &content,
        &texts,
        &incident.affected,
        &bw_notify::lint::IncidentFacts {
            id,
            description: &opened.description,
            declared: &declared,
        },
    ));
    if !problems.is_empty() {
        return Err(Error::Templates(
            problems.iter().map(|p| p.to_string()).collect(),
        ));
    }
    let plan_opts = bw_notify::plan::PlanOptions {
        domain: SHOP_DOMAIN.into(),
        required_only: false,
    };
    let planned = bw_notify::plan(store, id, &plan_opts, ACTOR)
        .await
        .map_err(notify_err("planning notices"))?;
    let due = planned.outcome.added + planned.outcome.existing;
    let needs: Vec<String> = planned
        .by_need
        .iter()
        .map(|(need, n)| format!("{need} {n}"))
        .collect();
    stages.finish(stage(
        "notify plan",
        due,
        "notices",
        None,
        format!("{due} notices planned (legal need: {})", needs.join(", ")),
    ));

    stages.start("notify send");
    let sink = SmtpSink::start("127.0.0.1:0")
        .await
        .map_err(Error::SmtpSink)?;
    let campaign = Campaign {
        templates: Arc::new(templates),
        texts,
    };
    let smtp = SmtpSettings {
        url: sink.url(),
        from: format!("{SHOP} <privacy@{SHOP_DOMAIN}>"),
        timeout: Duration::from_secs(30),
    };
    let send_opts = SendOptions {
        retry_base: Duration::from_millis(200),
        actor: ACTOR.into(),
        ..SendOptions::default()
    };
    let first = bw_notify::send(
        store,
        id,
        bw_notify::contacts::from_source(source.clone()),
        &campaign,
        &smtp,
        &send_opts,
        None,
    )
    .await
    .map_err(notify_err("sending notices"))?;
    let second = bw_notify::send(
        store,
        id,
        bw_notify::contacts::from_source(source),
        &campaign,
        &smtp,
        &send_opts,
        None,
    )
    .await
    .map_err(notify_err("sending notices again"))?;
    let status = bw_notify::status::status(store, id)
        .await
        .map_err(notify_err("reading the outbox status"))?;
    let accepted = sink.accepted();
    let tally = tally(incident, &accepted, truth);
    stages.finish(stage(
        "notify send",
        accepted.len() as u64,
        "messages",
        None,
        format!(
            "{} sent, {} failed, {} retried; rerun sent {}; the sink accepted {} messages",
            first.sent,
            first.failed,
            first.retried,
            second.sent,
            accepted.len()
        ),
    ));
    Ok(Notices {
        status: "sent".into(),
        due,
        accepted: tally.distinct,
        duplicates: tally.duplicates,
        unexpected: tally.unexpected,
        failed: status.failed,
        exposed_unnotified: tally.exposed_unnotified,
        note: String::new(),
    })
}

/// What the sink received, judged by Message-ID (deterministic per
/// incident and customer) rather than by the sender's own counts.
struct Tally {
    /// Due notices received at least once.
    distinct: u64,
    duplicates: u64,
    /// Messages that were not a due notice of this incident.
    unexpected: u64,
    /// Truly exposed customers whose address received nothing.
    exposed_unnotified: u64,
}

fn tally(incident: &Recorded, accepted: &[Accepted], truth: &Truth) -> Tally {
    let expected: BTreeSet<String> = incident
        .affected
        .iter()
        .map(|a| {
            message_id(
                incident.id.as_str(),
                &a.customer_id,
                bw_notify::EMAIL,
                SHOP_DOMAIN,
            )
        })
        .collect();
    let mut seen: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unexpected = 0u64;
    let mut recipients: BTreeSet<String> = BTreeSet::new();
    for a in accepted {
        match a.message_id.as_deref().filter(|m| expected.contains(*m)) {
            Some(m) => *seen.entry(m).or_default() += 1,
            None => unexpected += 1,
        }
        recipients.extend(a.recipients.iter().map(|r| r.to_ascii_lowercase()));
    }
    let exposed_unnotified = truth
        .exposed
        .values()
        .filter(|e| !recipients.contains(&e.email.to_ascii_lowercase()))
        .count() as u64;
    Tally {
        distinct: seen.len() as u64,
        duplicates: seen.values().map(|n| n - 1).sum(),
        unexpected,
        exposed_unnotified,
    }
}

/// What happened in French, German and Portuguese, the languages other than English
/// with a built-in template that the synthetic retailer's customers read
/// (the others get the English template, and the English texts with it).
const DESCRIPTIONS: [(&str, &str); 3] = [
    (
        "fr",
        "Exercice breachwatch : une fuite simulée de données de clients synthétiques ; aucune \
         personne réelle n'est concernée.",
    ),
    (
        "de",
        "breachwatch-Übung: ein simuliertes Datenleck mit synthetischen Kundendaten; keine \
         realen Personen sind betroffen.",
    ),
    (
        "pt",
        "Exercício do breachwatch: um vazamento simulado de dados de clientes sintéticos; \
         nenhuma pessoa real foi afetada.",
    ),
];

/// The campaign texts of the synthetic retailer. Regulator and
/// credit-bureau contacts are not among them: bw-notify takes those per
/// jurisdiction from bw-law's rule data.
fn notice_texts() -> NoticeTexts {
    NoticeTexts {
        company_name: SHOP.into(),
        contact: format!("privacy@{SHOP_DOMAIN}, +1 415-200-0199, https://{SHOP_DOMAIN}/privacy"),
        measures: "We fixed the fault that showed account details on product pages, removed the \
                   cached pages, and asked search engines to drop their copies."
            .into(),
        advice: "Be wary of emails that mention your order history or ask you to sign in; we \
                 will never ask for your password by email."
            .into(),
        consequences: "Someone who saw the page could send you unwanted or fraudulent emails."
            .into(),
        identity_protection: format!(
            "We offer you 24 months of identity-theft protection and restoration services at no \
             cost: enrol at https://{SHOP_DOMAIN}/protect before the end of next year."
        ),
        language: "en".into(),
        // The retailer has customers in France, Germany and Brazil (the
        // drill's synthetic people): their notices are in French, German
        // and Portuguese, and so are the paragraphs in them; see also
        // DESCRIPTIONS.
        translations: BTreeMap::from([
            (
                "fr".to_string(),
                LanguageTexts {
                    contact: Some(format!(
                        "privacy@{SHOP_DOMAIN}, +1 415-200-0199, https://{SHOP_DOMAIN}/privacy/fr"
                    )),
                    measures: Some(
                        "Nous avons corrigé l'erreur qui affichait des données de compte sur les \
                         pages produits, supprimé les pages en cache et demandé aux moteurs de \
                         recherche d'effacer leurs copies."
                            .into(),
                    ),
                    advice: Some(
                        "Méfiez-vous des e-mails qui mentionnent vos commandes ou vous demandent \
                         de vous connecter ; nous ne vous demanderons jamais votre mot de passe \
                         par e-mail."
                            .into(),
                    ),
                    consequences: Some(
                        "Une personne ayant vu la page pourrait vous envoyer des e-mails \
                         indésirables ou frauduleux."
                            .into(),
                    ),
                    identity_protection: None,
                },
            ),
            (
                "de".to_string(),
                LanguageTexts {
                    contact: Some(format!(
                        "privacy@{SHOP_DOMAIN}, +1 415-200-0199, https://{SHOP_DOMAIN}/privacy/de"
                    )),
                    measures: Some(
                        "Wir haben den Fehler behoben, der Kontodaten auf Produktseiten anzeigte, \
                         die zwischengespeicherten Seiten entfernt und Suchmaschinen gebeten, \
                         ihre Kopien zu löschen."
                            .into(),
                    ),
                    advice: Some(
                        "Seien Sie vorsichtig bei E-Mails, die Ihre Bestellungen erwähnen oder \
                         Sie zur Anmeldung auffordern; wir fragen Sie nie per E-Mail nach Ihrem \
                         Passwort."
                            .into(),
                    ),
                    consequences: Some(
                        "Wer die Seite gesehen hat, könnte Ihnen unerwünschte oder betrügerische \
                         E-Mails senden."
                            .into(),
                    ),
                    identity_protection: None,
                },
            ),
            (
                "pt".to_string(),
                LanguageTexts {
                    contact: Some(format!(
                        "privacy@{SHOP_DOMAIN}, +1 415-200-0199, https://{SHOP_DOMAIN}/privacy/pt"
                    )),
                    measures: Some(
                        "Corrigimos a falha que exibia dados de contas nas páginas de produtos, \
                         removemos as páginas em cache e pedimos aos mecanismos de busca que \
                         apagassem suas cópias."
                            .into(),
                    ),
                    advice: Some(
                        "Desconfie de e-mails que mencionem seus pedidos ou peçam que você faça \
                         login; nunca pediremos sua senha por e-mail."
                            .into(),
                    ),
                    consequences: Some(
                        "Quem viu a página poderia enviar a você e-mails indesejados ou \
                         fraudulentos."
                            .into(),
                    ),
                    identity_protection: None,
                },
            ),
        ]),
    }
}
