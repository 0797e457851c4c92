"""Demo data: a realistic, reproducible MASH workload made through the service layer.

Every contact is logged, screened, decided and authorised by calling `Services` with a
private frozen clock that is moved to each step's instant, so every rule holds and every
timestamp is exact. The same seed and `until` on an empty database give identical data.
Names, addresses, phone numbers and e-mail addresses are invented: phone numbers use the
Ofcom drama range (01632 960xxx), e-mails the reserved example.org domain, NHS numbers
the 999 test range and postcodes the unused area "MT".
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from mash_tui.domain.clock import FrozenClock, format_local, local_date, local_to_utc, to_local
from mash_tui.domain.deadlines import is_working_day
from mash_tui.domain.errors import MashError
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.domain.levels import NEXT_STEPS, Framework, Level

if TYPE_CHECKING:
    from mash_tui.services import Services

__all__ = ["DEMO_USERS", "generate"]

WINDOW_DAYS = 56  # about eight weeks of history
OPEN_WINDOW = timedelta(hours=24)  # contacts this recent are left open
END_OF_DEMO_DAY = time(16, 30)  # "now" on a past `until` date, Europe/London
DAY_START, DAY_END = 8, 20  # MASH staff act between these local hours

# (username, display name, role): invented people, some with non-English names.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("aisha.rahman", "Aisha Rahman", "screener"),
    ("tomasz.kowalczyk", "Tomasz Kowalczyk", "screener"),
    ("siobhan.oconnell", "Siobhán O'Connell", "screener"),
    ("kwame.mensah", "Kwame Mensah", "screener"),
    ("linh.nguyen", "Nguyễn Thị Linh", "screener"),
    ("hannah.clarke", "Hannah Clarke", "manager"),
    ("oluwaseun.adeyemi", "Olúwaṣeun Adéyẹmí", "manager"),
)


def _words(text: str) -> tuple[str, ...]:
    """Read a list of single-word names written as running text."""
    return tuple(text.split())


def _weights(text: str) -> tuple[tuple[str, float], ...]:
    """Read 'code=weight' pairs written compactly, one table per constant."""
    return tuple((code, float(weight)) for code, weight in (p.split("=") for p in text.split()))


# Contact sources weighted as a busy MASH sees them: police and schools lead.
SOURCE_WEIGHTS = _weights(
    """
    6=30 2A=18 3B=5 3A=4 3E=4 3F=4 3C=2 3D=2 1A=7 1B=3 1C=1 1D=1 9=4 10=1 2B=2 4=3 5A=3
    5B=1 5C=1 5D=3 7=3 8=3
    """
)

GROUP_OF_SOURCE = {
    "6": "police",
    "7": "agency",
    "2A": "school",
    "2B": "school",
    "1A": "public",
    "1B": "public",
    "1C": "self",
    "1D": "public",
    "9": "public",
    "10": "public",
    "4": "agency",
    "5A": "agency",
    "5B": "agency",
    "5C": "agency",
    "5D": "agency",
    "8": "agency",
}

GIRLS = _words(
    """
    Amelia Isla Ava Freya Zainab Maja Amara Fatima Aaliyah Ruby Sofia Olivia Priya
    Ayesha Lucía Niamh Grace Poppy Mei Chloé Zofia Esmé Nia Hana Chiamaka Daisy Leah
    Ioana Aoife Imani
    """
)
BOYS = _words(
    """
    Oliver Muhammad Noah Leo Jakub Kacper Chidi Yusuf Ethan Mason Liam Jayden Malik
    Arjun Ibrahim Tiago Cian Alfie Daniel Kai Oisín Mateusz Kofi Harvey Reuben Zayn
    Andrei Callum Dev Luca
    """
)
WOMEN = _words(
    """
    Sarah Gemma Nadia Kelly Agnieszka Funmi Shazia Laura Chantelle Roxana Bernadette
    Tasha Hui Precious Emma Danielle Rukhsana
    """
)
MEN = _words(
    """
    Darren Lee Imran Marek Kieran Tunde Jason Mihai Craig Dean Stefan Aaron Nathan
    Rashid Paul Jermaine Gareth
    """
)
SURNAMES = _words(
    """
    Smith Jones Taylor Brown Williams Wilson Davies Evans Thomas Patel Khan Ahmed
    Hussain Begum Ali Nowak Kowalski Okafor Mensah Osei Nguyen Chen Murphy O'Brien Walsh
    Hughes Campbell Popescu Silva Ferreira Kaur Singh Adeyemi Mohamed Robinson Wright
    Green Hall Wood Clarke Jackson Ward Lewis Lungu
    """
)
STREETS = (
    "Alder Close",
    "Beacon Road",
    "Brookside",
    "Canal Street",
    "Chestnut Avenue",
    "Elm Grove",
    "Farriers Way",
    "Foundry Lane",
    "Hawthorn Drive",
    "Larch Walk",
    "Mill Race",
    "Orchard Rise",
    "Quarry Hill",
    "Ropewalk",
    "Station Terrace",
    "Tannery Court",
    "Weavers Row",
    "Willow Bank",
)
TOWNS = ("Northbrook", "Easterley", "Millford", "Kelsey Vale", "Ashcombe")
SCHOOLS = (
    "Hollybank Primary School",
    "St Brendan's Catholic Primary",
    "Northbrook Academy",
    "Easterley High School",
    "Millford Community Primary",
    "Kelsey Vale Infant School",
    "Ashcombe Secondary School",
    "Riverside Free School",
    "Oakfield Junior School",
    "Northbrook Pupil Referral Unit",
)
ETHNICITY_WEIGHTS = _weights(
    """
    WBRI=58 WIRI=1 WIRT=1 WOTH=7 WROM=1 MWBC=3 MWBA=1 MWAS=2 MOTH=2 AIND=2 APKN=5 ABAN=2
    AOTH=1 BCRB=2 BAFR=4 BOTH=1 CHNE=1 OOTH=2 REFU=1 NOBT=3
    """
)


@dataclass(frozen=True)
class Template:
    """A kind of concern: who tends to raise it, its factors, its usual levels and wording."""

    groups: tuple[str, ...]
    factors: tuple[str, ...]
    levels: dict[int, float]
    text: str
    worried: str
    unborn: bool = False


TEMPLATES: tuple[Template, ...] = (
    Template(
        ("police",),
        ("domestic_abuse",),
        {2: 2, 3: 5, 4: 3},
        "Police were called to the family home at {time} after a 999 call reporting shouting "
        "and banging. {p1} told officers that her partner {p2} pushed her against a wall during "
        "an argument about money. {c} ({age}) was upstairs and said they heard all of it. {p2} "
        "was arrested and released under investigation; the risk assessment was graded medium.",
        "{c} is living with violence between the adults and may be hurt or frightened by it.",
    ),
    Template(
        ("police",),
        ("domestic_abuse", "physical_abuse"),
        {3: 2, 4: 6},
        "Officers attended at {time} after {p1} ran to a neighbour's house with a facial "
        "injury. She said {p2} had strangled her in front of {c} ({age}). The risk assessment "
        "was graded high and a referral to the multi-agency risk conference has been made. "
        "{p2} is in custody but is likely to be bailed tomorrow.",
        "Non-fatal strangulation is a strong predictor of serious harm, and {c} saw it.",
    ),
    Template(
        ("police",),
        ("missing", "cse"),
        {3: 4, 4: 4},
        "{p1} reported {c} ({age}) missing at {time}. Officers found {c} the next morning in "
        "a flat in the town centre with two men in their twenties. {c} would not say how they "
        "got there. This is the third missing episode in two months.",
        "{c} keeps going missing and has been found with older men who may be exploiting them.",
    ),
    Template(
        ("police",),
        ("cce", "drug_misuse", "gangs"),
        {3: 3, 4: 5},
        "{c} ({age}) was stopped in a car with an adult known for supplying drugs. Officers "
        "found a large amount of cash and two phones on {c}, who said the money belonged to a "
        "friend. {c} was released to {p1}, who said she had no idea where {c} had been.",
        "{c} shows signs of being drawn into criminal exploitation and drug running.",
    ),
    Template(
        ("police",),
        ("alcohol_misuse", "neglect"),
        {3: 5, 4: 3},
        "On a welfare check at {time} officers found {p1} heavily intoxicated and unable to "
        "look after {c} ({age}), who was alone in the lounge. Neighbours say it has happened "
        "before. {c} stayed with a grandparent overnight.",
        "{c} is left without a sober adult to care for them, and it is happening repeatedly.",
    ),
    Template(
        ("school",),
        ("physical_abuse",),
        {3: 2, 4: 6},
        "{c} ({age}) arrived at school with a bruise on the left cheek and said that {p2} "
        "'got angry' last night. {c} was tearful and did not want to go home. The designated "
        "safeguarding lead has not yet spoken to the parents.",
        "{c} has an unexplained facial injury and is frightened to go home.",
    ),
    Template(
        ("school",),
        ("neglect",),
        {1: 1, 2: 5, 3: 4},
        "{c}'s attendance has dropped to 71% this term. {c} ({age}) often arrives hungry, in "
        "the same clothes for several days and without a coat. The school has offered "
        "breakfast club but has not managed to meet {p1}.",
        "{c}'s basic needs are not being met consistently and school attendance is falling.",
    ),
    Template(
        ("school", "health"),
        ("self_harm", "mental_health"),
        {2: 3, 3: 5, 4: 1},
        "A member of staff noticed cuts on {c}'s forearm. {c} ({age}) said they do it when "
        "things at home get too much and that {p1} does not know. {c} agreed that we could "
        "share this.",
        "{c} is self-harming and feels unable to talk to the adults at home.",
    ),
    Template(
        ("school",),
        ("domestic_abuse", "emotional_abuse"),
        {2: 2, 3: 5, 4: 2},
        "{c} ({age}) told a teaching assistant that mum and {p2} 'fight a lot' and that they "
        "hide in the bedroom with the younger children when it happens. No injuries were "
        "seen. {c} seemed anxious about being overheard.",
        "{c} describes frequent conflict at home and is taking on the care of younger children.",
    ),
    Template(
        ("school", "health"),
        ("young_carer", "mental_health"),
        {1: 1, 2: 6, 3: 3},
        "{c} ({age}) is often late and tired. {c} told their tutor that they look after {p1}, "
        "who has been unwell, and do most of the cooking and shopping. Homework is slipping.",
        "{c} is carrying adult responsibilities that are affecting their education and health.",
    ),
    Template(
        ("school", "public"),
        ("cse",),
        {3: 3, 4: 5},
        "{c} ({age}) has been seen getting into the car of an older man who waits near the "
        "school gates. {c} has a new phone and expensive trainers and has become withdrawn.",
        "{c} may be being groomed for sexual exploitation by an adult outside the family.",
    ),
    Template(
        ("health",),
        ("neglect", "mental_health"),
        {2: 4, 3: 5},
        "At a routine visit the health visitor found the home cold and very cluttered, with no "
        "safe place for the baby to sleep. {p1} seemed low and said she has had little support "
        "since {p2} left. {c} ({age}) appeared well fed.",
        "The home conditions and {p1}'s low mood may leave {c} without safe, consistent care.",
    ),
    Template(
        ("health",),
        ("physical_abuse",),
        {3: 2, 4: 7},
        "{c} ({age}) was brought to the emergency department by {p1} with a fractured wrist. "
        "The explanation ('fell off the sofa') changed during the visit, and records show two "
        "earlier attendances with injuries this year.",
        "{c} has an injury without a consistent explanation and a pattern of attendances.",
    ),
    Template(
        ("health",),
        ("drug_misuse",),
        {3: 5, 4: 4},
        "The community midwife reports that {p1}, who is {weeks} weeks pregnant, used heroin "
        "until last year and is now on a methadone prescription. An older child of {p1}'s was "
        "on a child protection plan in another area.",
        "The unborn baby may be exposed to drug use and there is a history of care concerns.",
        unborn=True,
    ),
    Template(
        ("health",),
        ("learning_disability", "mental_health"),
        {1: 1, 2: 6, 3: 3},
        "{p1} told her GP that she is struggling to cope with {c} ({age}), who is autistic "
        "and has become aggressive at home. She is asking for help and agreed to this referral.",
        "{p1} is struggling to manage {c}'s needs and the situation at home is becoming unsafe.",
    ),
    Template(
        ("health",),
        ("self_harm", "mental_health"),
        {2: 3, 3: 5, 4: 1},
        "Child mental health services report that {c} ({age}) spoke about ending their life "
        "during an appointment and has been sharing self-harm images online. {p1} is engaged "
        "and supportive.",
        "{c} has thoughts of suicide and is viewing and sharing harmful material.",
    ),
    Template(
        ("public",),
        ("alcohol_misuse", "neglect"),
        {2: 3, 3: 5, 4: 1},
        "{c}'s grandmother called because {p1} keeps leaving {c} ({age}) with different "
        "friends for days at a time. She thinks {p1} is drinking again and does not know who "
        "{c} is being left with.",
        "{c} is being left with unknown adults while {p1} may be drinking heavily.",
    ),
    Template(
        ("public",),
        ("emotional_abuse",),
        {1: 3, 2: 4, 3: 3},
        "A caller said that a child believed to be {c} ({age}) can be heard screaming most "
        "evenings at the address and adults can be heard shouting. The caller did not want to "
        "be named.",
        "There may be ongoing conflict at home that is frightening {c}.",
    ),
    Template(
        ("public",),
        ("neglect",),
        {2: 3, 3: 5, 4: 1},
        "A neighbour reports that {c} ({age}) and siblings are often outside late at night "
        "with no adult around and have asked neighbours for food.",
        "{c} is regularly unsupervised late at night and may be going hungry.",
    ),
    Template(
        ("self",),
        ("emotional_abuse", "physical_abuse"),
        {3: 4, 4: 4},
        "{c} ({age}) phoned the MASH and said they do not want to go home because {p2} shouts "
        "at them and threw a plate at them last night. {c} is staying with a friend's family "
        "tonight.",
        "{c} says they were assaulted at home and is afraid to return.",
    ),
    Template(
        ("agency",),
        ("neglect",),
        {1: 2, 2: 5, 3: 3},
        "Housing officers visiting about rent arrears found the flat damp, with mould in {c}'s "
        "bedroom and little food in the kitchen. {p1} has been served notice to leave. {c} "
        "({age}) lives there with {p1}.",
        "The family may lose their home and the current conditions are affecting {c}'s health.",
    ),
    Template(
        ("agency",),
        ("mental_health",),
        {2: 3, 3: 5, 4: 2},
        "Adult mental health services report that {p1} was admitted to hospital after a "
        "crisis. {c} ({age}) is being looked after by a family friend and plans beyond this "
        "week are unclear.",
        "{c}'s main carer is in hospital and there is no settled plan for who looks after them.",
    ),
    Template(
        ("agency", "police"),
        ("sexual_abuse",),
        {3: 1, 4: 8},
        "The probation service tells us that {p2}, who has a conviction for offences against "
        "children, has moved in with {p1} and {c} ({age}). It is not known whether {p1} is "
        "aware of the conviction.",
        "A man convicted of offences against children is living with {c}.",
    ),
    Template(
        ("agency",),
        ("neglect",),
        {2: 4, 3: 5},
        "The early help key worker reports that the family has stopped taking part in the plan "
        "agreed in the summer. {c} ({age}) is missing school and {p1} has not answered the "
        "door on the last three visits.",
        "Support has broken down and the worries that led to early help have not improved.",
    ),
    Template(
        ("agency", "public"),
        ("neglect", "mental_health"),
        {2: 3, 3: 5},
        "A food bank volunteer is worried after {c} ({age}) came in alone and asked for "
        "nappies for a younger sibling, saying {p1} was 'asleep all day'.",
        "{c} seems to be caring for a younger child while {p1} is not coping.",
    ),
)

WORKING_WELL = (
    "{p1} has been open with professionals and agreed to the checks.",
    "{c} attends school most days and has a trusted adult there.",
    "A grandparent nearby offers practical help and a safe place to stay.",
    "{c} was able to talk about what happened and asked for help.",
    "The family worked well with early help in the past.",
    "There are no earlier contacts about {c} and no police history at the address.",
    "{p1} acted protectively by calling for help.",
    "{c} is registered with a GP and is up to date with health checks.",
)
NEEDS = {
    "nfa": "No role for children's services; the referrer will be told the outcome.",
    "advice": "The referrer will share advice and details of local support with the family.",
    "early_help": "An early help assessment, led by the school or family hub, with a plan "
    "agreed with the family within four weeks.",
    "assessment_s17": "A social worker to complete a child and family assessment and see "
    "{c} within five working days.",
    "strategy_s47": "A strategy discussion with police and health within one working day to "
    "decide whether section 47 enquiries are needed.",
    "transfer": "Pass the information to the authority where the family now lives.",
    "already_open": "Pass to the allocated social worker, who will review the plan.",
}
CHECKS = ("police", "health", "education", "probation", "housing")
MISMATCH_REASONS = (
    "The level reflects how serious the concern sounds, but {c} is already safe with a "
    "protective relative and police have no further role, so a lighter response is "
    "proportionate for now.",
    "The family moved out of the area yesterday; the receiving authority has agreed to take "
    "the case, so we are passing the information instead of starting work here.",
    "The needs appear lower than the level suggests, but the referrer holds information we "
    "could not verify today, so we are taking the more cautious route until it is checked.",
)
RETURN_COMMENTS = (
    "Please add what the police check showed to the analysis before I authorise.",
    "The level rationale does not mention the earlier contacts; please address them.",
    "Say who will tell the referrer and what support the family was offered.",
    "The safety scale does not match the worries described; please review it.",
)
REVISIONS = (
    " Updated after manager review: the police check shows two earlier call-outs, which "
    "supports the level chosen.",
    " Updated after manager review: earlier contacts were considered and do not change the "
    "recommendation.",
    " Updated after manager review: the referrer will be told today and the family was given "
    "details of local support.",
)
GROUNDS = (
    "Seeking consent could place the child at greater risk of harm",
    "The child may be at risk of significant harm",
    "Sharing is needed to prevent a crime against a child",
)
LAWFUL_BASIS = (
    "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 8 para 4 (safeguarding children)",
    "Children Act 1989 s47; UK GDPR Art 6(1)(e); DPA 2018 Sch 8 para 4",
)
REFUSED_RATIONALE = (
    "{p1} refused consent, but the concern suggests {c} may be at risk of significant harm, "
    "so partner information must be shared to judge how safe {c} is."
)
NOT_SOUGHT_RATIONALE = (
    "Asking for consent could alert the adult who may be harming {c} and place {c} and "
    "{p1} at greater risk, so information is shared without it."
)


@dataclass
class _Referral:
    """One referral planned ahead: its intake, judgement and the instants of each step."""

    index: int
    received: datetime
    screener: str
    manager: str
    intake: IntakeInput
    consent: ConsentInput
    level: int
    level_rationale: str
    decisions: list[DecisionInput]  # the first decision and, if returned, the revision
    return_comment: str
    steps: list[tuple[datetime, str]]  # instants for the first child; siblings a little later
    contact_ids: list[int] = field(default_factory=list)


@dataclass
class _Tally:
    """What the run made, for the summary."""

    states: Tally[str] = field(default_factory=Tally)
    late: int = 0
    returned: int = 0
    overrides: int = 0
    mismatches: int = 0


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    """A weighted choice that depends only on the generator state."""
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _ascii(text: str) -> str:
    """Letters only, accents dropped, for invented e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _demo_now(services: Services, until: date | None) -> datetime:
    """The demo's "now": late afternoon on `until`, never later than the real clock."""
    real = services.clock.now()
    if until is None:
        until = local_date(real)
    return min(real, local_to_utc(datetime.combine(until, END_OF_DEMO_DAY)))


def _daytime(at: datetime, rng: random.Random) -> datetime:
    """Move an action that would fall at night to the start of the next staffed morning."""
    local = to_local(at)
    if DAY_START <= local.hour < DAY_END:
        return at
    day = local.date() if local.hour < DAY_START else local.date() + timedelta(days=1)
    start = local_to_utc(datetime.combine(day, time(DAY_START, 0)))
    return start + timedelta(minutes=rng.randint(5, 55))


# The last day's contacts: one of each open state first, then a weighted mix.
OPEN_STOPS_FIRST = ["awaiting", "override_pending", "returned", "created"]
OPEN_STOP_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("created", 20),
    ("consent", 15),
    ("level", 15),
    ("override_pending", 12),
    ("awaiting", 23),
    ("returned", 15),
)
STOP_PROGRESS = {
    "returned": 5,
    "awaiting": 4,
    "level": 3,
    "override_pending": 2,
    "consent": 1,
    "created": 0,
}
HOUR_WEIGHTS = [0.15] * 7 + [0.4, 0.9] + [1.3] * 4 + [1.2] * 4 + [0.8] + [0.4] * 4 + [0.25] * 2


def _days(start: datetime, now: datetime) -> tuple[list[date], list[float]]:
    """Each local day of the window, weighted so working days are busier than weekends."""
    first, last = local_date(start), local_date(now)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return days, [1.0 if is_working_day(d) else 0.35 for d in days]


def _arrival(
    rng: random.Random, start: datetime, now: datetime, days: tuple[list[date], list[float]]
) -> datetime:
    """A received instant, weekday- and daytime-heavy, between start and now."""
    while True:
        day = rng.choices(days[0], weights=days[1])[0]
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        naive = datetime.combine(day, time(hour, rng.randrange(60)))
        try:
            at = local_to_utc(naive)
        except ValueError:  # the hour the clocks skip in March
            continue
        if start <= at <= now:
            return at


def _source(rng: random.Random, received: datetime) -> str:
    """A source code; out of hours the police dominate and schools are closed."""
    local = to_local(received)
    out_of_hours = not is_working_day(local.date()) or not 8 <= local.hour < 18
    weighted = []
    for code, weight in SOURCE_WEIGHTS:
        if out_of_hours and code == "6":
            weight *= 4
        elif out_of_hours and code in ("2A", "2B", "3C"):
            weight *= 0.03
        weighted.append((code, weight))
    return _pick(rng, weighted)


def _band(framework: Framework, level: Level) -> int:
    """Where a level sits on a 1-4 scale, so templates work with any framework's numbering."""
    numbers = [lvl.number for lvl in framework.levels]
    if len(numbers) == 1:
        return 4
    return 1 + round(numbers.index(level.number) * 3 / (len(numbers) - 1))


def _level_for_band(framework: Framework, band: int) -> Level:
    """The framework level closest to a 1-4 band."""
    return min(framework.levels, key=lambda lvl: (abs(_band(framework, lvl) - band), lvl.number))


def _phone(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


def _nhs_number(rng: random.Random) -> str:
    """A number in the NHS test range (999...) with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _referrer(rng: random.Random, source: str, school: str) -> tuple[str, str, str, str, str]:
    """(name, agency, role, phone, email) of an invented referrer for a source code."""
    first = rng.choice(WOMEN + MEN)
    last = rng.choice(SURNAMES)
    name = f"{first} {last}"
    roles: dict[str, tuple[str, str, str]] = {
        "6": ("PC " + name, "Police - public protection unit", "Police constable"),
        "7": (name, "Probation Service", "Probation officer"),
        "2A": (name, school, "Designated safeguarding lead"),
        "2B": (name, "Attendance and inclusion service", "Education welfare officer"),
        "3A": ("Dr " + name, f"{rng.choice(TOWNS)} Medical Practice", "GP"),
        "3B": (name, "0-19 health service", "Health visitor"),
        "3C": (name, "0-19 health service", "School nurse"),
        "3D": (name, "Community midwifery", "Midwife"),
        "3E": (name, "Emergency department, Northbrook General", "Staff nurse"),
        "3F": (name, "Child and adolescent mental health service", "Clinician"),
        "1A": (name, "", rng.choice(("Grandmother", "Aunt", "Father", "Uncle", "Step-parent"))),
        "1B": (name, "", "Neighbour"),
        "1C": ("", "", "Child (self-referral)"),
        "1D": (name, "", "Member of the public"),
        "4": (name, "Housing options", "Housing officer"),
        "5A": (name, "Adult social care", "Social worker"),
        "5B": (name, "Youth service", "Youth worker"),
        "5C": (name, "Neighbouring council children's services", "Social worker"),
        "5D": (name, "Family hub", "Early help key worker"),
        "8": (name, "Northbrook Food Bank", "Volunteer co-ordinator"),
        "9": ("", "", ""),
        "10": ("", "", ""),
    }
    shown, agency, role = roles[source]
    if source == "1C":
        return shown, agency, role, "", ""
    if source in ("9", "10"):
        return "", "", "", "", ""
    domain = "example.org" if not agency else _ascii(agency.split(",")[0])[:20] + ".example.org"
    email = f"{_ascii(first)}.{_ascii(last)}@{domain}" if rng.random() < 0.8 else ""
    return shown, agency, role, _phone(rng), email


def _age_phrase(child: ChildInput, today: date) -> str:
    if child.unborn:
        assert child.expected_date is not None
        return f"unborn, due {child.expected_date:%d/%m/%Y}"
    assert child.date_of_birth is not None
    months = (today.year - child.date_of_birth.year) * 12 + today.month - child.date_of_birth.month
    if today.day < child.date_of_birth.day:
        months -= 1
    if months < 24:
        return f"{max(months, 0)} months"
    return f"{months // 12}"


class _Planner:
    """Draws every referral from one seeded generator, so a seed always gives the same data."""

    def __init__(
        self,
        rng: random.Random,
        framework: Framework,
        now: datetime,
        screeners: list[str],
        managers: list[str],
        names: dict[str, str],
    ) -> None:
        self.rng = rng
        self.framework = framework
        self.now = now
        self.start = now - timedelta(days=WINDOW_DAYS)
        self.screeners = screeners
        self.managers = managers
        self.names = names
        self.tally = _Tally()

    def referrals(self, contacts: int) -> list[_Referral]:
        """Enough referrals for exactly `contacts` contacts, in order of receipt."""
        received = []
        days = _days(self.start, self.now)
        remaining = contacts
        while remaining > 0:
            size = 1
            roll = self.rng.random()
            if roll < 0.04:
                size = 3
            elif roll < 0.12:
                size = 2
            size = min(size, remaining)
            received.append((_arrival(self.rng, self.start, self.now, days), size))
            remaining -= size
        received.sort(key=lambda pair: pair[0])
        recent = sum(1 for at, _ in received if self.now - at <= OPEN_WINDOW)
        stops = ["authorised"] * (len(received) - recent) + self._open_stops(recent)
        return [
            self._referral(i, at, size, stop)
            for i, ((at, size), stop) in enumerate(zip(received, stops, strict=True))
        ]

    def _open_stops(self, count: int) -> list[str]:
        """Where each of the last day's contacts stops: every kind of open state appears.

        The oldest of them are furthest along, the newest just logged.
        """
        stops = OPEN_STOPS_FIRST[:count]
        stops += [_pick(self.rng, OPEN_STOP_WEIGHTS) for _ in range(count - len(stops))]
        return sorted(stops, key=lambda stop: -STOP_PROGRESS[stop])

    def _children(
        self, size: int, template: Template, today: date, school_age: bool
    ) -> list[ChildInput]:
        """Brothers and sisters share a surname, address and ethnicity, never an age."""
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        surname = rng.choice(SURNAMES)
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"
        postcode = (
            f"MT{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        )
        ethnicity = _pick(rng, ETHNICITY_WEIGHTS)
        ages = rng.sample(range(4, 17) if school_age else range(0, 18), size)
        used: set[str] = set()
        children = []
        for index, age in enumerate(ages):
            if template.unborn and index == 0:
                children.append(
                    ChildInput(
                        first_name="",
                        last_name=surname,
                        unborn=True,
                        expected_date=today + timedelta(days=rng.randint(20, 160)),
                        gender="U",
                        ethnicity=ethnicity,
                        address=address,
                        postcode=postcode,
                    )
                )
                continue
            gender = _pick(rng, (("M", 48), ("F", 48), ("U", 3), ("N", 1)))
            pool = GIRLS if gender == "F" else BOYS if gender == "M" else GIRLS + BOYS
            first = rng.choice([n for n in pool if n not in used])
            used.add(first)
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            school = rng.choice(SCHOOLS) if 4 <= age <= 16 else ""
            children.append(
                ChildInput(
                    first_name=first,
                    last_name=surname,
                    date_of_birth=born,
                    gender=gender,
                    ethnicity=ethnicity,
                    address=address,
                    postcode=postcode,
                    school=school,
                    nhs_number=_nhs_number(rng) if rng.random() < 0.85 else "",
                    upn=f"{rng.choice('ABCDEFGHJK')}999{rng.randrange(10**9):09d}"
                    if school
                    else "",
                )
            )
        return children

    def _referral(self, index: int, received: datetime, size: int, stop: str) -> _Referral:
        rng = self.rng
        today = local_date(received)
        source = _source(rng, received)
        group = GROUP_OF_SOURCE.get(source, "health")
        fitting = [t for t in TEMPLATES if group in t.groups]
        if group == "self":
            fitting = [t for t in TEMPLATES if "self" in t.groups or "school" in t.groups]
            fitting = [t for t in fitting if not t.unborn]
        if source not in ("3B", "3D", "3F", "3A"):
            fitting = [t for t in fitting if not t.unborn]
        template = rng.choice(fitting)
        band = rng.choices(list(template.levels), weights=list(template.levels.values()))[0]
        level = _level_for_band(self.framework, band)
        band = _band(self.framework, level)
        priority = _pick(
            rng,
            {
                4: (("red", 45), ("amber", 55)),
                3: (("red", 10), ("amber", 80), ("green", 10)),
                2: (("amber", 70), ("green", 30)),
                1: (("amber", 50), ("green", 50)),
            }[band],
        )
        children = self._children(size, template, today, group == "school")
        lead = children[0]
        p1, p2 = rng.choice(WOMEN), rng.choice(MEN)
        words = {
            "c": lead.first_name or "the unborn baby",
            "age": _age_phrase(lead, today),
            "p1": p1,
            "p2": p2,
            "time": f"{to_local(received):%H:%M}",
            "weeks": str(rng.randint(14, 34)),
        }
        concern = template.text.format(**words)
        factors = list(template.factors)
        if rng.random() < 0.15:
            factors.append(rng.choice(("mental_health", "alcohol_misuse", "domestic_abuse")))
        name, agency, role, phone, email = _referrer(rng, source, lead.school or SCHOOLS[0])
        if source == "1C":
            name = f"{lead.first_name} {lead.last_name}"
        intake = IntakeInput(
            received_at=received,
            source_code=source,
            concern=concern,
            children=children,
            referrer_name=name,
            referrer_agency=agency,
            referrer_role=role,
            referrer_phone=phone,
            referrer_email=email,
            factors=factors,
            priority=priority,
        )
        screener = rng.choice(self.screeners)
        manager = rng.choice(self.managers)

        # Consent: mostly given; overrides more likely where the risk is highest.
        outcome = _pick(
            rng,
            (("given", 55), ("refused", 15), ("not_sought", 30))
            if band == 4
            else (("given", 88), ("refused", 8), ("not_sought", 4)),
        )
        open_plan = stop != "authorised"
        if stop == "override_pending" and outcome == "given":
            outcome = rng.choice(("refused", "not_sought"))
        consent = self._consent(outcome, words, self.names.get(screener, screener))

        step = self._next_step(level)
        mismatch = ""
        if not level.fits(step):
            mismatch = rng.choice(MISMATCH_REASONS).format(**words)
        scale = {4: (1, 4), 3: (3, 6), 2: (5, 8), 1: (7, 10)}[band]
        decision = DecisionInput(
            next_step=step,
            analysis=self._analysis(words, level, step, concern),
            sos_worried=template.worried.format(**words),
            sos_working_well=rng.choice(WORKING_WELL).format(**words),
            sos_needs_to_happen=NEEDS[step].format(**words),
            sos_scale=rng.randint(*scale),
            mismatch_justification=mismatch,
        )
        returned = stop == "returned" or (not open_plan and rng.random() < 0.08)
        decisions = [decision]
        if returned:
            revised = DecisionInput(**{**decision.__dict__})
            revised.analysis = decision.analysis + rng.choice(REVISIONS)
            decisions.append(revised)
        descriptor_domain = rng.choice(list(level.descriptors)) if level.descriptors else ""
        descriptor = (
            rng.choice(level.descriptors[descriptor_domain]) if descriptor_domain else level.summary
        )
        level_rationale = (
            f"{descriptor.rstrip('.')} ({descriptor_domain.lower() or 'summary'}); this fits "
            f"Level {level.number}, {level.name.lower()}."
        )
        steps = self._timeline(received, priority, outcome != "given", returned, stop, now=self.now)
        return _Referral(
            index=index,
            received=received,
            screener=screener,
            manager=manager,
            intake=intake,
            consent=consent,
            level=level.number,
            level_rationale=level_rationale,
            decisions=decisions,
            return_comment=rng.choice(RETURN_COMMENTS),
            steps=steps,
        )

    def _consent(self, outcome: str, words: dict[str, str], screener: str) -> ConsentInput:
        rng = self.rng
        if outcome == "not_sought":
            return ConsentInput(
                outcome="not_sought",
                grounds=rng.choice(GROUNDS),
                lawful_basis=rng.choice(LAWFUL_BASIS),
                rationale=NOT_SOUGHT_RATIONALE.format(**words),
            )
        consent = ConsentInput(
            outcome=outcome,
            sought_by=screener if rng.random() < 0.7 else "The referrer",
            sought_from=f"{words['p1']} (mother)",
            method=rng.choice(("Telephone", "Telephone", "In person", "Email", "Text message")),
        )
        if outcome == "refused":
            consent.grounds = rng.choice(GROUNDS)
            consent.lawful_basis = rng.choice(LAWFUL_BASIS)
            consent.rationale = REFUSED_RATIONALE.format(**words)
        return consent

    def _next_step(self, level: Level) -> str:
        """Mostly a step the level lists; about one in thirty a mismatch to be justified."""
        rng = self.rng
        if rng.random() < 0.035:
            others = [s for s in NEXT_STEPS if not level.fits(s)]
            if others:
                return rng.choice(others)
        weights = {"transfer": 0.04, "already_open": 0.08}
        steps = list(level.next_steps) or list(NEXT_STEPS)
        return rng.choices(steps, weights=[weights.get(s, 1.0) for s in steps])[0]

    def _analysis(self, words: dict[str, str], level: Level, step: str, concern: str) -> str:
        rng = self.rng
        checks = rng.sample(CHECKS, 2)
        history = rng.choice(
            (
                "There are no earlier contacts about {c}.",
                "There was one earlier contact about {c} last year, closed with advice.",
                "Two earlier contacts about the household raised similar worries.",
                "The family had an early help plan that closed eighteen months ago.",
            )
        ).format(**words)
        return (
            f"Checks with {checks[0]} and {checks[1]} were completed. {history} "
            f"Weighing the worries against what is working well, the needs sit at Level "
            f"{level.number} ({level.name.lower()}). Recommended next step: "
            f"{NEXT_STEPS[step].lower()}."
        )

    def _timeline(
        self,
        received: datetime,
        priority: str,
        override: bool,
        returned: bool,
        stop: str,
        *,
        now: datetime,
    ) -> list[tuple[datetime, str]]:
        """The instants of each step, in order; nothing after `now` is kept."""
        rng = self.rng
        names = ["create", "consent"]
        if override and stop != "override_pending":
            names.append("override")
        if stop not in ("created", "consent", "override_pending"):
            names.append("level")
            if stop != "level":
                names += ["decide", "submit"]
                if returned:
                    names.append("return")
                    if stop == "authorised":
                        names += ["redecide", "resubmit"]
                if stop == "authorised":
                    names.append("authorise")
        if stop == "created":
            names = ["create"]
        if stop != "authorised":
            return self._open_timeline(received, names, now)
        late = rng.random() < (0.3 if now - received < timedelta(hours=60) else 0.06)
        if late:
            total = timedelta(hours=rng.uniform(24.5, 60))
        elif priority == "red":
            total = timedelta(hours=rng.uniform(0.75, 3.6))
        else:
            total = timedelta(hours=rng.uniform(1.5, 14))
        fractions = [*sorted(rng.uniform(0.15, 0.95) for _ in names[2:]), 1.0]
        times = [received + timedelta(minutes=rng.randint(4, 45))]
        times += [received + total * f for f in fractions]
        steps: list[tuple[datetime, str]] = []
        previous = received
        for at, name in zip(times, names, strict=True):
            # Staff act in the daytime; a late plan may run past "now" and stay open.
            at = max(_daytime(at, rng), previous + timedelta(minutes=2))
            if at > now:
                break
            steps.append((at, name))
            previous = at
        if steps and steps[-1][1] == "authorise" and rng.random() < 0.9:
            informed = _daytime(previous + timedelta(hours=rng.uniform(0.2, 26)), rng)
            if informed <= now:
                steps.append((informed, "inform"))
        return steps

    def _open_timeline(
        self, received: datetime, names: list[str], now: datetime
    ) -> list[tuple[datetime, str]]:
        """Squeeze the steps of a contact still open between its receipt and "now"."""
        span = now - received
        step = timedelta(minutes=1)
        if span < step * len(names):
            names = names[: max(1, int(span / step))]
        fractions = sorted(self.rng.uniform(0.05, 0.95) for _ in names)
        steps: list[tuple[datetime, str]] = []
        previous = received
        for index, (fraction, name) in enumerate(zip(fractions, names, strict=True)):
            latest = now - step * (len(names) - 1 - index)
            at = min(max(received + span * fraction, previous + step), latest)
            steps.append((at, name))
            previous = at
        return steps


def _users(services: Services, login: str) -> tuple[list[str], list[str], str]:
    """Make sure the demo staff exist (and the person running it, as a manager)."""
    existing = {u.username: u for u in services.list_users()}
    notes = []
    actor: str | None = None
    if existing:
        # Never act in someone else's name: on a database with users, the person running
        # the demo must themselves be an active manager (identify raises otherwise).
        from mash_tui.domain.errors import PermissionDenied
        from mash_tui.store.tables import Role

        me = services.identify(login)
        if me.role not in (Role.MANAGER, Role.ADMIN):
            raise PermissionDenied("only a manager can load demo data into a database with users")
        actor = me.username
    # Managers first, and the person running the demo before anyone, so that on an empty
    # database the first user added can add the rest.
    wanted = sorted(DEMO_USERS, key=lambda user: user[2] != "manager")
    if login not in existing and login not in {u for u, _, _ in DEMO_USERS}:
        wanted.insert(0, (login, login, "manager"))
    for username, display, role in wanted:
        if username in existing:
            continue
        user = services.add_user(actor, username, display, role)
        existing[username] = user
        if actor is None:
            actor = user.username if role == "manager" else None
        if username == login:
            notes.append(f"'{login}' was added as a manager so you can use the app")
    screeners = [u for u, _, r in DEMO_USERS if r == "screener" and existing[u].active]
    managers = [
        u
        for u, _, r in DEMO_USERS
        if r == "manager" and existing[u].active and existing[u].role in ("manager", "admin")
    ]
    if not screeners or not managers:
        raise MashError("the demo users exist but are disabled: enable them and try again")
    return screeners, managers, "; ".join(notes)


def generate(
    services: Services,
    *,
    contacts: int,
    seed: int,
    until: date | None,
    login: str,
) -> str:
    """Fill the database with a believable, repeatable workload so people can try the app."""
    from mash_tui.services import Services

    if contacts < 1:
        raise ValueError("--contacts must be at least 1")
    now = _demo_now(services, until)
    start = now - timedelta(days=WINDOW_DAYS)
    clock = FrozenClock(start - timedelta(days=1))
    svc = Services(services.engine, clock, policy=services.policy, framework=services.framework)
    screeners, managers, note = _users(svc, login)
    names = {u.username: u.display_name for u in svc.list_users()}
    rng = random.Random(seed)
    planner = _Planner(rng, svc.framework, now, screeners, managers, names)
    referrals = planner.referrals(contacts)

    events: list[tuple[datetime, int, int, int, str]] = []
    for ref in referrals:
        for step_index, (at, name) in enumerate(ref.steps):
            if name == "create":
                events.append((at, ref.index, 0, step_index, name))
                continue
            for child in range(len(ref.intake.children)):
                offset = min(at + timedelta(minutes=3 * child), now)
                events.append((offset, ref.index, child, step_index, name))
    events.sort()

    final = _play(svc, clock, referrals, events, planner.tally)
    return _summary(svc, referrals, final, planner.tally, start, now, note)


def _play(
    svc: Services,
    clock: FrozenClock,
    referrals: list[_Referral],
    events: list[tuple[datetime, int, int, int, str]],
    tally: _Tally,
) -> dict[int, str]:
    """Replay every step in time order inside one write transaction, using the service's rules.

    One transaction makes the demo all-or-nothing and about three times faster than a
    commit per step; each step still goes through the same per-session helpers (and so
    the same checks) that the public methods use.
    """
    from mash_tui.services import FUTURE_TOLERANCE, snapshot
    from mash_tui.store.tables import Contact, ContactState, Counter, Role, User

    final: dict[int, str] = {}
    with svc.write() as session:
        # The session's identity map holds rows weakly: keeping the sequence rows alive
        # spares a SELECT every time a reference number or audit id is taken.
        sequences = [session.get(Counter, name) for name in ("audit", "contact", "child", "family")]
        people: dict[tuple[str, Role], User] = {}

        def actor(username: str, role: Role = Role.SCREENER) -> User:
            if (username, role) not in people:
                people[username, role] = svc._actor(session, username, role)
            return people[username, role]

        contacts: dict[int, Contact] = {}
        for at, ref_index, child, _step, name in events:
            ref = referrals[ref_index]
            clock.set(at)
            if name == "create":
                for made in svc._create(session, actor(ref.screener), ref.intake, at):
                    assert made.id is not None
                    ref.contact_ids.append(made.id)
                    contacts[made.id] = made
                    final[made.id] = made.state
                continue
            contact = contacts[ref.contact_ids[child]]
            screener, manager = actor(ref.screener), actor(ref.manager, Role.MANAGER)
            if name == "consent":
                svc._record_consent(session, screener, contact, ref.consent, at)
            elif name == "override":
                svc._authorise_override(session, manager, contact, at)
                tally.overrides += 1
            elif name == "level":
                choice = LevelInput(ref.level, ref.level_rationale)
                svc._set_level(session, screener, contact, choice, at)
            elif name in ("decide", "redecide"):
                decision = ref.decisions[0 if name == "decide" else -1]
                svc._record_decision(session, screener, contact, decision, at)
                tally.mismatches += int(name == "decide" and bool(decision.mismatch_justification))
            elif name in ("submit", "resubmit"):
                svc._submit(session, screener, contact, at)
            elif name == "return":
                # As Services.return_contact does, without a transaction of its own.
                before = snapshot(contact, ["state", "return_comment"])
                svc._move(session, contact, ContactState.RETURNED, manager, at, ref.return_comment)
                contact.return_comment = ref.return_comment
                svc._save(session, contact, manager, "return", before, at, ref.return_comment)
                tally.returned += 1
            elif name == "authorise":
                svc._authorise(session, manager, contact, at)
                tally.late += int(at - ref.received > timedelta(hours=24))
            elif name == "inform":
                # As Services.record_referrer_informed does with no explicit time.
                assert contact.received_at <= at + FUTURE_TOLERANCE
                before = snapshot(contact, ["referrer_informed_at"])
                contact.referrer_informed_at = at
                svc._save(session, contact, screener, "referrer_informed", before, at)
            else:  # pragma: no cover - the planner only makes the names above
                raise AssertionError(name)
            final[contact.id] = contact.state  # type: ignore[index]
        del sequences
    return final


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 contact', '2 contacts': a count with its noun agreeing."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _summary(
    services: Services,
    referrals: list[_Referral],
    final: dict[int, str],
    tally: _Tally,
    start: datetime,
    now: datetime,
    note: str,
) -> str:
    """One paragraph saying what was made, in numbers a manager would check first."""
    states = Tally(final.values())
    pending = 0
    overdue = 0
    open_ids = {cid for cid, state in final.items() if state != "authorised"}
    if open_ids:
        for row in services.queue(limit=100_000):
            if row.id in open_ids:
                pending += int(row.override_pending)
                overdue += int(row.deadline_at < now)
    families = sum(1 for r in referrals if len(r.intake.children) > 1)
    text = (
        f"Added {_n(len(final), 'demo contact')} ({_n(len(referrals), 'referral')}, "
        f"{families} of them sibling groups) received between {format_local(start)} and "
        f"{format_local(now)}. {states['authorised']} authorised, {tally.late} of them after "
        f"more than 24 hours; {_n(tally.returned, 'contact')} returned once by a manager, "
        f"{_n(tally.overrides, 'consent override')} authorised and "
        f"{_n(tally.mismatches, 'level/next-step mismatch', 'level/next-step mismatches')} "
        f"justified. {len(open_ids)} still open: {states['screening']} in screening, "
        f"{states['awaiting_authorisation']} awaiting authorisation, {states['returned']} "
        f"returned, {_n(pending, 'consent override')} awaiting a manager, {overdue} past the "
        f"deadline at {format_local(now)}."
    )
    if note:
        text += f" {note[0].upper()}{note[1:]}."
    return text
