//! Entry points for the fuzz targets in `tests/fuzz`: every parser that reads untrusted
//! input. Not an API.

/// The JWT decoder, on raw bytes as `decode` reads them.
pub fn jwt(bytes: &[u8]) {
    let _ = crate::jwt::decode_bytes(bytes);
}

/// A token endpoint's answer: the first byte picks the status, the rest is the body.
pub fn token_response(bytes: &[u8]) {
    let statuses = [200u16, 400, 401, 302, 500, 503, 429];
    let Some((&first, body)) = bytes.split_first() else {
        return;
    };
    let status = statuses[usize::from(first) % statuses.len()];
    let reply = crate::http::Reply {
        status: crate::http::StatusCode::from_u16(status).unwrap_or_default(),
        headers: Default::default(),
        body: body.to_vec(),
    };
    if let Err(error) = crate::oauth::read_token_reply(reply, chrono::Utc::now(), &["secret-sent"])
    {
        let _ = error.to_string();
    }
}

/// A pasted callback URL or code, checked against a state.
pub fn callback(text: &str) {
    let _ = crate::oauth::callback::code_from_input(text, Some("state"));
    let _ = crate::oauth::callback::state_of(text);
}

/// The config file.
pub fn config(text: &str) {
    let _ = crate::config::check_config_text(text);
}

/// A JWKS, and a verification of a fixed token against it.
pub fn jwks(bytes: &[u8], token: &str) {
    if let (Ok(keys), Ok(token)) = (
        crate::jwt::KeySet::from_json(bytes),
        crate::jwt::decode(token),
    ) {
        let _ = crate::jwt::verify_signature(&token, &keys);
    }
}
