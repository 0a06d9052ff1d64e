"""Runs scim2-tester's checks against a Trellis instance's SCIM endpoint.

Usage: check.py --url https://host/scim/v2 --token TOKEN

Prints one JSON object on its last stdout line: `"ok": true` once the checks have run, every
check with its title, status and reason, and the counts by status. Exits 0 once the checks
have run, whatever they found (the caller judges them).
"""

import argparse
import json
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()

    http = Client(
        base_url=args.url,
        headers={"Authorization": f"Bearer {args.token}"},
        timeout=30,
    )
    client = SyncSCIMClient(http)
    results = check_server(client)
    checks = [
        {
            "title": result.title,
            "status": result.status.name,
            "reason": result.reason,
            "resource_type": result.resource_type,
        }
        for result in results
    ]
    counts = {}
    for check in checks:
        counts[check["status"]] = counts.get(check["status"], 0) + 1
    print(json.dumps({"ok": True, "checks": checks, "counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
