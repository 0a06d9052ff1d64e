"""Reads a home timeline with Mastodon.py until a status with a given ActivityPub id appears.

Registers an app on ``--base`` and logs in with the password grant. With ``--follow ACCT``
it first resolves that account (``search_v2`` with ``resolve=True``), follows it, waits until
the follow is accepted and prints the line ``following``. Then it polls ``timeline_home()``
for up to ``--timeout`` seconds for the status whose ``uri`` is ``--uri``, or a boost of it.
Prints ONE JSON object on the last stdout line: ``{"ok": true, "status": {...}}`` with the
fields a reader sees (content, spoiler_text, url, uri, account acct; for a boost also
``reblogged_by`` and ``reblogger_is_group``), or ``{"ok": false, "error": ...}`` and exits 1.
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
    parser.add_argument("--follow")
    args = parser.parse_args()
    try:
        client_id, client_secret = Mastodon.create_app(
            "Trellis home timeline reader (Mastodon.py)", api_base_url=args.base)
        api = Mastodon(client_id=client_id, client_secret=client_secret,
                       api_base_url=args.base, request_timeout=15)
        api.log_in(args.login, args.password, allow_http=True)
        if args.follow:
            follow(api, args.follow, args.timeout)
            print("following", flush=True)
        deadline = time.monotonic() + args.timeout
        while True:
            found = [s for s in api.timeline_home(limit=40) if shows(s, args.uri)]
            if found:
                entry = found[0]
                status = entry["reblog"] or entry
                seen = {
                    "content": status["content"],
                    "spoiler_text": status["spoiler_text"],
                    "url": status["url"],
                    "uri": status["uri"],
                    "acct": status["account"]["acct"],
                }
                if entry["reblog"]:
                    seen["reblogged_by"] = entry["account"]["acct"]
                    seen["reblogger_is_group"] = entry["account"]["group"]
                print(json.dumps({"ok": True, "status": seen}), flush=True)
                return 0
            if time.monotonic() > deadline:
                raise TimeoutError(f"no status {args.uri} in the home timeline")
            time.sleep(0.3)
    except Exception as error:  # reported as JSON for the test to show
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}),
              flush=True)
        return 1


def shows(entry, uri):
    """Whether a home timeline entry is the status ``uri`` or a boost of it."""
    return entry["uri"] == uri or bool(entry["reblog"] and entry["reblog"]["uri"] == uri)


def follow(api, acct, timeout):
    """Resolves ``acct`` on the server, follows it and waits until the follow is accepted."""
    found = api.search_v2(acct, resolve=True, result_type="accounts")["accounts"]
    if not found:
        raise LookupError(f"{acct} could not be resolved")
    account = found[0]
    api.account_follow(account["id"])
    deadline = time.monotonic() + timeout
    while not api.account_relationships(account["id"])[0]["following"]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the follow of {acct} was not accepted")
        time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
