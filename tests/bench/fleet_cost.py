#!/usr/bin/env python3
"""The fleet's cost as it grows (issue 28.2): Vault reads, writes and logins per token expiry,
counted in OpenBao's audit log, for 8, 32 and 64 reader processes and 1, 2 and 4 refreshers,
each a loop of `amtoken token` against the provider (8-second tokens) — and, for 64 readers,
with refreshers renewing a margin earlier than readers need a new token, so that readers find
it published and do not poll.

Runs inside tests/services.sh (bash tests/bench/fleet_cost.sh starts it); prints a Markdown
table. Usage: python3 tests/bench/fleet_cost.py [SECONDS-PER-RUN]   (default 40)
"""

import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "soak"))
import soak  # noqa: E402  (the same helpers: homes, logins, Vault calls)

AUDIT = os.environ["AMTOKEN_TEST_VAULT_AUDIT_LOG"]
CLIENT = "amtoken-soak-fleet"


def audit_entries():
    with open(AUDIT) as log:
        return [json.loads(line) for line in log if '"type":"request"' in line]


def one_run(readers, refreshers, seconds, reader_min_ttl, refresher_min_ttl):
    path = f"amtoken/cost-{readers}-{refreshers}-{refresher_min_ttl}-{int(time.time())}"
    access = f"{path}-access"
    mount = f"approle-cost-{readers}-{refreshers}-{refresher_min_ttl}-{os.getpid()}"
    soak.vault("POST", f"sys/auth/{mount}", {"type": "approle"})
    soak.vault("PUT", f"sys/policies/acl/{mount}-refresher", {"policy": f'path "secret/data/{path}" {{ capabilities = ["create","read","update"] }}\npath "secret/data/{access}" {{ capabilities = ["create","read","update"] }}'})
    soak.vault("PUT", f"sys/policies/acl/{mount}-reader", {"policy": f'path "secret/data/{access}" {{ capabilities = ["read"] }}'})
    roles = {}
    for role in ("refresher", "reader"):
        soak.vault("POST", f"auth/{mount}/role/{role}", {"token_policies": [f"{mount}-{role}"], "token_ttl": "10m"})
        role_id = soak.vault("GET", f"auth/{mount}/role/{role}/role-id")["data"]["role_id"]
        secret_id = soak.vault("POST", f"auth/{mount}/role/{role}/secret-id", {})["data"]["secret_id"]
        roles[role] = (role_id, secret_id)
    login = soak.env_for(soak.home("cost-login"), CLIENT, AMTOKEN_STORE="vault", AMTOKEN_VAULT_ADDR=soak.VAULT, AMTOKEN_VAULT_PATH=path, AMTOKEN_VAULT_ACCESS_PATH=access, VAULT_TOKEN=soak.VAULT_ROOT)
    soak.run(login, "exchange", "--code", soak.authorize(CLIENT))
    before_entries = len(audit_entries())
    before = soak.grants(CLIENT).get("refresh_token", 0)
    until = time.time() + seconds
    failures = []
    calls = [0]

    def loop(env, args):
        while time.time() < until:
            result = subprocess.run([soak.BIN, "token", *args], env=env, capture_output=True, text=True, timeout=120)
            calls[0] += 1
            if result.returncode != 0:
                failures.append(result.stderr.strip()[:200])
            time.sleep(0.05)

    threads = []
    for n in range(readers + refreshers):
        role = "reader" if n < readers else "refresher"
        role_id, secret_id = roles[role]
        env = soak.env_for(
            soak.home("cost"), CLIENT, AMTOKEN_STORE="vault", AMTOKEN_VAULT_ADDR=soak.VAULT, AMTOKEN_VAULT_PATH=path,
            AMTOKEN_VAULT_ACCESS_PATH=access, AMTOKEN_VAULT_AUTH="approle", AMTOKEN_VAULT_AUTH_MOUNT=mount,
            AMTOKEN_VAULT_ROLE_ID=role_id, AMTOKEN_VAULT_SECRET_ID=secret_id, AMTOKEN_VAULT_TOKEN_CACHE="file",
        )
        if role == "reader":
            env.pop("AMTOKEN_CLIENT_SECRET")
            env["AMTOKEN_FLEET_ROLE"] = "reader"
            args = ["--min-ttl", reader_min_ttl, "--lock-timeout", "30s"]
        else:
            args = ["--min-ttl", refresher_min_ttl, "--lock-timeout", "30s"]
        threads.append(threading.Thread(target=loop, args=(env, args)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expiries = soak.grants(CLIENT).get("refresh_token", 0) - before
    entries = audit_entries()[before_entries:]
    mine = [e for e in entries if e["request"].get("path", "").startswith((f"secret/data/{path}", f"auth/{mount}/"))]
    reads = sum(1 for e in mine if e["request"]["operation"] == "read")
    access_reads = sum(1 for e in mine if e["request"]["operation"] == "read" and e["request"]["path"] == f"secret/data/{access}")
    writes = sum(1 for e in mine if e["request"]["operation"] in ("create", "update") and e["request"]["path"].startswith("secret/"))
    logins = sum(1 for e in mine if e["request"]["path"] == f"auth/{mount}/login")
    per = max(expiries, 1)
    return {
        "readers": readers,
        "refreshers": refreshers,
        "margin": refresher_min_ttl,
        "expiries": expiries,
        "calls": calls[0],
        "failures": len(failures),
        "reads_per_expiry": round(reads / per, 1),
        "reader_reads_per_expiry": round(access_reads / per, 1),
        "writes_per_expiry": round(writes / per, 1),
        "logins": logins,
        "first_failure": failures[0] if failures else None,
    }


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 40
    results = []
    for readers in (8, 32, 64):
        for refreshers in (1, 2, 4):
            results.append(one_run(readers, refreshers, seconds, "1s", "1s"))
            print(json.dumps(results[-1]), file=sys.stderr)
    # Refreshers renewing 3 s before readers need a new token (of an 8 s life).
    for refreshers in (1, 2, 4):
        results.append(one_run(64, refreshers, seconds, "1s", "4s"))
        print(json.dumps(results[-1]), file=sys.stderr)
    print("| readers | refreshers | refresher --min-ttl (readers 1s) | expiries | Vault reads / expiry | of which readers' | writes / expiry | logins | failed calls |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['readers']} | {r['refreshers']} | {r['margin']} | {r['expiries']} | {r['reads_per_expiry']} | {r['reader_reads_per_expiry']} | {r['writes_per_expiry']} | {r['logins']} | {r['failures']} |")


if __name__ == "__main__":
    main()
