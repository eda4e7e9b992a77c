#!/usr/bin/python3
"""An independent telecal agent, written from docs/protocol.md alone (not from the TypeScript).

Debian packages: python3-socketio (with python3-websocket for its WebSocket transport),
python3-requests, python3-cryptography.

  python_agent.py agent --server URL --token T --agent-id ID --username U --password P
      enrols with the one-time token, connects to /agent, measures the clock, says hello, streams
      signed batches (and checks the server's refusals of a tampered batch and of a gap), then
      reads the readings back as JSON and as CSV and compares them with what it sent.
  python_agent.py records --server URL --key-id K
      checks the latest signed checkpoint (key id, signature) and every record's inclusion proof.

Prints one JSON summary line on success; exits 1 naming the first mismatch otherwise.
"""

import argparse
import base64
import datetime
import hashlib
import json
import math
import sys
import time

import requests
import socketio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

NS = "/agent"
BATCH_DOMAIN = b"telecal/reading-batch/v1\n"
INSTRUMENT = "py-dmm"
STREAM = "py-dmm.dcv"
CLOCK_INSTRUMENT = {
    "id": "agent-clock", "driver": "agent-clock", "role": "reference", "maker": "telecal",
    "model": "clock offset to server UTC", "serial": "", "firmware": "",
    "streams": [{"id": "agent-clock.offset", "quantity": "clock offset", "unit": "ms"}],
}


class Failure(Exception):
    pass


def number_or_int(text):
    """JSON numbers are doubles (docs: "Numbers"); one written without a fraction may exceed 2^53."""
    n = int(text)
    return n if abs(n) <= 2**53 else float(n)


def read_json(res):
    return json.loads(res.text, parse_int=number_or_int)


def check(cond, what):
    if not cond:
        raise Failure(what)


# ---- canonical JSON (docs/protocol.md "Canonical JSON") ----

def canon_number(x):
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{x} has no canonical JSON form")
    if x == 0:
        return "0"  # -0 too
    sign = "-" if x < 0 else ""
    # repr gives the shortest digit string that reads back as the same double.
    mant, _, exp = repr(abs(x)).partition("e")
    ip, _, fp = mant.partition(".")
    digits = ip + fp
    n = len(ip) + int(exp or 0)  # value = 0.digits x 10^n
    while digits.startswith("0"):
        digits = digits[1:]
        n -= 1
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        es = ("+" if e >= 0 else "-") + str(abs(e))
        out = digits + "e" + es if k == 1 else digits[0] + "." + digits[1:] + "e" + es
    return sign + out


ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def canon_string(s):
    out = []
    for c in s:
        o = ord(c)
        if c in ESCAPES:
            out.append(ESCAPES[c])
        elif o < 0x20 or 0xD800 <= o <= 0xDFFF:
            out.append("\\u%04x" % o)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def canonical(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return canon_number(v)
    if isinstance(v, str):
        return canon_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(canonical(e) for e in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(canon_string(k) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError(f"{type(v).__name__} has no JSON form")


def self_test_canonical():
    """The doc's own example, so that a wrong reading of the rules fails here first."""
    got = canonical({"b": [1, 0.5, -0.0, 1e21, None], "a": "x\ny", "é": True})
    check(got == '{"a":"x\\ny","b":[1,0.5,0,1e+21,null],"é":true}', f"canonical JSON self-test: {got}")
    for x, want in [(100.0, "100"), (1795000000000, "1795000000000"), (-2.5, "-2.5"), (0.000001, "0.000001"),
                    (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (1.2345e22, "1.2345e+22"), (0.1 + 0.2, "0.30000000000000004")]:
        check(canon_number(x) == want, f"number {x!r}: {canon_number(x)} != {want}")


# ---- clock (docs/protocol.md "Clock offset and uncertainty") ----

_BASE = time.time() * 1000 - time.monotonic() * 1000


def agent_now():
    return _BASE + time.monotonic() * 1000


def r3(x):
    return math.floor(x * 1000 + 0.5) / 1000


def measure_clock(sio, interval_ms=60000):
    best = None
    for _ in range(8):
        t0 = agent_now()
        reply = sio.call("clock", {"t0": t0}, namespace=NS, timeout=10)
        t3 = agent_now()
        check(reply.get("ok") is True, f"clock refused: {reply}")
        offset = ((reply["t1"] - reply["t0"]) + (reply["t2"] - t3)) / 2
        delay = (t3 - reply["t0"]) - (reply["t2"] - reply["t1"])
        if delay >= 0 and (best is None or delay < best[1]):
            best = (offset, delay)
    check(best is not None, "no clock exchange had a non-negative delay")
    return {"offsetMs": r3(best[0]), "uncertaintyMs": r3(best[1] / 2 + 100e-6 * interval_ms + 0.001)}


# ---- signing (docs/protocol.md "Batch signature") ----

def signed(batch, key):
    unsigned = {k: v for k, v in batch.items() if k != "signature"}
    sig = key.sign(BATCH_DOMAIN + canonical(unsigned).encode("utf-8"))
    return {**unsigned, "signature": base64.b64encode(sig).decode("ascii")}


def make_batch(stream, instrument, first_seq, readings, unit, clock):
    newest = max(r["t"] for r in readings)
    return {
        "streamId": stream, "instrumentId": instrument, "firstSeq": first_seq,
        "t": [r["t"] for r in readings], "values": [r["value"] for r in readings],
        "flags": [r["flags"] for r in readings], "unit": unit, "clock": clock,
        "historical": agent_now() + clock["offsetMs"] - newest > 2000,
    }


# Values chosen to exercise the number rules: fractions, exponents, an integer-valued double, null.
VALUES = [10.000012, 9.99999, None, -1.5e-7, 1e21, 10.0, 0.1 + 0.2, 123456789012345680000.0, 5e-324, -0.0,
          1.0000001, 2.5e-6]


def run_agent(a):
    self_test_canonical()
    base = a.server.rstrip("/")
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    res = requests.post(f"{base}/api/agents/enroll", json={"token": a.token, "agentId": a.agent_id, "name": "Python peer", "publicKey": pem}, timeout=20)
    check(res.status_code == 201, f"enrol: HTTP {res.status_code} {res.text}")
    enrolled = res.json()
    check(enrolled["agentId"] == a.agent_id and enrolled["credential"], f"enrol answer: {enrolled}")
    again = requests.post(f"{base}/api/agents/enroll", json={"token": a.token, "agentId": a.agent_id + "-2", "name": "x", "publicKey": pem}, timeout=20)
    check(again.status_code == 401 and again.json()["code"] == "TC_ERR_AUTH_ENROLMENT_TOKEN", f"token reuse: {again.status_code} {again.text}")

    sio = socketio.Client(reconnection=False)
    sio.connect(base, namespaces=[NS], auth={"agentId": a.agent_id, "credential": enrolled["credential"]},
                transports=["websocket"], wait_timeout=10)
    try:
        hello = {"protocol": 1, "agentId": a.agent_id, "name": "Python peer", "software": "python_agent/1",
                 "instruments": [CLOCK_INSTRUMENT, {"id": INSTRUMENT, "driver": "python-sim", "role": "uut", "maker": "peer",
                                                    "model": "py", "serial": "1", "firmware": "",
                                                    "streams": [{"id": STREAM, "quantity": "DC voltage", "unit": "V"}]}]}
        accepted = sio.call("hello", hello, namespace=NS, timeout=10)
        check(accepted.get("ok") is True, f"hello refused: {accepted}")
        check(accepted["protocol"] == 1 and accepted["acked"] == {"agent-clock.offset": -1, STREAM: -1}, f"hello answer: {accepted}")
        clock = measure_clock(sio)

        # The clock's own reading, as the docs ask (first measurement: no step).
        cb = signed(make_batch("agent-clock.offset", "agent-clock", 0, [{"t": agent_now() + clock["offsetMs"], "value": clock["offsetMs"], "flags": 0}], "ms", clock), key)
        ack = sio.call("readings", cb, namespace=NS, timeout=10)
        check(ack == {"ok": True, "streamId": "agent-clock.offset", "ackedSeq": 0}, f"clock batch ack: {ack}")

        sent = []
        batches = []
        seq = 0
        for chunk in range(0, len(VALUES), 4):
            readings = []
            for v in VALUES[chunk:chunk + 4]:
                readings.append({"seq": seq, "t": agent_now() + clock["offsetMs"], "value": v, "flags": 1 if v is None else 0})
                seq += 1
            batch = signed(make_batch(STREAM, INSTRUMENT, readings[0]["seq"], readings, "V", clock), key)
            ack = sio.call("readings", batch, namespace=NS, timeout=10)
            check(ack == {"ok": True, "streamId": STREAM, "ackedSeq": readings[-1]["seq"]}, f"batch ack: {ack}")
            sent += [{**r, "historical": batch["historical"]} for r in readings]
            batches.append(batch)

        # A resend is acked again and changes nothing.
        ack = sio.call("readings", batches[0], namespace=NS, timeout=10)
        check(ack == {"ok": True, "streamId": STREAM, "ackedSeq": seq - 1}, f"resend ack: {ack}")
        # A batch changed after signing is refused.
        tampered = {**signed(make_batch(STREAM, INSTRUMENT, seq, [{"t": agent_now(), "value": 1.0, "flags": 0}], "V", clock), key), "values": [2.0]}
        ack = sio.call("readings", tampered, namespace=NS, timeout=10)
        check(ack.get("ok") is False and ack["error"]["code"] == "TC_ERR_BAD_SIGNATURE", f"tampered batch: {ack}")
        # A batch that would leave a hole is refused.
        gap = signed(make_batch(STREAM, INSTRUMENT, seq + 5, [{"t": agent_now(), "value": 1.0, "flags": 0}], "V", clock), key)
        ack = sio.call("readings", gap, namespace=NS, timeout=10)
        check(ack.get("ok") is False and ack["error"]["code"] == "TC_ERR_SEQ_GAP", f"gap batch: {ack}")
    finally:
        sio.disconnect()

    session = requests.post(f"{base}/api/auth/login", json={"username": a.username, "password": a.password}, timeout=20)
    check(session.status_code == 200, f"login: HTTP {session.status_code} {session.text}")
    auth = {"Authorization": f"Bearer {session.json()['token']}"}
    ref = f"{a.agent_id}:{STREAM}"
    page = requests.get(f"{base}/api/streams/{ref}/readings", params={"after": -1, "limit": 1000}, headers=auth, timeout=20)
    check(page.status_code == 200, f"readings: HTTP {page.status_code} {page.text}")
    body = read_json(page)
    check(body["stream"]["id"] == ref and body["stream"]["lastSeq"] == seq - 1 and body["next"] is None, f"readings page: {body['stream']} next {body['next']}")
    stored = body["readings"]
    check(len(stored) == len(sent), f"{len(stored)} readings stored, {len(sent)} sent")
    for s, r in zip(sent, stored):
        want = {"seq": s["seq"], "t": s["t"], "value": s["value"], "flags": s["flags"], "clockOffsetMs": clock["offsetMs"],
                "clockUncertaintyMs": clock["uncertaintyMs"], "historical": s["historical"]}
        # -0 is stored as 0; equal as numbers either way. receivedAt is the server's, not sent.
        received = r.pop("receivedAt", None)
        check(isinstance(received, (int, float)) and received > 0, f"reading {s['seq']}: receivedAt {received}")
        check(r == want, f"reading {s['seq']}: stored {r}, sent {want}")

    csv = requests.get(f"{base}/api/streams/{ref}/readings", params={"after": -1, "limit": 5}, headers={**auth, "Accept": "text/csv"}, timeout=20)
    check(csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv"), f"csv: HTTP {csv.status_code} {csv.headers}")
    check(csv.headers.get("link") == '<?after=4&limit=5>; rel="next"', f"csv Link header: {csv.headers.get('link')}")
    lines = csv.text.split("\n")
    check(lines[0] == "seq,utc,t_ms,value,unit,flags,clock_offset_ms,clock_uncertainty_ms,historical", f"csv header: {lines[0]}")
    check(lines[-1] == "" and len(lines) == 7, f"csv: {len(lines) - 2} rows, want 5")
    for s, line in zip(sent, lines[1:6]):
        f = line.split(",")
        ms = math.floor(s["t"])
        utc = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)
        want = [str(s["seq"]), utc, canon_number(s["t"]), "" if s["value"] is None else canon_number(s["value"]), "V",
                str(s["flags"]), canon_number(clock["offsetMs"]), canon_number(clock["uncertaintyMs"]), "1" if s["historical"] else "0"]
        check(f == want, f"csv row {s['seq']}: {f} != {want}")

    print(json.dumps({"agentId": a.agent_id, "stream": ref, "sent": sent, "batches": len(batches), "clock": clock, "csvRows": 5, "publicKey": pem}))


# ---- record log (docs/protocol.md "Record log") ----

def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn //= 2
                sn //= 2
        else:
            r = node(r, p)
        fn //= 2
        sn //= 2
    return sn == 0 and r == root


def fields(tag, *values):
    """F(tag, ...): strings as u32 big-endian length + UTF-8, integers as u64 big-endian."""
    out = b""
    for v in (tag, *values):
        if isinstance(v, int):
            out += v.to_bytes(8, "big")
        else:
            b = v.encode("utf-8")
            out += len(b).to_bytes(4, "big") + b
    return out


def check_rows(rows, proofs, agent_key):
    """Recomputes payload hash, chain hash and Merkle leaf of every record from the docs' layout."""
    heads = {}
    signed_batches = 0
    for row in rows:
        rid = row["id"]
        payload = json.loads(row["payload"], parse_int=number_or_int)
        check(canonical(payload) == row["payload"], f"record {rid}: stored payload is not canonical JSON as the docs define it")
        payload_hash = hashlib.sha256(row["payload"].encode("utf-8")).hexdigest()
        check(payload_hash == row["payloadHash"], f"record {rid}: payload hash")
        prev, seq = heads.get(row["stream"], ("0" * 64, 0))
        check(row["prevHash"] == prev and row["seq"] == seq, f"record {rid}: chain link (prev {row['prevHash']}, seq {row['seq']})")
        chain = hashlib.sha256(fields("telecal/record/v1", row["stream"], row["seq"], row["kind"], payload_hash, prev)).hexdigest()
        check(chain == row["hash"], f"record {rid}: chain hash {chain} != {row['hash']}")
        heads[row["stream"]] = (chain, seq + 1)
        if rid in proofs:
            leaf = hashlib.sha256(b"\x00" + fields("telecal/leaf/v1", rid, chain, row["createdAt"], row["actor"])).hexdigest()
            check(leaf == proofs[rid]["leafHash"] and chain == proofs[rid]["recordHash"], f"record {rid}: Merkle leaf {leaf} != {proofs[rid]['leafHash']}")
        if row["kind"] == "reading-batch" and agent_key is not None and row["actor"] == "agent:" + payload["agentId"] and "signature" in payload:
            unsigned = {k: v for k, v in payload.items() if k not in ("agentId", "receivedAt", "storedFrom", "signature")}
            agent_key.verify(base64.b64decode(payload["signature"]), BATCH_DOMAIN + canonical(unsigned).encode("utf-8"))
            signed_batches += 1
    return signed_batches


def run_records(a):
    base = a.server.rstrip("/")
    res = requests.get(f"{base}/api/records/checkpoint", timeout=20)
    check(res.status_code == 200, f"checkpoint: HTTP {res.status_code} {res.text}")
    cp, pub = res.json()["checkpoint"], res.json()["publicKey"]
    spki = base64.b64decode(pub["spki"])
    check(pub["algorithm"] == "Ed25519", f"algorithm {pub['algorithm']}")
    check(hashlib.sha256(spki).hexdigest()[:16] == pub["keyId"] == cp["keyId"] == a.key_id, f"key id {pub['keyId']} / {cp['keyId']}, pinned {a.key_id}")
    key = serialization.load_der_public_key(spki)
    check(isinstance(key, Ed25519PublicKey), "checkpoint key is not Ed25519")
    fields = f"{cp['treeSize']}\n{cp['rootHash']}\n{cp['time']}\n{cp['keyId']}\n"
    # v2 adds the checkpoint's seq and the hash of the one before (docs/protocol.md); v1 has neither.
    text = (f"telecal record log checkpoint v2\n{fields}{cp['seq']}\n{cp['prevHash']}\n" if "seq" in cp else f"telecal record log checkpoint v1\n{fields}").encode()
    key.verify(base64.b64decode(cp["signature"]), text)  # raises InvalidSignature
    root = bytes.fromhex(cp["rootHash"])
    proofs = {}
    for rid in range(1, cp["treeSize"] + 1):
        proof = requests.get(f"{base}/api/records/{rid}/proof", timeout=20).json()
        check(proof["leafIndex"] == rid - 1 and proof["checkpoint"] == cp, f"proof {rid}: {proof}")
        ok = verify_inclusion(bytes.fromhex(proof["leafHash"]), proof["leafIndex"], cp["treeSize"], [bytes.fromhex(h) for h in proof["auditPath"]], root)
        check(ok, f"record {rid}: audit path does not lead to the checkpoint's root")
        proofs[rid] = proof
    missing = requests.get(f"{base}/api/records/{cp['treeSize'] + 1}/proof", timeout=20)
    check(missing.status_code in (404, 409), f"proof past the tree: HTTP {missing.status_code}")
    summary = {"treeSize": cp["treeSize"], "keyId": cp["keyId"], "proofs": len(proofs)}
    if a.rows:
        with open(a.rows, encoding="utf-8") as f:
            rows = json.load(f, parse_int=number_or_int)
        agent_key = serialization.load_pem_public_key(a.agent_key.encode()) if a.agent_key else None
        summary["rows"] = len(rows)
        summary["signedBatches"] = check_rows(rows, proofs, agent_key)
    print(json.dumps(summary))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ag = sub.add_parser("agent")
    for name in ("--server", "--token", "--agent-id", "--username", "--password"):
        ag.add_argument(name, required=True)
    rec = sub.add_parser("records")
    rec.add_argument("--server", required=True)
    rec.add_argument("--key-id", required=True)
    rec.add_argument("--rows", help="JSON file of the log's rows (as `telecal verify` reads them), to recompute hashes and leaves")
    rec.add_argument("--agent-key", help="SPKI PEM of the agent whose reading-batch signatures to verify")
    a = p.parse_args()
    try:
        run_agent(a) if a.cmd == "agent" else run_records(a)
    except Failure as e:
        print(f"python_agent: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
