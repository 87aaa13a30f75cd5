"""Demo directory for a seeded county: offices and people around each village, their links,
and each village's points of interest and notes. Called after the registry demo is seeded."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from villagedesk.areas.models import (
    Area,
    Level,
    NoteTopic,
    PoiCategory,
    PointOfInterest,
    VillageNote,
)
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.directory.figures import network_changed
from villagedesk.directory.models import (
    Contact,
    ContactKind,
    Link,
    LinkKind,
    Organisation,
    OrganisationKind,
    Position,
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = "建国志明海涛红梅丽华永军伟芳秀英德文春兰宏斌玉珍俊杰"

COUNTY_OFFICES = [
    ("中共{county}委员会", OrganisationKind.PARTY_COMMITTEE, [("副书记", "分管农村工作", False)]),
    ("{county}人民政府", OrganisationKind.GOVERNMENT, [("副县长", "分管乡村振兴", False)]),
    (
        "{county}乡村振兴局",
        OrganisationKind.DEPARTMENT,
        [("局长", "", False), ("综合股股长", "驻村工作联络", True)],
    ),
    ("{county}民政局", OrganisationKind.DEPARTMENT, [("副局长", "低保与特困供养", True)]),
    ("{county}教育体育局", OrganisationKind.DEPARTMENT, [("资助中心主任", "教育资助", True)]),
    ("{county}卫生健康局", OrganisationKind.DEPARTMENT, [("副局长", "健康帮扶", True)]),
    (
        "{county}人力资源和社会保障局",
        OrganisationKind.DEPARTMENT,
        [("就业局局长", "劳务输出", True)],
    ),
    ("{county}农业农村局", OrganisationKind.DEPARTMENT, [("副局长", "产业发展", True)]),
]
TOWNSHIP_OFFICES = [
    (
        "中共{township}委员会",
        OrganisationKind.PARTY_COMMITTEE,
        [("党委书记", "", False), ("党委副书记", "分管乡村振兴", True)],
    ),
    (
        "{township}人民政府",
        OrganisationKind.GOVERNMENT,
        [("乡镇长", "", False), ("乡村振兴工作站站长", "驻村工作联络", True)],
    ),
]
VILLAGE_OFFICES = [
    (
        "中共{village}总支部委员会",
        OrganisationKind.PARTY_BRANCH,
        [("党总支书记", "全面工作", True), ("党总支委员", "党建", False)],
    ),
    (
        "{village}村民委员会",
        OrganisationKind.VILLAGERS_COMMITTEE,
        [
            ("村委会主任", "全面工作", True),
            ("村委会委员", "民政与社保", False),
            ("村文书", "档案与统计", False),
        ],
    ),
    (
        "{village}村务监督委员会",
        OrganisationKind.SUPERVISION_COMMITTEE,
        [("主任", "村务监督", False)],
    ),
    ("{village}种养殖专业合作社", OrganisationKind.COOPERATIVE, [("理事长", "", True)]),
]
HOME_UNITS = ["云岭市财政局", "云岭市自然资源局", "省农业科学院", "云岭供电局"]

POI_NAMES = {
    PoiCategory.OFFICE: "{village}村委会",
    PoiCategory.SCHOOL: "{village}小学",
    PoiCategory.CLINIC: "{village}卫生室",
    PoiCategory.SHOP: "便民小卖部",
    PoiCategory.BUS_STOP: "{village}招呼站",
    PoiCategory.WATER: "龙潭水源点",
    PoiCategory.POND: "大塘",
    PoiCategory.VENUE: "文化活动广场",
    PoiCategory.FIRE: "消防取水点",
    PoiCategory.LANDMARK: "古茶树",
}
NOTES = {
    NoteTopic.HISTORY: (
        "建村由来",
        "据族谱记载，先民于清初自江西迁来，沿河开垦定居，逐渐形成今日的村落。",
    ),
    NoteTopic.CUSTOMS: (
        "节庆习俗",
        "每年农历六月二十四过火把节，正月初九祭龙。红白喜事由村民理事会统一操办。",
    ),
    NoteTopic.NOTABLE_PEOPLE: (
        "知名人物",
        "本村走出过多名教师和医生，老支书带领群众修通了进村公路。",
    ),
    NoteTopic.PAST_WORK: (
        "以往帮扶工作",
        "上一届工作队完成了饮水工程和危房改造，建立了种养殖合作社。",
    ),
}


@dataclass(frozen=True)
class DirectorySummary:
    organisations: int
    contacts: int
    links: int
    points: int


class Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        self.contacts: list[Contact] = []

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def contact(self, area: Area, **fields) -> Contact:
        name = fields.pop("name", None) or self.name()
        full, initials = pinyin_keys(name)
        contact = Contact(
            area=area,
            name=name,
            name_pinyin=full,
            name_initials=initials,
            phone=self.phone(),
            wechat=f"wx{self.rng.randrange(10**6):06d}",
            **fields,
        )
        self.contacts.append(contact)
        return contact

    def offices(self, area: Area, plans, names: dict, level: int) -> list[list[Contact]]:
        """Create the organisations with their positions and holders; holders per office."""
        staff = []
        for pattern, kind, posts in plans:
            organisation = Organisation.objects.create(
                area=area, name=pattern.format(**names), kind=kind, level=level
            )
            people = []
            for title, duties, contact_point in posts:
                position = Position.objects.create(
                    organisation=organisation,
                    title=title,
                    duties=duties,
                    is_contact_point=contact_point,
                )
                people.append(
                    self.contact(area, organisation=organisation, position=position, office=title)
                )
            staff.append(people)
        return staff


def pairs_within(people: list[Contact]):
    return [(a, b) for i, a in enumerate(people) for b in people[i + 1 :]]


@transaction.atomic
def directory_demo_create(*, county: Area, seed: int) -> DirectorySummary:
    """Offices of the county, its townships and villages, with people and links between them."""
    builder = Builder(seed)
    rng = builder.rng
    townships = list(Area.objects.filter(parent=county, level=Level.TOWNSHIP))
    links: list[tuple[Contact, Contact, str]] = []
    county_staff = builder.offices(county, COUNTY_OFFICES, {"county": county.name}, Level.COUNTY)
    county_people = [p for office in county_staff for p in office]
    for office in county_staff:
        links += [(a, b, LinkKind.WORKS_WITH) for a, b in pairs_within(office)]
    for township in townships:
        township_staff = builder.offices(
            township, TOWNSHIP_OFFICES, {"township": township.name}, Level.TOWNSHIP
        )
        township_people = [p for office in township_staff for p in office]
        links += [(a, b, LinkKind.WORKS_WITH) for a, b in pairs_within(township_people)]
        links += [(p, rng.choice(county_people), LinkKind.REPORTS_TO) for p in township_people[:2]]
        for number, village in enumerate(Area.objects.filter(parent=township).order_by("code")):
            village_staff = builder.offices(
                village, VILLAGE_OFFICES, {"village": village.name}, Level.VILLAGE
            )
            village_people = [p for office in village_staff for p in office]
            links += [(a, b, LinkKind.WORKS_WITH) for a, b in pairs_within(village_people[:5])]
            links += [(village_people[0], township_people[1], LinkKind.REPORTS_TO)]
            links += [(village_people[2], township_people[3], LinkKind.REPORTS_TO)]
            home = Organisation.objects.get_or_create(
                area=county,
                name=HOME_UNITS[number % len(HOME_UNITS)],
                defaults={"kind": OrganisationKind.HOME_UNIT, "level": Level.CITY},
            )[0]
            leader = builder.contact(village, organisation=home, title="派出单位联络人")
            links.append((leader, village_people[0], LinkKind.INTRODUCED_BY))
            start = datetime.date(2015, 3, 1)
            for term in range(2):
                builder.contact(
                    village,
                    kind=ContactKind.FORMER_SECRETARY,
                    organisation=home,
                    title="原驻村第一书记",
                    term_start=start.replace(year=2015 + term * 2),
                    term_end=start.replace(year=2017 + term * 2),
                )
            elder = builder.contact(
                village,
                kind=ContactKind.FORMER_CADRE,
                title="原村党支部书记",
                term_start=datetime.date(1996, 1, 1),
                term_end=datetime.date(2011, 1, 1),
                tags="老党员,熟悉村情",
            )
            links.append((elder, village_people[0], LinkKind.FAMILY))
            for _n in range(2):
                native = builder.contact(
                    village,
                    kind=ContactKind.NATIVE,
                    lives_in=rng.choice(["昆明市", "上海市", "深圳市", "县城"]),
                    occupation=rng.choice(["企业负责人", "医生", "大学教师", "建筑承包商"]),
                    help_given="为村小捐赠图书，介绍务工岗位。",
                    tags="乡贤",
                )
                links.append((native, elder, LinkKind.FAMILY))
            points_create(village, rng, number)
            for topic, (title, body) in NOTES.items():
                VillageNote.objects.create(village=village, topic=topic, title=title, body=body)
    Contact.objects.bulk_create(builder.contacts)
    seen = set()
    rows = []
    for source, target, kind in links:
        key = (min(source.pk, target.pk), max(source.pk, target.pk), kind)
        if source.pk != target.pk and key not in seen:
            seen.add(key)
            rows.append(Link(source=source, target=target, kind=kind))
    Link.objects.bulk_create(rows)
    network_changed([county.code])
    return DirectorySummary(
        organisations=Organisation.objects.within([county.prefix]).count(),
        contacts=len(builder.contacts),
        links=len(rows),
        points=PointOfInterest.objects.within([county.prefix]).count(),
    )


def points_create(village: Area, rng: random.Random, number: int) -> None:
    """Points scattered about a village centre in Yunnan, one village a few km from the next."""
    centre_lat = Decimal("25.55") + Decimal(number % 10) * Decimal("0.03")
    centre_lng = Decimal("102.45") + Decimal(number // 10) * Decimal("0.03")
    for category, pattern in POI_NAMES.items():
        PointOfInterest.objects.create(
            village=village,
            category=category,
            name=pattern.format(village=village.name),
            latitude=centre_lat + Decimal(rng.randrange(-60, 60)) / 10000,
            longitude=centre_lng + Decimal(rng.randrange(-60, 60)) / 10000,
        )
