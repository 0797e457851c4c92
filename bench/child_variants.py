"""The fixed fixture for the child-matching benchmark: known children with names that are
hard to type, and the spellings people really type for them (all invented).

Each variant names the child it should find (by `key`), what was typed, and the kind of
difference: accents, case, hyphenation, transliteration, a typo, a sound-alike, part of
a double surname, a prefix, a surname changed since, or an identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Known:
    """A child on record: the one a variant should find."""

    key: str
    first: str
    last: str
    born: date
    nhs: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Variant:
    """What someone typed while looking for `key`."""

    key: str
    kind: str
    first: str
    last: str
    born: date | None = None
    nhs: str = ""
    postcode: str = ""


KNOWN = [
    Known("zoe", "Zoë", "Łukasiewicz-Ó Súilleabháin", date(2017, 4, 3), "9434765919", "MT3 4QX"),
    Known("siobhan", "Siobhán", "Ní Bhriain", date(2013, 8, 12)),
    Known("chloe", "Chloé", "Lefèvre", date(2016, 1, 21)),
    Known("mohammed", "Mohammed", "Al-Hashimi", date(2012, 5, 5), postcode="MT7 1BD"),
    Known("dmitri", "Дмитрий", "Иванов", date(2014, 2, 14)),
    Known("soren", "Søren", "Østergård", date(2015, 9, 30)),
    Known("aoife", "Aoife", "O'Callaghan-Byrne", date(2018, 7, 7)),
    Known("kacper", "Kacper", "Wróblewski", date(2011, 11, 11), "4010232137"),
    Known("amara", "Amara", "Okonkwo-Adeyemi", date(2019, 3, 2)),
    Known("jurgen", "Jürgen", "Müller", date(2010, 6, 19)),
    Known("lan", "Lan", "Nguyễn", date(2015, 12, 25)),
    Known("oliver", "Oliver", "Hughes", date(2014, 1, 1), postcode="MT2 9HH"),
    Known("priya", "Priya", "Ramaswamy", date(2012, 8, 8)),
    Known("leah", "Leah", "Stephenson", date(2016, 4, 16)),
    Known("bartek", "Bartłomiej", "Szczęsny", date(2013, 10, 9)),
    Known("zainab", "Zainab", "Chaudhry", date(2017, 2, 27)),
    Known("eilidh", "Eilidh", "MacGillivray", date(2011, 12, 4)),
    Known("kofi", "Kofi", "Mensah-Bonsu", date(2018, 5, 13)),
    Known("renee", "Renée", "Dubois", date(2015, 7, 22)),
    Known("tomas", "Tomás", "Ó Briain", date(2012, 3, 31)),
]

VARIANTS = [
    # Typed exactly, then without accents, then in another case.
    Variant("zoe", "exact", "Zoë", "Łukasiewicz-Ó Súilleabháin", date(2017, 4, 3)),
    Variant("zoe", "no accents", "Zoe", "Lukasiewicz-O Suilleabhain", date(2017, 4, 3)),
    Variant("zoe", "case", "ZOË", "ŁUKASIEWICZ-Ó SÚILLEABHÁIN", date(2017, 4, 3)),
    Variant("zoe", "hyphenation", "Zoe", "Lukasiewicz O Suilleabhain", date(2017, 4, 3)),
    Variant("zoe", "one part", "Zoe", "Lukasiewicz", date(2017, 4, 3)),
    Variant("zoe", "one part", "Zoe", "O'Suilleabhain", date(2017, 4, 3)),
    Variant("zoe", "identifier", "", "", nhs="943 476 5919"),
    Variant("zoe", "typo", "Zoe", "Lukasiewitz", date(2017, 4, 3)),
    Variant("siobhan", "no accents", "Siobhan", "Ni Bhriain", date(2013, 8, 12)),
    Variant("siobhan", "hyphenation", "Siobhan", "Ni-Bhriain", date(2013, 8, 12)),
    Variant("siobhan", "case", "SIOBHÁN", "NÍ BHRIAIN", date(2013, 8, 12)),
    Variant("siobhan", "typo", "Shiobhan", "Ni Bhriain", date(2013, 8, 12)),
    Variant("chloe", "no accents", "Chloe", "Lefevre", date(2016, 1, 21)),
    Variant("chloe", "sound-alike", "Chloe", "Lefebvre", date(2016, 1, 21)),
    Variant("chloe", "no date of birth", "Chloe", "Lefevre"),
    Variant("mohammed", "sound-alike", "Muhammad", "Al-Hashimi", date(2012, 5, 5)),
    Variant("mohammed", "hyphenation", "Mohamed", "Al Hashimi", date(2012, 5, 5)),
    Variant("mohammed", "hyphenation", "Mohammed", "Alhashimi", date(2012, 5, 5)),
    Variant("mohammed", "postcode", "Mohammed", "Hashimi", postcode="mt71bd"),
    Variant("dmitri", "transliteration", "Dmitriy", "Ivanov", date(2014, 2, 14)),
    Variant("dmitri", "transliteration", "Dmitri", "Ivanov", date(2014, 2, 14)),
    Variant("dmitri", "transliteration", "Dmitry", "Ivanoff", date(2014, 2, 14)),
    Variant("dmitri", "exact", "Дмитрий", "Иванов", date(2014, 2, 14)),
    Variant("soren", "transliteration", "Soren", "Ostergard", date(2015, 9, 30)),
    Variant("soren", "transliteration", "Soeren", "Oestergaard", date(2015, 9, 30)),
    Variant("soren", "case", "SØREN", "ØSTERGÅRD", date(2015, 9, 30)),
    Variant("aoife", "one part", "Aoife", "O'Callaghan", date(2018, 7, 7)),
    Variant("aoife", "one part", "Aoife", "Byrne", date(2018, 7, 7)),
    Variant("aoife", "hyphenation", "Aoife", "OCallaghan Byrne", date(2018, 7, 7)),
    Variant("aoife", "sound-alike", "Eefa", "O'Callaghan-Byrne", date(2018, 7, 7)),
    Variant("kacper", "no accents", "Kacper", "Wroblewski", date(2011, 11, 11)),
    Variant("kacper", "sound-alike", "Casper", "Wroblewski", date(2011, 11, 11)),
    Variant("kacper", "identifier", "", "", nhs="4010232137"),
    Variant("kacper", "typo", "Kacper", "Wroblewsky", date(2011, 11, 11)),
    Variant("amara", "one part", "Amara", "Okonkwo", date(2019, 3, 2)),
    Variant("amara", "one part", "Amara", "Adeyemi", date(2019, 3, 2)),
    Variant("amara", "typo", "Amara", "Okonkow-Adeyemi", date(2019, 3, 2)),
    Variant("jurgen", "transliteration", "Juergen", "Mueller", date(2010, 6, 19)),
    Variant("jurgen", "no accents", "Jurgen", "Muller", date(2010, 6, 19)),
    Variant("jurgen", "sound-alike", "Jurgen", "Miller", date(2010, 6, 19)),
    Variant("lan", "no accents", "Lan", "Nguyen", date(2015, 12, 25)),
    Variant("lan", "typo", "Lan", "Ngyuen", date(2015, 12, 25)),
    Variant("lan", "sound-alike", "Lan", "Win", date(2015, 12, 25)),
    Variant("oliver", "prefix", "Oliver", "Hugh", date(2014, 1, 1)),
    Variant("oliver", "typo", "Oliver", "Hughs", date(2014, 1, 1)),
    Variant("oliver", "sound-alike", "Olivier", "Hewes", date(2014, 1, 1)),
    Variant("oliver", "postcode", "Oliver", "Hughes", postcode="MT2 9HH"),
    Variant("oliver", "no date of birth", "Oliver", "Hughes"),
    Variant("priya", "typo", "Priya", "Ramasway", date(2012, 8, 8)),
    Variant("priya", "prefix", "Priya", "Rama", date(2012, 8, 8)),
    Variant("priya", "surname changed", "Priya", "Sharma", date(2012, 8, 8)),
    Variant("leah", "surname changed", "Leah", "Carter", date(2016, 4, 16)),
    Variant("leah", "sound-alike", "Lea", "Stevenson", date(2016, 4, 16)),
    Variant("leah", "typo", "Leah", "Stephensen", date(2016, 4, 16)),
    Variant("bartek", "no accents", "Bartlomiej", "Szczesny", date(2013, 10, 9)),
    Variant("bartek", "nickname", "Bartek", "Szczesny", date(2013, 10, 9)),
    Variant("zainab", "sound-alike", "Zaynab", "Chaudhary", date(2017, 2, 27)),
    Variant("zainab", "transliteration", "Zainab", "Choudhury", date(2017, 2, 27)),
    Variant("eilidh", "case", "Eilidh", "Macgillivray", date(2011, 12, 4)),
    Variant("eilidh", "hyphenation", "Eilidh", "Mac Gillivray", date(2011, 12, 4)),
    Variant("eilidh", "surname changed", "Eilidh", "Ross", date(2011, 12, 4)),
    Variant("kofi", "one part", "Kofi", "Mensah", date(2018, 5, 13)),
    Variant("kofi", "hyphenation", "Kofi", "Mensah Bonsu", date(2018, 5, 13)),
    Variant("renee", "no accents", "Renee", "Dubois", date(2015, 7, 22)),
    Variant("renee", "sound-alike", "Rene", "Dubwa", date(2015, 7, 22)),
    Variant("tomas", "no accents", "Tomas", "O Briain", date(2012, 3, 31)),
    Variant("tomas", "hyphenation", "Tomas", "O'Briain", date(2012, 3, 31)),
    Variant("tomas", "transliteration", "Thomas", "O'Brien", date(2012, 3, 31)),
]
