"""Provides the columns of an import file, as docs/import.md lists them."""

from __future__ import annotations

__all__ = ["COLUMNS", "CONSENT_COLUMNS", "DECISION_COLUMNS", "REQUIRED", "SHARED"]

# Every column the importer understands, in the order the documentation lists them.
COLUMNS: tuple[str, ...] = (
    "family_ref",
    "received_at",
    "referrer_name",
    "referrer_agency",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "source_code",
    "concern",
    "factors",
    "priority",
    "screener",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "child_unborn",
    "child_expected_date",
    "child_gender",
    "child_ethnicity",
    "child_address",
    "child_postcode",
    "child_school",
    "child_nhs_number",
    "child_upn",
    "consent_outcome",
    "consent_sought_by",
    "consent_sought_from",
    "consent_method",
    "consent_grounds",
    "consent_lawful_basis",
    "consent_rationale",
    "override_authorised_by",
    "override_authorised_at",
    "level",
    "level_rationale",
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "mismatch_justification",
    "decided_by",
    "decided_at",
    "authorised_by",
    "authorised_at",
    "referrer_informed_at",
)
REQUIRED: tuple[str, ...] = (
    "received_at",
    "source_code",
    "concern",
    "child_first_name",
    "child_last_name",
)
# One referral about siblings: these must be the same on every row of a family.
SHARED: tuple[str, ...] = (
    "received_at",
    "referrer_name",
    "referrer_agency",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "source_code",
    "concern",
    "factors",
    "priority",
    "screener",
)
CONSENT_COLUMNS = tuple(c for c in COLUMNS if c.startswith("consent_"))
DECISION_COLUMNS = (
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "mismatch_justification",
    "decided_by",
    "decided_at",
)
