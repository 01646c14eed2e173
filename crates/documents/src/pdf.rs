//! Not built yet: reports the format as unsupported.

use crate::{DocError, DocFormat, Limits, Sink, Source};

pub(crate) fn read(
    _source: Source<'_>,
    _limits: &Limits,
    _sink: &mut dyn Sink,
) -> Result<(), DocError> {
    Err(DocError::Unsupported {
        format: DocFormat::Pdf,
        detail: "reader not built yet".to_string(),
    })
}
