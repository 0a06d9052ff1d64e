"""Reads a home timeline with Mastodon.py until a status with a given ActivityPub id appears.

Registers an app on ``--base``, logs in with the password grant, then polls
``timeline_home()`` for up to ``--timeout`` seconds for the status whose ``uri`` is
``--uri``. Prints ONE JSON object on the last stdout line: ``{"ok": true, "status": {...}}``
with the fields a reader sees (content, spoiler_text, url, uri, account acct), or
``{"ok": false, "error": ...}`` and exits 1.
"""

import argparse
import json
import sys
import time

from mastodon import Mastodon


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    try:
        client_id, client_secret = Mastodon.create_app(
            "Trellis home timeline reader (Mastodon.py)", api_base_url=args.base)
        api = Mastodon(client_id=client_id, client_secret=client_secret,
                       api_base_url=args.base, request_timeout=15)
        api.log_in(args.login, args.password, allow_http=True)
        deadline = time.monotonic() + args.timeout
        while True:
            found = [s for s in api.timeline_home(limit=40) if s["uri"] == args.uri]
            if found:
                status = found[0]
                print(json.dumps({"ok": True, "status": {
                    "content": status["content"],
                    "spoiler_text": status["spoiler_text"],
                    "url": status["url"],
                    "uri": status["uri"],
                    "acct": status["account"]["acct"],
                }}), flush=True)
                return 0
            if time.monotonic() > deadline:
                raise TimeoutError(f"no status {args.uri} in the home timeline")
            time.sleep(0.3)
    except Exception as error:  # reported as JSON for the test to show
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}),
              flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
