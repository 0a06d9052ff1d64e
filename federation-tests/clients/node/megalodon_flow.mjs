// Drives Trellis's Mastodon client API with megalodon: server detection, app registration,
// the OAuth password grant, then the user stream over WebSocket.
//
//   node megalodon_flow.mjs --url URL --login EMAIL --password PASS --marker TEXT [--timeout S]
//
// Prints progress lines, `READY` once the user stream is connected, and then ONE JSON object on
// the last stdout line: `"ok": true` with the `update` event whose content contains the marker,
// or `"ok": false` with the step that failed and the error (exit code 1).

import { parseArgs } from 'node:util';
import megalodon, { detector } from 'megalodon';

const generator = megalodon.default ?? megalodon;
const observed = {};
let currentStep = 'start';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    login: { type: 'string' },
    password: { type: 'string' },
    marker: { type: 'string' },
    timeout: { type: 'string', default: '20' },
  },
});
for (const name of ['url', 'login', 'password', 'marker']) {
  if (!args[name]) {
    console.error(`megalodon_flow: --${name} is required`);
    process.exit(2);
  }
}

function describe(error) {
  if (error?.response) {
    const body = typeof error.response.data === 'string'
      ? error.response.data
      : JSON.stringify(error.response.data);
    return `HTTP ${error.response.status}: ${String(body).slice(0, 500)}`;
  }
  return `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}`;
}

function fail(error) {
  console.error(error);
  console.log(JSON.stringify({ ok: false, failed_step: currentStep, error: describe(error), observed }));
  process.exit(1);
}

async function step(name, action) {
  currentStep = name;
  console.log(`STEP ${name}`);
  try {
    return await action();
  } catch (error) {
    fail(error);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const url = args.url.replace(/\/+$/, '');

const sns = await step('detector', async () => {
  try {
    return await detector(url);
  } catch (error) {
    // Say what the NodeInfo document held, since the detector only says "Unknown SNS".
    const links = await fetch(`${url}/.well-known/nodeinfo`).then((r) => r.json()).catch(() => null);
    const href = links?.links?.find((l) => /nodeinfo\.diaspora\.software\/ns\/schema\/2\.[01]$/.test(l.rel))?.href;
    const info = href ? await fetch(href).then((r) => r.json()).catch(() => null) : null;
    error.message += ` (nodeinfo software ${JSON.stringify(info?.software)},`
      + ` metadata.upstream ${JSON.stringify(info?.metadata?.upstream)})`;
    throw error;
  }
});
observed.detected = sns;
await step('detector says mastodon', () => check(sns === 'mastodon', `detector returned ${sns}`));

const anonymous = generator('mastodon', url);
const app = await step('createApp', () =>
  anonymous.createApp('Trellis client test (megalodon)', { scopes: ['read', 'write', 'follow'] }));
await step('createApp returned credentials', () =>
  check(app.client_id && app.client_secret, `app is ${JSON.stringify(app)}`));

const token = await step('password grant at /oauth/token', async () => {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: args.login,
      password: args.password,
      scope: 'read write follow',
    }),
  });
  const text = await response.text();
  check(response.ok, `HTTP ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text);
  check(typeof body.access_token === 'string', `no access_token in ${text.slice(0, 500)}`);
  return body.access_token;
});

const client = generator('mastodon', url, token);
const me = await step('verifyAccountCredentials', () => client.verifyAccountCredentials());
observed.me = { id: me.data.id, username: me.data.username, acct: me.data.acct };

observed.streaming_url = await step('streamingURL', () => client.streamingURL());
await step('streaming URL is a WebSocket URL', () =>
  check(/^wss?:\/\//.test(observed.streaming_url ?? ''), `urls.streaming_api is ${observed.streaming_url}`));

const stream = await step('userStreaming', () => client.userStreaming());
currentStep = 'user stream connects';
const timeoutMs = Number(args.timeout) * 1000;

const update = await new Promise((resolve, reject) => {
  let connected = false;
  let timer = setTimeout(() => {
    reject(new Error(`the user stream did not connect within ${args.timeout} s`));
  }, timeoutMs);
  stream.on('connect', () => {
    if (connected) return;
    connected = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reject(new Error(`no update containing ${JSON.stringify(args.marker)} within ${args.timeout} s`
        + ` (${observed.updates ?? 0} other updates)`));
    }, timeoutMs);
    currentStep = 'update event with the marker';
    console.log('READY');
  });
  stream.on('update', (status) => {
    observed.updates = (observed.updates ?? 0) + 1;
    if ((status.content ?? '').includes(args.marker)) {
      clearTimeout(timer);
      resolve(status);
    }
  });
  stream.on('error', (error) => {
    clearTimeout(timer);
    reject(error ?? new Error('WebSocket error'));
  });
  stream.on('parser-error', (error) => {
    clearTimeout(timer);
    reject(new Error(`unparseable stream message: ${error?.message ?? error}`));
  });
  stream.on('close', () => {
    clearTimeout(timer);
    reject(new Error('the server closed the stream'));
  });
}).catch(fail);

stream.stop();
console.log(JSON.stringify({
  ok: true,
  ...observed,
  update: {
    id: update.id,
    uri: update.uri,
    content: update.content,
    account: update.account?.acct,
    visibility: update.visibility,
  },
}));
process.exit(0);
