//! The incident's description in other languages: what happened, told to
//! customers written to in those languages. One audited write per
//! language and change, so the log shows who worded each version and
//! `verify` can replay them against the row.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::error::{Context, Result, StoreError};
use crate::model::IncidentId;
use crate::rows::{get, now_ts};
use crate::tx::{audited, check_actor, retry, rolled_back, Change, Entry, Tx};
use crate::Store;

/// Longest description kept: a notice's paragraph, not a report.
const MAX_DESCRIPTION: usize = 10_000;

/// The audit action of a change to one language's description.
pub(crate) const ACTION: &str = "incident.description_translation";

impl Store {
    /// Sets the incident's description in `language` (a lowercase code
    /// such as `fr`; which codes notices use is bw-notify's business);
    /// empty `text` removes it. Returns false, writing nothing, when it
    /// already reads so.
    pub async fn set_description_translation(
        &self,
        id: &IncidentId,
        language: &str,
        text: &str,
        actor: &str,
    ) -> Result<bool> {
        check_actor(actor)?;
        let language = language.trim();
        if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(StoreError::Invalid(format!(
                "{language:?} is not a language code (two or three lowercase letters, as `fr`)"
            )));
        }
        let text = text.trim();
        if text.chars().count() > MAX_DESCRIPTION {
            return Err(StoreError::Invalid(format!(
                "the description is longer than {MAX_DESCRIPTION} characters"
            )));
        }
        let what = format!("setting the {language} description of {id}");
        retry(|| self.try_set_description(id, language, text, actor, &what))
            .await
            .map_err(rolled_back(&what))
    }

    async fn try_set_description(
        &self,
        id: &IncidentId,
        language: &str,
        text: &str,
        actor: &str,
        what: &str,
    ) -> Result<bool> {
        let tx = self.begin_write(what).await?;
        audited(tx, what, id, actor, |mut tx, _| async move {
            let mut all = read_description_translations(&mut tx, id).await?;
            let before = all.get(language).cloned();
            let after = (!text.is_empty()).then(|| text.to_string());
            if before == after {
                return Ok((tx, Change::Rollback(false)));
            }
            match &after {
                Some(t) => all.insert(language.to_string(), t.clone()),
                None => all.remove(language),
            };
            let at = now_ts()?;
            sqlx::query("UPDATE incidents SET description_translations = $1 WHERE id = $2")
                .bind(to_column(&all))
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .context(|| what.to_string())?;
            let entry = Entry {
                at,
                action: ACTION,
                before: json!({ "language": language, "description": before }),
                after: json!({ "language": language, "description": after }),
            };
            Ok((tx, Change::Audit(true, entry)))
        })
        .await
    }
}

/// The column's text for `all`: a JSON object, keys sorted.
fn to_column(all: &BTreeMap<String, String>) -> String {
    crate::audit::canonical_json(&json!(all))
}

/// The column parsed; an error names the incident when it is not the
/// object this module writes.
pub(crate) fn parse_column(id: &IncidentId, text: &str) -> Result<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| {
        StoreError::Invalid(format!(
            "{id}: stored description translations are not a JSON object of texts: {e}"
        ))
    })
}

pub(crate) async fn read_description_translations(
    tx: &mut Tx,
    id: &IncidentId,
) -> Result<BTreeMap<String, String>> {
    let row = sqlx::query("SELECT description_translations FROM incidents WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .context(|| format!("reading the description translations of {id}"))?
        .ok_or_else(|| StoreError::NotFound(id.clone()))?;
    parse_column(id, &get::<String>(&row, "description_translations")?)
}

/// Folds one logged change into the translations the log says there are.
pub(crate) fn replay(all: &mut BTreeMap<String, String>, after: &Value) {
    let Some(language) = after.get("language").and_then(Value::as_str) else {
        return;
    };
    match after.get("description").and_then(Value::as_str) {
        Some(text) => all.insert(language.to_string(), text.to_string()),
        None => all.remove(language),
    };
}
