//! The zip-bomb bound for the zip-based workbooks calamine reads (xlsx,
//! xlsm, ods; xlsb checks each part as it opens it).
//!
//! calamine inflates what the zip says and, for shared strings, styles,
//! the workbook and (ods) the whole `content.xml`, keeps all of it in
//! memory. Its zip (9.9 and later, see Cargo.toml) never yields more than
//! an entry's declared uncompressed size: a stream that inflates past it
//! fails with "larger than its declared uncompressed size", which we report
//! as corrupt. So the declared sizes, read from the central directory before
//! calamine opens anything, bound every byte calamine can inflate — and an
//! honest bomb (a 10 GB sheet declared as such) stops here, having inflated
//! nothing.

use std::io::{Read, Seek, SeekFrom};

use crate::{Bound, DocError, Limits, Meter};

/// Fails with [`DocError::Limit`] when an entry calamine may read declares
/// more than [`Limits::max_inflated_bytes`]; leaves `reader` at the start.
pub(super) fn check<R: Read + Seek>(
    reader: &mut R,
    limits: &Limits,
    meter: &Meter<'_>,
) -> Result<(), DocError> {
    let mut zip = zip::ZipArchive::new(&mut *reader)
        .map_err(|e| super::corrupt(meter, "zip directory", e))?;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| super::corrupt(meter, "zip directory", e))?;
        if read_by_calamine(&String::from_utf8_lossy(entry.name_raw()))
            && entry.size() > limits.max_inflated_bytes
        {
            return Err(meter.over(Bound::Inflate, limits.max_inflated_bytes));
        }
    }
    drop(zip);
    reader.seek(SeekFrom::Start(0)).map_err(DocError::Io)?;
    Ok(())
}

/// The parts calamine inflates: XML, relationships and binary records
/// (`vbaProject.bin`). Pictures and other media are never opened (no
/// `picture` feature), so a workbook with a large video embedded is still
/// read.
fn read_by_calamine(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "mimetype"
        || lower.ends_with(".xml")
        || lower.ends_with(".rels")
        || lower.ends_with(".bin")
}
