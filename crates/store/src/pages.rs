//! Paged, filtered reads of an incident's affected customers, for the
//! server: a page of customer ids (never contact data) with the names of
//! their exposed fields, filtered by place and field in SQL so a page of
//! ten million customers costs one page.

use serde::Serialize;

use crate::error::{Context, Result, StoreError};
use crate::model::IncidentId;
use crate::rows::{ensure_exists, get, parse_json};
use crate::Store;

/// Which affected customers a page shows.
#[derive(Debug, Clone, Default)]
pub struct AffectedFilter {
    /// `US-CA` (country and region) or `DE` (country).
    pub jurisdiction: Option<String>,
    /// A field name (`email`, `phone`, `name`, …): customers whose exposed
    /// fields include it.
    pub field: Option<String>,
}

/// One affected customer on a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedRow {
    pub customer_id: String,
    pub matched_fields: Vec<String>,
    pub confidence: f64,
    pub country: Option<String>,
    pub region: Option<String>,
}

/// A page and the number of customers that match the filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AffectedPage {
    pub total: u64,
    pub items: Vec<AffectedRow>,
}

fn code_part(s: &str) -> bool {
    !s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Store {
    pub async fn affected_page(
        &self,
        id: &IncidentId,
        filter: &AffectedFilter,
        offset: i64,
        limit: i64,
    ) -> Result<AffectedPage> {
        let (country, region) = match filter.jurisdiction.as_deref() {
            None => (String::new(), String::new()),
            Some(j) => {
                let (c, r) = j.split_once('-').unwrap_or((j, ""));
                if !code_part(c) || !(r.is_empty() || code_part(r)) {
                    return Err(StoreError::Invalid(format!(
                        "jurisdiction {j:?} is not a code like US-CA or DE"
                    )));
                }
                (c.to_ascii_uppercase(), r.to_ascii_uppercase())
            }
        };
        // Field names are stored in a JSON array; matching the quoted name
        // needs no JSON functions, which differ between the backends. The
        // name is checked first so it holds no LIKE wildcard.
        let field = match filter.field.as_deref() {
            None => String::new(),
            Some(f)
                if !f.is_empty()
                    && f.len() <= 32
                    && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                format!("%\"{f}\"%")
            }
            Some(f) => {
                return Err(StoreError::Invalid(format!("{f:?} is not a field name")));
            }
        };
        let mut tx = self
            .begin_read(&format!("reading affected customers of {id}"))
            .await?;
        ensure_exists(&mut tx, id).await?;
        let cond = "incident_id = $1 AND ($2 = '' OR country = $2) \
                    AND ($3 = '' OR region = $3) AND ($4 = '' OR matched_fields LIKE $4)";
        let total = sqlx::query(&format!("SELECT COUNT(*) AS n FROM affected WHERE {cond}"))
            .bind(id.as_str())
            .bind(country.as_str())
            .bind(region.as_str())
            .bind(field.as_str())
            .fetch_one(&mut *tx)
            .await
            .context(|| format!("counting affected customers of {id}"))?;
        let total: i64 = get(&total, "n")?;
        let rows = sqlx::query(&format!(
            "SELECT customer_id, matched_fields, confidence, country, region FROM affected \
             WHERE {cond} ORDER BY customer_id LIMIT $5 OFFSET $6"
        ))
        .bind(id.as_str())
        .bind(country.as_str())
        .bind(region.as_str())
        .bind(field.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .context(|| format!("reading affected customers of {id}"))?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(AffectedRow {
                    customer_id: get(r, "customer_id")?,
                    matched_fields: parse_json("affected", &get::<String>(r, "matched_fields")?)?,
                    confidence: get(r, "confidence")?,
                    country: get(r, "country")?,
                    region: get(r, "region")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(AffectedPage {
            total: total.max(0) as u64,
            items,
        })
    }
}
