"""What a public notice must never carry: identity numbers, phone numbers, bank accounts and
health details (村务公开 shows decisions and money, never a person's private data).

The check looks for the shapes of the numbers, whatever separators are typed between digits, and
for words that name an illness or a disability.
"""

import re

from django.utils.translation import gettext_lazy as _

# Digits possibly split by spaces or dashes, as people type long numbers.
IDENTITY_NUMBER = re.compile(r"(?<![0-9])(?:\d[\s-]?){17}[\dXx](?![0-9])|(?<![0-9])\d{15}(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
# Bank cards and accounts run to 12–25 digits, often typed in groups of four.
BANK_ACCOUNT = re.compile(r"(?<![0-9])(?:\d[\s-]?){11,24}\d(?![0-9])")
HEALTH_WORDS = (
    "患有",
    "患病",
    "确诊",
    "诊断",
    "病史",
    "病情",
    "住院",
    "癌",
    "肿瘤",
    "白血病",
    "尿毒症",
    "透析",
    "艾滋",
    "HIV",
    "精神病",
    "精神障碍",
    "残疾等级",
    "级残疾",
    "diagnos",
    "cancer",
    "disabled grade",
)


def personal_data_found(text: str) -> list:
    """The kinds of personal data the text carries, named for a message; empty when none."""
    found = []
    if IDENTITY_NUMBER.search(text):
        found.append(_("an identity number"))
    if MOBILE.search(text) or LANDLINE.search(text):
        found.append(_("a phone number"))
    if not found and BANK_ACCOUNT.search(text):
        found.append(_("a bank account"))
    lowered = text.lower()
    if any(word.lower() in lowered for word in HEALTH_WORDS):
        found.append(_("health details"))
    return found
