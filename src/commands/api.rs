//! `amtoken api [-X METHOD] PATH`: calls the ApprovalMax API with the profile's token, as
//! `gh api` calls GitHub's.

use std::io::Read as _;

use serde_json::{Map, Value};

use crate::api_client::{self as api, ApiBase, ApiRequest, RetryPolicy};
use crate::cli::ApiArgs;
use crate::config::Settings;
use crate::error::{Context as _, Error, Kind, Result};
use crate::http::{Method, Reply, Transport, header};
use crate::output;
use crate::session::{Freshness, Session};
use crate::token::AccessToken;

/// Runs `amtoken api`.
pub fn run(args: &ApiArgs, settings: &Settings, color: bool) -> Result<()> {
    let base = ApiBase::new(&settings.api_url)?;
    let request = build_request(args, &base)?;
    if args.paginate && request.method != Method::GET {
        return Err(Error::msg(
            Kind::Usage,
            format!("--paginate follows GET lists, not {}", request.method),
        ));
    }
    let session = Session::open(settings);
    let (mut token, _) = session.token(Freshness::AtLeast(args.min_ttl))?;
    let policy = RetryPolicy {
        retries: args.retries,
        max_wait: args.max_wait,
    };
    let mut call = Call {
        session: &session,
        transport: session.transport()?,
        token: &mut token,
        policy,
        include: args.include,
        color,
    };
    if args.paginate {
        call.paginate(
            request,
            args.jsonl,
            usize::try_from(args.max_pages).unwrap_or(usize::MAX),
        )
    } else {
        let reply = call.send(&request)?;
        call.show(&reply, true)?;
        check_status(&request, &reply)
    }
}

struct Call<'a> {
    session: &'a Session<'a>,
    transport: &'a Transport,
    token: &'a mut AccessToken,
    policy: RetryPolicy,
    include: bool,
    color: bool,
}

impl Call<'_> {
    fn send(&mut self, request: &ApiRequest) -> Result<Reply> {
        let session = self.session;
        api::call(
            self.transport,
            request,
            self.token,
            self.policy,
            |refused| Ok::<_, crate::error::Error>(session.token(Freshness::Except(refused))?.0),
        )
        .context(format!("{} {}", request.method, request.url.path()))
    }

    /// The answer on stdout: `-i` headers first; the body pretty on a terminal (when it is
    /// JSON), as received otherwise.
    fn show(&self, reply: &Reply, body: bool) -> Result<()> {
        if self.include {
            let mut head = format!("HTTP/1.1 {}\r\n", reply.status);
            for (name, value) in &reply.headers {
                head.push_str(&format!(
                    "{name}: {}\r\n",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            head.push_str("\r\n");
            output::print(&head)?;
        }
        if !body {
            return Ok(());
        }
        if output::stdout_is_terminal()
            && let Ok(json) = serde_json::from_slice::<Value>(&reply.body)
        {
            output::print(&format!("{}\n", output::pretty_json(&json, self.color)))?;
        } else {
            output::print_bytes(&reply.body)?;
        }
        Ok(())
    }

    /// Walks the pages, printing each page's items as it comes: memory holds one page.
    fn paginate(&mut self, first: ApiRequest, jsonl: bool, max_pages: usize) -> Result<()> {
        let progress = output::Progress::start();
        let mut request = first;
        let (mut pages, mut items) = (0usize, 0usize);
        // Every token seen, by hash: a server whose tokens cycle (A, B, A, …) is stopped.
        let mut seen_tokens = std::collections::HashSet::new();
        let mut printed_any = false;
        if !jsonl {
            output::print("[")?;
        }
        let result = loop {
            let reply = self.send(&request)?;
            pages += 1;
            if !reply.status.is_success() {
                self.show(&reply, !printed_any)?;
                break check_status(&request, &reply);
            }
            if self.include && pages == 1 {
                self.show(&reply, false)?;
            }
            let page = api::read_page(&reply.body, pages)?;
            for item in &page.items {
                let text = if jsonl {
                    format!("{item}\n")
                } else if output::stdout_is_terminal() {
                    let pretty = output::pretty_json(item, self.color).replace('\n', "\n  ");
                    format!("{}\n  {pretty}", if printed_any { "," } else { "" })
                } else {
                    format!("{}\n{item}", if printed_any { "," } else { "" })
                };
                output::print(&text)?;
                printed_any = true;
            }
            items += page.items.len();
            progress.update(format!("{pages} pages, {items} items"));
            match page.next {
                None => break Ok(()),
                Some(_) if pages >= max_pages => {
                    break Err(Error::from(api::ApiError::TooManyPages {
                        limit: max_pages,
                    }));
                }
                Some(token) if !seen_tokens.insert(api::token_digest(&token)) => {
                    let token = api::abbreviated(&token);
                    break Err(Error::from(api::ApiError::RepeatedToken {
                        page: pages,
                        token,
                    }));
                }
                Some(token) => {
                    request.url = api::with_continuation(&request.url, &token);
                }
            }
        };
        if !jsonl {
            // Close the array even after a failure, so what was printed still parses.
            output::print(if printed_any { "\n]\n" } else { "]\n" })?;
        }
        result
    }
}

/// An error status is exit 11 with one line: `GET /path: 400 Bad Request: title: detail (code)`.
fn check_status(request: &ApiRequest, reply: &Reply) -> Result<()> {
    if reply.status.is_success() {
        return Ok(());
    }
    Err(Error::msg(
        Kind::ApiError,
        format!(
            "{} {}: {}",
            request.method,
            request.url.path(),
            api::describe_error(reply)
        ),
    ))
}

/// The request the flags describe.
fn build_request(args: &ApiArgs, base: &ApiBase) -> Result<ApiRequest> {
    let mut url = base.resolve(&args.path)?;
    let has_fields = !args.raw_fields.is_empty() || !args.fields.is_empty();
    let method = match &args.method {
        Some(method) => Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::msg(Kind::Usage, format!("invalid HTTP method {method:?}")))?,
        None if has_fields || args.input.is_some() => Method::POST,
        None => Method::GET,
    };
    let mut fields = Map::new();
    for raw in &args.raw_fields {
        let (key, value) = split_field(raw, "-f")?;
        fields.insert(key.to_string(), Value::String(value.to_string()));
    }
    for typed in &args.fields {
        let (key, value) = split_field(typed, "-F")?;
        fields.insert(key.to_string(), typed_value(value)?);
    }
    let mut body = None;
    if has_fields {
        if matches!(method, Method::GET | Method::DELETE | Method::HEAD) {
            let mut query = url.query_pairs_mut();
            for (key, value) in &fields {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                query.append_pair(key, &text);
            }
        } else {
            body = Some(serde_json::to_vec(&Value::Object(fields)).unwrap_or_default());
        }
    }
    if let Some(path) = &args.input {
        body = Some(read_input(path)?);
    }
    let mut headers = Vec::new();
    for line in &args.headers {
        let (name, value) = line.split_once(':').ok_or_else(|| {
            Error::msg(
                Kind::Usage,
                format!("invalid header {line:?}: expected 'Name: value'"),
            )
        })?;
        let name = header::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            Error::msg(
                Kind::Usage,
                format!("invalid header name {:?}", name.trim()),
            )
        })?;
        if name == header::AUTHORIZATION {
            return Err(Error::msg(
                Kind::Usage,
                "refusing -H Authorization: amtoken sends the profile's token itself",
            ));
        }
        headers.push((name, value.trim().to_string()));
    }
    Ok(ApiRequest {
        method,
        url,
        headers,
        body,
    })
}

fn split_field<'a>(field: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    field
        .split_once('=')
        .filter(|(key, _)| !key.is_empty())
        .ok_or_else(|| {
            Error::msg(
                Kind::Usage,
                format!("invalid {flag} {field:?}: expected key=value"),
            )
        })
}

/// `-F` values: true, false, null and integers as JSON; `@FILE` as the file's text.
fn typed_value(value: &str) -> Result<Value> {
    Ok(match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ if value.starts_with('@') => {
            let path = &value[1..];
            let text = std::fs::read_to_string(path)
                .map_err(|error| Error::new(Kind::InvalidInput, error))
                .context(format!("failed to read the field file {path}"))?;
            Value::String(text)
        }
        _ => match value.parse::<i64>() {
            Ok(number) => Value::from(number),
            Err(_) => Value::String(value.to_string()),
        },
    })
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    let read = if path == std::path::Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut body)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_end(&mut body))
    };
    read.map_err(|error| Error::new(Kind::InvalidInput, error))
        .context(format!("failed to read --input {}", path.display()))?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_fields_follow_gh() {
        let cases = [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
            ("42", Value::from(42)),
            ("-7", Value::from(-7)),
            ("4.5", Value::String("4.5".into())),
            ("text", Value::String("text".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(typed_value(text).unwrap(), expected, "{text}");
        }
    }
}
