//! The registry's fingerprint table as Parquet, for a distributed join at
//! data-lake scale (`breachwatch registry export --format parquet`):
//! beyond ~100 M customers the index is no longer shipped to every node;
//! a batch engine joins this table with a leak's fingerprints
//! (`bw_scope::lake`) instead.
//!
//! One row per index entry: `fingerprint` (32 lowercase hex digits, as
//! `scope --emit-fingerprints` writes them), `field` (`email`, `phone`,
//! `name`), `variant` (the entry is a customer's looser form, e.g. a
//! Gmail address without dots), `customer_id`, `country`, `region` — what
//! the registry already holds in clear, nothing more. The table is as
//! secret as the registry: with the key, its fingerprints confirm guesses.

use std::io::Write;
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::format::{self, ENTRY_LEN, VARIANT_BIT};
use crate::key::{IdKind, FP_LEN};
use crate::registry::Registry;

/// Rows per row group: bounded memory (about 100 bytes a row) whatever
/// the registry's size, and enough rows per group for Spark to split on.
const ROWS_PER_GROUP: usize = 1 << 20;

const SCHEMA: &str = "message fingerprints {
    REQUIRED BYTE_ARRAY fingerprint (UTF8);
    REQUIRED BYTE_ARRAY field (UTF8);
    REQUIRED BOOLEAN variant;
    REQUIRED BYTE_ARRAY customer_id (UTF8);
    REQUIRED BYTE_ARRAY country (UTF8);
    REQUIRED BYTE_ARRAY region (UTF8);
}";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// An entry names a customer the index does not have: a corrupt index
    /// that passed its checksums (never expected).
    #[error("fingerprint entry {entry} of {field} names customer {index}, not in the registry")]
    NoCustomer {
        field: &'static str,
        entry: usize,
        index: u32,
    },
}

/// Rows written, per field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub email: u64,
    pub phone: u64,
    pub name: u64,
}

#[derive(Default)]
struct Columns {
    fingerprint: Vec<ByteArray>,
    field: Vec<ByteArray>,
    variant: Vec<bool>,
    customer_id: Vec<ByteArray>,
    country: Vec<ByteArray>,
    region: Vec<ByteArray>,
}

impl Columns {
    fn len(&self) -> usize {
        self.variant.len()
    }
}

/// Writes every fingerprint of `reg` to `out` as one Parquet file.
pub fn export_parquet<W: Write + Send>(
    reg: &Registry,
    out: W,
) -> Result<ExportReport, ExportError> {
    let schema = Arc::new(parse_message_type(SCHEMA)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(out, schema, props)?;
    let mut report = ExportReport::default();
    let mut cols = Columns::default();
    for kind in IdKind::ALL {
        let entries = reg.entries(kind);
        let field = kind.as_str();
        for (i, entry) in entries.chunks_exact(ENTRY_LEN).enumerate() {
            let tag = format::entry_tag(entries, i);
            let index = tag & !VARIANT_BIT;
            let c = reg.customer(index).ok_or(ExportError::NoCustomer {
                field,
                entry: i,
                index,
            })?;
            cols.fingerprint
                .push(hex(&entry[..FP_LEN]).into_bytes().into());
            cols.field.push(field.into());
            cols.variant.push(tag & VARIANT_BIT != 0);
            cols.customer_id.push(c.id.into());
            cols.country.push(c.country.into());
            cols.region.push(c.region.into());
            *match kind {
                IdKind::Email => &mut report.email,
                IdKind::Phone => &mut report.phone,
                IdKind::Name => &mut report.name,
            } += 1;
            if cols.len() == ROWS_PER_GROUP {
                write_group(&mut writer, &mut cols)?;
            }
        }
    }
    if cols.len() > 0 {
        write_group(&mut writer, &mut cols)?;
    }
    writer.close()?;
    Ok(report)
}

fn write_group<W: Write + Send>(
    writer: &mut SerializedFileWriter<W>,
    cols: &mut Columns,
) -> Result<(), ExportError> {
    let taken = std::mem::take(cols);
    let mut group = writer.next_row_group()?;
    let text = [
        taken.fingerprint,
        taken.field,
        Vec::new(), // `variant`, a boolean column
        taken.customer_id,
        taken.country,
        taken.region,
    ];
    let mut i = 0;
    while let Some(mut col) = group.next_column()? {
        if i == 2 {
            col.typed::<BoolType>()
                .write_batch(&taken.variant, None, None)?;
        } else {
            col.typed::<ByteArrayType>()
                .write_batch(&text[i], None, None)?;
        }
        col.close()?;
        i += 1;
    }
    group.close()?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}
