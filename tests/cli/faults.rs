//! Issue 9: the lost response. The server rotated the refresh token but its answer never
//! arrived; amtoken must say the token may be spent, never resend it, and explain a refusal of
//! it later.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::MockServer;

use crate::util::{REFRESH_TOKEN, Sandbox, assert_no_secret, outputs};

/// How a raw server treats the one request it reads whole.
#[derive(Clone, Copy)]
enum Fate {
    /// Close the connection without a word.
    Close,
    /// Reset it (RST).
    Reset,
    /// Answer 200 with a rotated token, but only after the client gave up.
    AnswerLate,
}

/// Serves every connection with `fate`; returns the issuer URL and how many requests it read.
fn raw_server(fate: Fate) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if read_request(&mut stream) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            match fate {
                Fate::Close => drop(stream),
                Fate::Reset => {
                    let socket = socket2::Socket::from(stream);
                    socket.set_linger(Some(Duration::ZERO)).unwrap();
                    drop(socket);
                }
                Fate::AnswerLate => {
                    std::thread::sleep(Duration::from_millis(2500));
                    let body = crate::util::token_response("rt-lost-in-transit").to_string();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            }
        }
    });
    (issuer, requests)
}

/// Reads one whole HTTP request (headers and a content-length body).
fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let Ok(read) = stream.read(&mut buffer) else {
            return false;
        };
        if read == 0 {
            return false;
        }
        data.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return true;
            }
        }
    }
}

#[test]
fn a_lost_answer_says_the_token_may_be_spent_and_is_never_resent() {
    for fate in [Fate::Close, Fate::Reset, Fate::AnswerLate] {
        let (issuer, requests) = raw_server(fate);
        let sandbox = Sandbox::logged_in_at(&issuer);
        let output = sandbox.run_at(&issuer, &["refresh", "--timeout", "1s"]);
        let stderr = crate::util::failed(&output, 6);
        assert!(
            stderr.contains("the refresh token may have been spent"),
            "{stderr}"
        );
        assert!(stderr.contains("run `amtoken login`"), "{stderr}");
        assert_eq!(stderr.lines().count(), 2, "{stderr}");
        assert_no_secret(&output, &["rt-lost-in-transit"]);
        // Neither amtoken nor its HTTP stack tried again.
        assert_eq!(requests.load(Ordering::SeqCst), 1);
        assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);

        // The server did rotate it: the next refresh is refused, and amtoken says why.
        let server = MockServer::start();
        server.mock(|when, then| {
            when.path("/connect/token");
            then.status(400)
                .json_body(serde_json::json!({"error": "invalid_grant"}));
        });
        let mut record = sandbox.stored_record("default");
        record["issuer"] = server.base_url().into();
        crate::util::write_private(&sandbox.store_file("default"), &record.to_string());
        let output = sandbox.run_at(&server.base_url(), &["refresh"]);
        let (_, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(
            stderr.contains("lost its answer after the server had spent this refresh token"),
            "{stderr}"
        );
        assert!(
            stderr.contains("hint: authorize again with `amtoken login`"),
            "{stderr}"
        );
    }
}
