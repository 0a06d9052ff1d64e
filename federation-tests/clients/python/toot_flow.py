"""Drives Trellis's Mastodon client API with the toot command-line client.

With its configuration in a fresh temporary folder (``XDG_CONFIG_HOME``) it runs
``toot login_cli -i URL -e EMAIL -p PASSWORD``, ``toot whoami --json``, ``toot post TEXT`` and
``toot timeline --once``, and checks that the posted text shows in the home timeline.

Output: progress lines, then ONE JSON object on the last stdout line: ``"ok": true`` and what
was observed, or ``"ok": false`` with the command that failed and its output (exit code 1).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

observed = {}


def emit(line):
    print(line, flush=True)


def fail(step, error, **details):
    emit(json.dumps({"ok": False, "failed_step": step, "error": error, **details,
                     "observed": observed}))
    sys.exit(1)


def toot(env, *args):
    """Runs one toot command; returns its stdout, or fails the flow with its output."""
    # --debug logs each request's method, URL and response status (never bodies) to stderr.
    command = [str(Path(sys.executable).with_name("toot")), "--debug", *args]
    printable = " ".join("***" if i > 0 and args[i - 1] == "-p" else a for i, a in enumerate(args))
    emit(f"STEP toot {printable}")
    try:
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        fail(f"toot {printable}", "timed out after 60 s")
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if " <-- " in line][-2:] + lines[-1:]
        fail(f"toot {printable}", f"exit code {done.returncode}: {' | '.join(errors)}",
             stdout=done.stdout[-2000:], stderr=done.stderr[-2000:])
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="base URL of the instance")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--text", required=True, help="text to post; a unique word in it is best")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="toot-config-") as config:
        env = {**os.environ, "XDG_CONFIG_HOME": config, "NO_COLOR": "1", "COLUMNS": "200"}

        out = toot(env, "login_cli", "-i", args.url, "-e", args.email, "-p", args.password)
        observed["login"] = out.strip().splitlines()[:1]

        out = toot(env, "whoami", "--json")
        try:
            me = json.loads(out)
        except ValueError:
            fail("toot whoami --json", "not JSON", stdout=out[-2000:])
        observed["whoami"] = {"username": me.get("username"), "acct": me.get("acct")}

        out = toot(env, "post", args.text)
        posted = [line for line in out.splitlines() if line.startswith("Toot posted:")]
        if not posted:
            fail("toot post", "no 'Toot posted:' line", stdout=out[-2000:])
        observed["posted_url"] = posted[0].removeprefix("Toot posted:").strip()

        out = toot(env, "--max-width", "200", "timeline", "--once")
        text_lines = [line.rstrip() for line in out.splitlines()
                      if line.strip() and not line.startswith("\u2500")]
        observed["timeline_excerpt"] = text_lines[:20]
        if args.text not in out:
            fail("toot timeline --once", "the posted text is not in the home timeline",
                 stdout=out[-2000:])
        observed["timeline_contains_post"] = True

    emit(json.dumps({"ok": True, **observed}))


if __name__ == "__main__":
    main()
