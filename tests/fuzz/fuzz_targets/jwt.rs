//! The JWT decoder on arbitrary bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| amtoken::fuzzing::jwt(data));
