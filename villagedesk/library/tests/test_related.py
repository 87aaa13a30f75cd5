"""Related articles: ordered by what they share with the article (issue 18, "Must show": related
articles ordered by shared terms on a fixed corpus). Score = 5 × shared tags + shared significant
words; ties to the newer article, then to the lower id."""

import datetime

import pytest

from villagedesk.library import segmenting
from villagedesk.library.models import Tag
from villagedesk.library.selectors import related_articles
from villagedesk.library.tests.factories import article_make

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def test_related_articles_are_ordered_by_shared_words(county, county_supervisor):
    main = article_make(county, title_en="Alpha", body_en="subsidy pension housing medical school")
    four = article_make(county, title_en="Four", body_en="subsidy pension housing medical roads")
    two = article_make(county, title_en="Two", body_en="subsidy pension bridges")
    three = article_make(county, title_en="Three", body_en="subsidy pension housing wells")
    one = article_make(county, title_en="One", body_en="school tractors")
    article_make(county, title_en="None", body_en="weather forecast")
    related = related_articles(user=county_supervisor, article=main)
    assert related == [four, three, two, one]
    assert [a.shared_terms for a in related] == [4, 3, 2, 1]


def test_shared_words_are_counted_once_and_stop_words_not_at_all(county, county_supervisor):
    main = article_make(county, title_en="Main", body_en="the the and pension pension")
    other = article_make(county, title_en="Other", body_en="the and pension")
    assert [a.shared_terms for a in related_articles(user=county_supervisor, article=main)] == [1]
    assert related_articles(user=county_supervisor, article=main) == [other]


def test_chinese_words_are_shared_across_sentences(county, county_supervisor):
    main = article_make(county, title_zh="低保核查", body_zh="每年核查低保家庭的收入。")
    near = article_make(county, title_zh="走访", body_zh="走访中发现低保家庭收入变化要及时报告。")
    far = article_make(county, title_zh="修路", body_zh="村里修路要先开会商议。")
    assert related_articles(user=county_supervisor, article=main) == [near]
    assert far.pk


def test_a_shared_tag_weighs_five_words(county, county_supervisor):
    tag = Tag.objects.create(code="water", name_zh="饮水", name_en="Water")
    main = article_make(county, title_en="Main", body_en="pipes pumps wells taps tanks", tags=[tag])
    tagged = article_make(county, title_en="Tagged", body_en="meeting", tags=[tag])
    words = article_make(county, title_en="Words", body_en="pipes pumps wells taps")
    six = article_make(county, title_en="Six", body_en="pipes pumps wells taps tanks")
    # Tagged shares its tag (5), Six five words (5), Words four words; Tagged and Six are of
    # the same day, and Tagged was written first.
    related = related_articles(user=county_supervisor, article=main)
    assert [(a.pk, a.score) for a in related] == [(tagged.pk, 5), (six.pk, 5), (words.pk, 4)]


def test_ties_go_to_the_newer_article_then_the_lower_id(county, county_supervisor):
    main = article_make(county, title_en="Main", body_en="pension")
    older = article_make(county, title_en="A", body_en="pension", published_on=DAY)
    first = article_make(county, title_en="B", body_en="pension", published_on=DAY.replace(day=2))
    second = article_make(county, title_en="C", body_en="pension", published_on=DAY.replace(day=2))
    assert related_articles(user=county_supervisor, article=main) == [first, second, older]


def test_related_articles_are_only_those_the_user_sees(county, village_a, village_b, cadre_a):
    main = article_make(county, title_en="Main", body_en="pension housing")
    own = article_make(village_a, title_en="Ours", body_en="pension housing", kind="notice")
    article_make(village_b, title_en="Theirs", body_en="pension housing", kind="notice")
    assert related_articles(user=cadre_a, article=main) == [own]


def test_significant_words_leave_out_short_and_common_ones():
    words = segmenting.terms("The 2021 plan of 村里 的 低保 work, a big one")
    assert segmenting.significant(words) == {"plan", "村里", "低保", "work", "big"}
