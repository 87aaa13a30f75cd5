"""Search of the library: Chinese words found inside sentences, English words, nothing for no
word, and typed text never read as query syntax — the same answers on SQLite (FTS5) and on
PostgreSQL (tsvector), since both run these tests (issue 18, "Must show")."""

import pytest
from django.db import connection

from villagedesk.library import search, services
from villagedesk.library.selectors import ArticleFilters, article_list
from villagedesk.library.tests.factories import article_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(county, village_a):
    return {
        "dibao": article_make(
            county,
            title_zh="困难家庭的救助",
            body_zh="符合条件的困难家庭可以向乡镇人民政府申请低保，村里要帮助准备材料。",
        ),
        "visits": article_make(
            county,
            title_zh="入户走访",
            body_zh="第一书记每月走访脱贫户，记录家庭收入变化。",
            title_en="Home visits",
            body_en="The first secretary visits households every month and notes income changes.",
        ),
        "water": article_make(
            county,
            title_en="Drinking water",
            body_en="Check the village's drinking water at least twice a year.",
        ),
    }


@pytest.fixture
def found(corpus, county_supervisor):
    """The names in the corpus of the articles a search finds."""
    names = {article.pk: name for name, article in corpus.items()}

    def search_for(q):
        return {
            names[a.pk] for a in article_list(user=county_supervisor, filters=ArticleFilters(q=q))
        }

    return search_for


def test_chinese_two_character_word_is_found_inside_a_sentence(found):
    # 低保 stands in the middle of a sentence without spaces; the title does not contain it.
    assert found("低保") == {"dibao"}


def test_chinese_word_inside_a_longer_word_is_found(found):
    # 书记 is inside 第一书记; 收入 inside 家庭收入变化.
    assert found("书记") == {"visits"}
    assert found("收入") == {"visits"}


def test_a_query_of_several_words_needs_them_all(found):
    assert found("申请低保") == {"dibao"}
    assert found("低保 走访") == set()


def test_english_search_ignores_case(found):
    assert found("WATER") == {"water"}
    assert found("households income") == {"visits"}


def test_a_word_nowhere_finds_nothing(found):
    assert found("拖拉机") == set()
    assert found("tractor") == set()


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ('"', set()),
        ('低保"', {"dibao"}),
        ('"低保', {"dibao"}),
        ("'; DROP TABLE library_article; --", set()),
        ("water OR drinking", set()),
        ("water AND NOT twice", set()),
        ("drinking NEAR(water twice)", set()),
        ("wat*", set()),
        ("*", set()),
        ("terms:water", set()),
        ("^water", {"water"}),
        ("water & !twice | (x", set()),
        ("water & !twice", {"water"}),
        ("%", set()),
        ("\\", set()),
        ("\x00", set()),
        ("低保') OR 1=1 --", set()),
    ],
)
def test_hostile_input_is_searched_as_words(found, hostile, expected):
    """Operators, quotes and SQL are never syntax, only words to find (each article must have
    them all): an error would be a 500, and a word read as an operator would change what is
    found."""
    assert found(hostile) == expected
    assert found("water") == {"water"}


def test_operators_typed_are_words_to_find(found):
    # "OR" is a word the water article lacks: read as FTS5's OR it would find it.
    assert found("water OR tractor") == set()
    # "NOT" likewise: read as an operator this would find the water article.
    assert found("water NOT twice") == set()
    assert found("wat*") == set()


def test_fts5_query_quotes_every_word():
    assert search.fts5_match(["a", 'b"c']) == '"a" "b""c"'


def test_the_index_follows_an_edit(corpus, found):
    article = corpus["water"]
    article.body_en = "Check the wells."
    services.article_save(by=None, article=article)
    assert found("drinking") == {"water"}  # still in the title
    assert found("twice") == set()
    assert found("wells") == {"water"}


def test_runs_on_the_database_of_this_run():
    assert connection.vendor in {"sqlite", "postgresql"}
