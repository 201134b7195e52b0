#!/usr/bin/env python3
"""Storage-failure test: when the database cannot grow, nothing is acknowledged that is not
stored, and the server recovers once it can write again (see docs/durability.md).

    python3 tests/crash/diskfull.py --binary build-load/supplybot

Without root or a small filesystem: the server runs with RLIMIT_FSIZE = 1 MiB (and SIGXFSZ
ignored), so any write that would grow a file past 1 MiB fails with EFBIG, which SQLite reports
as "database or disk is full". Its output goes through a pipe (pipes are not limited). Steps:
  1. drive order updates until at least 200 have been refused (the WAL hit the limit);
     every answer must be 2xx or 503 (storage failure, retry), never 500 or another code;
  2. every acknowledged update is stored, and the database is intact;
  3. lift the limit (prlimit on the running process): new updates are acknowledged again;
  4. redeliver every unacknowledged update: all 2xx; then every update is stored exactly once
     with one order; SIGTERM exits 0; integrity_check ok.
Exits 0 when all hold, 1 otherwise. Uses only 127.0.0.1 and a temp dir; about 20 s.
"""
import argparse
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill9  # noqa: E402  (shares the update bodies, the load driver and the checks)

LIMIT = 1 << 20
failures = kill9.failures
fail, log = kill9.fail, kill9.log


class LimitedServer(kill9.Server):
    """kill9.Server, with a file-size limit and its output read through a pipe."""

    def __init__(self, binary, db, api_port, logfile):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLYBOT_")}
        env.update({
            "SUPPLYBOT_SERVER_LISTEN": "127.0.0.1:0", "SUPPLYBOT_SERVER_THREADS": "2",
            "SUPPLYBOT_STORAGE_PATH": db, "SUPPLYBOT_STORAGE_SYNCHRONOUS": "FULL",
            "SUPPLYBOT_TELEGRAM_BOT_TOKEN": "123456:FULL", "SUPPLYBOT_TELEGRAM_SECRET_TOKEN": kill9.SECRET,
            "SUPPLYBOT_TELEGRAM_API_ROOT": f"http://127.0.0.1:{api_port}",
            "SUPPLYBOT_BOT_CATALOG": os.path.join(kill9.REPO, "config", "catalog.toml"),
            # As in kill9: every 2xx must be a stored update, so the inbound limits stay out of the way.
            "SUPPLYBOT_LIMITS_SENDER_PER_MINUTE": "100000", "SUPPLYBOT_LIMITS_SENDER_BURST": "100000",
            "SUPPLYBOT_LIMITS_CHAT_PER_MINUTE": "1000000", "SUPPLYBOT_LIMITS_CHAT_BURST": "1000000",
        })

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))

        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=kill9.REPO, preexec_fn=limit)
        self.port = None
        found = threading.Event()

        def copy():
            with open(logfile, "wb") as out:
                for line in self.proc.stdout:
                    out.write(line)
                    if self.port is None:
                        m = re.search(rb"event=listening .*?port=(\d+)", line)
                        if m:
                            self.port = int(m.group(1))
                            found.set()

        threading.Thread(target=copy, daemon=True).start()
        if not found.wait(30):
            raise SystemExit("the server did not start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="supplybot-diskfull.")
    db = os.path.join(tmp, "full.db")
    closed_port = 9  # discard: nothing listens there; replies stay pending, which is fine here
    server = LimitedServer(os.path.realpath(a.binary), db, closed_port, os.path.join(tmp, "server.log"))
    try:
        load = kill9.Load(server, first_id=7_000_000_000, workers=8)
        load.start()
        deadline = time.time() + 40
        while time.time() < deadline and sum(load.other.values()) < 200:
            time.sleep(0.2)
        refused = dict(load.other)
        acked_full = set(load.acked)
        log(f"with the limit: {len(acked_full)} acknowledged, refused {refused}")
        if sum(refused.values()) < 200:
            fail("the database never filled up (no refusals in 40 s)")
        if set(refused) - {503}:
            fail(f"answers other than 2xx and 503 while full: {refused}")
        stored = {int(k) for (k,) in kill9.db_rows(db, "SELECT update_key FROM inbound")}
        if acked_full - stored:
            fail(f"{len(acked_full - stored)} acknowledged updates not stored")
        kill9.integrity(db, "while full")

        resource.prlimit(server.proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        before = len(load.acked)
        time.sleep(3)
        load.stop = True
        load.join()
        recovered = len(load.acked) - before
        log(f"limit lifted: {recovered} more acknowledged in 3 s")
        if recovered < 50:
            fail(f"only {recovered} updates acknowledged after the limit was lifted")

        conn, bad = server.conn(), {}
        for uid in sorted(load.sent - load.acked):
            status = kill9.post(conn, uid)
            if not 200 <= status < 300:
                bad[status] = bad.get(status, 0) + 1
        if bad:
            fail(f"redelivery answers: {bad}")
        counts = kill9.db_rows(db, "SELECT update_key, COUNT(*) FROM inbound GROUP BY update_key")
        stored = {int(k) for k, n in counts}
        n_orders = kill9.db_rows(db, "SELECT COUNT(*) FROM orders")[0][0]
        if stored != load.sent or any(n != 1 for _, n in counts) or n_orders != len(stored):
            fail(f"after redelivery: {len(stored)} stored of {len(load.sent)} sent, {n_orders} orders")
        else:
            log(f"redelivered {len(load.sent - load.acked)}: all {len(stored)} updates stored once, one order each")
        rc = server.kill(signal.SIGTERM)
        if rc != 0:
            fail(f"server exit status {rc} after SIGTERM")
        kill9.integrity(db, "at the end")
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        if failures or a.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"{'FAILED' if failures else 'PASSED'} in {time.time() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
