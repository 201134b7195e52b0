#!/usr/bin/env python3
"""Crash test: acknowledged Telegram updates survive SIGKILL (see docs/durability.md).

Run through tests/crash/kill9.sh, or directly:
    python3 tests/crash/kill9.py --binary build-load/supplybot [--rounds 3] [--load-seconds 3]
                                 [--workers 12] [--max-acks-per-round 5000] [--keep]

Each round starts the server on the same database (synchronous=FULL), drives order updates at
it from several keep-alive connections, and SIGKILLs it while requests are in flight (after
--load-seconds, or once --max-acks-per-round updates are acknowledged). Then it
restarts the server once more and checks:
  1. every update_id that got a 2xx is in `inbound` exactly once, with exactly one order;
  2. redelivering every update that was sent (as Telegram does for the unacknowledged ones, and
     may do for the others) gets 2xx and changes nothing for the acknowledged ones: afterwards
     every sent update is stored exactly once;
  3. PRAGMA integrity_check is ok after each crash and at the end;
  4. every reply (outbox row) is eventually sent to the Bot API sink, including those pending
     at each kill; none is failed; at most 8 per kill are sent twice (the sends the outbox had
     made but not yet recorded: Telegram offers no idempotency key).
Exits 0 when all hold, 1 otherwise. Uses only 127.0.0.1 and a temp dir.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SECRET = "crash-secret-token"
MAX_UNRECORDED_SENDS_PER_KILL = 8  # bot/outbox.cpp records outcomes every 8 sends

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_templates():
    path = os.path.join(REPO, "bench", "load", "messages.txt")
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


TEMPLATES = load_templates()


def chat_of(update_id):
    return -1002000000000 - update_id % 40


def body_of(update_id):
    """The same bytes every time for one id, so a redelivery is a true redelivery."""
    rnd = random.Random(update_id)
    text = TEMPLATES[update_id % len(TEMPLATES)]
    fills = {"{b}": str(rnd.randint(1, 30)), "{u}": str(rnd.randint(1, 4)),
             "{r}": str(rnd.randint(1, 28) * 100 + rnd.randint(1, 4)),
             "{f}": f"{rnd.randint(1, 30)}{'ABCDEFGH'[rnd.randint(0, 7)]}"}
    for k, v in fills.items():
        text = text.replace(k, v)
    user = 200000 + update_id % 3000
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1764300000,
        "chat": {"id": chat_of(update_id), "type": "supergroup", "title": "Building chat"},
        "from": {"id": user, "is_bot": False, "first_name": "Resident",
                 "language_code": "en" if text.startswith("Flat") else "zh-hans"},
        "text": text}}, ensure_ascii=False).encode()


def post(conn, update_id):
    conn.request("POST", "/telegram/webhook", body=body_of(update_id),
                 headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
    res = conn.getresponse()
    res.read()
    return res.status


class Server:
    def __init__(self, binary, db, api_port, logfile):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLYBOT_")}
        env.update({
            "SUPPLYBOT_SERVER_LISTEN": "127.0.0.1:0",
            "SUPPLYBOT_SERVER_THREADS": "2",
            "SUPPLYBOT_STORAGE_PATH": db,
            "SUPPLYBOT_STORAGE_SYNCHRONOUS": "FULL",
            "SUPPLYBOT_TELEGRAM_BOT_TOKEN": "123456:CRASH",
            "SUPPLYBOT_TELEGRAM_SECRET_TOKEN": SECRET,
            "SUPPLYBOT_TELEGRAM_API_ROOT": f"http://127.0.0.1:{api_port}",
            "SUPPLYBOT_TELEGRAM_BOT_USERNAME": "SupplyBot",
            # Drain quickly: the sink has no limits, and the test must stay short.
            "SUPPLYBOT_TELEGRAM_GLOBAL_RATE": "1000",
            "SUPPLYBOT_TELEGRAM_PER_CHAT_PER_MINUTE": "10000",
            # The load floods 40 chats far beyond a neighbourhood's inbound limits; every 2xx
            # must be a stored update here, so the limits are raised out of the way.
            "SUPPLYBOT_LIMITS_SENDER_PER_MINUTE": "100000", "SUPPLYBOT_LIMITS_SENDER_BURST": "100000",
            "SUPPLYBOT_LIMITS_CHAT_PER_MINUTE": "1000000", "SUPPLYBOT_LIMITS_CHAT_BURST": "1000000",
            "SUPPLYBOT_BOT_CATALOG": os.path.join(REPO, "config", "catalog.toml"),
        })
        self.logfile = logfile
        self.out = open(logfile, "w")
        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=self.out, stderr=subprocess.STDOUT, cwd=REPO)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None:
            with open(logfile, encoding="utf-8", errors="replace") as f:
                m = re.search(r"event=listening .*?port=(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if self.port is None:
            with open(logfile, encoding="utf-8", errors="replace") as f:
                sys.stderr.write(f.read()[-3000:])
            raise SystemExit("the server did not start")

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def kill(self, sig):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail(f"server did not exit within 60 s of signal {sig}")
            return self.proc.wait()


class Load:
    """Worker threads sending new update ids until the server goes away."""

    def __init__(self, server, first_id, workers):
        self.server = server
        self.next_id = first_id
        self.lock = threading.Lock()
        self.sent, self.acked, self.other = set(), set(), Counter()
        self.stop = False
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(workers)]

    def take_id(self):
        with self.lock:
            self.next_id += 1
            self.sent.add(self.next_id)
            return self.next_id

    def work(self):
        conn = self.server.conn()
        uid = None
        while not self.stop:
            # A failed request is retried with the same update id, as Telegram does.
            uid = uid or self.take_id()
            try:
                status = post(conn, uid)
            except (OSError, http.client.HTTPException):
                conn.close()
                if self.server.proc.poll() is not None:
                    return  # the server is gone: this request is unacknowledged, as intended
                time.sleep(0.01)  # the process may be dying: its sockets close before it exits
                conn = self.server.conn()
                continue
            with self.lock:
                if 200 <= status < 300:
                    self.acked.add(uid)
                else:
                    self.other[status] += 1
            uid = None

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join(timeout=30)


def checkpoints_of(server):
    """WAL checkpoints the server's checkpoint thread has made (its /metrics), -1 if unreadable."""
    try:
        c = server.conn()
        c.request("GET", "/metrics")
        text = c.getresponse().read().decode()
        c.close()
        m = re.search(r"^supplybot_storage_checkpoints_total (\d+)$", text, re.M)
        return int(m.group(1)) if m else -1
    except OSError:
        return -1


def db_rows(db, sql, args=()):
    c = sqlite3.connect(db, timeout=10)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def integrity(db, when):
    r = db_rows(db, "PRAGMA integrity_check")
    if r != [("ok",)]:
        fail(f"integrity_check {when}: {r[:5]}")
    else:
        log(f"integrity_check {when}: ok")


def sink_receipts(path):
    with open(path, encoding="utf-8") as f:
        return Counter(tuple(line.split()[:2]) for line in f if line.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--load-seconds", type=float, default=3.0)
    ap.add_argument("--workers", type=int, default=12)
    ap.add_argument("--max-acks-per-round", type=int, default=5000)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="supplybot-kill9.")
    db = os.path.join(tmp, "crash.db")
    sink_log = os.path.join(tmp, "sink.log")
    sink = subprocess.Popen([sys.executable, os.path.join(HERE, "bot_api_sink.py"), sink_log, os.path.join(tmp, "sink.port")])
    server = None
    try:
        for _ in range(100):
            if os.path.exists(os.path.join(tmp, "sink.port")):
                break
            time.sleep(0.05)
        with open(os.path.join(tmp, "sink.port")) as f:
            api_port = int(f.read())

        all_sent, all_acked, kills, ckpt_rounds = set(), set(), 0, 0
        for rnd in range(a.rounds):
            server = Server(a.binary, db, api_port, os.path.join(tmp, f"server{rnd}.log"))
            load = Load(server, first_id=(rnd + 1) * 1_000_000_000, workers=a.workers)
            load.start()
            # Kill after load_seconds, or sooner on a fast machine: the replies of every
            # acknowledged update must drain through the sink afterwards, within the time limit.
            t_end = time.time() + a.load_seconds
            while time.time() < t_end and len(load.acked) < a.max_acks_per_round:
                time.sleep(0.05)
            pending_before = db_rows(db, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0]
            checkpoints = checkpoints_of(server)
            with load.lock:
                in_flight = len(load.sent) - len(load.acked) - sum(load.other.values())
            server.kill(signal.SIGKILL)
            kills += 1
            load.join()
            all_sent |= load.sent
            all_acked |= load.acked
            log(f"round {rnd + 1}: SIGKILL with ~{in_flight} requests in flight; {len(load.acked)} acknowledged, "
                f"{len(load.sent)} sent, non-2xx {dict(load.other)}, outbox pending ~{pending_before}, "
                f"sink has {sum(sink_receipts(sink_log).values())} sends, {checkpoints} background checkpoints")
            ckpt_rounds += 1 if checkpoints > 0 else 0
            if load.other:
                fail(f"round {rnd + 1}: non-2xx answers before the kill: {dict(load.other)}")
            if not load.acked:
                fail(f"round {rnd + 1}: nothing was acknowledged")
            integrity(db, f"after SIGKILL {rnd + 1}")
        # The kills must land while the WAL is being copied into the database too, not only
        # while it grows: the checkpoint thread has to have run in at least one round.
        if ckpt_rounds == 0:
            fail("the checkpoint thread made no checkpoint before any kill: lengthen --load-seconds")

        # Restart; before anything is redelivered, every acknowledged update must be there.
        server = Server(a.binary, db, api_port, os.path.join(tmp, "server-final.log"))
        stored = {int(k) for (k,) in db_rows(db, "SELECT update_key FROM inbound WHERE platform = 'telegram'")}
        lost = sorted(all_acked - stored)
        if lost:
            fail(f"{len(lost)} acknowledged updates missing after restart, e.g. {lost[:10]}")
        log(f"after restart: {len(all_acked)} acknowledged, all in inbound: {not lost}; "
            f"{len(stored - all_acked)} stored but unacknowledged (committed, answer lost in the kill)")

        # Telegram redelivers what it did not get a 2xx for (and a proxy may replay anything):
        # send every id again. All must be 2xx and leave one row each.
        conn, redelivered, bad = server.conn(), 0, Counter()
        for uid in sorted(all_sent - all_acked) + sorted(random.Random(7).sample(sorted(all_acked), min(300, len(all_acked)))):
            status = post(conn, uid)
            redelivered += 1
            if not 200 <= status < 300:
                bad[status] += 1
        if bad:
            fail(f"redelivery answers: {dict(bad)}")
        log(f"redelivered {len(all_sent - all_acked)} unacknowledged and {redelivered - len(all_sent - all_acked)} acknowledged updates")

        counts = db_rows(db, "SELECT update_key, COUNT(*) FROM inbound WHERE platform = 'telegram' GROUP BY update_key")
        stored = {int(k) for k, n in counts}
        if any(n != 1 for k, n in counts):
            fail("an update is stored more than once")
        if stored != all_sent:
            fail(f"stored updates != sent updates: missing {sorted(all_sent - stored)[:10]}, extra {sorted(stored - all_sent)[:10]}")
        # A join (SQLite indexes it on the fly; no index covers orders by source message).
        no_order = db_rows(db, "SELECT COUNT(*) FROM inbound i LEFT JOIN orders o ON o.platform = i.platform AND "
                               "o.chat_id = i.chat_id AND o.source_message_id = i.message_id WHERE o.id IS NULL")[0][0]
        dup_orders = db_rows(db, "SELECT COUNT(*) FROM (SELECT 1 FROM orders GROUP BY platform, chat_id, source_message_id "
                                 "HAVING COUNT(*) > 1)")[0][0]
        n_orders = db_rows(db, "SELECT COUNT(*) FROM orders")[0][0]
        if no_order or dup_orders or n_orders != len(stored):
            fail(f"orders: {n_orders} for {len(stored)} updates, {no_order} updates without, {dup_orders} duplicated")
        else:
            log(f"{len(stored)} updates stored once each, each with one order")
        # The batched index of messages (migration 10) survived the kills exactly: an entry for
        # every inbound row up to its `upto` and none for a row above it or for no row.
        upto = db_rows(db, "SELECT upto FROM batched_indexes WHERE name = 'message_rows'")[0][0]
        unindexed = db_rows(db, "SELECT COUNT(*) FROM inbound i WHERE i.id <= ? AND NOT EXISTS (SELECT 1 FROM "
                                "message_rows m WHERE m.platform = i.platform AND m.chat_id = i.chat_id AND "
                                "m.message_id = i.message_id AND m.inbound_id = i.id)", (upto,))[0][0]
        stray = db_rows(db, "SELECT COUNT(*) FROM message_rows m WHERE m.inbound_id > ? OR NOT EXISTS (SELECT 1 FROM "
                            "inbound i WHERE i.id = m.inbound_id AND i.platform = m.platform AND i.chat_id = m.chat_id "
                            "AND i.message_id = m.message_id)", (upto,))[0][0]
        if upto == 0 or unindexed or stray:
            fail(f"message_rows after the kills: upto {upto}, {unindexed} rows missing, {stray} stray entries")
        log(f"message_rows covers the {upto} oldest inbound rows exactly")

        # Every reply, including those pending at the kills, reaches the Bot API.
        deadline = time.time() + 60
        while time.time() < deadline:
            pending = db_rows(db, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][0]
            if pending == 0:
                break
            time.sleep(0.5)
        states = dict(db_rows(db, "SELECT state, COUNT(*) FROM outbox GROUP BY state"))
        log(f"outbox after restart: {states}")
        if states.get("pending"):
            fail(f"{states['pending']} outbox rows still pending 60 s after the restart")
        if states.get("failed"):
            fail(f"{states['failed']} outbox rows failed")
        receipts = sink_receipts(sink_log)
        rows = db_rows(db, "SELECT chat_id, reply_to FROM outbox WHERE platform = 'telegram'")
        missing = [r for r in rows if (r[0], r[1]) not in receipts]
        if len(rows) != len(stored):
            fail(f"{len(rows)} replies for {len(stored)} orders")
        if missing:
            fail(f"{len(missing)} replies never reached the Bot API, e.g. {missing[:5]}")
        twice = sum(n - 1 for n in receipts.values() if n > 1)
        log(f"Bot API received {sum(receipts.values())} sends for {len(rows)} replies; {twice} sent twice "
            f"(allowed up to {MAX_UNRECORDED_SENDS_PER_KILL} per kill)")
        if twice > MAX_UNRECORDED_SENDS_PER_KILL * kills:
            fail(f"{twice} replies sent twice, more than {MAX_UNRECORDED_SENDS_PER_KILL} per kill")

        rc = server.kill(signal.SIGTERM)
        server = None
        if rc != 0:
            fail(f"server exit status {rc} after SIGTERM")
        integrity(db, "at the end")
    finally:
        if server is not None and server.proc.poll() is None:
            server.proc.kill()
        sink.terminate()
        sink.wait()
        if failures or a.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"{'FAILED' if failures else 'PASSED'} in {time.time() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
