"""Runs an integrator's first workflow through the Python client that openapi-python-client
generates from openapi/openapi.json (scripts/contract.sh): login, API key, idempotent
ingestion, filtered paging, edit, note, CSV export, and a 401 parsed as a Problem."""

import sys
import uuid

from prospecta_client import AuthenticatedClient, Client
from prospecta_client.api.api_keys import create_api_key
from prospecta_client.api.auth import get_me, login
from prospecta_client.api.contacts import add_note, export_contacts, list_contacts, update_contact
from prospecta_client.api.integration import ingest_lead
from prospecta_client.models import (
    ApiScope,
    ContactPage,
    ContactStatus,
    CreateApiKeyRequest,
    CreateNoteRequest,
    IngestLeadRequest,
    IngestLeadResponse,
    LoginRequest,
    Problem,
    TokenResponse,
    UpdateContactRequest,
)


def main(base: str) -> None:
    anonymous = Client(base_url=base)
    tokens = login.sync(client=anonymous, body=LoginRequest(email="admin@demo.prospecta.dev", password="prospecta-demo"))
    assert isinstance(tokens, TokenResponse), tokens
    admin = AuthenticatedClient(base_url=base, token=tokens.access_token)

    unauthorized = get_me.sync(client=AuthenticatedClient(base_url=base, token="not-a-token"))
    assert isinstance(unauthorized, Problem) and unauthorized.status == 401, unauthorized

    created = create_api_key.sync(client=admin, body=CreateApiKeyRequest(name="py", scopes=[ApiScope.LEADSINGEST]))
    integration = AuthenticatedClient(base_url=base, token=created.secret)  # Authorization: Bearer psk_…
    email = f"py-{uuid.uuid4().hex[:8]}@example.com"
    lead = IngestLeadRequest(email=email, source="python", tags=["generated"])
    first = ingest_lead.sync_detailed(client=integration, body=lead, idempotency_key=email)
    again = ingest_lead.sync_detailed(client=integration, body=lead, idempotency_key=email)
    assert first.status_code == 201 and again.status_code == 201, (first.status_code, again.status_code)
    assert isinstance(first.parsed, IngestLeadResponse) and isinstance(again.parsed, IngestLeadResponse)
    assert first.parsed.contact.id == again.parsed.contact.id

    seen = []
    cursor = None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = list_contacts.sync(client=admin, source="python", limit=1, **kwargs)
        assert isinstance(page, ContactPage), page
        seen.extend(c.id for c in page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert first.parsed.contact.id in seen

    contact_id = first.parsed.contact.id
    edited = update_contact.sync(client=admin, id=contact_id, body=UpdateContactRequest(status=ContactStatus.IN_PROGRESS))
    assert not isinstance(edited, Problem) and edited.status == ContactStatus.IN_PROGRESS, edited
    note = add_note.sync(client=admin, id=contact_id, body=CreateNoteRequest(body="Called back"))
    assert not isinstance(note, Problem), note
    csv = export_contacts.sync_detailed(client=admin, source="python")
    assert csv.status_code == 200 and email in csv.content.decode(), csv.status_code
    print(f"python client workflow: ok ({len(seen)} contacts paged)")


if __name__ == "__main__":
    main(sys.argv[1])
