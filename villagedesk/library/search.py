"""Full-text search over the articles' words, the same in meaning on SQLite and PostgreSQL.

The words (`segmenting.terms`, in `Article.terms`, separated by spaces) are indexed by an FTS5
table on SQLite, `library_article_fts`, whose rows the service writes with the article's, and on
PostgreSQL by a GIN index over `to_tsvector('simple', terms)`, which follows the column by itself
(both made by migration 0001). A query is cut into words the same way; an article matches when
it has every word. The words reach the database only as parameters: for FTS5 each is a quoted
string (a quote inside doubled), so that nothing typed is read as FTS5 syntax (AND, OR, NOT,
NEAR, *, ^, column filters); PostgreSQL's plainto_tsquery reads no operators at all.
"""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from villagedesk.library.segmenting import terms

FTS_TABLE = "library_article_fts"


def index_write(*, article_id: int, words: str) -> None:
    """Keep the article's row of the SQLite index in step with its words (PostgreSQL's index
    follows the column)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article_id])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, terms) VALUES (%s, %s)",  # noqa: S608
            [article_id, words],
        )


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in the order typed."""
    return list(dict.fromkeys(terms(text)))


def fts5_match(words: list[str]) -> str:
    """An FTS5 query asking for every word, each a quoted string."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def matching(articles: QuerySet, text: str) -> QuerySet:
    """The articles of the queryset that have every word of the text; none when the text has
    no word (only punctuation or operators)."""
    words = query_words(text)
    if not words:
        return articles.none()
    # The words travel as parameters; the statements' text is fixed.
    if connection.vendor == "sqlite":
        ids = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [fts5_match(words)],
        )
    else:
        ids = RawSQL(  # noqa: S611
            "SELECT id FROM library_article "
            "WHERE to_tsvector('simple', terms) @@ plainto_tsquery('simple', %s)",
            [" ".join(words)],
        )
    return articles.filter(pk__in=ids)
