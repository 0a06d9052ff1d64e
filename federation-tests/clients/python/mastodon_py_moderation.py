"""Reports an account with Mastodon.py, then handles the report as a moderator.

Logs in on ``--base`` as the reporter (password grant) and files ``report()`` about
``--account-id`` with ``--status-id``, ``--comment`` and ``forward=True``. Then logs in on
``--moderator-base`` (the same instance, or the reported account's own one when the report is
forwarded) as a moderator with the ``admin:read`` and ``admin:write`` scopes, waits (up to
``--wait`` seconds) until ``admin_reports()`` lists a report with the comment, reads it with
``admin_report()``, resolves it with ``admin_report_resolve()`` and lists
``admin_reports(resolved=True)``. Prints ONE JSON object on the last stdout line: ``{"ok":
true, "filed": id, "seen": {id, comment, target, statuses: [uris]}, "resolved": bool,
"resolved_ids": [ids], "open_after": [ids]}``, or ``{"ok": false, "error": ...}`` and exits 1.
"""

import argparse
import json
import sys
import time

from mastodon import Mastodon


def login(base, username, password, scopes):
    client_id, client_secret = Mastodon.create_app(
        "Trellis moderation (Mastodon.py)", api_base_url=base, scopes=scopes)
    api = Mastodon(client_id=client_id, client_secret=client_secret,
                   api_base_url=base, request_timeout=15)
    api.log_in(username, password, allow_http=True, scopes=scopes)
    return api


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--account-id", required=True)
    parser.add_argument("--status-id", required=True)
    parser.add_argument("--comment", required=True)
    parser.add_argument("--moderator-base", required=True)
    parser.add_argument("--moderator-login", required=True)
    parser.add_argument("--moderator-password", required=True)
    parser.add_argument("--wait", type=float, default=30)
    args = parser.parse_args()
    try:
        reporter = login(args.base, args.login, args.password, ["read", "write"])
        filed = reporter.report(args.account_id, status_ids=[args.status_id],
                                comment=args.comment, forward=True, category="spam")
        moderator = login(args.moderator_base, args.moderator_login,
                          args.moderator_password,
                          ["read", "write", "admin:read", "admin:write"])
        deadline = time.monotonic() + args.wait
        while True:
            found = [r for r in moderator.admin_reports() if r["comment"] == args.comment]
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if not found:
            raise LookupError(f"no report with the comment {args.comment!r}")
        report = moderator.admin_report(found[0]["id"])
        resolved = moderator.admin_report_resolve(report["id"])
        print(json.dumps({
            "ok": True,
            "filed": str(filed["id"]),
            "seen": {
                "id": str(report["id"]),
                "comment": report["comment"],
                "target": report["target_account"]["username"],
                "statuses": [s["uri"] for s in report["statuses"]],
            },
            "resolved": bool(resolved["action_taken"]),
            "resolved_ids": [str(r["id"]) for r in moderator.admin_reports(resolved=True)],
            "open_after": [str(r["id"]) for r in moderator.admin_reports()],
        }), flush=True)
        return 0
    except Exception as error:  # reported as JSON for the test to show
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}),
              flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
