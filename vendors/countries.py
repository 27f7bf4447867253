"""ISO 3166-1 countries and the market regions the industry reports use (North America, Europe,
Asia-Pacific, Latin America, Middle East & Africa). Names come from pycountry; the region of each
code follows the UN M49 geoscheme, with Western Asia and Iran under Middle East & Africa and
Mexico, Central America and the Caribbean under Latin America."""

import pycountry
from django.db import models
from django.utils.translation import gettext_noop


class Region(models.TextChoices):
    NORTH_AMERICA = "north_america", gettext_noop("North America")
    EUROPE = "europe", gettext_noop("Europe")
    ASIA_PACIFIC = "asia_pacific", gettext_noop("Asia-Pacific")
    LATIN_AMERICA = "latin_america", gettext_noop("Latin America")
    MIDDLE_EAST_AFRICA = "middle_east_africa", gettext_noop("Middle East & Africa")


_CODES_BY_REGION = {
    Region.NORTH_AMERICA: "US CA BM GL PM UM",
    Region.LATIN_AMERICA: (
        "MX GT BZ SV HN NI CR PA CU DO HT JM BS BB TT AG DM GD KN LC VC AI AW BQ CW SX KY MS PR "
        "TC VG VI BL MF GP MQ AR BO BR CL CO EC GY PY PE SR UY VE FK GF GS BV"
    ),
    Region.EUROPE: (
        "AL AD AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR GG HU IS IE IM IT JE LV LI LT "
        "LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB VA AX"
    ),
    Region.ASIA_PACIFIC: (
        "CN HK MO TW JP KR KP MN BN KH ID LA MY MM PH SG TH TL VN AF BD BT IN MV NP PK LK KZ KG "
        "TJ TM UZ AU NZ NF CX CC HM FJ NC PG SB VU GU KI MH FM NR MP PW AS CK NU PN TK TO TV WF "
        "WS PF IO"
    ),
    Region.MIDDLE_EAST_AFRICA: (
        "AM AZ BH GE IQ IR IL JO KW LB OM QA SA PS SY TR AE YE DZ EG LY MA SD TN EH SS BI KM DJ "
        "ER ET KE MG MW MU YT MZ RE RW SC SO TZ UG ZM ZW AO CM CF TD CG CD GQ GA ST BW SZ LS NA "
        "ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG TF"
    ),
}
REGION_BY_COUNTRY = {code: region for region, codes in _CODES_BY_REGION.items() for code in codes.split()}

COUNTRY_CHOICES = sorted(
    ((c.alpha_2, c.name) for c in pycountry.countries if c.alpha_2 in REGION_BY_COUNTRY),
    key=lambda choice: choice[1],
)
COUNTRY_NAMES = dict(COUNTRY_CHOICES)


def region_of(country_code: str) -> str:
    return REGION_BY_COUNTRY.get((country_code or "").upper(), "")


def country_code_for(name: str) -> str:
    """The ISO code of a country named in free text ("United States", "UK"); '' if unknown."""
    name = (name or "").strip()
    if not name:
        return ""
    aliases = {"uk": "GB", "usa": "US", "united states of america": "US", "south korea": "KR"}
    if name.lower() in aliases:
        return aliases[name.lower()]
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return ""
