//! A JSON Web Key Set, and verifying the test tokens (PS256, ES256, RS256 without a kid) with it.
#![no_main]
const TOKENS: [&str; 3] = [
    include_str!("../../fixtures/approvalmax-access-token.jwt"),
    include_str!("../../fixtures/es256.jwt"),
    include_str!("../../fixtures/rs256-no-kid.jwt"),
];
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let token = TOKENS[data.first().map_or(0, |byte| usize::from(*byte) % TOKENS.len())];
    amtoken::fuzzing::jwks(data.get(1..).unwrap_or_default(), token);
});
