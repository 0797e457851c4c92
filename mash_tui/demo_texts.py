"""Provides the demo's wording: kinds of concern and the sentences screeners and managers write."""

from __future__ import annotations

from dataclasses import dataclass


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
# Demo managers' oversight notes: on late decisions (the breach reason), on a level and
# next step that differ, and now and then on an ordinary authorisation.
LATE_NOTES = (
    "Late because the police check came back the next morning; the decision stands.",
    "Breach: two screeners were off sick and Red contacts were taken first. Agreed.",
    "Late: we waited for the school to confirm attendance before deciding. Agreed.",
)
MISMATCH_NOTES = (
    "I have read the justification for the lighter response and agree with it.",
    "The level and next step differ for the reasons given; I am content with the plan.",
)
ROUTINE_NOTES = (
    "Agreed: analysis covers the earlier contacts and consent is clearly recorded.",
    "Agreed. Please make sure the referrer hears the outcome today.",
)
OVERRIDE_NOTES = (
    "Sharing without consent is proportionate to the risk described; agreed.",
    "Agreed: asking the father first would have put the child at greater risk.",
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
