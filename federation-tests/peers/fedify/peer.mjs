// Trellis federation test peer built on Fedify (https://fedify.dev/).
//
// One actor, `fedi`, with everything kept in memory for the lifetime of the
// process, plus a small JSON control API under /control/ through which the
// Trellis federation harness drives it.  See README.md.
//
// Usage: node peer.mjs --port 39001      (or PEER_PORT=39001 node peer.mjs)

import "./navigator-shim.mjs"; // must come before any Fedify import
import { AsyncLocalStorage } from "node:async_hooks";
import { Console } from "node:console";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Temporal } from "@js-temporal/polyfill";
import { configure, getConsoleSink } from "@logtape/logtape";
import {
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
} from "@fedify/fedify";
import {
  Accept, Activity, Announce, Create, Delete, Endpoints, Follow, getTypeId,
  isActor, Like, Note, Person, PUBLIC_COLLECTION, Reject, Undo, Update,
} from "@fedify/vocab";

// ---------------------------------------------------------------- settings

const portArg = process.argv.findIndex((a) => a === "--port");
const port = Number(portArg >= 0 ? process.argv[portArg + 1] : process.env.PEER_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: node peer.mjs --port N   (or set PEER_PORT)");
  process.exit(2);
}
const origin = `http://localhost:${port}`;
const HANDLE = "fedi";

// Fedify logs through LogTape; send it to stderr so stdout only carries READY.
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: getConsoleSink({ console: new Console(process.stderr) }) },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: process.env.PEER_LOG_LEVEL ?? "warning" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
});

// ------------------------------------------------------------------- state

// RSA for HTTP signatures (draft-cavage and RFC 9421) and LD signatures,
// Ed25519 for FEP-8b32 proofs.  Fedify's generateCryptoKeyPair() makes 4096-bit
// RSA keys, which take seconds; 2048 bits (Mastodon's size) is plenty here.
const keyPairs = await Promise.all([
  crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  ),
  generateCryptoKeyPair("Ed25519"),
]);
const received = [];             // every inbox activity, in arrival order
const followers = new Map();     // actor id -> { id, inboxId, endpoints }
const followerByFollow = new Map(); // Follow id -> actor id, to match Undo
const following = new Map();     // actor id -> { id, follow, accepted }
const notes = new Map();         // uuid -> Note we published
const follows = new Map();       // uuid -> Follow we sent

// -------------------------------------------------------------- federation

const federation = createFederation({
  kv: new MemoryKvStore(),
  // Only outgoing deliveries are queued (and retried).  Incoming activities are
  // processed before the inbox answers, so a 2xx to the sender means the
  // activity is already visible in GET /control/inbox.
  queue: { outbox: new InProcessMessageQueue() },
  origin,
  allowPrivateAddress: true, // everything lives on localhost
  circuitBreaker: false,
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== HANDLE) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify test peer",
      summary: "Fedify peer for the Trellis federation tests",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      publicKey: keys[0].cryptographicKey, // the RSA key, as publicKeyPem
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === HANDLE ? keyPairs : []))
  .mapHandle((_ctx, username) => (username === HANDLE ? HANDLE : null));

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
  identifier === HANDLE ? { items: [...followers.values()] } : null);
federation.setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) =>
  identifier === HANDLE
    ? { items: [...following.values()].filter((f) => f.accepted).map((f) => new URL(f.id)) }
    : null);
federation.setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) =>
  identifier === HANDLE ? { items: [] } : null);

// Objects we create are dereferenceable at their ids.
federation.setObjectDispatcher(Note, "/notes/{id}", (_ctx, { id }) => notes.get(id) ?? null);
federation.setObjectDispatcher(Follow, "/follows/{id}", (_ctx, { id }) => follows.get(id) ?? null);

// Record an incoming activity.  `json` is the document as received (Fedify
// keeps it cached until the object is modified or re-fetched), minus any LD
// `signature`, which Fedify detaches once verified.
async function record(activity) {
  const entry = {
    type: typeName(activity),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId ? { id: activity.objectId.href } : null,
    json: await activity.toJsonLd(),
  };
  received.push(entry);
  return entry;
}

const recordOnly = async (_ctx, activity) => { await record(activity); };

const typeName = (obj) => getTypeId(obj)?.href.replace(/^.*[#/]/, "") ?? null;

// Fill in id/type/content/inReplyTo of a Create/Update object, as Fedify
// understood it.  Fedify re-fetches embedded objects from another origin.
async function describeObject(ctx, activity, entry) {
  try {
    const obj = await activity.getObject(ctx);
    if (obj == null) return;
    entry.object = {
      id: obj.id?.href ?? null,
      type: typeName(obj),
      content: obj.content == null ? null : String(obj.content),
      inReplyTo: obj.replyTargetId?.href ?? null,
    };
  } catch (error) {
    entry.object = { ...entry.object, error: String(error) };
  }
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(follow);
    const target = ctx.parseUri(follow.objectId);
    if (target?.type !== "actor" || target.identifier !== HANDLE) return;
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follower.id == null) return;
    // Keep only what delivery needs, so the followers collection lists ids.
    followers.set(follower.id.href, {
      id: follower.id,
      inboxId: follower.inboxId,
      endpoints: follower.endpoints,
    });
    if (follow.id) followerByFollow.set(follow.id.href, follower.id.href);
    // Embed a bare copy of the Follow (ids only), as Mastodon does; `follow`
    // itself now embeds the fetched follower and would be sent in full.
    const accept = new Accept({
      id: new URL(`#accepts/${randomUUID()}`, ctx.getActorUri(HANDLE)),
      actor: ctx.getActorUri(HANDLE),
      object: new Follow({ id: follow.id, actor: follower.id, object: follow.objectId }),
    });
    await ctx.sendActivity({ identifier: HANDLE }, follower, accept);
  })
  .on(Undo, async (ctx, undo) => {
    await record(undo);
    // Undo(Follow): the object may be embedded or just the Follow's id.
    const followId = undo.objectId?.href;
    const embedded = await undo.getObject(ctx).catch(() => null);
    const undoesFollow = embedded instanceof Follow || followerByFollow.has(followId);
    if (undoesFollow && undo.actorId) followers.delete(undo.actorId.href);
  })
  .on(Accept, async (ctx, accept) => {
    await record(accept);
    // Match on the Follow id, or failing that on the accepting actor.
    const entry = [...following.values()].find((f) => f.follow.id.href === accept.objectId?.href)
      ?? following.get(accept.actorId?.href);
    if (entry) entry.accepted = true;
  })
  .on(Reject, async (ctx, reject) => {
    await record(reject);
    if (reject.actorId) following.delete(reject.actorId.href);
  })
  .on(Create, async (ctx, create) => describeObject(ctx, create, await record(create)))
  .on(Update, async (ctx, update) => describeObject(ctx, update, await record(update)))
  .on(Delete, recordOnly)
  .on(Like, recordOnly)
  .on(Announce, recordOnly)
  .on(Activity, recordOnly) // any other type (Fedify picks the most specific listener)
  .onError((_ctx, error) => console.error("inbox listener error:", error));

// ------------------------------------------------------------- control API

const control = {
  "GET /control/inbox": () => received,
  "GET /control/followers": () => [...followers.keys()],
  "GET /control/following": () =>
    [...following.values()].map(({ id, accepted }) => ({ id, accepted })),

  // A plain GET of any URL with Node's fetch (and its trust store: NODE_EXTRA_CA_CERTS),
  // to check that the peer can reach a server at all.
  "POST /control/fetch": async (_ctx, body) => {
    if (typeof body.url !== "string") throw new HttpError(400, "url must be a URL string");
    const response = await fetch(body.url);
    return { status: response.status };
  },

  // Follow a remote actor, given its URL.
  "POST /control/follow": async (ctx, body) => {
    const actor = await lookupActor(ctx, body.actor);
    const uuid = randomUUID();
    const follow = new Follow({
      id: ctx.getObjectUri(Follow, { id: uuid }),
      actor: ctx.getActorUri(HANDLE),
      object: actor.id,
    });
    follows.set(uuid, follow);
    following.set(actor.id.href, { id: actor.id.href, follow, accepted: false });
    await ctx.sendActivity({ identifier: HANDLE }, actor, follow, { immediate: true });
    return { id: follow.id.href };
  },

  // Undo an earlier follow of a remote actor.
  "POST /control/unfollow": async (ctx, body) => {
    const actor = await lookupActor(ctx, body.actor);
    const entry = following.get(actor.id.href);
    if (!entry) throw new HttpError(404, `not following ${actor.id.href}`);
    const undo = new Undo({
      id: new URL(`#undo/${randomUUID()}`, entry.follow.id),
      actor: ctx.getActorUri(HANDLE),
      object: entry.follow,
    });
    following.delete(actor.id.href);
    await ctx.sendActivity({ identifier: HANDLE }, actor, undo, { immediate: true });
    return { id: undo.id.href };
  },

  // Publish a public Note and deliver Create to all followers before answering.
  "POST /control/post": async (ctx, body) => {
    if (typeof body.content !== "string") throw new HttpError(400, "content must be a string");
    const uuid = randomUUID();
    const note = new Note({
      id: ctx.getObjectUri(Note, { id: uuid }),
      attribution: ctx.getActorUri(HANDLE),
      to: PUBLIC_COLLECTION,
      cc: ctx.getFollowersUri(HANDLE),
      content: body.content,
      published: Temporal.Now.instant(),
      url: ctx.getObjectUri(Note, { id: uuid }),
    });
    notes.set(uuid, note);
    const create = new Create({
      id: new URL("#create", note.id),
      actor: note.attributionId,
      to: PUBLIC_COLLECTION,
      cc: ctx.getFollowersUri(HANDLE),
      object: note,
      published: note.published,
    });
    await ctx.sendActivity({ identifier: HANDLE }, "followers", create, {
      preferSharedInbox: true,
      immediate: true,
    });
    return { id: note.id.href };
  },
};

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function lookupActor(ctx, url) {
  if (typeof url !== "string") throw new HttpError(400, "actor must be a URL string");
  const actor = await ctx.lookupObject(url);
  if (!isActor(actor) || actor.id == null) throw new HttpError(404, `no actor at ${url}`);
  return actor;
}

// ------------------------------------------------------------- HTTP server

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const json = (res, status, value) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${req.headers.host ?? `localhost:${port}`}`);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);

    const handler = control[`${req.method} ${url.pathname}`];
    if (handler) {
      const ctx = federation.createContext(new URL(origin), undefined);
      const input = body?.length ? JSON.parse(body.toString("utf8")) : {};
      return json(res, 200, await handler(ctx, input));
    }

    // Everything else (actor, inboxes, collections, objects, WebFinger,
    // NodeInfo) is Fedify's.  Keep the Host header as sent: signatures cover it.
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of [value].flat()) if (v != null) headers.append(name, v);
    }
    const response = await federation.fetch(
      new Request(url, { method: req.method, headers, body }),
      { contextData: undefined },
    );
    res.writeHead(response.status, [...response.headers].flat());
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    const status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 502;
    if (!res.headersSent) json(res, status, { error: String(error?.message ?? error) });
    else res.end();
  }
});

server.listen(port, "127.0.0.1", () => console.log(`READY ${origin}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
