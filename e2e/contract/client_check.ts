// Type-checked with `tsc --strict` against the types openapi-typescript generates from
// openapi/openapi.json (scripts/contract.sh): the workflow an integrator writes first.
import type { components, paths } from './api';

type Schemas = components['schemas'];
type LoginBody = paths['/api/v1/auth/login']['post']['requestBody']['content']['application/json'];
type Tokens = paths['/api/v1/auth/login']['post']['responses'][200]['content']['application/json'];
type Unauthorized = paths['/api/v1/me']['get']['responses'][401]['content']['application/problem+json'];
type Lead = Schemas['IngestLeadRequest'];
type LeadQuery = paths['/api/v1/contacts']['get']['parameters']['query'];

async function call<T>(base: string, path: string, init: RequestInit): Promise<T> {
  const res = await fetch(base + path, init);
  if (!res.ok) {
    const problem = (await res.json()) as Schemas['Problem'];
    const fields = problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ') ?? '';
    throw new Error(`${problem.status} ${problem.title} ${fields}`);
  }
  return (await res.json()) as T;
}

export async function workflow(base: string): Promise<string[]> {
  const login: LoginBody = { email: 'admin@demo.prospecta.dev', password: 'prospecta-demo' };
  const tokens = await call<Tokens>(base, '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  const auth = { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' };
  const key = await call<Schemas['CreatedApiKey']>(base, '/api/v1/api-keys', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'TS client', scopes: ['leads:ingest'] } satisfies Schemas['CreateApiKeyRequest']),
  });
  const lead: Lead = { email: 'ts@example.com', tags: ['typed'], transcript: [{ sender: 'visitor', body: 'Oi' }] };
  const ingested = await call<Schemas['IngestLeadResponse']>(base, '/api/v1/leads', {
    method: 'POST',
    headers: { 'x-api-key': key.secret, 'idempotency-key': 'ts-1', 'content-type': 'application/json' },
    body: JSON.stringify(lead),
  });
  const query: LeadQuery = { status: ingested.contact.status, limit: 10 };
  const names: string[] = [];
  let cursor: string | null | undefined = undefined;
  do {
    const params = new URLSearchParams({ status: String(query?.status), limit: String(query?.limit) });
    if (cursor) params.set('cursor', cursor);
    const page: Schemas['ContactPage'] = await call<Schemas['ContactPage']>(base, `/api/v1/contacts?${params}`, {
      headers: auth,
    });
    names.push(...page.items.map((c) => c.name ?? c.email ?? c.phone ?? c.id));
    cursor = page.next_cursor;
  } while (cursor);
  const missing: Unauthorized | null = null;
  return missing === null ? names : [];
}
