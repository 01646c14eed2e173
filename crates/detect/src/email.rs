use crate::Finding;

/// Email addresses (placeholder while the detector is written).
pub(crate) struct EmailDetector;

impl EmailDetector {
    pub(crate) fn new() -> EmailDetector {
        EmailDetector
    }

    pub(crate) fn find(&self, _hay: &[u8], _out: &mut Vec<Finding>) {}
}
