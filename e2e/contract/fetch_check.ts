// Run by scripts/contract.sh: a Node program using openapi-fetch with the types
// openapi-typescript generates, against a running server. It checks what a generated client
// got wrong before (issue 23): a file's bytes go up and come back as bytes, optional headers
// take plain strings, whole numbers may be written 4.0, and webhooks can be managed.
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
    body: { name: `openapi-fetch ${Date.now()}`, scopes: ['leads:ingest', 'contacts:write', 'boards:read', 'boards:write', 'webhooks:manage'] },
  }),
);
const asKey = { 'x-api-key': key.secret };

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

// Webhooks: a subscription with its secret, listed without it.
const hook = must(
  'webhook',
  await client.POST('/api/v1/webhooks', {
    headers: asKey,
    body: { url: 'https://erp.example.com/hooks', event_types: ['contact.created', 'card.won'] },
  }),
);
if (!hook.secret.startsWith('whsec_')) throw new Error('a whsec_ secret');
const listed = must('webhooks', await client.GET('/api/v1/webhooks', { headers: asKey }));
if (!listed.items.some((w) => w.id === hook.webhook.id)) throw new Error('listed');
const removed = await client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.webhook.id } }, headers: asKey });
if (removed.response.status !== 204) throw new Error(`delete webhook: ${removed.response.status}`);
console.log('openapi-fetch: ok (upload/download 4 bytes, header params, 4.0, webhooks)');
