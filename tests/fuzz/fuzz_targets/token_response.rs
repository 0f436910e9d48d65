//! A token endpoint's answer: status from the first byte, the body from the rest.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| amtoken::fuzzing::token_response(data));
