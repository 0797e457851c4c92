"""Provides the widths of the stored text columns people type into, as plain data.

The rules check these so an over-long value is a field message on every path; a store
test proves they match the tables' own column lengths.
"""

from __future__ import annotations

__all__ = ["WIDTHS"]

# Table -> column -> the most characters the column holds.
WIDTHS: dict[str, dict[str, int]] = {
    "users": {"username": 120, "display_name": 200},
    "children": {
        "first_name": 200,
        "last_name": 200,
        "gender": 2,
        "ethnicity": 4,
        "postcode": 12,
        "school": 200,
        "nhs_number": 12,
        "upn": 13,
    },
    "contacts": {
        "referrer_name": 200,
        "referrer_agency": 200,
        "referrer_role": 200,
        "referrer_phone": 60,
        "referrer_email": 200,
        "source_code": 4,
        "consent_sought_by": 200,
        "consent_sought_from": 200,
        "consent_method": 100,
        "override_lawful_basis": 300,
    },
    "household_members": {"name": 200, "relationship": 100},
    "partner_checks": {"agency": 100},
    "drafts": {"kind": 40},
}
