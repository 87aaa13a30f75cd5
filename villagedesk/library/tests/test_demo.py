"""The demo county holds the shipped guidance: each step of the method has its article for every
village, in both languages."""

import pytest
from django.core.management import call_command

from villagedesk.accounts.models import User
from villagedesk.library.models import Article
from villagedesk.library.selectors import articles_for_step, related_articles

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_step_its_guidance_in_every_village():
    call_command("seed_demo", "--villages", "2", "--households", "20", "--seed", "3", verbosity=0)
    cadre = User.objects.get(username="cadre1")
    village = cadre.area_prefixes()[0]
    for step in range(1, 11):
        found = list(articles_for_step(user=cadre, area_code=village, step=step))
        assert found and found[0].kind == "guidance", step
    step8 = Article.objects.get(key="step08_deliver_policies")
    related = related_articles(user=cadre, article=step8)
    # The policy documents of the subsistence allowance and of extreme poverty share its tags.
    assert {"policy_dibao_review_2021", "policy_tekun_2021"} <= {a.key for a in related}
    assert [a.score for a in related] == sorted((a.score for a in related), reverse=True)
