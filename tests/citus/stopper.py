#!/usr/bin/env python3
"""stopper.py POSTMASTER_PID OUT SECONDS: SIGSTOP every client backend of
that postmaster once it is past authentication (idle or running), for
SECONDS, writing each pid to OUT (OUT.ready once it watches): a worker that hangs after it connected.
Polls the postmaster's children in a tight loop: a Citus run_command
connection lives for a few milliseconds."""
import os
import re
import signal
import sys
import time

pm, out_path, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + secs
seen = set()
status = re.compile(r"\(\d+\) ([^\s\0]+)")
children = f"/proc/{pm}/task/{pm}/children"
with open(out_path, "a") as out:
    open(out_path + ".ready", "w").close()
    while time.time() < end:
        with open(children) as f:
            kids = f.read().split()
        for p in kids:
            if p in seen:
                continue
            try:
                with open(f"/proc/{p}/cmdline") as f:
                    title = f.read()
            except OSError:
                continue
            m = status.search(title)
            if not m or m.group(1) in ("authentication", "startup"):
                continue
            os.kill(int(p), signal.SIGSTOP)
            seen.add(p)
            out.write(p + "\n")
            out.flush()
        time.sleep(0.0003)
