// An OpenID provider for the Trellis single sign-on tests: panva's oidc-provider with one
// confidential client and a minimal sign-in form of its own.
//
//   node server.mjs --port PORT --issuer URL --client-id ID --client-secret SECRET \
//     --redirect-uri URI --accounts FILE
//
// FILE is JSON: { "LOGIN": { "password": "...", "claims": { "sub": "...", ... } }, ... }.
// It is read on every request, so a test can change a person's claims (or their sub)
// between sign-ins. Every start signs with a freshly generated RSA key under a new key id,
// so restarting the provider rotates its signing key. Prints `READY ISSUER` when listening.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import Provider from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    issuer: { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string" },
    accounts: { type: "string" },
  },
});
for (const name of ["port", "issuer", "client-id", "client-secret", "redirect-uri", "accounts"]) {
  if (!args[name]) {
    console.error(`missing --${name}`);
    process.exit(2);
  }
}

const accounts = () => JSON.parse(readFileSync(args.accounts, "utf8"));
const bySub = (sub) => Object.values(accounts()).find((a) => a.claims.sub === sub);

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" };

const provider = new Provider(args.issuer, {
  clients: [
    {
      client_id: args["client-id"],
      client_secret: args["client-secret"],
      redirect_uris: [args["redirect-uri"]],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username", "department", "groups"],
  },
  // Scope claims go into the ID token itself, as Entra ID, Okta and Keycloak do.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = bySub(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ ...bySub(sub)?.claims, sub }) };
  },
  // The client is first-party: consent is given at once.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const uid = details.uid;
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>Sign in</title>
<form method="post" action="/interaction/${escape(uid)}/login">
<input name="login"><input name="password" type="password"><button>Sign in</button>
</form>`);
    return;
  }
  const form = await readForm(req);
  const account = accounts()[form.get("login") ?? ""];
  if (!account || account.password !== form.get("password")) {
    res.writeHead(401, { "content-type": "text/plain" });
    res.end("wrong login or password");
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.claims.sub } },
    { mergeWithLastSubmission: false },
  );
}

const callback = provider.callback();
createServer((req, res) => {
  if (req.url.startsWith("/interaction/")) {
    interaction(req, res).catch((error) => {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(String(error));
    });
  } else {
    callback(req, res);
  }
}).listen(Number(args.port), "127.0.0.1", () => {
  console.log(`READY ${args.issuer}`);
});
