//! libFuzzer target: a chunked stream scan must report exactly the findings
//! of one whole-buffer scan (see `bw_fuzz::check` for the input layout).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bw_fuzz::check(data);
});
