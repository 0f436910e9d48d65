#!/usr/bin/env python3
"""A day's faults in minutes: `serve`, `exec` and a fleet running together while a schedule
breaks what they depend on (issue 28).

Runs inside tests/services.sh (the provider, the API stand-in and OpenBao on loopback), with
the amtoken binary of AMTOKEN_BIN (default target/debug/amtoken):

- `serve` on its socket with 16 clients looping on GET /token, and `serve --listen` with its
  bearer secret and 2 clients, sharing one profile (one refresh per expiry between them);
- `exec` with a child that reads AMTOKEN_TOKEN_FILE twice a second;
- a fleet of 2 refreshers and 6 readers (`--fleet-role reader`) on one Vault secret, each runner
  logging in by AppRole with a Vault token that lives 20 s (renewable to 40 s: shorter than
  the run);

all against the provider and OpenBao behind fault proxies that always close connections idle
for 2 s (as node does after 5 s), on a 120-second cycle:

  t=5    the provider is down for 10 s (connections refused and cut)
  t=40   the provider answers slowly, 4 s of the 5 s --timeout, for 10 s
  t=75   Vault is down for 10 s
  t=100  `serve` (socket) is stopped (SIGSTOP) for 10 s, longer than a token lives, and
         `exec` too (its child reads on), as a suspended laptop would be

It fails on: a token handed out already expired (0 allowed); a request failed outside the
outage window of a fault that reaches it (the fault's time plus 20 s to recover: a token's
life and the first retries); more refreshes than expiries; any invalid_grant; resident memory
or open descriptors of `serve` and `exec` grown by more than 10 % (and 1 MiB, for memory)
between the end of the first cycle's warm-up and the end. Prints a JSON report.

Usage: python3 tests/soak/soak.py [MINUTES]   (default 2)
"""

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("AMTOKEN_BIN", os.path.join(ROOT, "target", "debug", "amtoken"))
ISSUER = os.environ["AMTOKEN_TEST_ISSUER"]
VAULT = os.environ["AMTOKEN_TEST_VAULT_ADDR"]
VAULT_ROOT = os.environ["AMTOKEN_TEST_VAULT_TOKEN"]
REDIRECT_URI = "https://app.example.test/callback"
SCOPE = "https://www.approvalmax.com/scopes/public_api/read offline_access"
LIFE = 8  # the soak clients' access tokens live 8 s (tests/oidc/server.mjs)
TIMEOUT = 5
CYCLE = 120
RECOVERY = 20
IDLE = 2.0


def now():
    return time.time()


# --- fault proxies --------------------------------------------------------------------------


class FaultProxy:
    """TCP proxy to `target` that closes connections idle for IDLE seconds, and on demand is
    down (new connections closed at once, open ones cut) or slow (answers held back)."""

    def __init__(self, target):
        self.target = target
        self.down = False
        self.delay = 0.0
        self.lock = threading.Lock()
        self.open = set()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        threading.Thread(target=self.accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def set_down(self, down):
        self.down = down
        if down:
            with self.lock:
                for conn in list(self.open):
                    for s in conn:
                        try:
                            s.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass

    def accept(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            conn = (client, server)
            with self.lock:
                self.open.add(conn)
            last = [now()]
            # Set when a request went out: the answer's first bytes are the ones held back.
            awaiting = threading.Event()
            threading.Thread(target=self.pipe, args=(client, server, last, awaiting, False, conn), daemon=True).start()
            threading.Thread(target=self.pipe, args=(server, client, last, awaiting, True, conn), daemon=True).start()
            threading.Thread(target=self.watch, args=(conn, last, awaiting), daemon=True).start()

    def pipe(self, source, sink, last, awaiting, answers, conn):
        """Copies `source` to `sink`. A slow server holds back an answer's first bytes once
        (the whole answer is then late by `delay`, still within --timeout)."""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if not answers:
                    awaiting.set()
                elif awaiting.is_set():
                    # Held back with the request still counted as waiting (no idle close).
                    if self.delay:
                        time.sleep(self.delay)
                    last[0] = now()
                    awaiting.clear()
                last[0] = now()
                sink.sendall(data)
        except OSError:
            pass
        self.close(conn)

    def watch(self, conn, last, awaiting):
        """Closes the connection once idle for IDLE — idle as a server counts it: no request
        waiting for its answer."""
        while conn in self.open:
            time.sleep(0.1)
            if not awaiting.is_set() and now() - last[0] >= IDLE:
                self.close(conn)

    def close(self, conn):
        with self.lock:
            self.open.discard(conn)
        for s in conn:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def host_port(url):
    parsed = urllib.parse.urlparse(url)
    return (parsed.hostname, parsed.port)


# --- helpers ---------------------------------------------------------------------------------


def home(name):
    path = tempfile.mkdtemp(prefix=f"amtoken-soak-{name}-")
    return path


def env_for(path, client, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AMTOKEN_", "XDG_", "VAULT_", "BAO_"))
        and key.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    env.update(
        HOME=path,
        XDG_CONFIG_HOME=f"{path}/config",
        XDG_DATA_HOME=f"{path}/data",
        XDG_CACHE_HOME=f"{path}/cache",
        XDG_RUNTIME_DIR=f"{path}/run",
        AMTOKEN_ISSUER=ISSUER,
        AMTOKEN_CLIENT_ID=client,
        AMTOKEN_CLIENT_SECRET=f"{client}-secret",
        AMTOKEN_REDIRECT_URI=REDIRECT_URI,
        AMTOKEN_TIMEOUT=f"{TIMEOUT}s",
    )
    env.update(extra)
    return env


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorize(client):
    """Walks the provider's authorize flow (it consents by itself); the callback URL."""
    query = urllib.parse.urlencode(
        dict(response_type="code", client_id=client, redirect_uri=REDIRECT_URI, scope=SCOPE, state="soak", prompt="consent")
    )
    url = f"{ISSUER}/connect/authorize?{query}"
    opener = urllib.request.build_opener(NoRedirect)
    cookies = {}
    for _ in range(10):
        request = urllib.request.Request(url, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        try:
            response = opener.open(request)
            headers = response.headers
        except urllib.error.HTTPError as error:
            headers = error.headers
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            cookies[name] = value
        location = headers["Location"]
        if location.startswith(REDIRECT_URI):
            return location
        url = urllib.parse.urljoin(url, location)
    raise SystemExit("soak: the authorize flow did not reach the redirect URI")


def run(env, *args, check=True):
    result = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise SystemExit(f"soak: amtoken {' '.join(args)} failed: {result.stderr}")
    return result


def grants(client):
    with urllib.request.urlopen(f"{ISSUER}/test/stats") as response:
        stats = json.load(response)
    return stats.get(client, {})


def vault(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{VAULT}/v1/{path}", data=data, method=method, headers={"X-Vault-Token": VAULT_ROOT, "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else {}


def jwt_exp(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))["exp"]


def resources(pid):
    with open(f"/proc/{pid}/status") as status:
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return {"rss_kib": rss, "fds": fds}


# --- what the clients saw --------------------------------------------------------------------


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = {}
        self.failures = {}
        self.expired = []
        self.tokens = {}

    def ok(self, who, token, at):
        with self.lock:
            self.calls[who] = self.calls.get(who, 0) + 1
            self.tokens.setdefault(who, set()).add(token)
            if jwt_exp(token) <= at:
                self.expired.append((who, at))

    def failed(self, who, at, why):
        with self.lock:
            self.calls[who] = self.calls.get(who, 0) + 1
            self.failures.setdefault(who, []).append((at, why))


def http_get(connect, path, headers=()):
    sock = connect()
    sock.settimeout(TIMEOUT + 10)
    try:
        request = f"GET {path} HTTP/1.1\r\nConnection: close\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
        sock.sendall(request.encode())
        raw = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            raw += chunk
    finally:
        sock.close()
    head, _, body = raw.decode().partition("\r\n\r\n")
    return int(head.split(" ")[1]), body


def serve_client(log, who, connect, headers, until):
    while now() < until:
        started = now()
        try:
            status, body = http_get(connect, "/token", headers)
            if status == 200:
                answer = json.loads(body)
                log.ok(who, answer["access_token"], now())
            else:
                log.failed(who, started, f"{status} {body.strip()[:160]}")
        except (OSError, ValueError, IndexError) as error:
            log.failed(who, started, f"{type(error).__name__}: {error}")
        time.sleep(0.1)


def fleet_runner(log, who, env, args, until):
    while now() < until:
        started = now()
        result = subprocess.run([BIN, "token", *args], env=env, capture_output=True, text=True, timeout=120)
        if result.returncode == 0:
            log.ok(who, result.stdout.strip(), now())
        else:
            log.failed(who, started, result.stderr.strip().splitlines()[0] if result.stderr else f"exit {result.returncode}")
        time.sleep(0.2)


def start(env, *args):
    process = subprocess.Popen([BIN, *args], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process


def main():
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    duration = minutes * 60
    provider = FaultProxy(host_port(ISSUER))
    vault_proxy = FaultProxy(host_port(VAULT))
    token_url = f"{provider.url}/connect/token"
    log = Log()
    before = {client: grants(client) for client in ("amtoken-soak-serve", "amtoken-soak-exec", "amtoken-soak-fleet")}

    # serve: one profile, two listeners.
    serve_home = home("serve")
    serve_env = env_for(serve_home, "amtoken-soak-serve", AMTOKEN_STORE="file")
    run(serve_env, "exchange", "--code", authorize("amtoken-soak-serve"))
    serve_env["AMTOKEN_TOKEN_URL"] = token_url
    socket_serve = start(serve_env, "serve", "--min-ttl", "3s")
    tcp_serve = start(serve_env, "serve", "--listen", "127.0.0.1:0", "--min-ttl", "3s")
    first = tcp_serve.stderr.readline()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", first).group(1))
    socket_serve.stderr.readline()
    logs = {"serve-socket": [], "serve-tcp": [], "exec": []}
    threading.Thread(target=lambda: logs["serve-socket"].extend(socket_serve.stderr), daemon=True).start()
    threading.Thread(target=lambda: logs["serve-tcp"].extend(tcp_serve.stderr), daemon=True).start()
    secret = open(f"{serve_home}/run/amtoken/default.serve-secret").read().strip()
    socket_path = f"{serve_home}/run/amtoken/default.sock"

    # exec: a child that reads the token file twice a second for the whole run.
    exec_home = home("exec")
    exec_env = env_for(exec_home, "amtoken-soak-exec", AMTOKEN_STORE="file")
    run(exec_env, "exchange", "--code", authorize("amtoken-soak-exec"))
    exec_env["AMTOKEN_TOKEN_URL"] = token_url
    reader = (
        "import json,os,time,base64,sys\n"
        "f=os.environ['AMTOKEN_TOKEN_FILE'];end=time.time()+float(sys.argv[1]);seen=set();reads=0;expired=[];missing=0\n"
        "def exp(t):\n p=t.split('.')[1];p+='='*(-len(p)%4);return json.loads(base64.urlsafe_b64decode(p))['exp']\n"
        "while time.time()<end:\n"
        " try:\n  t=open(f).read()\n except OSError:\n  missing+=1;time.sleep(0.5);continue\n"
        " reads+=1;seen.add(t)\n if exp(t)<=time.time(): expired.append(time.time())\n time.sleep(0.5)\n"
        "print(json.dumps({'reads':reads,'distinct':len(seen),'expired':expired,'missing':missing}))\n"
    )
    exec_process = start(exec_env, "exec", "--min-ttl", "3s", "--", sys.executable, "-c", reader, str(duration + 10))
    threading.Thread(target=lambda: logs["exec"].extend(exec_process.stderr), daemon=True).start()
    # The exec's own pid is amtoken's; its child is the reader.

    # The fleet: 2 refreshers, 6 readers, AppRole logins with short Vault tokens.
    path = f"amtoken/soak-{os.getpid()}-{int(now())}"
    access = f"{path}-access"
    mount = f"approle-soak-{os.getpid()}"
    vault("POST", f"sys/auth/{mount}", {"type": "approle"})
    vault("PUT", f"sys/policies/acl/{mount}-refresher", {"policy": f'path "secret/data/{path}" {{ capabilities = ["create","read","update"] }}\npath "secret/data/{access}" {{ capabilities = ["create","read","update"] }}'})
    vault("PUT", f"sys/policies/acl/{mount}-reader", {"policy": f'path "secret/data/{access}" {{ capabilities = ["read"] }}'})
    roles = {}
    for role in ("refresher", "reader"):
        vault("POST", f"auth/{mount}/role/{role}", {"token_policies": [f"{mount}-{role}"], "token_ttl": "20s", "token_max_ttl": "40s"})
        role_id = vault("GET", f"auth/{mount}/role/{role}/role-id")["data"]["role_id"]
        secret_id = vault("POST", f"auth/{mount}/role/{role}/secret-id", {})["data"]["secret_id"]
        roles[role] = (role_id, secret_id)
    login_home = home("fleet-login")
    login_env = env_for(login_home, "amtoken-soak-fleet", AMTOKEN_STORE="vault", AMTOKEN_VAULT_ADDR=VAULT, AMTOKEN_VAULT_PATH=path, AMTOKEN_VAULT_ACCESS_PATH=access, VAULT_TOKEN=VAULT_ROOT)
    run(login_env, "exchange", "--code", authorize("amtoken-soak-fleet"))

    until = now() + duration
    threads = []
    for n in range(16):
        threads.append(threading.Thread(target=serve_client, args=(log, "serve-socket", lambda: socket_connect(socket_path), (), until)))
    for n in range(2):
        headers = (f"Host: 127.0.0.1:{port}", f"Authorization: Bearer {secret}")
        threads.append(threading.Thread(target=serve_client, args=(log, "serve-tcp", lambda: socket.create_connection(("127.0.0.1", port)), headers, until)))
    for n in range(8):
        role = "refresher" if n < 2 else "reader"
        role_id, secret_id = roles[role]
        env = env_for(
            home(f"fleet-{n}"), "amtoken-soak-fleet", AMTOKEN_STORE="vault", AMTOKEN_VAULT_ADDR=vault_proxy.url, AMTOKEN_VAULT_PATH=path,
            AMTOKEN_VAULT_ACCESS_PATH=access, AMTOKEN_VAULT_AUTH="approle", AMTOKEN_VAULT_AUTH_MOUNT=mount,
            AMTOKEN_VAULT_ROLE_ID=role_id, AMTOKEN_VAULT_SECRET_ID=secret_id, AMTOKEN_VAULT_TOKEN_CACHE="file",
            AMTOKEN_TOKEN_URL=token_url,
        )
        if role == "reader":
            env.pop("AMTOKEN_CLIENT_SECRET")
            env["AMTOKEN_FLEET_ROLE"] = "reader"
            args = ["--min-ttl", "1s", "--lock-timeout", "30s"]
        else:
            args = ["--min-ttl", "3s", "--lock-timeout", "30s"]
        threads.append(threading.Thread(target=fleet_runner, args=(log, f"fleet-{role}", env, args, until)))
    for thread in threads:
        thread.start()

    # The schedule, and the windows in which each fault may fail a request.
    windows = []  # (start, end, which clients it reaches)
    started = now()
    measured = {}

    def fault(offset, length, reaches, begin, finish):
        at = started + offset
        while now() < at:
            time.sleep(0.05)
        if now() >= until:
            return
        begin()
        # A request already under way when the fault began fails with it too.
        windows.append((now() - TIMEOUT, now() + length + RECOVERY, reaches))
        time.sleep(length)
        finish()

    cycle = 0
    everyone = ("serve-socket", "serve-tcp", "fleet-refresher", "fleet-reader", "exec")
    while started + cycle * CYCLE < until:
        base = cycle * CYCLE
        fault(base + 5, 10, everyone, lambda: provider.set_down(True), lambda: provider.set_down(False))
        def slow():
            provider.delay = TIMEOUT * 0.8
        def fast():
            provider.delay = 0.0
        fault(base + 40, 10, everyone, slow, fast)
        if cycle == 0:
            # Warm: measure the long-running processes after the first faults.
            measured["start"] = {"serve": resources(socket_serve.pid), "exec": resources(exec_process.pid)}
        fault(base + 75, 10, ("fleet-refresher", "fleet-reader"), lambda: vault_proxy.set_down(True), lambda: vault_proxy.set_down(False))
        def stop():
            os.kill(socket_serve.pid, signal.SIGSTOP)
            os.kill(exec_process.pid, signal.SIGSTOP)
        def cont():
            os.kill(socket_serve.pid, signal.SIGCONT)
            os.kill(exec_process.pid, signal.SIGCONT)
        fault(base + 100, 10, ("serve-socket", "exec"), stop, cont)
        cycle += 1
    # The end measurement while everything still runs (the reader outlives the run by 10 s).
    while now() < until - 2:
        time.sleep(0.1)
    measured["end"] = {"serve": resources(socket_serve.pid), "exec": resources(exec_process.pid)}
    for thread in threads:
        thread.join()
    exec_out, _ = exec_process.communicate(timeout=60)
    exec_report = json.loads(exec_out.strip().splitlines()[-1])
    for process in (socket_serve, tcp_serve):
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    # Judge.
    def in_window(who, at):
        return any(start <= at <= end and who in reaches for start, end, reaches in windows)

    outside = {
        who: [(round(at - started, 1), why) for at, why in failures if not in_window(who, at)]
        for who, failures in log.failures.items()
    }
    exec_outside = [round(at - started, 1) for at in exec_report["expired"] if not in_window("exec", at)]
    after = {client: grants(client) for client in before}
    refreshes = {client: after[client].get("refresh_token", 0) - before[client].get("refresh_token", 0) for client in before}
    invalid_grants = {client: after[client].get("errors", 0) - before[client].get("errors", 0) for client in before}
    # Renewed at 5 s of an 8 s life: at most one refresh per 4 s per client, fleet-wide.
    elapsed = now() - started
    ceiling = elapsed / 4 + 4
    growth = {}
    for name in ("serve", "exec"):
        a, b = measured["start"][name], measured["end"][name]
        growth[name] = {
            "rss_kib": [a["rss_kib"], b["rss_kib"]],
            "fds": [a["fds"], b["fds"]],
            "ok": (b["rss_kib"] <= a["rss_kib"] * 1.10 or b["rss_kib"] - a["rss_kib"] <= 1024) and b["fds"] <= max(a["fds"] * 1.10, a["fds"] + 1),
        }
    report = {
        "minutes": round(elapsed / 60, 1),
        "calls": log.calls,
        "failures_in_windows": {who: len(f) - len(outside.get(who, [])) for who, f in log.failures.items()},
        "failures_outside_windows": outside,
        "expired_answers": len(log.expired),
        "exec": {**exec_report, "expired": len(exec_report["expired"]), "expired_outside_windows": exec_outside},
        "refreshes": refreshes,
        "refresh_ceiling": round(ceiling),
        "invalid_grant": invalid_grants,
        "resources": growth,
        "faults": len(windows),
    }
    print(json.dumps(report, indent=2))
    problems = []
    if log.expired:
        problems.append(f"{len(log.expired)} answers with an expired token")
    if any(outside.values()):
        problems.append("failures outside the outage windows")
    if exec_outside:
        problems.append("exec's file held an expired token outside the outage windows")
    if any(count > ceiling for count in refreshes.values()):
        problems.append("more refreshes than expiries")
    if any(invalid_grants.values()):
        problems.append("invalid_grant")
    if not all(entry["ok"] for entry in growth.values()):
        problems.append("memory or descriptors grew")
    if problems:
        for name, lines in logs.items():
            print(f"--- {name}'s stderr (last 15 lines):", file=sys.stderr)
            for line in lines[-15:]:
                print("  " + line.rstrip()[:300], file=sys.stderr)
        print("soak: FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"soak: passed: {sum(log.calls.values())} calls, {len(windows)} faults, {round(elapsed / 60, 1)} minutes", file=sys.stderr)


def socket_connect(path):
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(path)
    return sock


if __name__ == "__main__":
    main()
