//! Certificates are always verified: a server with a private CA is refused until `--cacert` (or
//! `SSL_CERT_FILE`) names that CA. The server is Python's own HTTPS server with a certificate
//! that openssl makes for the test.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use crate::util::{REFRESH_TOKEN, Sandbox, outputs, token_response};

const SERVER: &str = r#"
import http.server, json, ssl, sys
body = sys.argv[3].encode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

struct HttpsServer {
    child: Child,
    port: u16,
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private CA (`ca.pem`) and a server certificate for localhost signed by it.
fn make_certificates(sandbox: &Sandbox) {
    std::fs::write(
        sandbox.path("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=amtoken test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "leaf.csr",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "cert.pem",
        ],
    ];
    for args in steps {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(sandbox.home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(status.success(), "openssl {args:?}");
    }
}

fn https_server(sandbox: &Sandbox) -> HttpsServer {
    make_certificates(sandbox);
    let (cert, key) = (sandbox.path("cert.pem"), sandbox.path("key.pem"));
    let mut child = Command::new("python3")
        .args(["-c", SERVER])
        .arg(&cert)
        .arg(&key)
        .arg(token_response("rt-over-tls").to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    HttpsServer {
        port: line.trim().parse().expect("the server's port"),
        child,
    }
}

#[test]
fn an_unknown_ca_is_refused_until_cacert_names_it() {
    let sandbox = Sandbox::new();
    let server = https_server(&sandbox);
    let issuer = format!("https://localhost:{}", server.port);
    sandbox.store_record("default", &issuer, REFRESH_TOKEN);

    let output = sandbox.run_at(&issuer, &["refresh"]);
    let stderr = crate::util::failed(&output, 6);
    assert!(
        stderr.contains("invalid peer certificate: UnknownIssuer"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: if the server uses a private CA, pass --cacert FILE"),
        "{stderr}"
    );
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);

    let output = sandbox
        .amtoken_for(&issuer)
        .args(["refresh", "--cacert"])
        .arg(sandbox.path("ca.pem"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-over-tls");

    sandbox.store_record("default", &issuer, REFRESH_TOKEN);
    let output = sandbox
        .amtoken_for(&issuer)
        .env("SSL_CERT_FILE", sandbox.path("ca.pem"))
        .args(["refresh", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
}

#[test]
fn a_cacert_that_is_not_a_certificate_is_exit_3() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("junk.pem"), "not a certificate").unwrap();
    sandbox.store_record("default", "https://localhost:9", REFRESH_TOKEN);
    for path in [sandbox.path("junk.pem"), sandbox.path("missing.pem")] {
        let output = sandbox
            .amtoken_for("https://localhost:9")
            .args(["refresh", "--cacert"])
            .arg(&path)
            .output()
            .unwrap();
        let (_, stderr) = outputs(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "cannot use the CA certificates in {}",
                path.display()
            )),
            "{stderr}"
        );
    }
}

/// The system certificate store is read only for TLS: with one rustls cannot use, a plain-http
/// loopback server still answers, and an https one cannot be reached.
#[test]
fn the_system_certificate_store_is_read_only_for_tls() {
    let sandbox = Sandbox::new();
    let broken = sandbox.path("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let refresh = |issuer: &str| {
        sandbox.store_record("default", issuer, REFRESH_TOKEN);
        sandbox
            .amtoken_for(issuer)
            .env("SSL_CERT_FILE", &broken)
            .env_remove("SSL_CERT_DIR")
            .args(["refresh", "--force"])
            .output()
            .unwrap()
    };

    let plain = httpmock::MockServer::start();
    crate::util::token_endpoint(&plain, "rt-plain");
    let output = refresh(&plain.base_url());
    assert_eq!(output.status.code(), Some(0), "{}", outputs(&output).1);
    assert_eq!(sandbox.stored_refresh_token("default"), "rt-plain");

    let server = https_server(&sandbox);
    let output = refresh(&format!("https://localhost:{}", server.port));
    let (_, stderr) = outputs(&output);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("valid certificates"), "{stderr}");
    assert_eq!(sandbox.stored_refresh_token("default"), REFRESH_TOKEN);
}
