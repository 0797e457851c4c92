"""Provides every rule of the front door as a pure check returning {field: message}.

The use-cases call these before writing and the importer's whole-file check calls the
same functions, so a rule is written once and said in one wording on every path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from mash_tui.domain import codes, normal
from mash_tui.domain.deadlines import Priority
from mash_tui.domain.inputs import (
    ChildInput,
    ConsentInput,
    DecisionInput,
    HouseholdInput,
    IntakeInput,
    LevelInput,
    PartnerCheckInput,
)
from mash_tui.domain.levels import Framework
from mash_tui.domain.states import (
    ConsentOutcome,
    NextStep,
    Role,
    consent_settled,
    needs_override,
)
from mash_tui.domain.widths import WIDTHS

Errors = dict[str, str]

MIN_RATIONALE_CHARS = 40
MIN_RATIONALE_WORDS = 8
MIN_LEVEL_RATIONALE = 20
MIN_RETURN_COMMENT = 5
MIN_AMEND_REASON = 10
FUTURE_TOLERANCE = timedelta(minutes=2)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NHS_RE = re.compile(r"^[0-9]{10}$")
USERNAME_RE = re.compile(r"[A-Za-z0-9._@\\-]{1,120}")
ANONYMOUS_SOURCES = frozenset({"9", "10"})
REFERRER_MISSING = "name the referrer (use source 9 for an anonymous contact)"
CONCERN_MISSING = "write the concern in the referrer's words"
SCALE_RANGE = "the safety scale runs from 0 to 10"
INFORMED_OUT_OF_RANGE = "the referrer cannot be told before the contact or in the future"

# Intake fields a screener may edit on an open contact, and a manager may amend later.
EDITABLE_FIELDS = frozenset(
    {
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
    }
)
AMENDABLE_FIELDS = EDITABLE_FIELDS | frozenset(
    {
        "level_rationale",
        "next_step",
        "analysis",
        "sos_worried",
        "sos_working_well",
        "sos_needs_to_happen",
        "sos_scale",
        "mismatch_justification",
        "referrer_informed_at",
    }
)
# A draft contact may lack these; completing the intake checks them before screening.
DRAFT_MAY_LACK = frozenset({"concern", "source_code", "referrer_name"})


# ---------------------------------------------------------------- building blocks
def is_non_trivial(text: str) -> bool:
    """A rationale a reader can act on: enough words, not a placeholder."""
    words = re.findall(r"[A-Za-zÀ-ÿ0-9']+", text)
    distinct = {w.lower() for w in words}
    return (
        len(text.strip()) >= MIN_RATIONALE_CHARS
        and len(words) >= MIN_RATIONALE_WORDS
        and len(distinct) >= MIN_RATIONALE_WORDS // 2
    )


def nhs_check_digit_ok(number: str) -> bool:
    """The NHS modulus 11 check on a 10-digit number, which catches most mistyped digits."""
    total = sum(int(d) * weight for d, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def referrer_missing(source_code: str, name: str) -> bool:
    """Every contact names its referrer unless the source is anonymous (9) or not known (10)."""
    return source_code not in ANONYMOUS_SOURCES and not name.strip()


def check_lengths(table: str, values: Mapping[str, str], prefix: str = "") -> Errors:
    """Text longer than its column holds is refused by name, never cut or left to the database."""
    widths = WIDTHS[table]
    errors: Errors = {}
    for name, value in values.items():
        limit = widths[name]
        if len(value) > limit:
            errors[f"{prefix}{name}"] = f"at most {limit} characters here (this has {len(value)})"
    return errors


def in_future(at: datetime, now: datetime) -> bool:
    """Whether an instant is later than now, allowing for clocks a little apart."""
    return at > now + FUTURE_TOLERANCE


# ---------------------------------------------------------------- people
def check_new_user(username: str, role: str) -> Errors:
    """A login the database can hold and a role mash-tui knows."""
    errors: Errors = {}
    if not USERNAME_RE.fullmatch(username):
        errors["username"] = "a login may use letters, digits and . _ - @ only"
    if role not in {r.value for r in Role}:
        errors["role"] = f"role must be screener, manager or admin, not '{role}'"
    return errors


def check_display_name(display_name: str) -> Errors:
    """A display name that fits its column."""
    return check_lengths("users", {"display_name": display_name.strip()})


# ---------------------------------------------------------------- intake
def check_intake(intake: IntakeInput, now: datetime) -> Errors:
    """Everything wrong with a new contact's intake, listed at once."""
    errors = check_received_at(intake.received_at, now)
    if codes.lookup("sources", intake.source_code) is None:
        errors["source_code"] = f"'{intake.source_code}' is not a contact source code"
    if not intake.concern.strip():
        errors["concern"] = CONCERN_MISSING
    if intake.priority not in {p.value for p in Priority}:
        errors["priority"] = "priority must be red, amber or green"
    for factor in intake.factors:
        if codes.lookup("factors", factor) is None:
            errors["factors"] = f"'{factor}' is not a known factor"
    if intake.referrer_email and not EMAIL_RE.match(intake.referrer_email.strip()):
        errors["referrer_email"] = "that does not look like an email address"
    if referrer_missing(intake.source_code, intake.referrer_name):
        errors["referrer_name"] = REFERRER_MISSING
    referrer = {
        "referrer_name": intake.referrer_name.strip(),
        "referrer_agency": intake.referrer_agency.strip(),
        "referrer_role": intake.referrer_role.strip(),
        "referrer_phone": intake.referrer_phone.strip(),
        "referrer_email": intake.referrer_email.strip(),
    }
    for key, message in check_lengths("contacts", referrer).items():
        errors.setdefault(key, message)
    if not intake.children:
        errors["children"] = "a contact needs at least one child"
    for index, child in enumerate(intake.children):
        for key, message in check_child(child, now).items():
            errors.setdefault(f"children[{index}].{key}", message)
    for index, member in enumerate(intake.household):
        for key, message in check_household_member(member).items():
            errors.setdefault(f"household[{index}].{key}", message)
    return errors


def check_received_at(received_at: datetime, now: datetime) -> Errors:
    """The clock starts when the contact was received, which cannot be later than now."""
    if received_at.tzinfo is None:
        return {"received_at": "the received time must include a time zone"}
    if in_future(received_at, now):
        return {"received_at": "the received time cannot be in the future"}
    return {}


def _past_26th_birthday(born: date, today: date) -> bool:
    """As tuples, so 29 February needs no twin date."""
    return (born.year + 26, born.month, born.day) < (today.year, today.month, today.day)


def check_child(child: ChildInput, now: datetime) -> Errors:
    """A new child record's details (a child already on record is not checked again)."""
    errors: Errors = {}
    today = now.date()
    if child.existing_child_id is not None:
        return errors
    if not child.first_name.strip() and not child.unborn:
        errors["first_name"] = "give the child's first name (or 'Unknown')"
    if not child.last_name.strip():
        errors["last_name"] = "give the child's last name"
    if child.unborn:
        if child.expected_date is None:
            errors["expected_date"] = "an unborn child needs an expected date of delivery"
        elif child.expected_date < today - timedelta(days=31):
            errors["expected_date"] = "the expected date is long past: record the birth instead"
    elif (dob := child.date_of_birth) is not None:
        if dob > today:
            errors["date_of_birth"] = "the date of birth cannot be in the future"
        elif _past_26th_birthday(dob, today):
            errors["date_of_birth"] = "that date of birth makes the person an adult"
    if codes.lookup("genders", child.gender) is None:
        errors["gender"] = "gender must be M, F, U (not stated) or N (neither)"
    if codes.lookup("ethnicities", child.ethnicity) is None:
        errors["ethnicity"] = f"'{child.ethnicity}' is not a census ethnicity code"
    nhs = normal.nhs_number(child.nhs_number)
    if nhs and not NHS_RE.match(nhs):
        errors["nhs_number"] = "an NHS number has 10 digits"
    elif nhs and not nhs_check_digit_ok(nhs):
        errors["nhs_number"] = "that is not a valid NHS number (its check digit is wrong)"
    stored = {
        "first_name": child.first_name.strip(),
        "last_name": child.last_name.strip(),
        "postcode": child.postcode.strip(),
        "school": child.school.strip(),
        "upn": child.upn.strip(),
    }
    for key, message in check_lengths("children", stored).items():
        errors.setdefault(key, message)
    return errors


def check_household_member(member: HouseholdInput) -> Errors:
    """Someone in the household is recorded by name."""
    errors: Errors = {}
    if not member.name.strip():
        errors["name"] = "give the household member's name"
    stored = {"name": member.name.strip(), "relationship": member.relationship.strip()}
    for key, message in check_lengths("household_members", stored).items():
        errors.setdefault(key, message)
    return errors


def check_completion(source_code: str, concern: str, referrer_name: str) -> Errors:
    """What a draft contact must have before screening starts."""
    errors: Errors = {}
    if not concern.strip():
        errors["concern"] = CONCERN_MISSING
    if codes.lookup("sources", source_code) is None:
        errors["source_code"] = "choose a contact source"
    elif referrer_missing(source_code, referrer_name):
        errors["referrer_name"] = REFERRER_MISSING
    return errors


def draft_errors(errors: Errors) -> Errors:
    """The intake errors a draft may not carry (it may still lack the concern and referrer)."""
    return {k: v for k, v in errors.items() if k not in DRAFT_MAY_LACK}


# ---------------------------------------------------------------- consent
def check_consent(consent: ConsentInput) -> Errors:
    """Who sought consent from whom and how; without consent, the grounds, basis and rationale."""
    if consent.outcome not in {o.value for o in ConsentOutcome}:
        return {"outcome": "consent must be given, refused or not sought"}
    errors: Errors = {}
    if consent.sought:
        if not consent.sought_by.strip():
            errors["sought_by"] = "say who sought consent"
        if not consent.sought_from.strip():
            errors["sought_from"] = "say whose consent was sought"
        if not consent.method.strip():
            errors["method"] = "say how consent was sought (phone, in person, email...)"
    if needs_override(consent.outcome):
        if not consent.grounds.strip():
            errors["grounds"] = "record the grounds for proceeding without consent"
        if not consent.lawful_basis.strip():
            errors["lawful_basis"] = "record the lawful basis for sharing without consent"
        if not is_non_trivial(consent.rationale):
            errors["rationale"] = (
                "the rationale for overriding consent must explain the risk "
                f"(at least {MIN_RATIONALE_WORDS} words)"
            )
    stored = {
        "consent_sought_by": consent.sought_by.strip(),
        "consent_sought_from": consent.sought_from.strip(),
        "consent_method": consent.method.strip(),
        "override_lawful_basis": consent.lawful_basis.strip(),
    }
    for key, message in check_lengths("contacts", stored).items():
        errors.setdefault(key.removeprefix("consent_").removeprefix("override_"), message)
    return errors


def check_override_authorisable(
    outcome: str | None, grounds: str, rationale: str, authorised_by: int | None
) -> Errors:
    """An override a manager may authorise: asked for, explained, not yet authorised."""
    if not needs_override(outcome):
        return {"outcome": "there is no consent override to authorise"}
    if not (grounds.strip() and is_non_trivial(rationale)):
        return {"rationale": "the override has no adequate recorded rationale"}
    if authorised_by is not None:
        return {"override": "the override is already authorised"}
    return {}


def check_consent_settled(
    outcome: str | None, grounds: str, rationale: str, authorised_by: int | None
) -> Errors:
    """Consent given, or an explained override a manager authorised, before any decision."""
    if not outcome:
        return {"consent_outcome": "record whether consent to share was sought and given first"}
    explained = not needs_override(outcome) or (bool(grounds.strip()) and is_non_trivial(rationale))
    if not (consent_settled(outcome, authorised_by) and explained):
        return {
            "consent_outcome": "consent was not given, so a manager must authorise "
            "the override before the contact is decided"
        }
    return {}


# ---------------------------------------------------------------- partner checks
def check_partner(check: PartnerCheckInput, now: datetime) -> Errors:
    """Which agency was asked what, and why, at a time that has happened."""
    errors: Errors = {}
    if not check.agency.strip():
        errors["agency"] = "name the partner agency"
    if not check.requested.strip():
        errors["requested"] = "say what was asked"
    if not check.purpose.strip():
        errors["purpose"] = "say why the information was needed"
    if check.checked_at is not None and in_future(check.checked_at, now):
        errors["checked_at"] = "the check cannot be in the future"
    for key, message in check_lengths("partner_checks", {"agency": check.agency.strip()}).items():
        errors.setdefault(key, message)
    return errors


# ---------------------------------------------------------------- level and decision
def check_level(choice: LevelInput, framework: Framework) -> Errors:
    """A level the framework has, with a sentence saying why it fits."""
    errors: Errors = {}
    numbers = [lvl.number for lvl in framework.levels]
    if choice.level not in numbers:
        errors["level"] = f"choose a level from {numbers[0]} to {numbers[-1]}"
    if len(choice.rationale.strip()) < MIN_LEVEL_RATIONALE:
        errors["rationale"] = "explain why this level fits (a sentence or more)"
    return errors


def check_scale(scale: int | None) -> Errors:
    """The Signs of Safety scale runs from 0 to 10."""
    if scale is not None and not 0 <= scale <= 10:
        return {"sos_scale": SCALE_RANGE}
    return {}


def check_next_step(next_step: str | None) -> Errors:
    """A next step mash-tui knows."""
    if next_step not in {s.value for s in NextStep}:
        return {"next_step": f"'{next_step}' is not a next step"}
    return {}


def check_decision(decision: DecisionInput) -> Errors:
    """The next step with its analysis and the three Signs of Safety questions answered."""
    errors: Errors = {}
    if decision.next_step not in {s.value for s in NextStep}:
        errors["next_step"] = "choose a next step"
    if not decision.analysis.strip():
        errors["analysis"] = "write the analysis behind the decision"
    if not decision.sos_worried.strip():
        errors["sos_worried"] = "what are we worried about?"
    if not decision.sos_working_well.strip():
        errors["sos_working_well"] = "what's working well?"
    if not decision.sos_needs_to_happen.strip():
        errors["sos_needs_to_happen"] = "what needs to happen?"
    if decision.sos_scale is None:
        errors["sos_scale"] = "give a safety scale from 0 to 10"
    else:
        errors.update(check_scale(decision.sos_scale))
    return errors


def fits(framework: Framework, level: int | None, next_step: str | None) -> bool:
    """Whether the framework lists this next step for this level."""
    if level is None or not next_step:
        return False
    return framework.level(level).fits(next_step)


def check_mismatch(
    framework: Framework, level: int | None, next_step: str | None, justification: str
) -> Errors:
    """A level and next step that do not usually go together need a real justification."""
    numbers = {lvl.number for lvl in framework.levels}
    if level not in numbers or next_step not in {s.value for s in NextStep}:
        return {}
    if fits(framework, level, next_step) or is_non_trivial(justification):
        return {}
    return {
        "mismatch_justification": f"Level {level} does not usually lead to "
        f"'{NextStep(next_step).label}': justify the decision "
        f"(at least {MIN_RATIONALE_WORDS} words)"
    }


# ---------------------------------------------------------------- oversight
def check_return_comment(comment: str) -> Errors:
    """A returned contact says what must change."""
    if len(comment.strip()) < MIN_RETURN_COMMENT:
        return {"comment": "say what needs to change before it can be authorised"}
    return {}


def check_amend_reason(reason: str) -> Errors:
    """An amendment to an authorised contact records why."""
    if len(reason.strip()) < MIN_AMEND_REASON:
        return {"reason": "give the reason for the amendment"}
    return {}


def check_referrer_informed(informed: datetime, received: datetime, now: datetime) -> Errors:
    """The referrer is told after the contact arrived and not in the future."""
    if in_future(informed, now) or informed < received:
        return {"referrer_informed_at": INFORMED_OUT_OF_RANGE}
    return {}


def check_field_names(changes: Sequence[str], allowed: frozenset[str]) -> Errors:
    """Only the fields this act may change."""
    return {name: f"'{name}' cannot be changed here" for name in sorted(set(changes) - allowed)}
