use crate::{Finding, KindSet};

pub(crate) struct NumericDetector {
    _kinds: KindSet,
}

impl NumericDetector {
    pub(crate) fn new(kinds: KindSet) -> NumericDetector {
        NumericDetector { _kinds: kinds }
    }

    pub(crate) fn find(&self, _hay: &[u8], _out: &mut Vec<Finding>) {}
}
