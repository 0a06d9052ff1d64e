"""Drives Trellis's Mastodon client API with Mastodon.py, the way a bot or script would.

On instance A (``--alpha``) it registers an app, logs in with the password grant, posts,
replies, finds ``--target`` (an account on another instance) with a resolving search and
follows it. It then prints ``FOLLOWED`` and waits for a status containing ``--marker`` in
the home timeline, favourites and boosts it, and finally reads the thread of its own post.

Output: progress lines, then ONE JSON object on the last stdout line. On success it has
``"ok": true`` and what was observed; on failure ``"ok": false``, the step that failed and
the error, and the script exits 1.
"""

import argparse
import json
import sys
import time
import traceback

import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError


class StepFailed(Exception):
    pass


observed = {}
# The last few HTTP exchanges, for failure reports: Mastodon.py does not always say which
# request failed (create_app, for one, only raises a KeyError on an error body).
exchanges = []


def record(response, *args, **kwargs):
    request = response.request
    exchanges.append(f"{request.method} {request.path_url} -> {response.status_code} "
                     f"{response.text[:300]}")
    del exchanges[:-3]


session = requests.Session()
session.hooks["response"].append(record)


def emit(line):
    print(line, flush=True)


def check(condition, message):
    if not condition:
        raise StepFailed(message)


def describe(error):
    """A one-line description; Mastodon.py's API errors carry the HTTP status and body."""
    if isinstance(error, MastodonAPIError) and len(error.args) >= 4:
        return f"HTTP {error.args[1]} {error.args[2]}: {error.args[3]}"
    return f"{type(error).__name__}: {error}"


def step(name, action):
    emit(f"STEP {name}")
    try:
        return action()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        traceback.print_exc(limit=-6, file=sys.stderr)
        emit(json.dumps({"ok": False, "failed_step": name, "error": describe(error),
                         "last_http": exchanges, "observed": observed}))
        sys.exit(1)


def status_summary(status):
    return {
        "id": str(status["id"]),
        "uri": status.get("uri"),
        "url": status.get("url"),
        "content": status.get("content"),
        "visibility": status.get("visibility"),
        "in_reply_to_id": None if status.get("in_reply_to_id") is None
        else str(status["in_reply_to_id"]),
        "account": status["account"]["acct"],
        "favourited": status.get("favourited"),
        "reblogged": status.get("reblogged"),
        "reblog_of": None if status.get("reblog") is None else str(status["reblog"]["id"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alpha", required=True, help="base URL of the instance to log in to")
    parser.add_argument("--login", required=True, help="e-mail address (or username) to log in with")
    parser.add_argument("--password", required=True)
    parser.add_argument("--target", required=True, help="handle to follow, user@host:port")
    parser.add_argument("--marker", required=True, help="text of the followed account's post")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds to wait for the marked post in the home timeline")
    args = parser.parse_args()

    client_id, client_secret = step("create_app", lambda: Mastodon.create_app(
        "Trellis client test (Mastodon.py)", api_base_url=args.alpha, session=session))
    step("create_app returned credentials",
         lambda: check(client_id and client_secret, "empty client_id or client_secret"))
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=args.alpha,
                   request_timeout=15, session=session)
    token = step("log_in (password grant)",
                 lambda: api.log_in(args.login, args.password, allow_http=True))
    observed["token_length"] = len(token)

    me = step("account_verify_credentials", api.account_verify_credentials)
    observed["me"] = {"id": str(me["id"]), "username": me["username"], "acct": me["acct"]}

    post = step("status_post", lambda: api.status_post(
        "Hello from Mastodon.py", visibility="public"))
    observed["post"] = status_summary(post)

    reply = step("status_post (reply)", lambda: api.status_post(
        "And a reply from Mastodon.py", in_reply_to_id=post["id"]))
    observed["reply"] = status_summary(reply)
    step("reply points at its parent", lambda: check(
        str(reply["in_reply_to_id"]) == str(post["id"]),
        f"in_reply_to_id is {reply['in_reply_to_id']!r}, expected {post['id']!r}"))

    query = "@" + args.target.lstrip("@")
    found = step("search_v2 (resolve)", lambda: api.search_v2(query, resolve=True))
    accounts = found.get("accounts") or []
    observed["search_accounts"] = [a["acct"] for a in accounts]
    target = step("search found the account", lambda: next(
        a for a in accounts if a["acct"].lower() == args.target.lstrip("@").lower()))
    observed["target"] = {"id": str(target["id"]), "acct": target["acct"], "url": target.get("url")}

    relationship = step("account_follow", lambda: api.account_follow(target["id"]))
    observed["follow"] = {"following": relationship.get("following"),
                          "requested": relationship.get("requested")}
    emit("FOLLOWED")

    def find_marked():
        deadline = time.monotonic() + args.timeout
        seen = []
        while time.monotonic() < deadline:
            timeline = api.timeline_home()
            seen = [s["account"]["acct"] for s in timeline]
            for status in timeline:
                if args.marker in (status.get("content") or "") and \
                        status["account"]["acct"].lower() == target["acct"].lower():
                    return status
            time.sleep(0.25)
        raise StepFailed(f"no status containing {args.marker!r} by {target['acct']} in the home "
                         f"timeline after {args.timeout} s (authors seen: {seen})")

    marked = step("timeline_home shows the followed account's post", find_marked)
    observed["received"] = status_summary(marked)

    favourited = step("status_favourite", lambda: api.status_favourite(marked["id"]))
    observed["favourite"] = status_summary(favourited)
    step("status_favourite marks it favourited", lambda: check(
        favourited.get("favourited") is True, f"favourited is {favourited.get('favourited')!r}"))

    reblog = step("status_reblog", lambda: api.status_reblog(marked["id"]))
    observed["reblog"] = status_summary(reblog)
    step("status_reblog returns the boost", lambda: check(
        reblog.get("reblog") is not None and str(reblog["reblog"]["id"]) == str(marked["id"]),
        f"reblog is {reblog.get('reblog')!r}"))
    step("the boosted status is marked reblogged", lambda: check(
        reblog["reblog"].get("reblogged") is True,
        f"reblog.reblogged is {reblog['reblog'].get('reblogged')!r}"))

    context = step("status_context", lambda: api.status_context(post["id"]))
    observed["context_descendants"] = [str(s["id"]) for s in context["descendants"]]
    step("the reply is in the thread", lambda: check(
        str(reply["id"]) in observed["context_descendants"],
        f"descendants are {observed['context_descendants']}"))

    emit(json.dumps({"ok": True, **observed}))


if __name__ == "__main__":
    main()
