"""Shows and dismisses an announcement with Mastodon.py, as an app's announcement banner does.

Registers an app on ``--base``, logs in with the password grant, lists ``announcements()``,
dismisses the one whose id is ``--id`` with ``announcement_dismiss``, and lists them again.
Prints ONE JSON object on the last stdout line: ``{"ok": true, "before": [ids], "content":
HTML of the dismissed one, "after": [ids]}``, or ``{"ok": false, "error": ...}`` and exits 1.
"""

import argparse
import json
import sys

from mastodon import Mastodon


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--id", required=True)
    args = parser.parse_args()
    try:
        client_id, client_secret = Mastodon.create_app(
            "Trellis announcements (Mastodon.py)", api_base_url=args.base)
        api = Mastodon(client_id=client_id, client_secret=client_secret,
                       api_base_url=args.base, request_timeout=15)
        api.log_in(args.login, args.password, allow_http=True,
                   scopes=["read", "write"])
        before = api.announcements()
        shown = [a for a in before if str(a["id"]) == args.id]
        if not shown:
            raise LookupError(f"no announcement {args.id} among {[a['id'] for a in before]}")
        api.announcement_dismiss(shown[0])
        after = api.announcements()
        print(json.dumps({
            "ok": True,
            "before": [str(a["id"]) for a in before],
            "content": shown[0]["content"],
            "after": [str(a["id"]) for a in after],
        }), flush=True)
        return 0
    except Exception as error:  # reported as JSON for the test to show
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}),
              flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
