// Run by scripts/contract.sh: a Node program using openapi-fetch with the types
// openapi-typescript generates, against a running server. The integration workflow, with an
// API key as the only credential: a webhook subscription (a receiver on loopback checks each
// signature: the server runs with WEBHOOK_ALLOW_PRIVATE), a lead with Idempotency-Key, the
// client list paged to its end, an edit (a rating written 4.0), the CSV export, a board, a
// card moved, a file up and back byte for byte, a task, and the signed events they caused.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import createClient from 'openapi-fetch';
import type { paths } from './api';

const base = process.argv[2];
if (!base) throw new Error('usage: node fetch_check.js BASE_URL');

function must<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

const client = createClient<paths>({ baseUrl: base });
const tokens = must(
  'login',
  await client.POST('/api/v1/auth/login', { body: { email: 'admin@demo.prospecta.dev', password: 'prospecta-demo' } }),
);
client.use({
  onRequest({ request }) {
    if (!request.headers.has('x-api-key')) request.headers.set('authorization', `Bearer ${tokens.access_token}`);
    return request;
  },
});

// A key, used the way an integration would: as its only credential.
const key = must(
  'create key',
  await client.POST('/api/v1/api-keys', {
    body: {
      name: `openapi-fetch ${Date.now()}`,
      scopes: ['leads:ingest', 'contacts:read', 'contacts:write', 'boards:read', 'boards:write', 'tasks:write', 'users:read', 'webhooks:manage'],
    },
  }),
);
const asKey = { 'x-api-key': key.secret };

// A receiver of signed events, subscribed first so that it hears what follows.
const received: { id: string; timestamp: string; signature: string; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const h = (name: string) => String(req.headers[name] ?? '');
    received.push({ id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature'), body });
    res.writeHead(204).end();
  });
});
await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
const subscription = must(
  'subscribe',
  await client.POST('/api/v1/webhooks', {
    headers: asKey,
    body: { url: receiverUrl, event_types: ['lead.received', 'card.moved', 'task.created'] },
  }),
);

// An optional header is a plain string (no `null` in its type).
const email = `fetch-${Date.now()}@example.com`;
const lead = must(
  'ingest',
  await client.POST('/api/v1/leads', {
    params: { header: { 'Idempotency-Key': `fetch-${Date.now()}` } },
    headers: asKey,
    body: { email, name: 'Fetch Client' },
  }),
);
if (!('contact' in lead)) throw new Error('an API key gets the contact back');

// Every client, a page of 50 at a time, to the end.
let cursor: string | undefined;
let seen = 0;
let found = false;
for (let page = 0; page < 1000; page++) {
  const got = must('contacts', await client.GET('/api/v1/contacts', { params: { query: { cursor, limit: 50 } }, headers: asKey }));
  seen += got.items.length;
  found ||= got.items.some((c) => c.id === lead.contact.id);
  if (!got.next_cursor) break;
  cursor = got.next_cursor;
}
if (!found || seen < 1) throw new Error(`paged ${seen} clients without the new lead`);
const csv = must('export', await client.GET('/api/v1/contacts/export.csv', { headers: asKey, parseAs: 'text' }));
if (!csv.includes(email)) throw new Error('the export holds the new lead');

// 4.0 is the integer 4 (JSON Schema's reading; Python's json and JS both may send it).
const rated = must(
  'rate 4.0',
  await client.PATCH('/api/v1/contacts/{id}', {
    params: { path: { id: lead.contact.id } },
    headers: asKey,
    bodySerializer: () => '{"rating": 4.0}',
    body: { rating: 4 },
  }),
);
if (rated.rating !== 4) throw new Error(`rating ${rated.rating}`);

// A board and a card; a 4-byte file up as raw bytes, and the same 4 bytes back.
const board = must('board', await client.POST('/api/v1/boards', { headers: asKey, body: { name: `Fetch ${Date.now()}`, template: 'sales_pipeline' } }));
const card = must(
  'card',
  await client.POST('/api/v1/boards/{id}/cards', {
    params: { path: { id: board.id } },
    headers: asKey,
    body: { title: 'Contract', stage_id: board.stages[0].id },
  }),
);
const moved = must(
  'move',
  await client.POST('/api/v1/cards/{id}/move', {
    params: { path: { id: card.id } },
    headers: asKey,
    body: { stage_id: board.stages[1].id },
  }),
);
if (moved.stage_id !== board.stages[1].id) throw new Error('moved');
const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const uploaded = must(
  'upload',
  await client.POST('/api/v1/cards/{id}/attachments', {
    params: { path: { id: card.id }, query: { filename: 'tiny.png' } },
    headers: { ...asKey, 'content-type': 'image/png' },
    body: '',
    bodySerializer: () => bytes,
  }),
);
if (uploaded.size_bytes !== 4) throw new Error(`stored ${uploaded.size_bytes} bytes, sent 4`);
const download = await client.GET('/api/v1/cards/{id}/attachments/{attachment_id}', {
  params: { path: { id: card.id, attachment_id: uploaded.id } },
  headers: asKey,
  parseAs: 'arrayBuffer',
});
const back = new Uint8Array(must('download', download) as ArrayBuffer);
if (back.length !== 4 || back.some((b, i) => b !== bytes[i])) throw new Error(`got back ${back}`);
if (download.response.headers.get('content-type') !== 'image/png') throw new Error('the stored type comes back');

// A task on the card, for a user (a key names whom).
const users = must('users', await client.GET('/api/v1/users', { headers: asKey }));
const task = must(
  'task',
  await client.POST('/api/v1/tasks', {
    headers: asKey,
    body: { title: 'Send the contract', card_id: card.id, assignee_id: users.items[0].id },
  }),
);

// The receiver heard the lead, the move and the task, each signed with the secret.
const key64 = Buffer.from(subscription.secret.replace(/^whsec_/, ''), 'base64');
const signedOk = (r: (typeof received)[number]) =>
  r.signature.split(' ').includes(`v1,${createHmac('sha256', key64).update(`${r.id}.${r.timestamp}.${r.body}`).digest('base64')}`);
for (let i = 0; i < 200 && received.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
const kinds = received.map((r) => JSON.parse(r.body).type).sort();
if (kinds.join() !== 'card.moved,lead.received,task.created') throw new Error(`received ${kinds}`);
if (!received.every(signedOk)) throw new Error('a signature did not verify');
if (!received.some((r) => JSON.parse(r.body).data.task?.id === task.id)) throw new Error('the task event names the task');
const listed = must('webhooks', await client.GET('/api/v1/webhooks', { headers: asKey }));
if (!listed.items.some((w) => w.id === subscription.webhook.id)) throw new Error('listed');
const removed = await client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: subscription.webhook.id } }, headers: asKey });
if (removed.response.status !== 204) throw new Error(`delete webhook: ${removed.response.status}`);
receiver.close();
console.log('openapi-fetch: ok (key, webhook, lead, paging, edit, export, board, card, move, file, task, signed events)');
